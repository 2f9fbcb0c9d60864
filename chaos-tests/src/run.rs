//! One chaos run: a cluster of real processes, workload clients recording a history, the
//! nemesis injecting the planned faults, then healing, recovery, final reads, the checkers
//! and the report.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::{Value, json};

use crate::checks::{self, Finding};
use crate::history::{Op, OpKind, Outcome, ScanResult};
use crate::nemesis::{FaultKind, Planned, Scenario, plan};
use crate::{HarnessError, NodeProcess};

/// What a run is asked to do.
#[derive(Clone, Debug)]
pub struct RunConfig {
    pub seed: u64,
    pub duration: Duration,
    pub nodes: usize,
    pub edges: usize,
    pub clients: usize,
    pub bin: PathBuf,
    /// Where the nodes' folders, the history and the report go.
    pub out: PathBuf,
}

/// A fault as it happened.
#[derive(Clone, Debug, Serialize)]
pub struct FaultRecord {
    pub kind: FaultKind,
    pub target: Vec<u64>,
    pub at_ms: u64,
    pub healed_at_ms: Option<u64>,
    pub note: Option<String>,
}

/// One checker's verdict.
#[derive(Clone, Debug, Serialize)]
pub struct CheckResult {
    pub name: &'static str,
    pub ok: bool,
    pub violations: Vec<Finding>,
}

/// The report of one run (`report.json`).
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub scenario: String,
    pub seed: u64,
    pub nodes: usize,
    pub edges: usize,
    pub duration_ms: u64,
    pub faults: Vec<FaultRecord>,
    pub ops_attempted: usize,
    pub ops_ok: usize,
    pub ops_failed: usize,
    pub ops_unknown: usize,
    /// Time from the last heal until a write succeeded again.
    pub recovery_ms: Option<u64>,
    /// Windows longer than 2 s without a successful register operation.
    pub unavailable_ms: Vec<(u64, u64)>,
    pub checks: Vec<CheckResult>,
    pub ok: bool,
}

/// Registers (tags of catalog entries) the clients work on.
const REGISTERS: usize = 4;
/// Longest a request may take before its outcome counts as unknown.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// The cluster must take writes again within this long after the faults stop.
const RECOVERY_BOUND: Duration = Duration::from_secs(30);
const SNAPSHOT_EVERY: u64 = 200;

/// A core node of the run.
struct Member {
    proc: NodeProcess,
    id: u64,
    removed: bool,
}

/// The processes of the run.
struct Cluster {
    http: reqwest::Client,
    bin: PathBuf,
    root: PathBuf,
    cores: Vec<Member>,
    edges: Vec<NodeProcess>,
    /// Asset ids of the registers' tables.
    registers: Vec<String>,
    /// A table the recovery probe writes to (outside the checked registers).
    probe: String,
}

fn ms(since: Instant) -> u64 {
    since.elapsed().as_millis() as u64
}

