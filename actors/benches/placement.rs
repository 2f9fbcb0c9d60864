//! Placement simulation: 1,000 sources across 20 sites, 50 nodes (3 core nodes in a data
//! centre, 47 edge nodes spread unevenly over the sites, a few sites without any, some
//! nodes down), every source scanned once with load accumulating. Compares the scheduler's
//! placement with two baselines (least loaded anywhere, random) on the share of scans
//! placed in their source's site, the sampled data that would cross sites, and decision
//! time. `cargo bench -p pursight-actors --bench placement`; prints a table.

use std::time::Instant;

use pursight_actors::domain::{Residency, Source, SourceKind};
use pursight_actors::placement::{Candidate, Decision, place};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SITES: usize = 20;
const NODES: usize = 50;
const CORES: usize = 3;
const SOURCES: usize = 1_000;
/// Rows a scan samples, as in the default configuration.
const SAMPLE_ROWS: u64 = 1_000;

struct World {
    sources: Vec<(Source, u64)>,
    nodes: Vec<Candidate>,
    /// Measured round trip (ms) from node to source; `None`: the probe failed.
    rtt: Vec<Vec<Option<f64>>>,
}

fn site(i: usize) -> String {
    format!("site-{i:02}")
}

fn world(seed: u64) -> World {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut nodes = Vec::with_capacity(NODES);
    for i in 0..CORES {
        nodes.push(Candidate {
            node: i as u64 + 1,
            site: None,
            up: true,
            capacity: 4,
            running: 0,
            proximity: None,
        });
    }
    // Sites 16..19 have no node; the others get edge nodes round robin, then at random.
    for i in CORES..NODES {
        let s = if i - CORES < 16 {
            i - CORES
        } else {
            rng.random_range(0..16)
        };
        nodes.push(Candidate {
            node: i as u64 + 1,
            site: Some(site(s)),
            // One edge node in ten is down.
            up: rng.random_bool(0.9),
            capacity: rng.random_range(1..=3),
            running: 0,
            proximity: None,
        });
    }
    let mut sources = Vec::with_capacity(SOURCES);
    for i in 0..SOURCES {
        // Uneven: low site numbers hold more sources.
        let s = ((rng.random::<f64>().powi(2)) * SITES as f64) as usize % SITES;
        let residency = if rng.random_bool(0.3) {
            Residency::Strict
        } else {
            Residency::Preferred
        };
        let row_bytes = rng.random_range(100..2_000u64);
        sources.push((
            Source {
                id: format!("src-{i:04}"),
                kind: SourceKind::Postgres,
                uri: format!("postgres://db{i}.{}/x", site(s)),
                site: Some(site(s)),
                residency,
                schedule: None,
                created_at_ms: 0,
                sample: None,
                sealed_password: None,
            },
            SAMPLE_ROWS * row_bytes,
        ));
    }
    // Round trips: in site 0.2-2 ms, from the data centre 10-80 ms, site to site 20-150 ms;
    // 2 % of probes fail (a firewall).
    let rtt = nodes
        .iter()
        .map(|n| {
            sources
                .iter()
                .map(|(s, _)| {
                    if rng.random_bool(0.02) {
                        return None;
                    }
                    Some(match &n.site {
                        Some(ns) if Some(ns) == s.site.as_ref() => rng.random_range(0.2..2.0),
                        None => rng.random_range(10.0..80.0),
                        Some(_) => rng.random_range(20.0..150.0),
                    })
                })
                .collect()
        })
        .collect();
    World {
        sources,
        nodes,
        rtt,
    }
}

#[derive(Default)]
struct Outcome {
    placed: usize,
    in_site: usize,
    /// Sources with a live node in their site.
    could_be_in_site: usize,
    waiting: usize,
    strict_left_site: usize,
    bytes_crossing: u64,
    bytes_total: u64,
    decisions_ns: Vec<u128>,
}

fn run(w: &World, strategy: &str, seed: u64) -> Outcome {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut nodes = w.nodes.clone();
    let mut out = Outcome::default();
    for (si, (source, bytes)) in w.sources.iter().enumerate() {
        let cands: Vec<Candidate> = nodes
            .iter()
            .enumerate()
            .map(|(ni, n)| Candidate {
                proximity: Some(w.rtt[ni][si].ok_or_else(|| "timed out".to_string())),
                ..n.clone()
            })
            .collect();
        let live_in_site = cands
            .iter()
            .any(|c| c.up && c.site.is_some() && c.site == source.site);
        out.could_be_in_site += usize::from(live_in_site);
        let started = Instant::now();
        let chosen = match strategy {
            "pursight" => match place(source, &cands) {
                Decision::Place { node, .. } => Some(node),
                Decision::Wait { .. } => None,
            },
            "least-loaded" => cands
                .iter()
                .filter(|c| c.up)
                .min_by(|a, b| {
                    (f64::from(a.running) / f64::from(a.capacity))
                        .total_cmp(&(f64::from(b.running) / f64::from(b.capacity)))
                })
                .map(|c| c.node),
            _ => {
                let live: Vec<u64> = cands.iter().filter(|c| c.up).map(|c| c.node).collect();
                Some(live[rng.random_range(0..live.len())])
            }
        };
        out.decisions_ns.push(started.elapsed().as_nanos());
        let Some(node) = chosen else {
            out.waiting += 1;
            continue;
        };
        let n = nodes.iter_mut().find(|n| n.node == node).expect("node");
        n.running += 1;
        out.placed += 1;
        out.bytes_total += bytes;
        if n.site.is_some() && n.site == source.site {
            out.in_site += 1;
        } else {
            out.bytes_crossing += bytes;
            if source.residency == Residency::Strict {
                out.strict_left_site += 1;
            }
        }
    }
    out
}

fn percentile(sorted: &[u128], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

fn main() {
    let seed = 2026;
    let w = world(seed);
    println!(
        "placement simulation: {SOURCES} sources, {SITES} sites (4 without nodes), {NODES} nodes \
         ({CORES} core, {} edge, {} down), 30% strict, seed {seed}\n",
        NODES - CORES,
        w.nodes.iter().filter(|n| !n.up).count()
    );
    println!(
        "| strategy | placed | waiting | in site | in site, where possible | strict scans that left their site | sampled data crossing sites | decision p50 | decision p99 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for strategy in ["pursight", "least-loaded", "random"] {
        // Warm, then measure.
        let _ = run(&w, strategy, seed);
        let mut o = run(&w, strategy, seed);
        o.decisions_ns.sort_unstable();
        println!(
            "| {strategy} | {} | {} | {:.1} % | {:.1} % | {} | {:.1} MB of {:.1} MB ({:.1} %) | {:.1} µs | {:.1} µs |",
            o.placed,
            o.waiting,
            100.0 * o.in_site as f64 / o.placed.max(1) as f64,
            100.0 * o.in_site as f64 / o.could_be_in_site.max(1) as f64,
            o.strict_left_site,
            o.bytes_crossing as f64 / 1e6,
            o.bytes_total as f64 / 1e6,
            100.0 * o.bytes_crossing as f64 / o.bytes_total.max(1) as f64,
            percentile(&o.decisions_ns, 0.5),
            percentile(&o.decisions_ns, 0.99),
        );
    }
}
