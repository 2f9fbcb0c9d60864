//! Real database sources through a whole node: the local PostgreSQL and MariaDB servers,
//! incremental scans, tables and columns that disappear, cancellation, clear failure
//! reasons, and a password that is sealed at rest and never shown or logged.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use pursight_actors::domain::{ScanJob, ScanState};
use pursight_node::node::{Node, NodeOptions};

const BIN: &str = env!("CARGO_BIN_EXE_pursight");

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

fn psql(db: &str, sql: &str) {
    pursight_chaos::psql(db, sql).expect("psql");
}

fn mariadb(sql: &str) {
    pursight_chaos::mariadb(sql).expect("mariadb");
}

/// A PostgreSQL database dropped at the end.
struct PgDb(pursight_chaos::PgDatabase);

impl PgDb {
    fn create(setup: &str) -> Self {
        Self(pursight_chaos::PgDatabase::create("pursight_e2e", setup).expect("database"))
    }

    fn uri(&self) -> String {
        self.0.uri()
    }
}

async fn scan(node: &Arc<Node>, source: &str, force: bool) -> ScanJob {
    let job = node.start_scan(source, force).await.expect("start");
    tokio::time::timeout(Duration::from_secs(60), node.wait_scan(&job.id, |_| {}))
        .await
        .expect("scan finished in time")
        .expect("wait")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_scans_skip_unchanged_tables_and_keep_deleted_ones() {
    let db = PgDb::create(
        "CREATE TABLE a (id int PRIMARY KEY, email text);
         CREATE TABLE b (id int, x text, y text);
         CREATE TABLE c (id int);
         INSERT INTO a SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 200) g;
         INSERT INTO b SELECT g, 'x', 'y' FROM generate_series(1, 50) g;",
    );
    // Fingerprints rest on write counters, which reach the shared statistics once the
    // writing session has ended: wait until they show the setup's inserts.
    let inserts = "SELECT sum(n_tup_ins) FROM pg_stat_all_tables WHERE relname IN ('a', 'b')";
    assert!(pursight_chaos::psql_until(&db.0.name, inserts, "250", Duration::from_secs(10)).await);
    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(NodeOptions::new(dir.path()))
        .await
        .expect("node");
    node.add_source("pg", &db.uri(), None, None)
        .await
        .expect("source");

    let first = scan(&node, "pg", false).await;
    assert_eq!(first.state, ScanState::Done, "{:?}", first.error);
    assert_eq!(
        (first.progress.tables_total, first.progress.tables_skipped),
        (3, 0)
    );
    assert_eq!(first.progress.rows_read, 250);

    let second = scan(&node, "pg", false).await;
    assert_eq!(
        second.progress.tables_skipped, 3,
        "nothing changed: {second:?}"
    );
    let forced = scan(&node, "pg", true).await;
    assert_eq!(
        forced.progress.tables_skipped, 0,
        "forced scans read everything"
    );

    psql(
        &db.0.name,
        "INSERT INTO a VALUES (1000, 'late@example.com')",
    );
    psql(&db.0.name, "DROP TABLE c; ALTER TABLE b DROP COLUMN y;");
    assert!(pursight_chaos::psql_until(&db.0.name, inserts, "251", Duration::from_secs(10)).await);
    let third = scan(&node, "pg", false).await;
    assert_eq!(third.state, ScanState::Done);
    assert_eq!(third.progress.tables_total, 2);
    assert_eq!(
        third.progress.tables_skipped, 0,
        "a has new rows, b a new schema"
    );

    let assets = node.assets(&Default::default()).expect("assets");
    let c = assets
        .iter()
        .find(|t| t.name == "c")
        .expect("c still cataloged");
    assert!(c.deleted_at_ms.is_some(), "c is marked deleted");
    let b = assets.iter().find(|t| t.name == "b").expect("b");
    let y = b
        .columns
        .iter()
        .find(|col| col.name == "y")
        .expect("y kept");
    assert!(y.deleted_at_ms.is_some(), "y is marked deleted");
    assert!(
        b.columns
            .iter()
            .find(|col| col.name == "x")
            .is_some_and(|x| x.deleted_at_ms.is_none())
    );
    let a = assets.iter().find(|t| t.name == "a").expect("a");
    assert_eq!(a.primary_key, ["id"]);
    let email = a
        .columns
        .iter()
        .find(|col| col.name == "email")
        .expect("email");
    assert!(
        email
            .classifications
            .iter()
            .any(|k| k.type_id.as_str() == "EMAIL_ADDRESS"),
        "{email:?}"
    );
    assert_eq!(email.profile.distinct_estimate, 201);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_and_failing_scans_say_why() {
    let db = PgDb::create(
        "CREATE FUNCTION slow_one() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM pg_sleep(2)';
         CREATE VIEW v1 AS SELECT slow_one() AS x;
         CREATE VIEW v2 AS SELECT slow_one() AS x;
         CREATE VIEW v3 AS SELECT slow_one() AS x;",
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(NodeOptions::new(dir.path()))
        .await
        .expect("node");
    node.add_source("slow", &db.uri(), None, None)
        .await
        .expect("source");
    let job = node.start_scan("slow", false).await.expect("start");
    // Cancel while the first view is being read on the server.
    let reading = format!(
        "SELECT count(*) > 0 FROM pg_stat_activity WHERE datname = '{}' \
         AND application_name = 'pursight' AND state = 'active'",
        db.0.name
    );
    assert!(pursight_chaos::psql_until("postgres", &reading, "t", Duration::from_secs(10)).await);
    let cancelled = node.cancel_scan(&job.id).await.expect("cancel");
    assert_eq!(cancelled.state, ScanState::Cancelled);
    let done = node.wait_scan(&job.id, |_| {}).await.expect("wait");
    assert_eq!(done.state, ScanState::Cancelled);
    // The read in progress is abandoned on the server, and no other view is read after
    // it: a scan that went on would keep a 2-second query active within this window.
    assert!(
        pursight_chaos::psql_until("postgres", &reading, "f", Duration::from_millis(2500)).await,
        "the cancelled scan still reads the source"
    );
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = pursight_chaos::psql_value("postgres", &reading).expect("activity");
        assert_eq!(now, "f", "the cancelled scan went on to another table");
    }
    assert!(
        node.cancel_scan(&job.id).await.is_err(),
        "cancelling twice is a conflict"
    );

    let user = unique("pwuser");
    let mdb = unique("pursight_e2e");
    mariadb(&format!(
        "CREATE DATABASE `{mdb}`; CREATE USER '{user}'@'%' IDENTIFIED BY 'right'; GRANT SELECT ON `{mdb}`.* TO '{user}'@'%';"
    ));
    for (id, uri, needle) in [
        (
            "down",
            "postgres://postgres@127.0.0.1:1/x?connect_timeout_ms=1500".to_string(),
            "cannot open",
        ),
        (
            "badpw",
            format!("mysql://{user}:wrong@127.0.0.1:3306/{mdb}"),
            "Access denied",
        ),
        (
            "nodb",
            "postgres://postgres@127.0.0.1:5432/no_such_database_x".to_string(),
            "no_such_database_x",
        ),
    ] {
        node.add_source(id, &uri, None, None).await.expect("source");
        let job = scan(&node, id, false).await;
        assert_eq!(job.state, ScanState::Failed, "{id}");
        let why = job.error.unwrap_or_default();
        assert!(why.contains(needle), "{id}: {why}");
        assert!(
            !why.contains("wrong"),
            "a password in the failure reason: {why}"
        );
    }
    mariadb(&format!("DROP USER '{user}'@'%'; DROP DATABASE `{mdb}`;"));
    node.shutdown().await;
}

fn files_containing(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p)
                && bytes.windows(needle.len()).any(|w| w == needle)
            {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}

#[test]
fn a_source_password_is_sealed_at_rest_never_shown_and_never_logged() {
    let user = unique("sealed");
    let mdb = unique("pursight_e2e");
    let password = format!("Pw-{:016x}", rand::random::<u64>());
    mariadb(&format!(
        "CREATE DATABASE `{mdb}`; CREATE TABLE `{mdb}`.people (email VARCHAR(100)); \
         INSERT INTO `{mdb}`.people VALUES ('ada@example.com'), ('bob@example.com'); \
         CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'; GRANT SELECT ON `{mdb}`.* TO '{user}'@'%';"
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let uri = format!("mysql://{user}:{password}@127.0.0.1:3306/{mdb}");
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .arg("--data")
            .arg(&data)
            .args(["--log", "trace"])
            .args(args)
            .output()
            .expect("run pursight");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{args:?}: {text}");
        assert!(
            !text.contains(&password),
            "the password was shown or logged by {args:?}"
        );
        text
    };
    let scanned = run(&["scan", &uri, "--name", "crm", "--format", "json"]);
    assert!(scanned.contains("EMAIL_ADDRESS"), "{scanned}");
    let listed = run(&["source", "list", "--format", "json"]);
    assert!(listed.contains("\"credentials\": \"sealed\""), "{listed}");
    // Scanning again opens the sealed password.
    run(&["scan", "crm"]);
    assert!(
        files_containing(&data, password.as_bytes()).is_empty(),
        "the password is stored in clear"
    );
    mariadb(&format!("DROP USER '{user}'@'%'; DROP DATABASE `{mdb}`;"));
}
