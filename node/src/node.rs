//! A running node: sled, Raft, and the root supervisor with its actors.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pursight_actors::classify::PatternClassifier;
use pursight_actors::connectors::ConnectorRegistry;
use pursight_actors::domain::{Command, ScanState, now_ms};
use pursight_actors::scanner::ScanSettings;
use pursight_actors::supervisor::{RestartBudget, RootSupervisor, SupervisorArgs, SupervisorMsg};
use ractor::{Actor, ActorRef, ActorStatus};

use crate::raft::{RaftNode, RaftSettings};

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
}

/// A running node. Share it behind an `Arc`.
pub struct Node {
    pub(crate) raft: RaftNode,
    supervisor: ActorRef<SupervisorMsg>,
    supervisor_task: tokio::task::JoinHandle<()>,
    data_dir: PathBuf,
}

fn open_db(dir: &Path, cache_mb: u64) -> Result<sled::Db, NodeError> {
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
    /// Opens the state in `opts.data_dir`, starts Raft (initializing a one-node cluster the
    /// first time) and the supervised actors, and resumes scans a restart interrupted.
    pub async fn start(opts: NodeOptions) -> Result<Arc<Node>, NodeError> {
        crate::metrics::install();
        let db = open_db(&opts.data_dir, opts.cache_mb)?;
        let raft = RaftNode::start(&db, opts.node_id, &opts.advertise, &opts.raft)
            .await
            .map_err(Box::new)?;
        let args = SupervisorArgs {
            cluster: Arc::new(raft.clone()),
            registry: opts.registry.clone(),
            classifier: Arc::new(PatternClassifier::new()),
            settings: opts.scan.clone(),
            budget: opts.budget,
        };
        let (supervisor, supervisor_task) = Actor::spawn(None, RootSupervisor, args)
            .await
            .map_err(|e| NodeError::Actors(e.to_string()))?;
        let node = Arc::new(Node {
            raft,
            supervisor,
            supervisor_task,
            data_dir: opts.data_dir.clone(),
        });
        node.resume_scans().await;
        Ok(node)
    }

    /// Scans that were running when the node stopped are failed (their partial results are
    /// already cataloged); queued ones run now.
    async fn resume_scans(&self) {
        let jobs = match self.raft.reader().scans() {
            Ok(j) => j,
            Err(e) => {
                tracing::error!(error = %e, "reading scan jobs at start");
                return;
            }
        };
        for job in jobs.into_iter().rev() {
            match job.state {
                ScanState::Running => {
                    let cmd = Command::UpdateScan {
                        id: job.id.clone(),
                        state: ScanState::Failed,
                        node: job.node,
                        progress: job.progress.clone(),
                        error: Some("interrupted: the node stopped during the scan".into()),
                        at_ms: now_ms(),
                    };
                    if let Err(e) = self.raft.propose(cmd).await {
                        tracing::error!(job = %job.id, error = %e, "failing an interrupted scan");
                    }
                }
                ScanState::Queued => {
                    let _ = self.supervisor.cast(SupervisorMsg::StartScan(job));
                }
                _ => {}
            }
        }
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

    /// Where the node keeps its state.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Ready: this node leads (so it takes writes) and its actors are running.
    pub fn readiness(&self) -> Result<(), String> {
        if !self.raft.is_leader() {
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
        self.supervisor.stop(Some("node shutting down".into()));
        self.raft.shutdown().await;
    }
}