impl Cluster {
    async fn start(cfg: &RunConfig) -> Result<Cluster, HarnessError> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()?;
        let root = cfg.out.join("nodes");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root)?;
        let mut n1 =
            NodeProcess::init_cluster(&cfg.bin, &root.join("n1"), "chaos", SNAPSHOT_EVERY)?;
        n1.fault_injection = true;
        n1.start().await?;
        let mut cluster = Cluster {
            http,
            bin: cfg.bin.clone(),
            root,
            cores: vec![Member {
                id: n1.node_id().unwrap_or(1),
                proc: n1,
                removed: false,
            }],
            edges: Vec::new(),
            registers: Vec::new(),
            probe: String::new(),
        };
        for i in 2..=cfg.nodes.max(1) {
            cluster.add_core(&format!("n{i}")).await?;
        }
        cluster.wait_voters(cfg.nodes.max(1)).await?;
        for i in 0..cfg.edges {
            let seed = cluster.seed_addr();
            let site = format!("site-{i}");
            let token = cluster
                .any_core()
                .join_token_in(&cluster.http, "edge", Some(&site), 600)
                .await?;
            let mut e = NodeProcess::join_as(
                &cluster.bin,
                &cluster.root.join(format!("e{i}")),
                &seed,
                &token,
                Some("edge"),
                SNAPSHOT_EVERY,
            )?;
            e.fault_injection = true;
            e.start().await?;
            cluster.edges.push(e);
        }
        cluster.setup_data(cfg.edges).await?;
        Ok(cluster)
    }

    fn seed_addr(&self) -> String {
        self.cores
            .iter()
            .find(|m| !m.removed && m.proc.is_running())
            .and_then(|m| m.proc.mesh_addr.clone())
            .unwrap_or_default()
    }

    fn any_core(&self) -> &NodeProcess {
        self.cores
            .iter()
            .find(|m| !m.removed && m.proc.is_running())
            .map_or(&self.cores[0].proc, |m| &m.proc)
    }

    fn live(&self) -> Vec<usize> {
        (0..self.cores.len())
            .filter(|i| !self.cores[*i].removed && self.cores[*i].proc.is_running())
            .collect()
    }

    async fn add_core(&mut self, name: &str) -> Result<u64, HarnessError> {
        let token = self.any_core().join_token(&self.http, "core", 600).await?;
        let mut n = NodeProcess::join(
            &self.bin,
            &self.root.join(name),
            &self.seed_addr(),
            &token,
            SNAPSHOT_EVERY,
        )?;
        n.fault_injection = true;
        n.start().await?;
        let id = n.node_id().unwrap_or(0);
        self.cores.push(Member {
            proc: n,
            id,
            removed: false,
        });
        Ok(id)
    }

    async fn view(&self) -> Option<Value> {
        for i in self.live() {
            if let Ok(v) = self.cores[i]
                .proc
                .get_json(&self.http, "/api/v1/cluster")
                .await
                && v["leader"].is_u64()
            {
                return Some(v);
            }
        }
        None
    }

    async fn wait_voters(&self, n: usize) -> Result<(), HarnessError> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(90) {
            if let Some(v) = self.view().await {
                let voters = v["nodes"]
                    .as_array()
                    .map(|a| a.iter().filter(|n| n["raft_member"] == "voter").count())
                    .unwrap_or(0);
                if voters >= n {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Err(HarnessError::Command(
            "cluster".into(),
            format!("{n} voters did not come up"),
        ))
    }

    async fn leader(&self) -> Option<u64> {
        self.view().await.and_then(|v| v["leader"].as_u64())
    }

    fn index_of(&self, id: u64) -> Option<usize> {
        self.cores.iter().position(|m| m.id == id && !m.removed)
    }

    /// The registers' tables and a source for scans (a folder of CSV files).
    async fn setup_data(&mut self, edges: usize) -> Result<(), HarnessError> {
        let data = self.root.join("share");
        std::fs::create_dir_all(&data)?;
        for i in 0..REGISTERS {
            std::fs::write(
                data.join(format!("reg_{i}.csv")),
                "id,email,city\n1,ann@example.com,Lyon\n2,bob@example.org,Porto\n",
            )?;
        }
        std::fs::write(data.join("probe.csv"), "id,note\n1,x\n")?;
        let uri = format!("file://{}", data.display());
        let core = self.any_core();
        core.add_source(&self.http, "chaos", &uri).await?;
        core.scan_and_wait(&self.http, "chaos", true).await?;
        if edges > 0 {
            let r = core
                .request(&self.http, Method::POST, "/api/v1/sources")
                .json(&json!({"id": "chaos_edge", "uri": uri, "site": "site-0", "residency": "strict"}))
                .send()
                .await?;
            if r.status() != StatusCode::CREATED {
                return Err(HarnessError::Command(
                    "add edge source".into(),
                    r.text().await.unwrap_or_default(),
                ));
            }
        }
        let assets = core
            .get_json(&self.http, "/api/v1/assets?source=chaos")
            .await?;
        let mut ids: Vec<String> = assets
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["name"].as_str().is_some_and(|n| n.starts_with("reg_")))
            .filter_map(|t| t["id"].as_str().map(String::from))
            .collect();
        ids.sort();
        if ids.len() != REGISTERS {
            return Err(HarnessError::Command(
                "setup".into(),
                format!("expected {REGISTERS} register tables, found {ids:?}"),
            ));
        }
        self.registers = ids;
        self.probe = assets
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["name"] == "probe")
            .and_then(|t| t["id"].as_str().map(String::from))
            .ok_or_else(|| HarnessError::Command("setup".into(), "no probe table".into()))?;
        Ok(())
    }

    /// Heals everything: resumes paused nodes, restarts stopped ones, clears link faults.
    async fn heal_all(&mut self) {
        for m in self.cores.iter_mut().filter(|m| !m.removed) {
            let _ = m.proc.resume();
            if !m.proc.is_running() {
                let _ = m.proc.start().await;
            }
        }
        for e in &mut self.edges {
            let _ = e.resume();
            if !e.is_running() {
                let _ = e.start().await;
            }
        }
        for m in self.cores.iter().filter(|m| !m.removed) {
            let _ = m.proc.heal(&self.http).await;
        }
        for e in &self.edges {
            let _ = e.heal(&self.http).await;
        }
    }
}

