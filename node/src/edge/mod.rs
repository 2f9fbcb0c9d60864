//! Edge nodes: mesh members next to the data, outside the Raft group.
//!
//! An edge node runs the same actors as a core node, but its [`ScanSink`] is an
//! [`link::EdgeLink`]: every scan output goes to a persistent [`outbox::Outbox`] first, and
//! two loops talk to the cluster through any core node (the first that answers):
//! - **sync** (every [`SYNC_EVERY`]): heartbeat with what the node measured and runs (renewing
//!   its jobs' leases), fetch new assignments and the state of its jobs;
//! - **delivery**: send the outbox in order, forget what a core answered for, retry with
//!   backoff while the cluster is out of reach.
//!
//! The core side is [`serve`].
//!
//! [`ScanSink`]: pursight_actors::cluster::ScanSink

pub mod link;
pub mod outbox;
pub mod serve;
pub mod wire;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::registry::NodeRecord;
use pursight_actors::classify::Classifier;
use pursight_actors::domain::now_ms;
use pursight_actors::secrets::SecretBox;
use pursight_actors::supervisor::{RootSupervisor, SupervisorArgs, SupervisorMsg};
use pursight_mesh::{Identity, Mesh, MeshConfig, Role};
use ractor::{Actor, ActorRef, ActorStatus};
use serde::Serialize;

use self::link::EdgeLink;
use self::outbox::Outbox;
use self::wire::{Delivery, EdgeSync};
use crate::cluster::heartbeat::Reporter;
use crate::cluster::rpc::{JoinRequest, JoinResponse, PeerRequest, PeerResponse, PeerStatus};
use crate::node::{NodeError, NodeOptions};

/// How often an edge node syncs with the cluster.
pub const SYNC_EVERY: Duration = Duration::from_secs(2);
/// How long one call to a core node may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one delivery may take: each output is a Raft commit on the core side.
const DELIVER_TIMEOUT: Duration = Duration::from_secs(30);
/// Outputs per delivery, and about how many bytes (frames are capped at 16 MiB).
const BATCH_ITEMS: usize = 32;
const BATCH_BYTES: usize = 4 * 1024 * 1024;
/// Longest wait between delivery attempts while the cluster is out of reach.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// What an edge node serves on the mesh: its status, nothing else.
pub struct EdgeService {
    node_id: u64,
}

impl pursight_mesh::Service for EdgeService {
    type Request = PeerRequest;
    type Response = PeerResponse;
    type JoinRequest = JoinRequest;
    type JoinResponse = JoinResponse;

    async fn handle(&self, _from: u64, req: PeerRequest) -> PeerResponse {
        match req {
            PeerRequest::Status => PeerResponse::Status(PeerStatus {
                node_id: self.node_id,
                state: "Edge".into(),
                term: 0,
                leader: None,
                last_log_index: None,
                last_applied: None,
                snapshot_index: None,
                version: env!("CARGO_PKG_VERSION").into(),
            }),
            _ => PeerResponse::Refused("an edge node is not in the Raft group".into()),
        }
    }

    async fn join(
        &self,
        _remote: std::net::SocketAddr,
        _req: JoinRequest,
    ) -> Result<JoinResponse, String> {
        Err("an edge node does not admit nodes; join through a core node".into())
    }
}

type EdgeMesh = Mesh<EdgeService>;

/// What `GET /api/v1/edge` shows.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EdgeStatus {
    pub node_id: u64,
    pub site: Option<String>,
    /// The core node the last sync went through.
    pub connected_via: Option<u64>,
    pub last_sync_ms: Option<u64>,
    /// Why the last sync or delivery failed, while the cluster is out of reach.
    pub last_error: Option<String>,
    /// Scan outputs waiting to be delivered.
    pub outbox: u64,
    /// Jobs (id, attempt) this node's actors hold now.
    pub running: Vec<(String, u32)>,
    pub delivered: u64,
    pub refused: u64,
}

