//! Evaluating every built-in compliance pack over 100,000 assets, in full and
//! incrementally (the 1 % a scan changed): `cargo bench -p pursight-actors --bench policies`.
//! Prints a table; one thread.

use std::time::Instant;

use pursight_actors::compliance::{self, asset_input};
use pursight_actors::domain::{
    AssetKind, Classification, ClassificationType as T, Column, Level, Source, SourceKind,
    TableAsset, Tier,
};

const ASSETS: usize = 100_000;

fn column(name: &str, types: &[T]) -> Column {
    Column {
        name: name.into(),
        data_type: "varchar".into(),
        nullable: true,
        classifications: types
            .iter()
            .map(|t| Classification {
                type_id: *t,
                confidence: 0.95,
                level: Level::High,
                tiers: vec![Tier::Pattern],
                evidence: "x***".into(),
                explanation: vec![],
            })
            .collect(),
        profile: Default::default(),
        default: None,
        comment: None,
        deleted_at_ms: None,
    }
}

/// A realistic mix: most tables hold nothing or a little personal data, some hold cards,
/// health data or secrets.
fn table(i: usize) -> TableAsset {
    let mut columns = vec![column("id", &[]), column("created_at", &[])];
    match i % 10 {
        0 => columns.push(column("card_number", &[T::CreditCardNumber])),
        1 => {
            columns.push(column("diagnosis", &[T::HealthCondition]));
            columns.push(column("patient_name", &[T::PersonName]));
        }
        2 => columns.push(column("api_key", &[T::ApiKeyOrSecret])),
        3..=5 => {
            columns.push(column("email", &[T::EmailAddress]));
            columns.push(column("phone", &[T::PhoneNumber]));
        }
        _ => columns.push(column("status", &[])),
    }
    TableAsset {
        id: format!("src{}.db.public.t{i}", i % 50),
        name: format!("t{i}"),
        kind: AssetKind::Table,
        source: format!("src{}", i % 50),
        database: "db".into(),
        schema: "public".into(),
        row_count: Some((i as u64 % 1000) * 1000),
        columns,
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

fn main() {
    let sources: Vec<Source> = (0..50)
        .map(|i| Source {
            id: format!("src{i}"),
            kind: SourceKind::Postgres,
            uri: if i % 3 == 0 {
                format!("postgres://scanner@db{i}/app")
            } else {
                format!(
                    "postgres://scanner@db{i}/app?sslmode=require&password_env=PURSIGHT_SOURCE_PW"
                )
            },
            site: Some(if i % 4 == 0 { "us-east" } else { "eu-west" }.into()),
            residency: Default::default(),
            schedule: None,
            created_at_ms: 0,
            sample: None,
            sealed_password: None,
        })
        .collect();
    let tables: Vec<TableAsset> = (0..ASSETS).map(table).collect();
    let mut engine = compliance::builtin().expect("packs");
    let params = serde_json::json!({});
    let rules = engine.rules().len();

    let mut run = |tables: &[TableAsset]| {
        let start = Instant::now();
        let mut violations = 0usize;
        for t in tables {
            let s = &sources[t.source[3..].parse::<usize>().unwrap_or(0)];
            let input = asset_input(t, s, &params, 86_400_000 * 400);
            violations += engine.evaluate(&input).expect("evaluates").len();
        }
        (start.elapsed().as_secs_f64(), violations)
    };
    println!("Compliance packs: {rules} rules, one thread");
    println!(
        "{:<14} {:>10} {:>12} {:>14} {:>12}",
        "run", "assets", "seconds", "assets/s", "violations"
    );
    let (secs, v) = run(&tables);
    println!(
        "{:<14} {:>10} {:>12.2} {:>14.0} {:>12}",
        "full",
        ASSETS,
        secs,
        ASSETS as f64 / secs,
        v
    );
    let changed: Vec<TableAsset> = tables.iter().step_by(100).cloned().collect();
    let (secs, v) = run(&changed);
    println!(
        "{:<14} {:>10} {:>12.3} {:>14.0} {:>12}",
        "incremental",
        changed.len(),
        secs,
        changed.len() as f64 / secs,
        v
    );
}
