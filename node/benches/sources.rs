//! Source connector throughput against the local PostgreSQL server:
//! - discovery of a database with 10,000 tables (`list_tables`: names, columns, keys,
//!   comments, row estimates, fingerprints);
//! - a 1,000,000-row table: sample scan (1,000 rows, `TABLESAMPLE BERNOULLI`) and full
//!   profile (every row read and profiled), next to `COPY ... TO STDOUT` of the same table
//!   by `psql` as the ceiling of reading it at all.
//!
//! `cargo bench -p pursight-node --bench sources` (release). Needs PostgreSQL on
//! 127.0.0.1:5432 with trust auth for `postgres`, as `.ci/run` starts it.
//! `PURSIGHT_BENCH_TABLES` (default 10000) and `PURSIGHT_BENCH_ROWS` (default 1000000)
//! scale it down for a quick look.

use std::process::Command;
use std::time::Instant;

use pursight_actors::connectors::ConnectorRegistry;
use pursight_actors::domain::SampleSize;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn psql(db: &str, sql: &str) -> anyhow::Result<()> {
    Ok(pursight_chaos::psql(db, sql)?)
}

struct Db(String);

impl Drop for Db {
    fn drop(&mut self) {
        let _ = psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0),
        );
    }
}

fn create_db(tag: &str) -> anyhow::Result<Db> {
    let name = format!("pursight_bench_{tag}_{}", std::process::id());
    psql(
        "postgres",
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )?;
    psql("postgres", &format!("CREATE DATABASE {name}"))?;
    Ok(Db(name))
}

fn uri(db: &Db) -> String {
    format!("postgres://postgres@127.0.0.1:5432/{}", db.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let tables = env_or("PURSIGHT_BENCH_TABLES", 10_000);
    let rows = env_or("PURSIGHT_BENCH_ROWS", 1_000_000);
    let registry = ConnectorRegistry::default();

    // Discovery.
    let many = create_db("many")?;
    let started = Instant::now();
    psql(
        &many.0,
        &format!(
            "DO $$ BEGIN FOR i IN 1..{tables} LOOP \
               EXECUTE format('CREATE TABLE t_%s (id int PRIMARY KEY, email text, amount numeric(10,2), created timestamptz)', i); \
               EXECUTE format('COMMENT ON TABLE t_%s IS %L', i, 'table ' || i); \
               IF i % 500 = 0 THEN COMMIT; END IF; \
             END LOOP; END $$;"
        ),
    )?;
    eprintln!("created {tables} tables in {:.1?}", started.elapsed());
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let mut c = registry.connect("many", &uri(&many)).await?;
        found = c.list_tables().await?.len();
        times.push(started.elapsed());
    }
    times.sort();
    println!("| discovery | tables | columns | best | median |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| PostgreSQL `list_tables` (connect included) | {found} | {} | {:.2?} | {:.2?} |",
        found * 4,
        times[0],
        times[1]
    );
    drop(many);

    // One big table.
    let big = create_db("big")?;
    let started = Instant::now();
    psql(
        &big.0,
        &format!(
            "CREATE TABLE people AS SELECT g AS id, 'user' || g || '@example.com' AS email, \
               (g % 1000) * 1.25 AS amount, DATE '2000-01-01' + (g % 9000) AS born, \
               lpad((g % 999999999)::text, 9, '0') AS national_id \
             FROM generate_series(1, {rows}) g; ANALYZE people;"
        ),
    )?;
    eprintln!("loaded {rows} rows in {:.1?}", started.elapsed());
    println!();
    println!("| on a {rows}-row table (5 columns) | time | rows/s |");
    println!("|---|---:|---:|");
    let started = Instant::now();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "psql -h 127.0.0.1 -U postgres -d {} -qc 'COPY people TO STDOUT' > /dev/null",
            big.0
        ))
        .status()?;
    anyhow::ensure!(out.success(), "COPY failed");
    let copy = started.elapsed();
    println!(
        "| `COPY people TO STDOUT` (psql, the ceiling) | {copy:.2?} | {:.0} |",
        rows as f64 / copy.as_secs_f64()
    );
    let mut c = registry.connect("big", &uri(&big)).await?;
    let t = c
        .list_tables()
        .await?
        .into_iter()
        .find(|t| t.name == "people")
        .ok_or_else(|| anyhow::anyhow!("people not found"))?;
    for (label, size) in [
        (
            "sample scan, 1,000 rows (BERNOULLI)",
            SampleSize::Rows(1000),
        ),
        ("full profile, every row", SampleSize::Full),
    ] {
        let started = Instant::now();
        let scan = c.scan_table(&t, size).await?;
        let took = started.elapsed();
        println!(
            "| {label}: {} rows read | {took:.2?} | {:.0} |",
            scan.rows_read,
            rows as f64 / took.as_secs_f64()
        );
    }
    Ok(())
}
