//! End to end through the real binary: a node process, the HTTP API, `kill -9` mid-write,
//! restart, and every acknowledged write still there. Plus the CLI on its own folder.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pursight_chaos::NodeProcess;
use reqwest::Method;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_pursight");

fn make_csv_source(dir: &Path) -> String {
    let d = dir.join("hr");
    std::fs::create_dir_all(&d).expect("mkdir");
    let mut csv = String::from("employee_id,work_email,ssn,salary\n");
    for i in 0..200 {
        csv.push_str(&format!(
            "{i},emp{i}@corp.example,{:03}-{:02}-{:04},{}\n",
            100 + i % 500,
            10 + i % 80,
            1000 + i,
            50_000 + i * 10
        ));
    }
    std::fs::write(d.join("staff.csv"), csv).expect("write");
    format!("file://{}", d.display())
}

/// Rare snapshots: only the log's own flushes protect acknowledged writes (a missing flush
/// before acknowledging an append fails this test).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9() {
    kill_9_rounds(100_000).await;
}

/// Frequent snapshots: kill -9 lands during snapshot builds and log purges too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9_during_snapshots() {
    kill_9_rounds(200).await;
}

async fn kill_9_rounds(snapshot_every: u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let uri = make_csv_source(dir.path());
    let mut node = NodeProcess::configure(Path::new(BIN), &dir.path().join("node"), snapshot_every)
        .expect("configure");
    node.start().await.expect("start");
    let http = reqwest::Client::new();

    // Add a source, scan it, read the assets over HTTP.
    let r = node
        .request(&http, Method::POST, "/api/v1/sources")
        .json(&json!({"id": "hr", "uri": uri}))
        .send()
        .await
        .expect("add");
    assert_eq!(r.status(), 201);
    let job: Value = node
        .request(&http, Method::POST, "/api/v1/scans")
        .json(&json!({"source": "hr"}))
        .send()
        .await
        .expect("scan")
        .json()
        .await
        .expect("json");
    let job_id = job["id"].as_str().expect("id").to_string();
    let mut state = String::new();
    for _ in 0..200 {
        let j: Value = node
            .get_json(&http, &format!("/api/v1/scans/{job_id}"))
            .await
            .expect("GET");
        state = j["state"].as_str().unwrap_or_default().to_string();
        if state == "done" || state == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state, "done");
    let assets: Value = node
        .get_json(&http, "/api/v1/assets?source=hr")
        .await
        .expect("GET");
    let types: Vec<String> = assets[0]["columns"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["classifications"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["type"].as_str().map(String::from))
        .collect();
    assert!(
        types.contains(&"EMAIL_ADDRESS".to_string())
            && types.contains(&"US_SOCIAL_SECURITY_NUMBER".to_string()),
        "{types:?}"
    );

    // Three rounds: writers hammer the node, kill -9 lands mid-write, the node restarts and
    // every write it acknowledged is there. Snapshots every 200 entries make purges happen too.
    let acked: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    for round in 0..6 {
        let mut writers = Vec::new();
        for w in 0..4 {
            let (url, token, acked, http) = (
                node.url.clone(),
                node.token.clone(),
                acked.clone(),
                http.clone(),
            );
            writers.push(tokio::spawn(async move {
                for i in 0.. {
                    let id = format!("r{round}-w{w}-{i}");
                    let resp = http
                        .post(format!("{url}/api/v1/sources"))
                        .bearer_auth(&token)
                        .json(&json!({"id": id, "uri": "file:///tmp"}))
                        .send()
                        .await;
                    match resp {
                        Ok(r) if r.status() == 201 => {
                            acked.lock().expect("lock").insert(id);
                        }
                        _ => break, // the node is gone
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(300 + 97 * round)).await;
        node.kill9().expect("kill -9");
        for w in writers {
            w.await.expect("writer");
        }
        node.start().await.expect("restart after kill -9");
        let sources: Value = node.get_json(&http, "/api/v1/sources").await.expect("GET");
        let present: BTreeSet<String> = sources
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["id"].as_str().map(String::from))
            .collect();
        let acked = acked.lock().expect("lock").clone();
        let lost: Vec<&String> = acked.difference(&present).collect();
        assert!(
            lost.is_empty(),
            "round {round}: {} acknowledged writes lost, e.g. {:?}",
            lost.len(),
            &lost[..lost.len().min(5)]
        );
        assert!(present.contains("hr"));
        eprintln!(
            "round {round}: {} writes acknowledged so far, all present after kill -9",
            acked.len()
        );
        assert!(
            acked.len() > 10 * (round as usize + 1),
            "too few writes to prove anything: {}",
            acked.len()
        );
    }
    // The scan and its assets are still there too.
    let a: Value = node
        .get_json(&http, "/api/v1/assets?source=hr")
        .await
        .expect("GET");
    assert_eq!(a.as_array().map(Vec::len), Some(1));
    let cluster: Value = node.get_json(&http, "/api/v1/cluster").await.expect("GET");
    assert!(
        snapshot_every > 1000 || cluster["raft"]["snapshot_index"].as_u64().is_some(),
        "snapshots were taken: {cluster}"
    );
    node.terminate().expect("stop");
}

fn pursight(data: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .expect("run pursight");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_scans_then_explores_the_same_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let uri = make_csv_source(dir.path());
    let data = dir.path().join("data");
    let (ok, out, err) = pursight(&data, &["scan", &uri, "--format", "json"]);
    assert!(ok, "{err}");
    let tables: Value = serde_json::from_str(&out).expect("scan prints JSON");
    let t = &tables[0];
    for k in ["id", "name", "kind"] {
        assert!(
            t[k].as_str().is_some_and(|s| !s.is_empty()),
            "table lacks {k}: {t}"
        );
    }
    for c in t["columns"].as_array().expect("columns") {
        assert!(c["name"].is_string() && c["data_type"].is_string(), "{c}");
        assert!(
            c["profile"]["rows_sampled"].is_number() && c["profile"]["null_ratio"].is_number(),
            "{c}"
        );
        for x in c["classifications"]
            .as_array()
            .expect("classifications list")
        {
            let conf = x["confidence"].as_f64().unwrap_or(-1.0);
            assert!((0.0..=1.0).contains(&conf));
            assert!(["high", "medium", "low"].contains(&x["level"].as_str().unwrap_or("")));
        }
    }
    // Exploring afterwards reads the same folder.
    let (ok, out, err) = pursight(
        &data,
        &[
            "catalog",
            "search",
            "--classification",
            "US_SOCIAL_SECURITY_NUMBER",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("hr.hr.files.staff"), "{out}");
    let (ok, out, _) = pursight(&data, &["source", "list", "--format", "json"]);
    assert!(ok && out.contains("\"hr\""), "{out}");
    let (ok, out, err) = pursight(
        &data,
        &[
            "catalog",
            "show",
            "hr.hr.files.staff.ssn",
            "--format",
            "json",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("***-**-"), "{out}");
}

#[test]
fn bad_input_gives_one_clear_line_and_no_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let bad_cfg = dir.path().join("bad.toml");
    std::fs::write(&bad_cfg, "version = 1\nnode_id = \"one\"\n").expect("write");
    let corrupt = dir.path().join("corrupt.db");
    std::fs::write(&corrupt, vec![0x42u8; 8192]).expect("write");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "node".into(),
                "--config".into(),
                "/no/such/file.toml".into(),
            ],
            "cannot read config",
        ),
        (
            vec![
                "node".into(),
                "--config".into(),
                bad_cfg.display().to_string(),
            ],
            "invalid config",
        ),
        (
            vec!["scan".into(), "sqlite:///no/such/file.db".into()],
            "no such file",
        ),
        (
            vec!["scan".into(), format!("sqlite://{}", corrupt.display())],
            "not a database",
        ),
        (
            vec!["scan".into(), "ftp://example.com/x".into()],
            "no connector for scheme",
        ),
        (vec!["scan".into(), "not-registered".into()], "not found"),
        (
            vec!["catalog".into(), "show".into(), "no.such.asset".into()],
            "not found",
        ),
        (
            vec![
                "catalog".into(),
                "search".into(),
                "--classification".into(),
                "BOGUS".into(),
            ],
            "unknown classification",
        ),
        (
            vec![
                "source".into(),
                "list".into(),
                "--endpoint".into(),
                "http://127.0.0.1:9".into(),
            ],
            "token",
        ),
        (
            vec![
                "source".into(),
                "list".into(),
                "--endpoint".into(),
                "http://127.0.0.1:9".into(),
                "--token".into(),
                "x".into(),
            ],
            "cannot reach",
        ),
    ];
    for (args, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (ok, _, err) = pursight(&data, &args);
        assert!(!ok, "{args:?} should fail");
        assert!(
            err.contains(needle),
            "{args:?}: expected `{needle}` in:\n{err}"
        );
        assert!(!err.contains("panicked"), "{args:?} panicked:\n{err}");
        assert_eq!(
            err.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{args:?}: {err}"
        );
    }
}
