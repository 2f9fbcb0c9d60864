//! Classification through the real binary: the taxonomy endpoint, explanations on scanned
//! columns, and steward corrections that survive rescans and are audited.

use std::path::Path;

use pursight_chaos::NodeProcess;
use reqwest::Method;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_pursight");

/// A customer table with names and cities the model recognises, a card column the
/// patterns validate, and a `notes` column with nothing sensitive.
fn write_customers(dir: &Path, rows: usize) {
    let first = [
        "Anna", "Lukas", "Marie", "Jonas", "Sophie", "Felix", "Emma", "Paul",
    ];
    let last = [
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
    ];
    let city = [
        "Berlin",
        "Hamburg",
        "München",
        "Köln",
        "Frankfurt am Main",
        "Stuttgart",
        "Leipzig",
        "Dresden",
    ];
    let cards = [
        "4111111111111111",
        "5500005555555559",
        "340000000000009",
        "6011000000000004",
    ];
    let mut csv = String::from("vorname,nachname,wohnort,karte,notes\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "{},{},{},{},order shipped in {} days\n",
            first[i % first.len()],
            last[(i / 3) % last.len()],
            city[(i / 2) % city.len()],
            cards[i % cards.len()],
            1 + i % 9
        ));
    }
    std::fs::write(dir.join("kunden.csv"), csv).expect("write csv");
}

async fn scan(node: &NodeProcess, http: &reqwest::Client, force: bool) {
    node.scan_and_wait(http, "shop", force).await.expect("scan");
}

fn types_of(column: &Value) -> Vec<String> {
    column["classifications"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["type"].as_str().map(String::from))
        .collect()
}

