//! A running node: sled, Raft, and the root supervisor with its actors.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::registry::NodeRecord;
use pursight_actors::classify::Classifier;
use pursight_actors::connectors::ConnectorRegistry;
use pursight_actors::scanner::ScanSettings;
use pursight_actors::secrets::SecretBox;
use pursight_actors::supervisor::{RestartBudget, RootSupervisor, SupervisorArgs, SupervisorMsg};
use pursight_mesh::{Identity, MeshConfig, Role};
use ractor::{Actor, ActorRef, ActorStatus};

use crate::cluster::{NodeMesh, PeerService};
use crate::raft::{Network, RaftNode, RaftSettings};

/// How a clustered node takes part.
#[derive(Clone, Debug)]
pub struct ClusterOptions {
    pub name: String,
    pub role: Role,
    pub site: Option<String>,
    /// Creates the Raft group on first start (the `cluster init` node only).
    pub bootstrap: bool,
    /// Members to reach before Raft names them.
    pub peers: Vec<(u64, SocketAddr)>,
    pub mesh_listen: SocketAddr,
    /// Folder with the node's identity (and the CA key on core nodes).
    pub tls_dir: PathBuf,
    /// The admin endpoint's address, for the registry.
    pub admin_addr: String,
    /// Handed to nodes that join through this one.
    pub admin_token: String,
    /// Test builds of the cluster: lets the API drop and delay mesh traffic.
    pub fault_injection: bool,
}

/// What a node is started with.
#[derive(Clone)]
pub struct NodeOptions {
    pub node_id: u64,
    pub data_dir: PathBuf,
    /// Address peers would reach this node at (recorded in the membership).
    pub advertise: String,
    pub cache_mb: u64,
    pub raft: RaftSettings,
    pub scan: ScanSettings,
    pub budget: RestartBudget,
    pub registry: ConnectorRegistry,
    /// `None`: a standalone node.
    pub cluster: Option<ClusterOptions>,
}

impl NodeOptions {
    /// Defaults for a node with its data in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            node_id: 1,
            data_dir: data_dir.into(),
            advertise: "127.0.0.1:7480".into(),
            cache_mb: 64,
            raft: RaftSettings::default(),
            scan: ScanSettings::default(),
            budget: RestartBudget::default(),
            registry: ConnectorRegistry::default(),
            cluster: None,
        }
    }
}

