//! `pursight-chaos`: runs the `pursight` binary as a real cluster, injects faults, checks
//! the history and writes a report. See docs/CHAOS.md.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use pursight_chaos::nemesis::{SCENARIOS, SMOKE, scenario};
use pursight_chaos::run::{Report, RunConfig, run, run_dir};

#[derive(Parser)]
#[command(
    name = "pursight-chaos",
    version,
    about = "Chaos harness for PurSight clusters"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run scenarios against a fresh cluster each; exits 1 on any violation.
    Run {
        /// A scenario (see `list`), `all`, or `smoke` (the short CI suite).
        #[arg(long, default_value = "smoke")]
        scenario: String,
        /// Seed of the fault schedule and the workload; `--seeds N` runs N seeds from it.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 1)]
        seeds: u64,
        /// Length of the faulty period of each run (`60s`, `2m`).
        #[arg(long, default_value = "60s", value_parser = parse_duration)]
        duration: Duration,
        /// Core nodes.
        #[arg(long, default_value_t = 3)]
        nodes: usize,
        /// Edge nodes (scenarios that need them get at least one).
        #[arg(long, default_value_t = 0)]
        edges: usize,
        /// Register clients.
        #[arg(long, default_value_t = 4)]
        clients: usize,
        /// The `pursight` binary (default: next to this one, built if missing).
        #[arg(long, env = "PURSIGHT_BIN")]
        bin: Option<PathBuf>,
        /// Where runs write their nodes, histories and reports.
        #[arg(long, default_value = "target/chaos")]
        out: PathBuf,
    },
    /// Check a recorded history again (linearizability and scans).
    Check {
        /// A `history.jsonl` of a run.
        history: PathBuf,
    },
    /// List the scenarios.
    List,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}`: use e.g. 60s or 2m"))?;
    match unit {
        "" | "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        "ms" => Ok(Duration::from_millis(n)),
        _ => Err(format!("`{s}`: use e.g. 60s or 2m")),
    }
}

/// The `pursight` binary: the given one, or the one next to this binary, built if missing.
fn find_bin(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(b) = given {
        if !b.exists() {
            bail!("{} does not exist", b.display());
        }
        return Ok(b);
    }
    let me = std::env::current_exe().context("locating this binary")?;
    let dir = me.parent().context("this binary has no folder")?;
    let bin = dir.join("pursight");
    if !bin.exists() {
        eprintln!("building pursight (cargo build -p pursight-node) ...");
        let mut cmd = std::process::Command::new("cargo");
        cmd.args(["build", "-p", "pursight-node", "--bin", "pursight"]);
        if dir.ends_with("release") {
            cmd.arg("--release");
        }
        let status = cmd.status().context("running cargo")?;
        if !status.success() || !bin.exists() {
            bail!("could not build pursight; pass --bin PATH");
        }
    }
    Ok(bin)
}

fn summary(r: &Report) {
    println!(
        "\n{} seed {}: {}  ({} ops: {} ok, {} failed, {} unknown; {} faults; recovery {} ms)",
        r.scenario,
        r.seed,
        if r.ok { "PASS" } else { "FAIL" },
        r.ops_attempted,
        r.ops_ok,
        r.ops_failed,
        r.ops_unknown,
        r.faults.len(),
        r.recovery_ms
            .map_or_else(|| "-".to_string(), |m| m.to_string())
    );
    for f in &r.faults {
        println!(
            "  fault {:>6} ms -> {:>6} ms  {:<16} {:?} {}",
            f.at_ms,
            f.healed_at_ms.unwrap_or(0),
            f.kind.name(),
            f.target,
            f.note.clone().unwrap_or_default()
        );
    }
    for (a, b) in &r.unavailable_ms {
        println!("  unavailable {a} ms -> {b} ms ({} ms)", b - a);
    }
    for c in &r.checks {
        println!("  [{}] {}", if c.ok { "ok" } else { "VIOLATION" }, c.name);
        for v in c.violations.iter().take(5) {
            println!("      {}", v.message);
            for op in v.excerpt.iter().take(12) {
                println!(
                    "        op {} client {} node {} {:?} [{} -> {:?}] {:?}",
                    op.id, op.client, op.node, op.kind, op.invoke_ms, op.complete_ms, op.outcome
                );
            }
        }
    }
}

async fn main_run(cli: Cli) -> anyhow::Result<bool> {
    match cli.cmd {
        Cmd::List => {
            for s in SCENARIOS {
                let kinds: Vec<&str> = s.faults.iter().map(|f| f.name()).collect();
                println!("{:<16} {} [{}]", s.name, s.about, kinds.join(", "));
            }
            println!("{:<16} {}", "smoke", SMOKE.join(", "));
            Ok(true)
        }
        Cmd::Check { history } => {
            let ops = pursight_chaos::history::read_jsonl(&history)
                .with_context(|| format!("reading {}", history.display()))?;
            let lin = pursight_chaos::linearizable::check(&ops);
            let scans = pursight_chaos::checks::scans_exactly_once(&ops);
            for v in &lin {
                println!("VIOLATION {}: {}", v.key, v.message);
            }
            for v in &scans {
                println!("VIOLATION {}", v.message);
            }
            println!("{} operations checked", ops.len());
            Ok(lin.is_empty() && scans.is_empty())
        }
        Cmd::Run {
            scenario: name,
            seed,
            seeds,
            duration,
            nodes,
            edges,
            clients,
            bin,
            out,
        } => {
            let names: Vec<&str> = match name.as_str() {
                "all" => SCENARIOS.iter().map(|s| s.name).collect(),
                "smoke" => SMOKE.to_vec(),
                one => vec![one],
            };
            let bin = find_bin(bin)?;
            let mut reports = Vec::new();
            for name in names {
                let Some(sc) = scenario(name) else {
                    bail!("unknown scenario `{name}`; see `pursight-chaos list`");
                };
                for s in seed..seed + seeds.max(1) {
                    eprintln!("== {name} seed {s} ({duration:?}, {nodes} nodes, {edges} edges)");
                    let cfg = RunConfig {
                        seed: s,
                        duration,
                        nodes,
                        edges,
                        clients,
                        bin: bin.clone(),
                        out: run_dir(&out, name, s),
                    };
                    let report = run(sc, &cfg)
                        .await
                        .with_context(|| format!("{name} seed {s}"))?;
                    summary(&report);
                    reports.push(report);
                }
            }
            let all_ok = reports.iter().all(|r| r.ok);
            std::fs::create_dir_all(&out)?;
            std::fs::write(
                out.join("summary.json"),
                serde_json::to_vec_pretty(&reports)?,
            )?;
            println!(
                "\n{} run(s), {} with violations; reports in {}",
                reports.len(),
                reports.iter().filter(|r| !r.ok).count(),
                out.display()
            );
            Ok(all_ok)
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C ends the run; the nodes die with this process (setpriv's parent-death signal
    // and the harness's drop handlers), so none is left behind.
    let outcome = tokio::select! {
        r = main_run(cli) => r,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