async fn column(node: &NodeProcess, http: &reqwest::Client, table: &str, name: &str) -> Value {
    node.get_json(http, &format!("/api/v1/assets/{table}.{name}"))
        .await
        .expect("GET column")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrections_survive_rescans_and_are_audited() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("files");
    std::fs::create_dir_all(&data).expect("mkdir");
    write_customers(&data, 120);
    let mut node = NodeProcess::configure(Path::new(BIN), &dir.path().join("node"), 10_000)
        .expect("configure");
    node.start().await.expect("start");
    let http = reqwest::Client::new();

    // The taxonomy lists every type with its frameworks and sensitivity.
    let types: Value = node
        .get_json(&http, "/api/v1/classifications/types")
        .await
        .expect("types");
    let types = types.as_array().expect("array");
    assert!(types.len() >= 38);
    let card = types
        .iter()
        .find(|t| t["id"] == "CREDIT_CARD_NUMBER")
        .expect("card type");
    assert_eq!(card["sensitivity"], "critical");
    assert!(
        card["frameworks"]
            .as_array()
            .is_some_and(|f| f.contains(&json!("pci-cardholder")))
    );

    let r = node
        .request(&http, Method::POST, "/api/v1/sources")
        .json(&json!({"id": "shop", "uri": format!("file://{}", data.display())}))
        .send()
        .await
        .expect("add source");
    assert_eq!(r.status(), 201);
    scan(&node, &http, false).await;

    let assets: Value = node
        .get_json(&http, "/api/v1/assets?source=shop")
        .await
        .expect("assets");
    let table = assets[0]["id"].as_str().expect("table id").to_string();

    // Every tier shows up with an explanation.
    let card = column(&node, &http, &table, "karte").await;
    assert_eq!(
        types_of(&card).first().map(String::as_str),
        Some("CREDIT_CARD_NUMBER"),
        "{card}"
    );
    let why = &card["classifications"][0]["explanation"];
    assert!(
        why.as_array()
            .is_some_and(|w| w.iter().any(|e| e["tier"] == "pattern")),
        "{why}"
    );
    let city = column(&node, &http, &table, "wohnort").await;
    assert_eq!(
        types_of(&city).first().map(String::as_str),
        Some("CITY"),
        "{city}"
    );
    let tiers = &city["classifications"][0]["tiers"];
    assert!(
        tiers
            .as_array()
            .is_some_and(|t| t.contains(&json!("model"))),
        "{city}"
    );
    assert!(types_of(&column(&node, &http, &table, "notes").await).is_empty());

    // A steward rejects CITY, sets POSTAL_CODE... on `wohnort`, and confirms the card.
    let put = |col: &str, body: Value| {
        node.request(
            &http,
            Method::PUT,
            &format!("/api/v1/assets/{table}.{col}/classifications"),
        )
        .json(&body)
    };
    let r = put(
        "wohnort",
        json!({"by": "alice", "reason": "holds the delivery depot, not the customer's city",
               "corrections": [{"type": "CITY", "action": "reject"},
                               {"type": "STREET_ADDRESS", "action": "set"}]}),
    )
    .send()
    .await
    .expect("PUT");
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    assert_eq!(types_of(&v), vec!["STREET_ADDRESS".to_string()], "{v}");
    let r = put(
        "karte",
        json!({"by": "bob", "corrections": [{"type": "CREDIT_CARD_NUMBER", "action": "confirm"}]}),
    )
    .send()
    .await
    .expect("PUT");
    assert_eq!(r.status(), 200);

    // Bad corrections get a clear error and change nothing.
    for (col, body, status) in [
        ("karte", json!({"corrections": []}), 400),
        (
            "karte",
            json!({"corrections": [{"type": "NOT_A_TYPE", "action": "set"}]}),
            422,
        ),
        (
            "karte",
            json!({"corrections": [{"type": "CITY", "action": "maybe"}]}),
            422,
        ),
        (
            "karte",
            json!({"by": "", "corrections": [{"type": "CITY", "action": "set"}]}),
            400,
        ),
        (
            "nope",
            json!({"corrections": [{"type": "CITY", "action": "set"}]}),
            404,
        ),
    ] {
        let r = put(col, body.clone()).send().await.expect("PUT");
        assert_eq!(r.status(), status, "{body}");
        let e: Value = r.json().await.expect("error json");
        assert!(
            e["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{e}"
        );
    }

    // The data changes and everything is scanned again: the corrections still hold, while
    // the other columns are re-evaluated.
    write_customers(&data, 150);
    scan(&node, &http, true).await;
    let city = column(&node, &http, &table, "wohnort").await;
    assert_eq!(
        types_of(&city),
        vec!["STREET_ADDRESS".to_string()],
        "{city}"
    );
    let card = column(&node, &http, &table, "karte").await;
    assert_eq!(card["classifications"][0]["confidence"], 1.0, "{card}");
    assert!(
        card["classifications"][0]["tiers"]
            .as_array()
            .is_some_and(|t| t.contains(&json!("steward")))
    );
    let first = column(&node, &http, &table, "vorname").await;
    assert_eq!(first["profile"]["rows_sampled"], 150, "{first}");

    // Each correction is in the audit trail, in order, and survives a restart.
    node.terminate().expect("stop");
    node.start().await.expect("restart");
    let audit: Value = node.get_json(&http, "/api/v1/audit").await.expect("audit");
    let events: Vec<(String, String, String)> = audit
        .as_array()
        .expect("array")
        .iter()
        // Policy checks audit their findings too; these are the corrections.
        .filter(|e| {
            e["action"]
                .as_str()
                .is_some_and(|a| a.starts_with("classification."))
        })
        .map(|e| {
            (
                e["actor"].as_str().unwrap_or_default().to_string(),
                e["action"].as_str().unwrap_or_default().to_string(),
                e["detail"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(events.len(), 3, "{audit}");
    assert_eq!(events[0].0, "alice");
    assert_eq!(events[0].1, "classification.reject");
    assert!(events[0].2.starts_with("CITY: holds the delivery depot"));
    assert_eq!(events[2].1, "classification.confirm");
    // The trail's sequence has no gaps.
    let seqs: Vec<u64> = audit
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|e| e["seq"].as_u64())
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
}
