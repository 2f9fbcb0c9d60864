//! A three-node cluster of real `pursight` processes on loopback: committed writes per
//! second and latency for 1, 16 and 64 concurrent clients, then failover time (leader
//! `kill -9` to the first write accepted) over repeated trials.
//!
//! `cargo bench -p pursight-node --bench cluster` (release build). Writes go through the
//! HTTP API of the leader (`POST /api/v1/sources`), so every figure includes HTTP, JSON,
//! Raft replication to a quorum over QUIC and an fsync on each node.
//! `PURSIGHT_BENCH_SECS` (default 5) sets the time per load level, `PURSIGHT_BENCH_TRIALS`
//! (default 10) the failover trials.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use pursight_chaos::NodeProcess;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_pursight");

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn view(http: &reqwest::Client, n: &NodeProcess) -> Option<Value> {
    n.request(http, Method::GET, "/api/v1/cluster")
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()
}

/// The leader's index in `nodes`, as any running node reports it.
async fn leader(http: &reqwest::Client, nodes: &[NodeProcess]) -> Option<usize> {
    for n in nodes.iter().filter(|n| n.is_running()) {
        if let Some(v) = view(http, n).await
            && let Some(l) = v["leader"].as_u64()
        {
            return Some(l as usize - 1);
        }
    }
    None
}

/// Waits until every node answers and has applied as far as the leader.
async fn settled(http: &reqwest::Client, nodes: &[NodeProcess]) -> anyhow::Result<()> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let mut applied = Vec::new();
        for n in nodes {
            if let Some(v) = view(http, n).await {
                applied.push(v["raft"]["last_applied"].as_u64());
            }
        }
        let all = applied.len() == nodes.len() && applied.iter().all(|a| a.is_some());
        if all && applied.windows(2).all(|w| w[0] == w[1]) && leader(http, nodes).await.is_some() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("cluster did not settle within 60s")
}

async fn write(http: &reqwest::Client, n: &NodeProcess, id: &str) -> Option<StatusCode> {
    n.request(http, Method::POST, "/api/v1/sources")
        .json(&json!({"id": id, "uri": "file:///nonexistent/bench"}))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .ok()
        .map(|r| r.status())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let secs = env_or("PURSIGHT_BENCH_SECS", 5);
    let trials = env_or("PURSIGHT_BENCH_TRIALS", 10);
    let dir = tempfile::tempdir()?;
    let http = reqwest::Client::new();
    let bin = Path::new(BIN);

    let mut first = NodeProcess::init_cluster(bin, &dir.path().join("n1"), "bench", 5000)?;
    first.start().await?;
    let seed = first.mesh_addr.clone().unwrap_or_default();
    let mut nodes = vec![first];
    for name in ["n2", "n3"] {
        let token = nodes[0].join_token(&http, "core", 600).await?;
        let mut n = NodeProcess::join(bin, &dir.path().join(name), &seed, &token, 5000)?;
        n.start().await?;
        nodes.push(n);
    }
    settled(&http, &nodes).await?;
    println!(
        "3-node cluster on loopback, {secs}s per level, writes through the leader's HTTP API\n"
    );
    println!("| clients | writes/s | p50 ms | p99 ms | errors |");
    println!("|--------:|---------:|-------:|-------:|-------:|");
    let nodes = Arc::new(nodes);
    let seq = Arc::new(AtomicU64::new(0));
    for clients in [1usize, 16, 64] {
        let l = leader(&http, &nodes).await.unwrap_or(0);
        let deadline = Instant::now() + Duration::from_secs(secs);
        let started = Instant::now();
        let tasks: Vec<_> = (0..clients)
            .map(|_| {
                let (nodes, seq, http) = (nodes.clone(), seq.clone(), http.clone());
                tokio::spawn(async move {
                    let mut lat = Vec::new();
                    let mut errors = 0u64;
                    while Instant::now() < deadline {
                        let id = format!("b{}", seq.fetch_add(1, Ordering::Relaxed));
                        let t = Instant::now();
                        match write(&http, &nodes[l], &id).await {
                            Some(StatusCode::CREATED) => lat.push(t.elapsed()),
                            _ => errors += 1,
                        }
                    }
                    (lat, errors)
                })
            })
            .collect();
        let mut all = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let (lat, e) = t.await?;
            all.extend(lat);
            errors += e;
        }
        let elapsed = started.elapsed().as_secs_f64();
        all.sort_unstable();
        println!(
            "| {clients} | {:.0} | {} | {} | {errors} |",
            all.len() as f64 / elapsed,
            ms(percentile(&all, 0.5)),
            ms(percentile(&all, 0.99)),
        );
    }

    let mut nodes = Arc::try_unwrap(nodes).map_err(|_| anyhow::anyhow!("clients still running"))?;
    let mut failovers = Vec::new();
    for trial in 0..trials {
        settled(&http, &nodes).await?;
        let Some(old) = leader(&http, &nodes).await else {
            anyhow::bail!("no leader before trial {trial}");
        };
        let other = (old + 1) % nodes.len();
        nodes[old].kill9()?;
        let killed = Instant::now();
        let mut n = 0u64;
        loop {
            n += 1;
            let id = format!("failover-{trial}-{n}");
            if let Some(StatusCode::CREATED) = write(&http, &nodes[other], &id).await {
                break;
            }
            anyhow::ensure!(
                killed.elapsed() < Duration::from_secs(60),
                "no failover in 60s"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        failovers.push(killed.elapsed());
        nodes[old].start().await?;
    }
    failovers.sort_unstable();
    println!("\nfailover (leader kill -9 → first write accepted), {trials} trials:");
    println!(
        "median {} ms, worst {} ms, best {} ms",
        ms(percentile(&failovers, 0.5)),
        ms(failovers.last().copied().unwrap_or_default()),
        ms(failovers.first().copied().unwrap_or_default()),
    );
    Ok(())
}
