//! Compliance checks through the real binary: planted violations open findings of the
//! right rule, clean data opens none, a steward acknowledges one (audited), and fixing the
//! data resolves it on the next scan. Also `pursight findings` right after `pursight scan`
//! on an embedded data folder.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use pursight_chaos::NodeProcess;
use reqwest::Method;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_pursight");
const READABLE_PAN: &str = "PCI-DSS-3.5.1-READABLE-PAN";

/// `payments.csv` with readable card numbers (or without the card column once fixed), and
/// `orders.csv` with nothing sensitive.
fn write_data(dir: &Path, with_cards: bool) {
    let cards = ["4111111111111111", "5500005555555559", "340000000000009"];
    let mut csv = String::from(if with_cards {
        "payment_id,amount,card_number\n"
    } else {
        "payment_id,amount\n"
    });
    for i in 0..60 {
        if with_cards {
            csv.push_str(&format!("{i},{}.50,{}\n", 10 + i, cards[i % cards.len()]));
        } else {
            csv.push_str(&format!("{i},{}.50\n", 10 + i));
        }
    }
    std::fs::write(dir.join("payments.csv"), csv).expect("write payments");
    let mut orders = String::from("order_id,status,total\n");
    for i in 0..60 {
        orders.push_str(&format!("{},shipped,{}.99\n", 1000 + i, i));
    }
    std::fs::write(dir.join("orders.csv"), orders).expect("write orders");
}

async fn scan(node: &NodeProcess, http: &reqwest::Client) {
    node.scan_and_wait(http, "shop", true).await.expect("scan");
}

/// A node with the `shop` folder registered and scanned once.
struct Shop {
    /// Kept alive: the data and the node's folder live in it.
    dir: tempfile::TempDir,
    data: std::path::PathBuf,
    node: NodeProcess,
    http: reqwest::Client,
}

impl Shop {
    async fn scanned() -> Shop {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("shop");
        std::fs::create_dir_all(&data).expect("mkdir");
        write_data(&data, true);
        let mut node = NodeProcess::configure(Path::new(BIN), &dir.path().join("node"), 10_000)
            .expect("configure");
        node.start().await.expect("start");
        let http = reqwest::Client::new();
        node.add_source(&http, "shop", &format!("file://{}", data.display()))
            .await
            .expect("add source");
        scan(&node, &http).await;
        Shop {
            dir,
            data,
            node,
            http,
        }
    }
}

