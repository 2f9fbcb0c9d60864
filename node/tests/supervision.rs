//! A panic inside a scan restarts the scanner and fails that job with the reason; the node
//! stays up and the next scan runs on the restarted scanner.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::future::BoxFuture;
use pursight_actors::connectors::{
    Connector, ConnectorError, ConnectorFactory, TableRef, TableScan,
};
use pursight_actors::domain::{AssetKind, ScanState};
use pursight_actors::supervisor::SupervisorMsg;
use pursight_node::node::{Node, NodeOptions};
use ractor::call;

/// A connector whose table read panics, standing in for a bug in a driver.
struct PanickingFactory {
    connects: Arc<AtomicUsize>,
}

struct Panicking;

impl ConnectorFactory for PanickingFactory {
    fn connect<'a>(
        &'a self,
        _id: &'a str,
        _uri: &'a url::Url,
    ) -> BoxFuture<'a, Result<Box<dyn Connector>, ConnectorError>> {
        self.connects.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(Box::new(Panicking) as Box<dyn Connector>) })
    }
}

impl Connector for Panicking {
    fn list_tables(&mut self) -> BoxFuture<'_, Result<Vec<TableRef>, ConnectorError>> {
        Box::pin(async {
            Ok(vec![TableRef::new(
                "db",
                "main",
                "t",
                AssetKind::Table,
                "t",
            )])
        })
    }

    fn scan_table<'a>(
        &'a mut self,
        _t: &'a TableRef,
        _n: pursight_actors::domain::SampleSize,
    ) -> BoxFuture<'a, Result<TableScan, ConnectorError>> {
        Box::pin(async { panic!("driver bug: index out of bounds") })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_scan_fails_its_job_and_the_scanner_restarts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("csv");
    std::fs::create_dir_all(&csv).expect("mkdir");
    std::fs::write(csv.join("a.csv"), "email\nx@example.com\ny@example.com\n").expect("write");

    let connects = Arc::new(AtomicUsize::new(0));
    let mut opts = NodeOptions::new(dir.path().join("data"));
    // `sqlite://` sources go to the panicking connector in this test; `file://` stays real.
    opts.registry.register(
        "sqlite",
        Arc::new(PanickingFactory {
            connects: connects.clone(),
        }),
    );
    let node = Node::start(opts).await.expect("node");

    node.add_source("buggy", "sqlite:///whatever.db", None, None)
        .await
        .expect("add");
    node.add_source("good", &format!("file://{}", csv.display()), None, None)
        .await
        .expect("add");
    // Two jobs queued back to back: the second sits in the scanner's mailbox when the
    // first one crashes it, and must still run.
    let bad = node.start_scan("buggy", false).await.expect("scan");
    let good = node.start_scan("good", false).await.expect("scan");

    let bad = node.wait_scan(&bad.id, |_| {}).await.expect("wait");
    assert_eq!(bad.state, ScanState::Failed);
    let reason = bad.error.unwrap_or_default();
    assert!(
        reason.contains("scanner crashed") && reason.contains("driver bug"),
        "{reason}"
    );

    let good = node.wait_scan(&good.id, |_| {}).await.expect("wait");
    assert_eq!(good.state, ScanState::Done, "{good:?}");
    assert_eq!(good.progress.sensitive_columns, 1);

    let restarts: HashMap<&'static str, u64> =
        call!(node.supervisor(), SupervisorMsg::Restarts).expect("restarts");
    assert_eq!(restarts.get("scanner"), Some(&1));
    assert_eq!(connects.load(Ordering::SeqCst), 1);
    assert!(node.readiness().is_ok(), "the node stays up");
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exhausted_restart_budget_makes_the_node_not_ready() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = NodeOptions::new(dir.path().join("data"));
    opts.registry.register(
        "sqlite",
        Arc::new(PanickingFactory {
            connects: Arc::new(AtomicUsize::new(0)),
        }),
    );
    opts.budget.max_restarts = 2;
    let node = Node::start(opts).await.expect("node");
    node.add_source("buggy", "sqlite:///whatever.db", None, None)
        .await
        .expect("add");
    for _ in 0..3 {
        let job = node.start_scan("buggy", false).await.expect("scan");
        let job = node.wait_scan(&job.id, |_| {}).await.expect("wait");
        assert_eq!(job.state, ScanState::Failed);
    }
    // The third crash exceeds the budget: the supervisor gives up and readiness says so.
    for _ in 0..100 {
        if node.readiness().is_err() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let why = node.readiness().err().unwrap_or_default();
    assert!(why.contains("supervisor"), "{why}");
    node.shutdown().await;
}

/// A source whose only table takes a while to read.
struct SlowFactory;
struct Slow;

impl ConnectorFactory for SlowFactory {
    fn connect<'a>(
        &'a self,
        _source_id: &'a str,
        _uri: &'a url::Url,
    ) -> BoxFuture<'a, Result<Box<dyn Connector>, ConnectorError>> {
        Box::pin(async { Ok(Box::new(Slow) as Box<dyn Connector>) })
    }
}

impl Connector for Slow {
    fn list_tables(&mut self) -> BoxFuture<'_, Result<Vec<TableRef>, ConnectorError>> {
        Box::pin(async {
            Ok(vec![TableRef::new(
                "db",
                "main",
                "t",
                AssetKind::Table,
                "t",
            )])
        })
    }

    fn scan_table<'a>(
        &'a mut self,
        _t: &'a TableRef,
        _n: pursight_actors::domain::SampleSize,
    ) -> BoxFuture<'a, Result<TableScan, ConnectorError>> {
        Box::pin(async {
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            Ok(TableScan::default())
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_scan_queue_refuses_more_scans_and_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = NodeOptions::new(dir.path().join("data"));
    opts.registry.register("sqlite", Arc::new(SlowFactory));
    opts.scan.workers = 1;
    opts.scan.queue_limit = 1;
    let node = Node::start(opts).await.expect("node");
    node.add_source("slow", "sqlite:///slow.db", None, None)
        .await
        .expect("add");
    let mut jobs = Vec::new();
    for _ in 0..5 {
        jobs.push(node.start_scan("slow", false).await.expect("queued"));
    }
    let mut done = 0;
    let mut refused = 0;
    for j in jobs {
        let j = node.wait_scan(&j.id, |_| {}).await.expect("wait");
        match j.state {
            ScanState::Done => done += 1,
            ScanState::Failed => {
                assert!(j.error.unwrap_or_default().contains("waiting"), "why");
                refused += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    // One running, one waiting: the rest were refused at once instead of piling up.
    assert!(done >= 2, "done {done}");
    assert!(refused >= 1, "refused {refused}");
    assert_eq!(done + refused, 5);
    node.shutdown().await;
}
