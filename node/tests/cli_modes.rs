//! One CLI backend: the same commands, run on an embedded node (`--data`) and against a
//! running node (`--endpoint`), print the same JSON, once what differs by nature (scan ids,
//! times, folder paths) is set aside.

use std::path::Path;

use pursight_chaos::{NodeProcess, run_cli};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_pursight");

/// A small folder source with personal data, the same in both runs.
fn make_source(dir: &Path) -> String {
    let d = dir.join("crm");
    std::fs::create_dir_all(&d).expect("mkdir");
    let mut csv = String::from("customer_id,email,full_name,city,balance\n");
    for i in 0..120 {
        csv.push_str(&format!(
            "{i},user{i}@shop.example,{} {},{},{}.50\n",
            ["Alice", "Bruno", "Chen", "Dana"][i % 4],
            ["Martin", "Rossi", "Wang", "Cohen"][i % 4],
            ["Paris", "Lyon", "Nice"][i % 3],
            100 + i
        ));
    }
    std::fs::write(d.join("customers.csv"), csv).expect("write");
    format!("file://{}", d.display())
}

/// Runs `pursight` with `mode` (`--data DIR` or `--endpoint URL --token T`) and `args`.
fn run(mode: &[String], args: &[&str]) -> Value {
    let args: Vec<&str> = mode
        .iter()
        .map(String::as_str)
        .chain(["--format", "json"])
        .chain(args.iter().copied())
        .collect();
    let out = run_cli(Path::new(BIN), &args).expect("pursight");
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("pursight {args:?} printed no JSON ({e}): {out}"))
}

/// Sets aside what differs by nature between two runs: times, scan and event ids, the
/// temporary folders the sources live in, and a placement's reason (it quotes the load
/// from the node's last heartbeat, which a node started a moment ago may not have sent).
fn normalize(v: &mut Value, root: &str) {
    match v {
        Value::Object(map) => {
            let placement = map.contains_key("in_site");
            for (k, x) in map.iter_mut() {
                let volatile = k.ends_with("_ms")
                    || k.ends_with("_at")
                    || matches!(k.as_str(), "scan_id" | "id" | "job" | "seq" | "generated");
                let changes = x.is_number() || x.as_str().is_some_and(|s| s.starts_with("scan-"));
                if (placement && k == "reason") || (volatile && changes) {
                    *x = Value::Null;
                } else {
                    normalize(x, root);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|x| normalize(x, root)),
        Value::String(s) if s.contains(root) => *s = s.replace(root, "<root>"),
        Value::String(s) if s.starts_with("scan-") => *s = "<scan>".into(),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_answer_alike_embedded_and_remote() {
    let embedded_dir = tempfile::tempdir().expect("tempdir");
    let remote_dir = tempfile::tempdir().expect("tempdir");
    let embedded_src = make_source(embedded_dir.path());
    let remote_src = make_source(remote_dir.path());

    let mut node = NodeProcess::configure(Path::new(BIN), &remote_dir.path().join("node"), 1_000)
        .expect("configure");
    node.start().await.expect("start");
    let embedded = vec![
        "--data".to_string(),
        embedded_dir.path().join("data").display().to_string(),
    ];
    let remote = vec![
        "--endpoint".to_string(),
        node.url.clone(),
        "--token".to_string(),
        node.token.clone(),
    ];

    let both = |cmd: &[&str]| -> Value {
        let with = |src: &str| -> Vec<String> {
            cmd.iter()
                .map(|a| {
                    if *a == "SRC" {
                        src.to_string()
                    } else {
                        a.to_string()
                    }
                })
                .collect()
        };
        let (e_args, r_args) = (with(&embedded_src), with(&remote_src));
        let e_args: Vec<&str> = e_args.iter().map(String::as_str).collect();
        let r_args: Vec<&str> = r_args.iter().map(String::as_str).collect();
        let mut e = run(&embedded, &e_args);
        let mut r = run(&remote, &r_args);
        normalize(&mut e, &embedded_dir.path().display().to_string());
        normalize(&mut r, &remote_dir.path().display().to_string());
        assert_eq!(
            e,
            r,
            "`pursight {}` differs between the two modes",
            cmd.join(" ")
        );
        e
    };

    both(&["source", "add", "crm", "SRC"]);
    both(&["source", "list"]);
    let tables = both(&["scan", "crm"]);
    let table = tables
        .as_array()
        .and_then(|t| t.first())
        .and_then(|t| t["id"].as_str())
        .expect("the scan found the table")
        .to_string();
    let column = format!("{table}.email");
    both(&["catalog", "search", ""]);
    both(&["catalog", "search", "", "--classification", "EMAIL_ADDRESS"]);
    let shown = both(&["catalog", "show", &column]);
    assert!(shown.to_string().contains("EMAIL_ADDRESS"), "{shown}");
    both(&[
        "catalog",
        "correct",
        &column,
        "--confirm",
        "EMAIL_ADDRESS",
        "--reason",
        "checked",
    ]);
    both(&["findings"]);
    both(&["findings", "--framework", "gdpr"]);
    both(&["report"]);
    both(&["scans", "list"]);
}