fn by_rule<'a>(findings: &'a Value, rule: &str) -> Vec<&'a Value> {
    findings
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_violations_open_findings_that_fixing_the_data_resolves() {
    let Shop {
        dir: _dir,
        data,
        node,
        http,
    } = Shop::scanned().await;

    let findings: Value = node
        .get_json(&http, "/api/v1/findings")
        .await
        .expect("findings");
    let pan = by_rule(&findings, READABLE_PAN);
    assert_eq!(pan.len(), 1, "{findings}");
    assert_eq!(pan[0]["column"], "card_number");
    assert_eq!(pan[0]["state"], "open");
    assert_eq!(pan[0]["framework"], "pci-dss");
    assert!(
        !findings.to_string().contains("4111"),
        "no raw value in findings"
    );
    // The table with nothing sensitive breaks nothing.
    assert!(
        findings
            .as_array()
            .into_iter()
            .flatten()
            .all(|f| !f["asset_id"]
                .as_str()
                .unwrap_or_default()
                .ends_with(".orders")),
        "{findings}"
    );
    let pci: Value = node
        .get_json(&http, "/api/v1/findings?framework=pci-dss")
        .await
        .expect("filtered");
    assert!(
        pci.as_array()
            .is_some_and(|a| a.iter().all(|f| f["framework"] == "pci-dss"))
    );

    // The report shows the control failing, with risk and a self-contained HTML form.
    let report: Value = node
        .get_json(&http, "/api/v1/reports/compliance?framework=pci-dss")
        .await
        .expect("report");
    let control = report["controls"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["rule_id"] == READABLE_PAN))
        .expect("control listed")
        .clone();
    assert_eq!(control["status"], "fail", "{report}");
    assert!(
        report["estate_risk"]
            .as_f64()
            .is_some_and(|r| r > 0.0 && r <= 100.0)
    );
    assert!(
        report["controls"]
            .as_array()
            .is_some_and(|c| c.iter().all(|c| c["framework"] == "pci-dss"))
    );
    let html = node
        .request(&http, Method::GET, "/api/v1/reports/compliance?format=html")
        .send()
        .await
        .expect("html")
        .text()
        .await
        .expect("text");
    assert!(
        html.starts_with("<!doctype html>") && html.contains("<svg") && !html.contains("<script")
    );
    // Evidence is masked: no card number appears whole.
    assert!(html.contains("CREDIT_CARD_NUMBER high") && html.contains("********"));
    for raw in ["4111111111111111", "5500005555555559", "340000000000009"] {
        assert!(!html.contains(raw));
    }

    // Acknowledge it; accepting a risk without a reason is refused.
    let id = pan[0]["id"].as_str().expect("id").to_string();
    let path = format!(
        "/api/v1/findings/{}",
        percent_encoding::utf8_percent_encode(&id, percent_encoding::NON_ALPHANUMERIC)
    );
    let r = node
        .request(&http, Method::PUT, &path)
        .json(&json!({"action": "accept_risk", "days": 30}))
        .send()
        .await
        .expect("PUT");
    assert_eq!(r.status(), 400);
    let r = node
        .request(&http, Method::PUT, &path)
        .json(&json!({"action": "acknowledge", "by": "dora"}))
        .send()
        .await
        .expect("PUT");
    assert_eq!(r.status(), 200);
    let f: Value = r.json().await.expect("json");
    assert_eq!(f["state"], "acknowledged");
    assert_eq!(f["by"], "dora");

    // A rescan of unchanged data keeps the acknowledgement.
    scan(&node, &http).await;
    let findings: Value = node
        .get_json(&http, "/api/v1/findings")
        .await
        .expect("findings");
    assert_eq!(by_rule(&findings, READABLE_PAN)[0]["state"], "acknowledged");

    // The card column goes away: the finding resolves by itself.
    write_data(&data, false);
    scan(&node, &http).await;
    let findings: Value = node
        .get_json(&http, "/api/v1/findings")
        .await
        .expect("findings");
    let pan = by_rule(&findings, READABLE_PAN);
    assert_eq!(pan[0]["state"], "resolved", "{findings}");
    assert!(pan[0]["resolved_at_ms"].is_u64());
    let report: Value = node
        .get_json(&http, "/api/v1/reports/compliance?framework=pci-dss")
        .await
        .expect("report");
    assert!(
        report["controls"].as_array().is_some_and(|c| c
            .iter()
            .any(|c| c["rule_id"] == READABLE_PAN && c["status"] == "pass")),
        "{report}"
    );

    // Every transition is in the audit trail.
    let audit: Value = node.get_json(&http, "/api/v1/audit").await.expect("audit");
    let actions: Vec<(String, String)> = audit
        .as_array()
        .expect("array")
        .iter()
        .filter(|e| e["target"] == id.as_str())
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_string(),
                e["actor"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        vec![
            ("finding.open".to_string(), "policy-checker".to_string()),
            ("finding.acknowledge".to_string(), "dora".to_string()),
            ("finding.resolved".to_string(), "policy-checker".to_string()),
        ]
    );
}

/// `pursight findings` works on the embedded data folder right after `pursight scan`.
#[test]
fn findings_right_after_an_embedded_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("shop");
    std::fs::create_dir_all(&data).expect("mkdir");
    write_data(&data, true);
    let folder = dir.path().join("pd");
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .arg("--data")
            .arg(&folder)
            .args(args)
            .output()
            .expect("run pursight");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    run(&["scan", &format!("file://{}", data.display())]);
    let json: Value =
        serde_json::from_str(&run(&["findings", "--format", "json"])).expect("findings json");
    assert_eq!(by_rule(&json, READABLE_PAN).len(), 1, "{json}");
    let table = run(&["findings", "--framework", "pci-dss"]);
    assert!(table.contains("PCI-DSS 3.5.1"), "{table}");
    let html = dir.path().join("report.html");
    run(&[
        "report",
        "--format",
        "html",
        "--out",
        html.to_str().expect("utf-8 path"),
    ]);
    let text = std::fs::read_to_string(&html).expect("report written");
    assert!(text.contains("PCI-DSS 3.5.1") && text.contains("<svg"));
    let md = run(&["report", "--framework", "gdpr"]);
    assert!(md.starts_with("# PurSight compliance report: gdpr"), "{md}");
}