/// Shared by the clients.
struct Shared {
    started: Instant,
    next_id: AtomicU64,
    stop: AtomicBool,
    history: Mutex<Vec<Op>>,
    /// (url, token, node id) of the core nodes clients may talk to.
    targets: Mutex<Vec<(String, String, u64)>>,
    registers: Vec<String>,
}

impl Shared {
    fn record(&self, op: Op) {
        self.history
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(op);
    }

    fn target(&self, rng: &mut StdRng) -> Option<(String, String, u64)> {
        let t = self.targets.lock().unwrap_or_else(|e| e.into_inner());
        if t.is_empty() {
            return None;
        }
        Some(t[rng.random_range(0..t.len())].clone())
    }
}

/// Maps an HTTP result to an outcome: 2xx done, 4xx refused, anything else unknown (a
/// 5xx or a lost answer may hide a write that happened). A refused connection never sent.
async fn outcome(r: Result<reqwest::Response, reqwest::Error>) -> (Outcome, Option<Value>) {
    match r {
        Ok(resp) => {
            let status = resp.status();
            let body: Option<Value> = resp.json().await.ok();
            if status.is_success() {
                (
                    Outcome::Ok {
                        version: None,
                        value: None,
                        scan: None,
                    },
                    body,
                )
            } else if status.is_client_error() {
                (
                    Outcome::Fail {
                        reason: format!("{status}"),
                    },
                    body,
                )
            } else {
                (
                    Outcome::Unknown {
                        reason: format!("{status}"),
                    },
                    body,
                )
            }
        }
        Err(e) if e.is_connect() => (
            Outcome::Fail {
                reason: "connection refused".into(),
            },
            None,
        ),
        Err(e) => (
            Outcome::Unknown {
                reason: e.to_string(),
            },
            None,
        ),
    }
}

/// Fills an ok register outcome from the answer's body: the meta's version and, for a
/// read, the register's value.
fn fill_register(out: &mut Outcome, body: Option<&Value>, read: bool) -> Option<u64> {
    let (Outcome::Ok { version, value, .. }, Some(b)) = (out, body) else {
        return None;
    };
    *version = b["version"].as_u64();
    if read {
        *value = b["tags"]["reg"].as_str().map(String::from);
    }
    *version
}

