//! Throughput of one node: commands committed per second through Raft on sled (each one
//! flushed to disk before it is acknowledged), and sampled values classified per second.
//!
//! Run: `cargo bench -p pursight-node --bench throughput` (prints a table).

use std::sync::Arc;
use std::time::Instant;

use pursight_actors::classifier::{ColumnValues, classify_columns};
use pursight_actors::classify::Classifier;
use pursight_actors::domain::{Source, SourceKind};
use pursight_node::raft::{Network, RaftNode, RaftSettings};
use pursight_node::state::Command;

fn source(i: usize) -> Command {
    Command::PutSource(Source {
        id: format!("bench-{i}"),
        kind: SourceKind::Sqlite,
        uri: format!("sqlite:///data/db-{i}.db"),
        site: Some("dc1".into()),
        residency: Default::default(),
        schedule: None,
        created_at_ms: 0,
        sample: None,
        sealed_password: None,
    })
}

async fn commits(in_flight: usize, total: usize) -> f64 {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sled::open(dir.path()).expect("sled");
    let node = RaftNode::start(
        &db,
        1,
        "127.0.0.1:0",
        &RaftSettings::default(),
        Network::Standalone,
    )
    .await
    .expect("raft");
    let node = Arc::new(node);
    let started = Instant::now();
    let per_task = total / in_flight;
    let tasks: Vec<_> = (0..in_flight)
        .map(|t| {
            let node = node.clone();
            tokio::spawn(async move {
                for i in 0..per_task {
                    node.propose(source(t * per_task + i))
                        .await
                        .expect("commit");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    let rate = (per_task * in_flight) as f64 / started.elapsed().as_secs_f64();
    node.shutdown().await;
    rate
}

fn columns(n: usize) -> Vec<(&'static str, ColumnValues)> {
    let make = |name: &str, f: &dyn Fn(usize) -> String| ColumnValues {
        name: name.into(),
        data_type: "text".into(),
        values: (0..n).map(|i| Some(f(i))).collect(),
    };
    vec![
        (
            "email",
            make("email", &|i| format!("user{i}.name@example.com")),
        ),
        (
            "phone",
            make("phone", &|i| {
                format!("+1 555-{:03}-{:04}", i % 1000, i % 10_000)
            }),
        ),
        (
            "card (Luhn)",
            make("card", &|_| "4111 1111 1111 1111".to_string()),
        ),
        (
            "iban (mod 97)",
            make("iban", &|_| "GB82 WEST 1234 5698 7654 32".to_string()),
        ),
        (
            "free text",
            make("notes", &|i| {
                format!("customer called about order {i}, wants a refund")
            }),
        ),
        ("integer id", make("id", &|i| i.to_string())),
        (
            "timestamp",
            make("ts", &|i| {
                format!("2024-03-{:02} 10:{:02}:00", i % 28 + 1, i % 60)
            }),
        ),
    ]
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("Raft commits on one node (sled, flushed before ack)");
    println!(
        "{:<14} {:>10} {:>16}",
        "in flight", "commands", "commands/s"
    );
    for in_flight in [1, 16, 64] {
        let total = if in_flight == 1 { 500 } else { 4000 };
        let rate = rt.block_on(commits(in_flight, total));
        println!("{in_flight:<14} {total:>10} {rate:>16.0}");
    }

    println!("\nClassification (three tiers), one thread");
    println!("{:<16} {:>10} {:>16}", "column", "values", "values/s");
    let classifier = Classifier::new().expect("classifier loads");
    let n = 100_000;
    let mut total_values = 0usize;
    let mut total_secs = 0.0;
    for (label, col) in columns(n) {
        let cols = [col];
        let started = Instant::now();
        let found = classify_columns(&classifier, "bench", &cols);
        let secs = started.elapsed().as_secs_f64();
        std::hint::black_box(found);
        total_values += n;
        total_secs += secs;
        println!("{label:<16} {n:>10} {:>16.0}", n as f64 / secs);
    }
    println!(
        "{:<16} {total_values:>10} {:>16.0}",
        "all",
        total_values as f64 / total_secs
    );
}