/// A running edge node.
pub struct EdgeNode {
    status: Arc<Mutex<EdgeStatus>>,
    link: Arc<EdgeLink>,
    mesh: EdgeMesh,
    supervisor: ActorRef<SupervisorMsg>,
    supervisor_task: tokio::task::JoinHandle<()>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl EdgeNode {
    /// Starts an edge node: outbox, mesh, actors, and the sync and delivery loops.
    pub async fn start(opts: NodeOptions) -> Result<Arc<EdgeNode>, NodeError> {
        crate::metrics::install();
        let Some(c) = opts.cluster.clone().filter(|c| c.role == Role::Edge) else {
            return Err(NodeError::Identity(
                opts.data_dir.clone(),
                "an edge node needs [cluster] role = \"edge\"".into(),
            ));
        };
        let db = crate::node::open_db(&opts.data_dir, opts.cache_mb)?;
        let outbox = Outbox::open(&db)
            .map(Arc::new)
            .map_err(|e| NodeError::Actors(e.to_string()))?;
        let bad = |e: String| NodeError::Identity(c.tls_dir.clone(), e);
        let secrets = SecretBox::load_or_create(&c.tls_dir.join("secrets.key"))
            .map_err(|e| bad(e.to_string()))?;
        let identity = Identity::load(&c.tls_dir).map_err(|e| bad(e.to_string()))?;
        if identity.node_id != opts.node_id {
            return Err(bad(format!(
                "the certificate is for node {} but the config says node {}",
                identity.node_id, opts.node_id
            )));
        }
        let mut config = MeshConfig::new(c.mesh_listen);
        config.fault_injection = c.fault_injection;
        config.idle_timeout = Duration::from_secs(4);
        let service = Arc::new(EdgeService {
            node_id: opts.node_id,
        });
        let mesh = Mesh::start(config, identity, service)
            .await
            .map_err(|e| NodeError::Mesh(e.to_string()))?;
        for (id, addr) in &c.peers {
            mesh.set_peer(*id, *addr);
        }
        let link = Arc::new(EdgeLink::new(opts.node_id, outbox));
        let mut registry = opts.registry.clone();
        registry.set_secrets(secrets);
        let args = SupervisorArgs {
            cluster: link.clone(),
            catalog: None,
            registry,
            classifier: Arc::new(Classifier::new()?),
            settings: opts.scan.clone(),
            budget: opts.budget,
        };
        let (supervisor, supervisor_task) = Actor::spawn(None, RootSupervisor, args)
            .await
            .map_err(|e| NodeError::Actors(e.to_string()))?;
        let status = Arc::new(Mutex::new(EdgeStatus {
            node_id: opts.node_id,
            site: c.site.clone(),
            outbox: link.outbox().len(),
            ..EdgeStatus::default()
        }));
        let me = NodeRecord::starting(
            opts.node_id,
            Role::Edge,
            c.site.clone(),
            opts.advertise.clone(),
            c.admin_addr.clone(),
        );
        let prober = crate::proximity::Prober::default();
        let reporter = Reporter {
            supervisor: supervisor.clone(),
            prober: prober.clone(),
            capacity: u32::try_from(opts.scan.workers.max(1)).unwrap_or(u32::MAX),
        };
        let cores: Vec<u64> = c.peers.iter().map(|(id, _)| *id).collect();
        let syncer = Syncer {
            me,
            mesh: mesh.clone(),
            link: link.clone(),
            reporter,
            status: status.clone(),
            cores: Arc::new(Mutex::new(cores)),
        };
        let tasks = vec![
            tokio::spawn(syncer.clone().sync_loop()),
            tokio::spawn(syncer.delivery_loop()),
            tokio::spawn(probe_loop(link.clone(), prober)),
        ];
        Ok(Arc::new(EdgeNode {
            status,
            link,
            mesh,
            supervisor,
            supervisor_task,
            tasks,
        }))
    }

    /// What `GET /api/v1/edge` shows: the jobs its actors hold right now, its outbox, and
    /// how the last exchanges with the cluster went.
    pub async fn status(&self) -> EdgeStatus {
        let running =
            ractor::call_t!(self.supervisor, SupervisorMsg::Running, 2_000).unwrap_or_default();
        let mut s = self
            .status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        s.outbox = self.link.outbox().len();
        s.running = running;
        s
    }

    /// The mesh's fault injection (test builds only).
    pub fn faults(&self) -> Option<&pursight_mesh::Faults> {
        self.mesh.faults()
    }

    /// Ready when the actors run: an edge node scans (into its outbox) even while the
    /// cluster is out of reach.
    pub fn readiness(&self) -> Result<(), String> {
        let stopped = matches!(
            self.supervisor.get_status(),
            ActorStatus::Draining | ActorStatus::Stopping | ActorStatus::Stopped
        );
        if stopped || self.supervisor_task.is_finished() {
            return Err("the root supervisor has stopped (restart budget exhausted?)".into());
        }
        Ok(())
    }

    pub async fn shutdown(&self) {
        for t in &self.tasks {
            t.abort();
        }
        self.supervisor.stop(Some("node shutting down".into()));
        self.mesh.shutdown().await;
    }
}

/// Re-measures the sources the last sync listed.
async fn probe_loop(link: Arc<EdgeLink>, prober: crate::proximity::Prober) {
    loop {
        prober.probe(&link.sources()).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// The two loops that talk to the cluster.
#[derive(Clone)]
struct Syncer {
    me: NodeRecord,
    mesh: EdgeMesh,
    link: Arc<EdgeLink>,
    reporter: Reporter,
    status: Arc<Mutex<EdgeStatus>>,
    /// Core nodes to try, the one that answered last first.
    cores: Arc<Mutex<Vec<u64>>>,
}

impl Syncer {
    fn status(&self) -> std::sync::MutexGuard<'_, EdgeStatus> {
        self.status.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn cores(&self) -> Vec<u64> {
        self.cores.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The core that answered goes first next time.
    fn prefer(&self, core: u64) {
        let mut cores = self.cores.lock().unwrap_or_else(|e| e.into_inner());
        cores.retain(|c| *c != core);
        cores.insert(0, core);
    }

    /// Sends `req` to the first core node that answers it.
    async fn call(
        &self,
        req: &PeerRequest,
        timeout: Duration,
    ) -> Result<(u64, PeerResponse), String> {
        let mut why = String::from("no core node known");
        for core in self.cores() {
            match self.mesh.call(core, req, timeout).await {
                Ok(PeerResponse::NotReady) => why = format!("node {core} is starting"),
                Ok(PeerResponse::Refused(r)) => why = format!("node {core} refused: {r}"),
                Ok(resp) => return Ok((core, resp)),
                Err(e) => why = format!("node {core}: {e}"),
            }
        }
        Err(why)
    }

    async fn sync_loop(self) {
        let mut dispatched: HashMap<String, u32> = HashMap::new();
        let mut tick = tokio::time::interval(SYNC_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(why) = self.sync_once(&mut dispatched).await {
                tracing::debug!(%why, "edge sync failed");
                let mut st = self.status();
                st.last_error = Some(why);
                st.connected_via = None;
            }
        }
    }

    async fn sync_once(&self, dispatched: &mut HashMap<String, u32>) -> Result<(), String> {
        // Stamped before the report is taken (see the heartbeat's lease rules).
        let at_ms = now_ms();
        let mut report = self.reporter.report(self.mesh.peers(), at_ms).await;
        let held = report.running.clone();
        // Jobs with outputs still to deliver keep their lease: the results are on the way.
        for p in self.link.outbox().pending_jobs() {
            if !report.running.contains(&p) {
                report.running.push(p);
            }
        }
        report.outbox = self.link.outbox().len();
        let req = PeerRequest::EdgeSync(Box::new(EdgeSync {
            record: self.me.clone(),
            at_ms,
            watch: self.link.watched(&held),
            report,
        }));
        let (core, resp) = self.call(&req, CALL_TIMEOUT).await?;
        let reply = match resp {
            PeerResponse::EdgeSync(Ok(reply)) => reply,
            PeerResponse::EdgeSync(Err(r)) => return Err(format!("node {core}: {r}")),
            other => return Err(format!("node {core} answered {other:?}")),
        };
        self.prefer(core);
        for (id, addr) in &reply.cores {
            if let Ok(addr) = addr.parse() {
                self.mesh.set_peer(*id, addr);
            }
            let mut cores = self.cores.lock().unwrap_or_else(|e| e.into_inner());
            if !cores.contains(id) {
                cores.push(*id);
            }
        }
        let assigned = self.link.absorb(*reply);
        dispatched.retain(|id, _| {
            held.iter().any(|(h, _)| h == id) || assigned.iter().any(|j| j.id == *id)
        });
        for job in assigned {
            if dispatched.get(&job.id) == Some(&job.attempt) {
                continue;
            }
            tracing::info!(job = %job.id, attempt = job.attempt, "scan assigned to this edge node");
            dispatched.insert(job.id.clone(), job.attempt);
            let _ = self.reporter.supervisor.cast(SupervisorMsg::StartScan(job));
        }
        self.link.prune(&held);
        let mut st = self.status();
        st.connected_via = Some(core);
        st.last_sync_ms = Some(now_ms());
        st.last_error = None;
        Ok(())
    }

    async fn delivery_loop(self) {
        let mut backoff = Duration::from_millis(200);
        loop {
            let batch = match self.link.outbox().peek(BATCH_ITEMS, BATCH_BYTES) {
                Ok(b) => b,
                Err(e) => {
                    tracing::error!(error = %e, "reading the outbox");
                    tokio::time::sleep(MAX_BACKOFF).await;
                    continue;
                }
            };
            if batch.is_empty() {
                let _ = tokio::time::timeout(Duration::from_secs(1), self.link.delivery.notified())
                    .await;
                continue;
            }
            match self.deliver(&batch).await {
                Ok(()) => backoff = Duration::from_millis(200),
                Err(why) => {
                    tracing::debug!(%why, items = batch.len(), "delivery failed; retrying");
                    self.status().last_error = Some(why);
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    async fn deliver(&self, batch: &[(u64, wire::OutboxItem)]) -> Result<(), String> {
        let items: Vec<wire::OutboxItem> = batch.iter().map(|(_, i)| i.clone()).collect();
        let (core, resp) = self
            .call(&PeerRequest::EdgeDeliver(items), DELIVER_TIMEOUT)
            .await?;
        let results = match resp {
            PeerResponse::EdgeDeliver(Ok(r)) => r,
            PeerResponse::EdgeDeliver(Err(r)) => return Err(format!("node {core}: {r}")),
            other => return Err(format!("node {core} answered {other:?}")),
        };
        let answered = &batch[..results.len().min(batch.len())];
        let (mut delivered, mut refused) = (0u64, 0u64);
        for ((_, item), result) in answered.iter().zip(&results) {
            match result {
                Delivery::Applied | Delivery::Duplicate => delivered += 1,
                Delivery::Refused(why) => {
                    refused += 1;
                    tracing::info!(job = %item.job, attempt = item.attempt, %why, "output refused");
                    self.link.supersede(&item.job, item.attempt);
                }
            }
        }
        self.link
            .outbox()
            .ack(answered)
            .await
            .map_err(|e| e.to_string())?;
        {
            let mut st = self.status();
            st.delivered += delivered;
            st.refused += refused;
        }
        if answered.len() < batch.len() {
            return Err(format!(
                "node {core} took {} of {} outputs",
                answered.len(),
                batch.len()
            ));
        }
        Ok(())
    }
}