/// A register client: reads, writes and compare-and-sets at random.
async fn register_client(sh: Arc<Shared>, http: reqwest::Client, client: u32, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed ^ (u64::from(client) << 32));
    let mut known: Vec<Option<u64>> = vec![None; sh.registers.len()];
    let mut n = 0u64;
    while !sh.stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(rng.random_range(10..60))).await;
        let Some((url, token, node)) = sh.target(&mut rng) else {
            continue;
        };
        let k = rng.random_range(0..sh.registers.len());
        let key = sh.registers[k].clone();
        let path = format!("{url}/api/v1/assets/{}/meta", enc(&key));
        n += 1;
        let value = format!("c{client}-{n}");
        let roll = rng.random_range(0..10);
        let (kind, req) = if roll < 4 || (roll >= 7 && known[k].is_none()) {
            (
                OpKind::Read { key: key.clone() },
                http.get(format!("{path}?consistency=linearizable")),
            )
        } else if roll < 7 {
            (
                OpKind::Write {
                    key: key.clone(),
                    value: value.clone(),
                },
                http.put(&path)
                    .json(&json!({"by": "chaos", "tags": {"reg": value}})),
            )
        } else {
            let expect = known[k].unwrap_or(0);
            (
                OpKind::Cas {
                    key: key.clone(),
                    expect,
                    value: value.clone(),
                },
                http.put(&path)
                    .header("If-Match", format!("\"{expect}\""))
                    .json(&json!({"by": "chaos", "tags": {"reg": value}})),
            )
        };
        let invoke_ms = ms(sh.started);
        let (mut out, body) = outcome(req.bearer_auth(&token).send().await).await;
        let complete_ms = ms(sh.started);
        let read = matches!(kind, OpKind::Read { .. });
        if let Some(v) = fill_register(&mut out, body.as_ref(), read) {
            known[k] = Some(v);
        }
        let unknown = matches!(out, Outcome::Unknown { .. });
        sh.record(Op {
            id: sh.next_id.fetch_add(1, Ordering::Relaxed),
            client,
            node,
            kind,
            invoke_ms,
            complete_ms: (!unknown).then_some(complete_ms),
            outcome: out,
        });
    }
}