/// Why a node did not start.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error("cannot create data folder {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error(
        "data folder {0} is in use by another pursight process; stop it, or talk to it with --endpoint"
    )]
    Locked(PathBuf),
    #[error("cannot open the state in {0}: {1}")]
    Open(PathBuf, sled::Error),
    #[error(transparent)]
    Raft(#[from] Box<crate::raft::StartError>),
    #[error("starting the actors: {0}")]
    Actors(String),
    #[error("node identity in {0}: {1}")]
    Identity(PathBuf, String),
    #[error("starting the mesh: {0}")]
    Mesh(String),
    #[error("loading the classifier: {0}")]
    Classifier(#[from] pursight_actors::classify::ClassifierError),
}

/// Written next to the identity once the bootstrap node created the Raft group.
const BOOTSTRAPPED: &str = "raft.bootstrapped";

/// When the first full policy re-check runs after start.
const FIRST_RECHECK: std::time::Duration = std::time::Duration::from_secs(60);
/// How often the full policy re-check runs.
const RECHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(6 * 3600);

/// A running node. Share it behind an `Arc`.
pub struct Node {
    pub(crate) raft: RaftNode,
    supervisor: ActorRef<SupervisorMsg>,
    supervisor_task: tokio::task::JoinHandle<()>,
    data_dir: PathBuf,
    /// Heartbeats, the scheduler, the intake of assigned jobs and the prober.
    duties: Vec<tokio::task::JoinHandle<()>>,
    /// Wakes the scheduler (a scan was queued here).
    scheduler_wake: Arc<tokio::sync::Notify>,
    /// The periodic full policy re-check.
    rechecks: tokio::task::JoinHandle<()>,
    cluster_name: Option<String>,
    ca_fingerprint: Option<String>,
    peer_service: Option<Arc<PeerService>>,
    secrets: SecretBox,
}

pub(crate) fn open_db(dir: &Path, cache_mb: u64) -> Result<sled::Db, NodeError> {
    std::fs::create_dir_all(dir).map_err(|e| NodeError::DataDir(dir.to_path_buf(), e))?;
    let path = dir.join("state");
    sled::Config::new()
        .path(&path)
        .cache_capacity(cache_mb.saturating_mul(1024 * 1024))
        .open()
        .map_err(|e| match &e {
            // sled reports a held file lock as an I/O error on its own lock file.
            sled::Error::Io(io)
                if io.kind() == std::io::ErrorKind::WouldBlock
                    || io.to_string().contains("lock") =>
            {
                NodeError::Locked(dir.to_path_buf())
            }
            _ => NodeError::Open(path.clone(), e),
        })
}

impl Node {
    /// Where the key that seals source passwords lives: next to the node's identity in a
    /// cluster (every member gets the same key when it joins), in the data folder otherwise.
    fn secrets_file(opts: &NodeOptions) -> PathBuf {
        match &opts.cluster {
            Some(c) => c.tls_dir.join("secrets.key"),
            None => opts.data_dir.join("secrets.key"),
        }
    }

    /// Opens the state in `opts.data_dir`, starts Raft (initializing a one-node cluster the
    /// first time) and the supervised actors, and resumes scans a restart interrupted.
    pub async fn start(opts: NodeOptions) -> Result<Arc<Node>, NodeError> {
        crate::metrics::install();
        // A clustered node whose data folder is new (first start after a join, or a node
        // whose folder was lost) must not cast a vote before it has heard the current
        // leader: a vote it gave before losing its state is forgotten, and voting again in
        // that term could elect two leaders.
        let fresh = !opts.data_dir.join("state").exists();
        let db = open_db(&opts.data_dir, opts.cache_mb)?;
        let secrets_file = Self::secrets_file(&opts);
        let secrets = SecretBox::load_or_create(&secrets_file)
            .map_err(|e| NodeError::Identity(secrets_file.clone(), e.to_string()))?;
        let mut registry = opts.registry.clone();
        registry.set_secrets(secrets.clone());
        let (network, service, ca_fingerprint) = match &opts.cluster {
            None => (Network::Standalone, None, None),
            Some(c) => {
                let (mesh, service, fp) = start_mesh(opts.node_id, c).await?;
                // The group is created once: a bootstrap node that lost its data folder
                // rejoins the group it created instead of creating a second one.
                let bootstrap = c.bootstrap && !c.tls_dir.join(BOOTSTRAPPED).exists();
                if fresh && !bootstrap {
                    service.hold_votes_until_a_leader_is_heard();
                }
                let network = Network::Mesh { mesh, bootstrap };
                (network, Some(service), Some(fp))
            }
        };
        let raft = RaftNode::start(&db, opts.node_id, &opts.advertise, &opts.raft, network)
            .await
            .map_err(Box::new)?;
        if let Some(service) = &service {
            service.serve(raft.clone());
        }
        if let Some(c) = opts.cluster.as_ref().filter(|c| c.bootstrap) {
            let marker = c.tls_dir.join(BOOTSTRAPPED);
            if !marker.exists() {
                std::fs::write(&marker, "the raft group was created by this node\n")
                    .map_err(|e| NodeError::Identity(marker.clone(), e.to_string()))?;
            }
        }
        let core = Arc::new(raft.clone());
        let args = SupervisorArgs {
            cluster: core.clone(),
            catalog: Some(core),
            registry,
            classifier: Arc::new(Classifier::new()?),
            settings: opts.scan.clone(),
            budget: opts.budget,
        };
        let (supervisor, supervisor_task) = Actor::spawn(None, RootSupervisor, args)
            .await
            .map_err(|e| NodeError::Actors(e.to_string()))?;
        if let Some(service) = &service {
            service.set_supervisor(supervisor.clone());
        }
        let prober = crate::proximity::Prober::default();
        let capacity = u32::try_from(opts.scan.workers.max(1)).unwrap_or(u32::MAX);
        let me = NodeRecord::starting(
            opts.node_id,
            opts.cluster.as_ref().map_or(Role::Core, |c| c.role),
            opts.cluster.as_ref().and_then(|c| c.site.clone()),
            opts.advertise.clone(),
            opts.cluster
                .as_ref()
                .map(|c| c.admin_addr.clone())
                .unwrap_or_default(),
        );
        let scheduler_wake = Arc::new(tokio::sync::Notify::new());
        let reporter = crate::cluster::heartbeat::Reporter {
            supervisor: supervisor.clone(),
            prober: prober.clone(),
            capacity,
        };
        let scheduler = crate::scheduler::SchedulerContext {
            raft: raft.clone(),
            capacity,
            site: me.site.clone(),
            prober: prober.clone(),
            wake: scheduler_wake.clone(),
        };
        let duties = vec![
            tokio::spawn(crate::cluster::heartbeat::run(raft.clone(), me, reporter)),
            tokio::spawn(crate::scheduler::run(scheduler)),
            tokio::spawn(crate::intake::run(raft.clone(), supervisor.clone())),
            tokio::spawn(probe_sources(raft.reader().clone(), prober)),
        ];
        // A full policy re-check a minute after start and then every few hours: rules that
        // depend on time, expired accepted risks and checks that failed catch up.
        let rechecks = {
            let (reader, supervisor) = (raft.reader().clone(), supervisor.clone());
            tokio::spawn(async move {
                tokio::time::sleep(FIRST_RECHECK).await;
                loop {
                    crate::service::recheck_all(reader.clone(), supervisor.clone()).await;
                    tokio::time::sleep(RECHECK_EVERY).await;
                }
            })
        };
        let node = Arc::new(Node {
            raft,
            supervisor,
            supervisor_task,
            data_dir: opts.data_dir.clone(),
            duties,
            scheduler_wake,
            rechecks,
            cluster_name: opts.cluster.as_ref().map(|c| c.name.clone()),
            ca_fingerprint,
            peer_service: service,
            secrets,
        });
        Ok(node)
    }

    /// Wakes the scheduler (it also looks every half second).
    pub fn wake_scheduler(&self) {
        self.scheduler_wake.notify_one();
    }

    /// This node's id.
    pub fn id(&self) -> u64 {
        self.raft.id()
    }

    /// The Raft node (status, metrics, tests).
    pub fn raft(&self) -> &RaftNode {
        &self.raft
    }

    /// The root supervisor.
    pub fn supervisor(&self) -> &ActorRef<SupervisorMsg> {
        &self.supervisor
    }

    /// Seals source passwords.
    pub fn secrets(&self) -> &SecretBox {
        &self.secrets
    }

    /// The cluster's name (None: standalone).
    pub fn cluster_name(&self) -> Option<&str> {
        self.cluster_name.as_deref()
    }

    /// The cluster CA's fingerprint (None: standalone).
    pub fn ca_fingerprint(&self) -> Option<&str> {
        self.ca_fingerprint.as_deref()
    }

    /// Where the node keeps its state.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Ready: a leader is known (so writes can commit) and the actors are running.
    pub fn readiness(&self) -> Result<(), String> {
        if self.raft.leader().is_none() {
            return Err("raft has no leader".into());
        }
        let stopped = matches!(
            self.supervisor.get_status(),
            ActorStatus::Draining | ActorStatus::Stopping | ActorStatus::Stopped
        );
        if stopped || self.supervisor_task.is_finished() {
            return Err("the root supervisor has stopped (restart budget exhausted?)".into());
        }
        Ok(())
    }

    /// Stops the actors, then Raft.
    pub async fn shutdown(&self) {
        for duty in &self.duties {
            duty.abort();
        }
        self.rechecks.abort();
        self.supervisor.stop(Some("node shutting down".into()));
        self.raft.shutdown().await;
        if let Some(mesh) = self.raft.mesh() {
            mesh.shutdown().await;
        }
        if let Some(s) = &self.peer_service {
            s.stop();
        }
    }
}

/// Measures this node's proximity to every registered source, again and again.
async fn probe_sources(reader: crate::state::StateReader, prober: crate::proximity::Prober) {
    loop {
        match reader.sources() {
            Ok(sources) => prober.probe(&sources).await,
            Err(e) => tracing::warn!(error = %e, "reading sources to probe"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    }
}

/// Loads the node's identity and starts its QUIC endpoint.
async fn start_mesh(
    node_id: u64,
    c: &ClusterOptions,
) -> Result<(NodeMesh, Arc<PeerService>, String), NodeError> {
    let bad = |e: String| NodeError::Identity(c.tls_dir.clone(), e);
    let identity = Identity::load(&c.tls_dir).map_err(|e| bad(e.to_string()))?;
    if identity.node_id != node_id {
        return Err(bad(format!(
            "the certificate is for node {} but the config says node {node_id}",
            identity.node_id
        )));
    }
    let fp = pursight_mesh::fingerprint(&identity.ca_pem).map_err(|e| bad(e.to_string()))?;
    let ca = crate::cluster::init::load_ca(&c.tls_dir, &identity.ca_pem)
        .map_err(|e| bad(format!("ca.key: {e}")))?;
    // What joiners get: the key this node seals with (from the environment or its file).
    let secrets_key = std::env::var(pursight_actors::secrets::KEY_ENV)
        .or_else(|_| std::fs::read_to_string(c.tls_dir.join("secrets.key")))
        .map_err(|e| bad(format!("secrets.key: {e}")))?
        .trim()
        .to_string();
    let service = PeerService::new(c.name.clone(), ca, c.admin_token.clone(), secrets_key);
    let mut config = MeshConfig::new(c.mesh_listen);
    config.fault_injection = c.fault_injection;
    // A peer killed without closing its connections is noticed after this long without a
    // packet (Raft heartbeats keep live connections busy far more often).
    config.idle_timeout = std::time::Duration::from_secs(4);
    let mesh = NodeMesh::start(config, identity, service.clone())
        .await
        .map_err(|e| NodeError::Mesh(e.to_string()))?;
    for (id, addr) in &c.peers {
        if *id != node_id {
            mesh.set_peer(*id, *addr);
        }
    }
    Ok((mesh, service, fp))
}
