//! The scheduler starts the scans a source's cron schedule made due, once per due time.

use std::time::Duration;

use pursight_actors::domain::{Source, SourceKind, now_ms};
use pursight_node::node::{Node, NodeOptions};
use pursight_node::state::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn due_scheduled_scans_start_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("share");
    std::fs::create_dir_all(&data).expect("share");
    std::fs::write(
        data.join("people.csv"),
        "id,email\n1,a@example.com\n2,b@example.com\n",
    )
    .expect("csv");
    let node = Node::start(NodeOptions::new(dir.path().join("node")))
        .await
        .expect("node");
    // Registered three minutes ago with an every-minute schedule: one scan is due now (the
    // missed ones collapse into it), none is started twice.
    let source = Source {
        id: "share".into(),
        kind: SourceKind::Files,
        uri: format!("file://{}", data.display()),
        site: None,
        residency: Default::default(),
        schedule: Some("* * * * *".into()),
        created_at_ms: now_ms() - 180_000,
        sample: None,
        sealed_password: None,
    };
    node.raft()
        .propose(Command::PutSource(source))
        .await
        .expect("source");
    let mut first = None;
    for _ in 0..100 {
        let jobs = node.scans().expect("scans");
        if let Some(j) = jobs.iter().find(|j| j.scheduled_at_ms.is_some()) {
            first = Some(j.clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let first = first.expect("a scheduled scan started");
    let due = first.scheduled_at_ms.expect("due");
    assert!(
        due > now_ms() - 61_000,
        "the latest due time, not a missed one"
    );
    let done = node.wait_scan(&first.id, |_| {}).await.expect("wait");
    assert_eq!(done.state.to_string(), "done", "{done:?}");
    // After another look at the schedules (every 5 s), the same due time has not started
    // again.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let scheduled: Vec<_> = node
        .scans()
        .expect("scans")
        .into_iter()
        .filter_map(|j| j.scheduled_at_ms)
        .collect();
    let mut distinct = scheduled.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), scheduled.len(), "{scheduled:?}");
    assert!(scheduled.len() <= 2, "{scheduled:?}");
    assert_eq!(
        node.raft().reader().schedule_last("share").expect("last"),
        scheduled.iter().max().copied()
    );
    node.shutdown().await;
}