/// Registers sources (each acknowledged one must survive), changes policy settings, and
/// starts scans (each must end once).
async fn side_client(sh: Arc<Shared>, http: reqwest::Client, seed: u64, edges: bool) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x51de);
    let mut n = 0u64;
    while !sh.stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(rng.random_range(700..1_500))).await;
        let Some((url, token, node)) = sh.target(&mut rng) else {
            continue;
        };
        n += 1;
        let roll = rng.random_range(0..10);
        let invoke_ms = ms(sh.started);
        let (kind, req) = if roll < 5 {
            let id = format!("s{seed}x{n}");
            (
                OpKind::AddSource { id: id.clone() },
                http.post(format!("{url}/api/v1/sources"))
                    .json(&json!({"id": id, "uri": "file:///nonexistent/chaos"})),
            )
        } else if roll < 7 {
            let disabled: Vec<String> = if n.is_multiple_of(2) {
                vec!["soc2".into()]
            } else {
                vec![]
            };
            (
                OpKind::Policy {
                    disabled: disabled.clone(),
                },
                http.put(format!("{url}/api/v1/policies/settings"))
                    .json(&json!({"by": "chaos", "disabled_frameworks": disabled})),
            )
        } else {
            let source = if edges && n.is_multiple_of(2) {
                "chaos_edge"
            } else {
                "chaos"
            };
            (
                OpKind::Scan {
                    source: source.into(),
                },
                http.post(format!("{url}/api/v1/scans"))
                    .json(&json!({"source": source, "force": true})),
            )
        };
        let (out, body) = outcome(req.bearer_auth(&token).send().await).await;
        let complete_ms = ms(sh.started);
        // A queued scan's end is filled in after the run (its job id is kept meanwhile).
        let out = match (&kind, out, &body) {
            (OpKind::Scan { .. }, Outcome::Ok { .. }, Some(b)) => Outcome::Ok {
                version: None,
                value: b["id"].as_str().map(String::from),
                scan: None,
            },
            (_, o, _) => o,
        };
        let unknown = matches!(out, Outcome::Unknown { .. });
        sh.record(Op {
            id: sh.next_id.fetch_add(1, Ordering::Relaxed),
            client: 1_000,
            node,
            kind,
            invoke_ms,
            complete_ms: (!unknown).then_some(complete_ms),
            outcome: out,
        });
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Applies one planned fault; returns its record (healed by `heal`).
async fn inject(
    c: &mut Cluster,
    f: &Planned,
    started: Instant,
    next_name: &mut usize,
) -> FaultRecord {
    let mut rec = FaultRecord {
        kind: f.kind,
        target: Vec::new(),
        at_ms: ms(started),
        healed_at_ms: None,
        note: None,
    };
    let live = c.live();
    if live.is_empty() {
        rec.note = Some("no live node".into());
        return rec;
    }
    let leader = c.leader().await.and_then(|l| c.index_of(l));
    let pick = |among: &[usize]| among[(f.pick % among.len().max(1) as u64) as usize];
    let followers: Vec<usize> = live
        .iter()
        .copied()
        .filter(|i| Some(*i) != leader)
        .collect();
    let http = c.http.clone();
    match f.kind {
        FaultKind::KillLeader | FaultKind::KillFollower | FaultKind::KillRandom => {
            let i = match f.kind {
                FaultKind::KillLeader => leader.unwrap_or(live[0]),
                FaultKind::KillFollower if !followers.is_empty() => pick(&followers),
                _ => pick(&live),
            };
            let _ = c.cores[i].proc.kill9();
            rec.target.push(c.cores[i].id);
        }
        FaultKind::PauseLeader | FaultKind::PauseRandom => {
            let i = match f.kind {
                FaultKind::PauseLeader => leader.unwrap_or(live[0]),
                _ => pick(&live),
            };
            let _ = c.cores[i].proc.pause();
            rec.target.push(c.cores[i].id);
        }
        FaultKind::IsolateLeader | FaultKind::SplitMinority | FaultKind::Bridge => {
            let minority: Vec<usize> = match f.kind {
                FaultKind::IsolateLeader => vec![leader.unwrap_or(live[0])],
                _ => {
                    let size = (live.len().saturating_sub(1)) / 2;
                    let mut m = live.clone();
                    let skip = (f.pick as usize) % live.len();
                    m.rotate_left(skip);
                    m.truncate(size.max(1));
                    m
                }
            };
            // A bridge: one node of the majority still talks to the minority.
            let bridge = (f.kind == FaultKind::Bridge && live.len() >= 5)
                .then(|| live.iter().copied().find(|i| !minority.contains(i)))
                .flatten();
            let ids: Vec<u64> = live.iter().map(|i| c.cores[*i].id).collect();
            for a in &live {
                for b in &live {
                    let cut = minority.contains(a) != minority.contains(b)
                        && Some(*a) != bridge
                        && Some(*b) != bridge;
                    if cut {
                        let _ = c.cores[*a].proc.set_link(&http, c.cores[*b].id, true).await;
                    }
                }
            }
            rec.target = minority.iter().map(|i| c.cores[*i].id).collect();
            rec.note = Some(match bridge {
                Some(b) => format!("bridge node {} among {ids:?}", c.cores[b].id),
                None => format!("cut off from the rest of {ids:?}"),
            });
        }
        FaultKind::DelayLoss => {
            for a in &live {
                for b in &live {
                    if a != b {
                        let _ = c.cores[*a]
                            .proc
                            .request(&http, Method::PUT, "/api/v1/test/faults")
                            .json(&json!({"peer": c.cores[*b].id, "drop": false,
                                "delay_ms": 50 + f.pick % 100, "loss": 0.05}))
                            .send()
                            .await;
                    }
                }
            }
            rec.target = live.iter().map(|i| c.cores[*i].id).collect();
        }
        FaultKind::RollingRestart => {
            for i in live {
                let _ = c.cores[i].proc.terminate();
                if let Err(e) = c.cores[i].proc.start().await {
                    rec.note = Some(format!("node {} did not come back: {e}", c.cores[i].id));
                }
                rec.target.push(c.cores[i].id);
            }
        }
        FaultKind::ReplaceNode => {
            if let (Some(i), Some(l)) = (followers.first().copied(), leader) {
                let id = c.cores[i].id;
                let r = c.cores[l]
                    .proc
                    .request(
                        &http,
                        Method::DELETE,
                        &format!("/api/v1/cluster/nodes/{id}"),
                    )
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().is_success() => {
                        let _ = c.cores[i].proc.terminate();
                        c.cores[i].removed = true;
                        *next_name += 1;
                        let name = format!("n{}", *next_name);
                        match c.add_core(&name).await {
                            Ok(new) => rec.note = Some(format!("node {id} replaced by {new}")),
                            Err(e) => rec.note = Some(format!("replacing node {id}: {e}")),
                        }
                        rec.target.push(id);
                    }
                    other => {
                        rec.note = Some(format!("removal of node {id} refused: {other:?}"));
                    }
                }
            }
        }
        FaultKind::WipeRejoin => {
            let i = if followers.is_empty() {
                pick(&live)
            } else {
                pick(&followers)
            };
            let _ = c.cores[i].proc.terminate();
            let _ = c.cores[i].proc.wipe_data();
            if let Err(e) = c.cores[i].proc.start().await {
                rec.note = Some(format!("the wiped node did not come back: {e}"));
            }
            rec.target.push(c.cores[i].id);
        }
        FaultKind::EdgeDisconnect => {
            if !c.edges.is_empty() {
                let e = (f.pick as usize) % c.edges.len();
                for m in c.cores.iter().filter(|m| !m.removed) {
                    let _ = c.edges[e].set_link(&http, m.id, true).await;
                }
                rec.target.push(c.edges[e].node_id().unwrap_or(0));
            }
        }
    }
    rec
}

