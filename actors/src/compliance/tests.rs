use std::path::{Path, PathBuf};

use super::*;
use crate::domain::{
    AssetKind, Classification, ClassificationType, Column, Level, Source, SourceKind, TableAsset,
    Tier,
};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/policies/testdata")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read testdata").flatten() {
        let p = entry.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

#[test]
fn builtin_packs_load_with_their_metadata() {
    let engine = builtin().expect("built-in packs compile");
    let rules = engine.rules();
    assert!(rules.len() >= 12, "{} rules", rules.len());
    for fw in ["gdpr", "hipaa", "pci-dss", "soc2"] {
        assert!(
            rules.iter().filter(|r| r.meta.framework == fw).count() >= 2,
            "{fw} has fewer than 2 rules"
        );
    }
    for r in rules {
        assert!(
            !r.meta.control.is_empty() && !r.meta.remediation.is_empty(),
            "{r:?}"
        );
    }
}

/// Every rule's planted violation is found by that rule, and its clean twin passes.
#[test]
fn planted_violations_are_found_by_the_right_rule() {
    let mut engine = builtin().expect("built-in packs compile");
    let mut all = Vec::new();
    files(&testdata(), &mut all);
    assert!(all.len() >= 24, "{} testdata files", all.len());
    let packages: Vec<(String, String)> = engine
        .rules()
        .iter()
        .map(|r| (r.package.clone(), r.meta.id.clone()))
        .collect();
    for f in all {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        // `<rule>.violate[.N].json` or `<rule>.pass[.N].json`; whole-pack files are skipped.
        let mut parts = name.split('.');
        let (Some(rule), Some(kind)) = (parts.next(), parts.next()) else {
            continue;
        };
        let expect = match kind {
            "violate" => true,
            "pass" => false,
            _ => continue,
        };
        let fw = f
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .replace('-', "_");
        let package = format!("pursight.rules.{fw}.{rule}");
        let id = &packages
            .iter()
            .find(|(p, _)| *p == package)
            .unwrap_or_else(|| panic!("{} has no rule {package}", f.display()))
            .1;
        let input: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&f).expect("read")).expect("json");
        let found = engine.evaluate(&input).expect("evaluates");
        let hits = found.iter().filter(|v| &v.rule_id == id).count();
        if expect {
            assert!(hits > 0, "{}: {id} found nothing", f.display());
        } else {
            assert_eq!(hits, 0, "{}: {id} fired: {found:?}", f.display());
        }
    }
}

#[test]
fn a_malformed_policy_is_refused_with_its_line() {
    let bad = (
        "custom/broken.rego".to_string(),
        "package pursight.rules.custom.broken\nimport rego.v1\n\nviolations contains v if {\n    v := {\"column\": null,\n}\n"
            .to_string(),
    );
    match PolicyEngine::load(&[bad]) {
        Err(PolicyError::Compile { path, message }) => {
            assert_eq!(path, "custom/broken.rego");
            assert!(message.contains("broken.rego:"), "{message}");
        }
        other => panic!("expected a compile error, got {other:?}"),
    }
    let no_meta = (
        "custom/nometa.rego".to_string(),
        "package pursight.rules.custom.nometa\nimport rego.v1\nviolations := set()\n".to_string(),
    );
    assert!(matches!(
        PolicyEngine::load(&[no_meta]),
        Err(PolicyError::Invalid { .. })
    ));
    let outside = (
        "custom/x.rego".to_string(),
        "package somewhere.else\nimport rego.v1\nx := 1\n".to_string(),
    );
    assert!(matches!(
        PolicyEngine::load(&[outside]),
        Err(PolicyError::Invalid { .. })
    ));
}

fn card_table(protected: bool) -> TableAsset {
    let classifications = if protected {
        vec![]
    } else {
        vec![Classification {
            type_id: ClassificationType::CreditCardNumber,
            confidence: 0.99,
            level: Level::High,
            tiers: vec![Tier::Pattern],
            evidence: "4111********1111".into(),
            explanation: vec![],
        }]
    };
    TableAsset {
        id: "shop.shop.public.payments".into(),
        name: "payments".into(),
        kind: AssetKind::Table,
        source: "shop".into(),
        database: "shop".into(),
        schema: "public".into(),
        row_count: Some(10),
        columns: vec![Column {
            name: "card_number".into(),
            data_type: "varchar".into(),
            nullable: true,
            classifications,
            profile: Default::default(),
            default: None,
            comment: None,
            deleted_at_ms: None,
        }],
        scan_id: "s".into(),
        scanned_at_ms: 1,
        comment: None,
        definition: None,
        primary_key: vec![],
        foreign_keys: vec![],
        fingerprint: None,
        deleted_at_ms: None,
    }
}

/// The input built from the catalog drives the packs: readable card numbers on a source
/// without TLS break PCI-DSS; a table with nothing sensitive breaks nothing.
#[test]
fn catalog_assets_are_checked_through_their_input_document() {
    let mut engine = builtin().expect("packs");
    let source = Source {
        id: "shop".into(),
        kind: SourceKind::Postgres,
        uri: "postgres://scanner@db/shop".into(),
        site: Some("eu-west".into()),
        residency: Default::default(),
        schedule: None,
        created_at_ms: 0,
        sample: None,
        sealed_password: None,
    };
    let params = serde_json::json!({});
    let found = engine
        .evaluate(&asset_input(&card_table(false), &source, &params, 1))
        .expect("evaluates");
    assert!(
        found
            .iter()
            .any(|v| v.framework == "pci-dss" && v.column.as_deref() == Some("card_number")),
        "{found:?}"
    );
    assert!(found.iter().all(|v| !v.message.contains("4111")));
    let clean = engine
        .evaluate(&asset_input(&card_table(true), &source, &params, 1))
        .expect("evaluates");
    assert!(clean.is_empty(), "{clean:?}");
}

/// A clean estate breaks nothing, and an input full of nulls and odd types still
/// evaluates under every rule (no rule errors out on missing facts).
#[test]
fn clean_and_sparse_inputs_evaluate() {
    let mut engine = builtin().expect("packs");
    for (file, want_empty) in [("clean.json", true), ("sparse.json", false)] {
        let text = std::fs::read_to_string(testdata().join(file)).expect("read");
        let input: serde_json::Value = serde_json::from_str(&text).expect("json");
        let found = engine.evaluate(&input).expect("evaluates");
        if want_empty {
            assert!(found.is_empty(), "{file}: {found:?}");
        }
    }
}

/// A rule that never ends is stopped by the time budget and reported; the others run.
#[test]
fn a_runaway_rule_is_stopped() {
    let slow = (
        "custom/slow.rego".to_string(),
        r#"package pursight.rules.custom.slow
import rego.v1

metadata := {"id": "SLOW", "title": "t", "framework": "custom", "control": "c",
             "severity": "low", "remediation": "r"}

violations contains v if {
  some a in numbers.range(1, 100000)
  some b in numbers.range(1, 100000)
  a == b + 1000000
  v := {"column": null, "message": "never"}
}
"#
        .to_string(),
    );
    let mut engine = PolicyEngine::load(&[slow]).expect("compiles");
    let started = std::time::Instant::now();
    let r = engine
        .evaluate(&serde_json::json!({"asset": {}, "source": {}, "params": {}}))
        .expect("the other rules still run");
    assert!(r.is_empty());
    assert_eq!(engine.failures().len(), 1);
    assert_eq!(engine.failures()[0].0, "SLOW");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}
