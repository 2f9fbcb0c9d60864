//! The Raft glue: openraft over a sled log store and state machine.
//!
//! [`RaftNode`] is what the rest of the node uses: propose a command and get its result once
//! committed and applied, read the local state, report status.

// openraft's trait methods fix the error type to its `StorageError` (224 bytes); our
// helpers return the same type rather than boxing and unboxing at every trait boundary.
#![allow(clippy::result_large_err)]

pub mod codec;
pub mod log_store;
pub mod network;
pub mod state_machine;
pub mod types;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use openraft::error::{ClientWriteError, RaftError};
use openraft::{BasicNode, SnapshotPolicy};
use pursight_actors::cluster::{Cluster, ClusterError};
use pursight_actors::domain::{Command, CommandResult, Source};
use serde::Serialize;

use self::log_store::LogStore;
use self::network::NoPeersFactory;
use self::state_machine::{StateMachineStore, StateReader};
use self::types::Raft;

/// Tunables of the Raft group, from the node config.
#[derive(Clone, Debug)]
pub struct RaftSettings {
    /// Build a snapshot (and purge the log behind it) after this many entries.
    pub snapshot_every: u64,
    /// Entries kept in the log behind the last snapshot.
    pub keep_after_snapshot: u64,
    pub heartbeat_ms: u64,
    pub election_min_ms: u64,
    pub election_max_ms: u64,
}

impl Default for RaftSettings {
    fn default() -> Self {
        Self {
            snapshot_every: 5000,
            keep_after_snapshot: 1000,
            heartbeat_ms: 100,
            election_min_ms: 300,
            election_max_ms: 600,
        }
    }
}

/// Why the Raft node did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("invalid raft settings: {0}")]
    Config(#[from] openraft::ConfigError),
    #[error("opening raft storage: {0}")]
    Storage(#[from] sled::Error),
    #[error("raft: {0}")]
    Fatal(#[from] openraft::error::Fatal<u64>),
    #[error("initializing the cluster: {0}")]
    Initialize(String),
    #[error("no leader after {0:?}: {1}")]
    NoLeader(Duration, String),
}

/// What `GET /api/v1/cluster` shows about the Raft group.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterStatus {
    pub node_id: u64,
    pub state: String,
    pub leader: Option<u64>,
    pub term: u64,
    pub last_log_index: Option<u64>,
    pub last_applied: Option<u64>,
    pub snapshot_index: Option<u64>,
    pub purged_index: Option<u64>,
    pub members: Vec<Member>,
}

/// One member of the Raft group.
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    pub id: u64,
    pub addr: String,
    pub role: &'static str,
}

/// A running Raft node with its storage. Cloning shares it.
#[derive(Clone)]
pub struct RaftNode {
    id: u64,
    raft: Raft,
    reader: StateReader,
    log: LogStore,
}

impl RaftNode {
    /// Opens the storage in `db`, starts Raft, and initializes a single-voter cluster the
    /// first time. Returns once this node leads and has applied everything it had logged.
    pub async fn start(
        db: &sled::Db,
        id: u64,
        addr: &str,
        settings: &RaftSettings,
    ) -> Result<Self, StartError> {
        let config = openraft::Config {
            cluster_name: "pursight".into(),
            heartbeat_interval: settings.heartbeat_ms,
            election_timeout_min: settings.election_min_ms,
            election_timeout_max: settings.election_max_ms,
            snapshot_policy: SnapshotPolicy::LogsSinceLast(settings.snapshot_every),
            max_in_snapshot_log_to_keep: settings.keep_after_snapshot,
            ..Default::default()
        }
        .validate()?;
        let log = LogStore::open(db)?;
        let sm = StateMachineStore::open(db)?;
        let reader = sm.reader();
        let raft = Raft::new(id, Arc::new(config), NoPeersFactory, log.clone(), sm).await?;
        if !raft.is_initialized().await? {
            let members = BTreeMap::from([(id, BasicNode::new(addr))]);
            raft.initialize(members)
                .await
                .map_err(|e| StartError::Initialize(e.to_string()))?;
        }
        let node = Self {
            id,
            raft,
            reader,
            log,
        };
        node.wait_caught_up(Duration::from_secs(10)).await?;
        Ok(node)
    }