/// Keeps the clients' target list in step with the live core nodes.
fn retarget(c: &Cluster, sh: &Shared) {
    let t: Vec<(String, String, u64)> = c
        .cores
        .iter()
        .filter(|m| !m.removed)
        .map(|m| (m.proc.url.clone(), m.proc.token.clone(), m.id))
        .collect();
    *sh.targets.lock().unwrap_or_else(|e| e.into_inner()) = t;
}

/// Runs one scenario; writes `history.jsonl` and `report.json` into `cfg.out`.
pub async fn run(scenario: &Scenario, cfg: &RunConfig) -> Result<Report, HarnessError> {
    std::fs::create_dir_all(&cfg.out)?;
    let edges = if scenario.edges {
        cfg.edges.max(1)
    } else {
        cfg.edges
    };
    let cfg = RunConfig {
        edges,
        ..cfg.clone()
    };
    let mut c = Cluster::start(&cfg).await?;
    let started = Instant::now();
    let sh = Arc::new(Shared {
        started,
        next_id: AtomicU64::new(1),
        stop: AtomicBool::new(false),
        history: Mutex::new(Vec::new()),
        targets: Mutex::new(Vec::new()),
        registers: c.registers.clone(),
    });
    retarget(&c, &sh);
    let mut clients = Vec::new();
    for i in 0..cfg.clients.max(1) {
        clients.push(tokio::spawn(register_client(
            sh.clone(),
            c.http.clone(),
            i as u32 + 1,
            cfg.seed,
        )));
    }
    clients.push(tokio::spawn(side_client(
        sh.clone(),
        c.http.clone(),
        cfg.seed,
        edges > 0,
    )));
    let planned = plan(scenario, cfg.seed, cfg.duration, edges);
    let mut faults = Vec::new();
    let mut next_name = cfg.nodes;
    for f in &planned {
        let wait = f.at.saturating_sub(started.elapsed());
        tokio::time::sleep(wait).await;
        tracing_line(&format!("{:>6} ms  {}", ms(started), f.kind.name()));
        let mut rec = inject(&mut c, f, started, &mut next_name).await;
        retarget(&c, &sh);
        tokio::time::sleep(f.hold).await;
        c.heal_all().await;
        rec.healed_at_ms = Some(ms(started));
        faults.push(rec);
    }
    tokio::time::sleep(cfg.duration.saturating_sub(started.elapsed())).await;
    c.heal_all().await;
    let healed = Instant::now();
    // Recovery: the first write that succeeds after the last heal.
    let mut recovery_ms = None;
    while healed.elapsed() < RECOVERY_BOUND + Duration::from_secs(5) {
        if let Some(i) = c.live().first().copied() {
            let key = &c.probe;
            let r = c.cores[i]
                .proc
                .request(
                    &c.http,
                    Method::PUT,
                    &format!("/api/v1/assets/{}/meta", enc(key)),
                )
                .json(&json!({"by": "chaos", "tags": {"probe": "1"}}))
                .send()
                .await;
            if r.is_ok_and(|r| r.status().is_success()) {
                recovery_ms = Some(healed.elapsed().as_millis() as u64);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A few more seconds of load on the healed cluster, then the clients stop.
    tokio::time::sleep(Duration::from_secs(3)).await;
    sh.stop.store(true, Ordering::Relaxed);
    for cl in clients {
        let _ = cl.await;
    }
    let mut history = std::mem::take(&mut *sh.history.lock().unwrap_or_else(|e| e.into_inner()));
    final_reads(&c, &sh, &mut history).await;
    finish_scans(&c, &mut history, started).await;
    history.sort_by_key(|o| (o.invoke_ms, o.id));
    crate::history::write_jsonl(&cfg.out.join("history.jsonl"), &history)?;
    let checks = run_checks(&c, &history, recovery_ms).await;
    let count = |f: fn(&Outcome) -> bool| history.iter().filter(|o| f(&o.outcome)).count();
    let report = Report {
        scenario: scenario.name.into(),
        seed: cfg.seed,
        nodes: cfg.nodes,
        edges,
        duration_ms: cfg.duration.as_millis() as u64,
        faults,
        ops_attempted: history.len(),
        ops_ok: count(|o| matches!(o, Outcome::Ok { .. })),
        ops_failed: count(|o| matches!(o, Outcome::Fail { .. })),
        ops_unknown: count(|o| matches!(o, Outcome::Unknown { .. })),
        recovery_ms,
        unavailable_ms: checks::unavailability(&history, 2_000),
        ok: checks.iter().all(|c| c.ok),
        checks,
    };
    std::fs::write(
        cfg.out.join("report.json"),
        serde_json::to_vec_pretty(&report).map_err(std::io::Error::other)?,
    )?;
    // Stop every node now (they would also die with the harness).
    for m in &mut c.cores {
        let _ = m.proc.terminate();
    }
    for e in &mut c.edges {
        let _ = e.terminate();
    }
    Ok(report)
}

fn tracing_line(s: &str) {
    eprintln!("  {s}");
}

/// One linearizable read of every register, through the first live node.
async fn final_reads(c: &Cluster, sh: &Shared, history: &mut Vec<Op>) {
    let Some(i) = c.live().first().copied() else {
        return;
    };
    let m = &c.cores[i];
    for key in &c.registers {
        let invoke_ms = ms(sh.started);
        let r = m
            .proc
            .request(
                &c.http,
                Method::GET,
                &format!("/api/v1/assets/{}/meta?consistency=linearizable", enc(key)),
            )
            .send()
            .await;
        let (mut out, body) = outcome(r).await;
        fill_register(&mut out, body.as_ref(), true);
        let unknown = matches!(out, Outcome::Unknown { .. });
        history.push(Op {
            id: sh.next_id.fetch_add(1, Ordering::Relaxed),
            client: 0,
            node: m.id,
            kind: OpKind::Read { key: key.clone() },
            invoke_ms,
            complete_ms: (!unknown).then_some(ms(sh.started)),
            outcome: out,
        });
    }
}

/// Waits for every queued scan to end and records what its job reports.
async fn finish_scans(c: &Cluster, history: &mut [Op], started: Instant) {
    let deadline = Instant::now() + Duration::from_secs(90);
    for op in history.iter_mut() {
        let (
            OpKind::Scan { .. },
            Outcome::Ok {
                value: Some(job), ..
            },
        ) = (&op.kind, &op.outcome)
        else {
            continue;
        };
        let job = job.clone();
        let mut last: Option<Value> = None;
        while Instant::now() < deadline {
            let core = c.any_core();
            if let Ok(j) = core
                .get_json(
                    &c.http,
                    &format!("/api/v1/scans/{job}?consistency=linearizable"),
                )
                .await
                && j["state"].is_string()
            {
                let ended =
                    ["done", "failed", "cancelled"].contains(&j["state"].as_str().unwrap_or(""));
                last = Some(j);
                if ended {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let j = last.unwrap_or(Value::Null);
        op.complete_ms = Some(ms(started));
        op.outcome = Outcome::Ok {
            version: None,
            value: Some(job.clone()),
            scan: Some(ScanResult {
                job,
                state: j["state"].as_str().unwrap_or("lost").into(),
                attempt: j["attempt"].as_u64().unwrap_or(0),
                applied_seq: j["applied_seq"].as_u64().unwrap_or(0),
                outputs_applied: j["outputs_applied"].as_u64().unwrap_or(0),
                node: j["node"].as_u64(),
            }),
        };
    }
}

async fn run_checks(c: &Cluster, history: &[Op], recovery_ms: Option<u64>) -> Vec<CheckResult> {
    let result = |name, violations: Vec<Finding>| CheckResult {
        name,
        ok: violations.is_empty(),
        violations,
    };
    let mut out = Vec::new();
    let lin: Vec<Finding> = crate::linearizable::check(history)
        .into_iter()
        .map(|v| Finding {
            message: v.message,
            excerpt: v.excerpt,
        })
        .collect();
    out.push(result("linearizable registers", lin));
    let mut lost = Vec::new();
    let mut audits = Vec::new();
    let mut digests: Vec<(u64, u64, String)> = Vec::new();
    for m in c.cores.iter().filter(|m| !m.removed) {
        match m
            .proc
            .get_json(&c.http, "/api/v1/sources?consistency=linearizable")
            .await
        {
            Ok(v) => {
                let present: BTreeSet<String> = v
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s["id"].as_str().map(String::from))
                    .collect();
                lost.extend(checks::acknowledged_sources(history, &present, m.id));
            }
            Err(e) => lost.push(Finding {
                message: format!("node {} did not answer: {e}", m.id),
                excerpt: Vec::new(),
            }),
        }
        audits.extend(checks::audit_gap_free(&audit_seqs(c, &m.proc).await, m.id));
    }
    out.push(result("no acknowledged write lost", lost));
    out.push(result(
        "scans applied exactly once",
        checks::scans_exactly_once(history),
    ));
    out.push(result("audit trail intact", audits));
    // Convergence: every core node at the same applied index holds the same state.
    let mut conv = Vec::new();
    let mut agreed = false;
    for _ in 0..150 {
        digests.clear();
        for m in c.cores.iter().filter(|m| !m.removed) {
            if let Ok(v) = m.proc.get_json(&c.http, "/api/v1/debug/digest").await {
                digests.push((
                    m.id,
                    v["applied"].as_u64().unwrap_or(0),
                    v["digest"].as_str().unwrap_or("").to_string(),
                ));
            }
        }
        let live = c.cores.iter().filter(|m| !m.removed).count();
        let same_index = digests.len() == live && digests.windows(2).all(|w| w[0].1 == w[1].1);
        if same_index {
            agreed = true;
            if !digests.windows(2).all(|w| w[0].2 == w[1].2) {
                conv.push(Finding {
                    message: format!("replicas at the same index differ: {digests:?}"),
                    excerpt: Vec::new(),
                });
            }
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    if !agreed {
        conv.push(Finding {
            message: format!("replicas did not reach the same index within 30 s: {digests:?}"),
            excerpt: Vec::new(),
        });
    }
    out.push(result("replicas converge", conv));
    let mut panics = Vec::new();
    for m in &c.cores {
        panics.extend(checks::panics(&m.proc.log(), m.id));
    }
    for e in &c.edges {
        panics.extend(checks::panics(&e.log(), e.node_id().unwrap_or(0)));
    }
    out.push(result("no node panicked", panics));
    let avail = match recovery_ms {
        Some(ms) if ms <= RECOVERY_BOUND.as_millis() as u64 => Vec::new(),
        other => vec![Finding {
            message: format!(
                "no write succeeded within {RECOVERY_BOUND:?} after the faults stopped ({other:?})"
            ),
            excerpt: Vec::new(),
        }],
    };
    out.push(result("available again after faults", avail));
    out
}

async fn audit_seqs(c: &Cluster, node: &NodeProcess) -> Vec<u64> {
    let mut seqs = Vec::new();
    let mut after = 0u64;
    loop {
        let Ok(page) = node
            .get_json(
                &c.http,
                &format!("/api/v1/audit?after={after}&limit=1000&consistency=linearizable"),
            )
            .await
        else {
            break;
        };
        let got: Vec<u64> = page
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["seq"].as_u64())
            .collect();
        let Some(last) = got.last().copied() else {
            break;
        };
        seqs.extend(got);
        if last <= after {
            break;
        }
        after = last;
    }
    seqs
}

/// A path for a run's output: `<out>/<scenario>-<seed>`.
pub fn run_dir(out: &Path, scenario: &str, seed: u64) -> PathBuf {
    out.join(format!("{scenario}-{seed}"))
}