/// A steward's correction is a catalog change: the table's findings follow at once,
/// without a rescan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrections_re_evaluate_the_asset() {
    let Shop {
        dir: _dir,
        data: _,
        node,
        http,
    } = Shop::scanned().await;
    let findings: Value = node
        .get_json(&http, "/api/v1/findings")
        .await
        .expect("findings");
    let pan = by_rule(&findings, READABLE_PAN);
    assert_eq!(pan[0]["state"], "open");
    let column = format!(
        "{}.card_number",
        pan[0]["asset_id"].as_str().expect("asset")
    );

    let correct = |action: &str| {
        node.request(
            &http,
            Method::PUT,
            &format!("/api/v1/assets/{column}/classifications"),
        )
        .json(&json!({"by": "erin", "corrections": [{"type": "CREDIT_CARD_NUMBER", "action": action}]}))
    };
    let r = correct("reject").send().await.expect("PUT");
    assert_eq!(r.status(), 200);
    let findings: Value = node
        .get_json(&http, "/api/v1/findings")
        .await
        .expect("findings");
    assert_eq!(
        by_rule(&findings, READABLE_PAN)[0]["state"],
        "resolved",
        "{findings}"
    );

    let r = correct("reset").send().await.expect("PUT");
    assert_eq!(r.status(), 200);
    let findings: Value = node
        .get_json(&http, "/api/v1/findings")
        .await
        .expect("findings");
    assert_eq!(
        by_rule(&findings, READABLE_PAN)[0]["state"],
        "open",
        "{findings}"
    );
}

async fn findings_until(
    node: &NodeProcess,
    http: &reqwest::Client,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..200 {
        let f: Value = node
            .get_json(http, "/api/v1/findings")
            .await
            .expect("findings");
        if done(&f) {
            return f;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("findings never showed {what}");
}

/// Custom policies: a malformed one is refused with its line and changes nothing; a valid
/// one is versioned and runs over the whole catalog at once; disabling a framework
/// resolves its findings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_policies_are_validated_versioned_and_run() {
    let Shop {
        dir: _dir,
        data: _,
        node,
        http,
    } = Shop::scanned().await;
    let before: Value = node
        .get_json(&http, "/api/v1/findings")
        .await
        .expect("findings");

    let broken = "package pursight.rules.custom.broken\nimport rego.v1\n\nviolations contains v if {\n  v := {\"column\": null,\n}\n";
    let r = node
        .request(&http, Method::POST, "/api/v1/policies")
        .json(&json!({"name": "broken", "text": broken}))
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.expect("json");
    let msg = e["error"]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("custom/broken.rego:"), "{msg}");
    let policies: Value = node
        .get_json(&http, "/api/v1/policies")
        .await
        .expect("policies");
    assert_eq!(policies["custom"], json!([]));
    assert!(policies["rules"].as_array().is_some_and(|r| r.len() >= 19));
    let after: Value = node
        .get_json(&http, "/api/v1/findings")
        .await
        .expect("findings");
    assert_eq!(before, after, "a refused policy changes nothing");

    let rule = r#"package pursight.rules.custom.payments_hold_cards
import rego.v1

metadata := {
  "id": "CUSTOM-PAYMENTS-CARDS",
  "title": "Card numbers kept in a payments table",
  "framework": "internal",
  "control": "Data handling standard 4.2",
  "severity": "high",
  "remediation": "Move card numbers to the vault and keep only tokens here."
}

violations contains v if {
  contains(input.asset.name, "payments")
  some c in input.asset.columns
  some x in c.classifications
  x.type == "CREDIT_CARD_NUMBER"
  v := {"column": c.name, "message": sprintf("%s holds card numbers", [c.name])}
}
"#;
    for version in [1, 2] {
        let r = node
            .request(&http, Method::POST, "/api/v1/policies")
            .json(&json!({"name": "payments_hold_cards", "text": rule, "by": "frank"}))
            .send()
            .await
            .expect("POST");
        assert_eq!(r.status(), 201);
        let p: Value = r.json().await.expect("json");
        assert_eq!(p["version"], version);
    }
    findings_until(&node, &http, "the custom rule", |f| {
        !by_rule(f, "CUSTOM-PAYMENTS-CARDS").is_empty()
    })
    .await;

    let r = node
        .request(&http, Method::PUT, "/api/v1/policies/settings")
        .json(&json!({"disabled_frameworks": ["pci-dss"], "by": "frank"}))
        .send()
        .await
        .expect("PUT");
    assert_eq!(r.status(), 204);
    let f = findings_until(&node, &http, "PCI findings resolved", |f| {
        by_rule(f, READABLE_PAN)
            .first()
            .is_some_and(|p| p["state"] == "resolved")
    })
    .await;
    assert_eq!(by_rule(&f, "CUSTOM-PAYMENTS-CARDS")[0]["state"], "open");
    let audit: Value = node.get_json(&http, "/api/v1/audit").await.expect("audit");
    let puts = audit
        .as_array()
        .expect("array")
        .iter()
        .filter(|e| e["action"] == "policy.put" && e["actor"] == "frank")
        .count();
    assert_eq!(puts, 2);
}