    /// Waits until this node leads and has applied every entry in its log, so local reads
    /// see every write acknowledged before a restart.
    async fn wait_caught_up(&self, timeout: Duration) -> Result<(), StartError> {
        let id = self.id;
        let m = self
            .raft
            .wait(Some(timeout))
            .metrics(|m| m.current_leader == Some(id), "this node leads")
            .await
            .map_err(|e| StartError::NoLeader(timeout, e.to_string()))?;
        let last = m.last_log_index;
        self.raft
            .wait(Some(timeout))
            .applied_index_at_least(last, "applied the whole log")
            .await
            .map_err(|e| StartError::NoLeader(timeout, e.to_string()))?;
        Ok(())
    }

    /// This node's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The local copy of the state.
    pub fn reader(&self) -> &StateReader {
        &self.reader
    }

    /// The openraft handle (snapshots, metrics, tests).
    pub fn raft(&self) -> &Raft {
        &self.raft
    }

    /// Entries currently kept in the log.
    pub fn log_len(&self) -> usize {
        self.log.len()
    }

    /// Proposes a command; resolves once it is committed (flushed) and applied.
    pub async fn propose(&self, cmd: Command) -> Result<CommandResult, ClusterError> {
        let started = Instant::now();
        let res = self.raft.client_write(cmd).await;
        metrics::histogram!("pursight_raft_commit_seconds").record(started.elapsed().as_secs_f64());
        match res {
            Ok(r) => {
                metrics::counter!("pursight_raft_commands_total").increment(1);
                Ok(r.data)
            }
            Err(RaftError::APIError(ClientWriteError::ForwardToLeader(f))) => {
                Err(ClusterError::Unavailable(match f.leader_id {
                    Some(l) => format!("node {l} leads; forwarding comes with clustering"),
                    None => "no leader elected".into(),
                }))
            }
            Err(RaftError::APIError(e)) => Err(ClusterError::Unavailable(e.to_string())),
            Err(RaftError::Fatal(openraft::error::Fatal::Stopped)) => {
                Err(ClusterError::ShuttingDown)
            }
            Err(RaftError::Fatal(e)) => Err(ClusterError::Storage(e.to_string())),
        }
    }

    /// The Raft group as this node sees it.
    pub fn status(&self) -> ClusterStatus {
        let m = self.raft.metrics().borrow().clone();
        let members = m
            .membership_config
            .membership()
            .nodes()
            .map(|(id, n)| Member {
                id: *id,
                addr: n.addr.clone(),
                role: "core",
            })
            .collect();
        ClusterStatus {
            node_id: m.id,
            state: format!("{:?}", m.state).to_lowercase(),
            leader: m.current_leader,
            term: m.current_term,
            last_log_index: m.last_log_index,
            last_applied: m.last_applied.map(|l| l.index),
            snapshot_index: m.snapshot.map(|l| l.index),
            purged_index: m.purged.map(|l| l.index),
            members,
        }
    }

    /// Whether this node currently leads (and so can take writes).
    pub fn is_leader(&self) -> bool {
        self.raft.metrics().borrow().current_leader == Some(self.id)
    }

    /// Stops Raft; storage stays consistent.
    pub async fn shutdown(&self) {
        if let Err(e) = self.raft.shutdown().await {
            tracing::warn!(error = %e, "raft shutdown");
        }
    }
}

impl Cluster for RaftNode {
    fn propose(&self, cmd: Command) -> BoxFuture<'_, Result<CommandResult, ClusterError>> {
        Box::pin(RaftNode::propose(self, cmd))
    }

    fn source(&self, id: &str) -> Result<Option<Source>, ClusterError> {
        self.reader
            .source(id)
            .map_err(|e| ClusterError::Storage(e.to_string()))
    }

    fn node_id(&self) -> u64 {
        self.id
    }
}

#[cfg(test)]
mod tests;
