//! The Raft glue: openraft over a sled log store and state machine.
//!
//! [`RaftNode`] is what the rest of the node uses: propose a command and get its result once
//! committed and applied, read the local state, report status.

// openraft's trait methods fix the error type to its `StorageError` (224 bytes); our
// helpers return the same type rather than boxing and unboxing at every trait boundary.
#![allow(clippy::result_large_err)]

pub mod log_store;
pub mod network;
pub mod state_machine;
pub mod types;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::state::{Command, CommandResult};
use futures::future::BoxFuture;
use openraft::error::{CheckIsLeaderError, ClientWriteError, RaftError};
use openraft::{BasicNode, SnapshotPolicy};
use pursight_actors::cluster::{
    Catalog, ClusterError, FindingsUpdate, KnownTable, OutputAck, ScanSink,
};
use pursight_actors::compliance::custom::{AssetMeta, CustomPolicy, PolicySettings};
use pursight_actors::domain::{ScanJob, ScanOutput, Source, TableAsset, now_ms};
use pursight_mesh::CallError;
use serde::Serialize;

use self::log_store::LogStore;
use self::network::{MeshNetworkFactory, NoPeersFactory};
use self::state_machine::StateMachineStore;
use self::types::Raft;
use crate::cluster::NodeMesh;
use crate::cluster::rpc::{PeerRequest, PeerResponse, PeerStatus, Refusal};
use crate::state::StateReader;

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

/// How long a write waits for a leader (elections, forwarding) before giving up.
const WRITE_DEADLINE: Duration = Duration::from_secs(10);
/// Largest command accepted: well under the mesh's 16 MiB frame, so any entry replicates.
pub const MAX_COMMAND_BYTES: usize = 4 * 1024 * 1024;
/// How long a restarted member waits to hear a leader before it may start an election.
const ELECTION_HOLD: Duration = Duration::from_secs(3);
/// How long a follower waits to apply a write it forwarded before answering.
const READ_YOUR_WRITE_WAIT: Duration = Duration::from_secs(2);
/// How long one forwarded write or read-index call may take.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(5);

/// How a Raft node reaches its peers.
pub enum Network {
    /// A standalone node: a one-voter group, no peers.
    Standalone,
    /// Peers over the QUIC mesh; `bootstrap` creates the group on first start.
    Mesh { mesh: NodeMesh, bootstrap: bool },
}

/// A running Raft node with its storage. Cloning shares it.
#[derive(Clone)]
pub struct RaftNode {
    id: u64,
    raft: Raft,
    reader: StateReader,
    log: LogStore,
    mesh: Option<NodeMesh>,
    /// Serializes membership changes on this node (when it leads).
    membership_lock: Arc<tokio::sync::Mutex<()>>,
}

impl RaftNode {
    /// Opens the storage in `db`, starts Raft, and initializes the group the first time
    /// (standalone, or the bootstrap node of a cluster). A node that is the only voter
    /// returns once it leads and has applied everything it had logged; a cluster member
    /// waits a while for a leader and otherwise starts anyway (reads stay local, readiness
    /// says why writes fail).
    pub async fn start(
        db: &sled::Db,
        id: u64,
        addr: &str,
        settings: &RaftSettings,
        network: Network,
    ) -> Result<Self, StartError> {
        let config = openraft::Config {
            cluster_name: "pursight".into(),
            heartbeat_interval: settings.heartbeat_ms,
            election_timeout_min: settings.election_min_ms,
            election_timeout_max: settings.election_max_ms,
            snapshot_policy: SnapshotPolicy::LogsSinceLast(settings.snapshot_every),
            max_in_snapshot_log_to_keep: settings.keep_after_snapshot,
            // Chunks stay far below the mesh's frame cap.
            snapshot_max_chunk_size: 1024 * 1024,
            // Per chunk; the last one also waits for the follower to install and flush.
            install_snapshot_timeout: 10_000,
            ..Default::default()
        }
        .validate()?;
        let log = LogStore::open(db)?;
        let sm = StateMachineStore::open(db)?;
        let reader = sm.reader();
        let config = Arc::new(config);
        let (raft, mesh, bootstrap) = match network {
            Network::Standalone => (
                Raft::new(id, config, NoPeersFactory, log.clone(), sm).await?,
                None,
                true,
            ),
            Network::Mesh { mesh, bootstrap } => {
                let net = MeshNetworkFactory::new(mesh.clone());
                (
                    Raft::new(id, config, net, log.clone(), sm).await?,
                    Some(mesh),
                    bootstrap,
                )
            }
        };
        if bootstrap && !raft.is_initialized().await? {
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
            mesh,
            membership_lock: Arc::default(),
        };
        let sole_voter = {
            let m = node.raft.metrics().borrow().membership_config.clone();
            m.membership().voter_ids().eq([id])
        };
        if sole_voter {
            node.wait_caught_up(Duration::from_secs(10)).await?;
        } else {
            node.listen_before_electing();
        }
        if !sole_voter
            && node
                .raft
                .wait(Some(Duration::from_secs(5)))
                .metrics(|m| m.current_leader.is_some(), "a leader is known")
                .await
                .is_err()
        {
            tracing::warn!("no leader yet; serving local reads until one is elected");
        }
        Ok(node)
    }

    /// A member that restarts listens for the current leader before it may stand for
    /// election. Without this (openraft 0.9 has no pre-vote), a node coming back after a
    /// crash times out before the leader's first heartbeat reaches it and forces a needless
    /// election, and a leaderless gap, on a healthy cluster.
    fn listen_before_electing(&self) {
        let raft = self.raft.clone();
        raft.runtime_config().elect(false);
        tokio::spawn(async move {
            let _ = raft
                .wait(Some(ELECTION_HOLD))
                .metrics(|m| m.current_leader.is_some(), "a leader is heard")
                .await;
            raft.runtime_config().elect(true);
        });
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

    /// The mesh, for a clustered node.
    pub fn mesh(&self) -> Option<&NodeMesh> {
        self.mesh.as_ref()
    }

    /// The lock that serializes membership changes.
    pub fn membership_lock(&self) -> &tokio::sync::Mutex<()> {
        &self.membership_lock
    }

    /// The leader as this node knows it.
    pub fn leader(&self) -> Option<u64> {
        self.raft.metrics().borrow().current_leader
    }

    /// Proposes a command; resolves once it is committed (flushed on a quorum) and applied.
    /// On a follower the write goes to the leader over the mesh. A write whose forward timed
    /// out is not retried (it may have been applied): it fails with an "outcome unknown"
    /// error instead of being applied twice.
    pub async fn propose(&self, cmd: Command) -> Result<CommandResult, ClusterError> {
        let started = Instant::now();
        let res = self.propose_inner(cmd).await;
        metrics::histogram!("pursight_raft_commit_seconds").record(started.elapsed().as_secs_f64());
        if res.is_ok() {
            metrics::counter!("pursight_raft_commands_total").increment(1);
        }
        res
    }

    async fn propose_inner(&self, cmd: Command) -> Result<CommandResult, ClusterError> {
        // An entry larger than a mesh frame could be appended here but never replicated,
        // and would block every later commit behind it.
        let size = crate::state::codec::encoded_len(&cmd)
            .map_err(|e| ClusterError::Rejected(e.to_string()))?;
        if size > MAX_COMMAND_BYTES {
            return Err(ClusterError::Rejected(format!(
                "a {size}-byte command exceeds the {MAX_COMMAND_BYTES}-byte limit"
            )));
        }
        let deadline = Instant::now() + WRITE_DEADLINE;
        let mut why = String::from("no leader elected");
        let mut tried = 0usize;
        loop {
            let leader = match self.raft.client_write(cmd.clone()).await {
                Ok(r) => return Ok(r.data),
                Err(RaftError::APIError(ClientWriteError::ForwardToLeader(f))) => f.leader_id,
                Err(RaftError::APIError(e)) => {
                    return Err(ClusterError::Unavailable(e.to_string()));
                }
                Err(RaftError::Fatal(openraft::error::Fatal::Stopped)) => {
                    return Err(ClusterError::ShuttingDown);
                }
                Err(RaftError::Fatal(e)) => return Err(ClusterError::Storage(e.to_string())),
            };
            if let Some(mesh) = &self.mesh {
                // Unknown leader (a node that is not a member yet): ask the peers in turn;
                // one that does not lead names the leader.
                let target = leader.filter(|l| *l != self.id).or_else(|| {
                    let peers: Vec<u64> = mesh.peers().iter().map(|p| p.id).collect();
                    tried += 1;
                    (!peers.is_empty()).then(|| peers[tried % peers.len()])
                });
                if let Some(to) = target {
                    let remaining = deadline.saturating_duration_since(Instant::now());
                    let res = self
                        .call_leader(
                            to,
                            &PeerRequest::Propose(cmd.clone()),
                            FORWARD_TIMEOUT.min(remaining),
                        )
                        .await;
                    match res {
                        Ok(PeerResponse::Propose(Ok((r, index)))) => {
                            self.read_your_write(index).await;
                            return Ok(r);
                        }
                        Ok(PeerResponse::Propose(Err(
                            Refusal::Failed(m) | Refusal::Forbidden(m),
                        ))) => {
                            return Err(ClusterError::Unavailable(m));
                        }
                        Ok(PeerResponse::Propose(Err(r))) => why = format!("node {to}: {r}"),
                        Ok(PeerResponse::NotReady) => why = format!("node {to} is starting"),
                        Ok(other) => why = format!("node {to} answered {other:?}"),
                        // Not delivered: safe to try again.
                        Err(e @ (CallError::Unreachable(_) | CallError::Injected)) => {
                            why = format!("node {to}: {e}")
                        }
                        Err(e) => {
                            return Err(ClusterError::Unavailable(format!(
                                "outcome unknown: forwarding to node {to} failed after sending: {e}"
                            )));
                        }
                    }
                }
            } else if let Some(l) = leader {
                why = format!("node {l} leads but this node has no mesh to reach it");
            }
            if Instant::now() >= deadline {
                return Err(ClusterError::Unavailable(format!(
                    "no leader took the write within {WRITE_DEADLINE:?}: {why}"
                )));
            }
            // Wake on a leader change, or retry shortly.
            let _ = self
                .raft
                .wait(Some(Duration::from_millis(200)))
                .metrics(
                    |m| m.current_leader.is_some() && m.current_leader != leader,
                    "leader change",
                )
                .await;
        }
    }

    /// Waits (briefly) until this node has applied the entry at `index`, so a client that
    /// wrote through this follower reads its own write here next.
    async fn read_your_write(&self, index: u64) {
        let waited = self
            .raft
            .wait(Some(READ_YOUR_WRITE_WAIT))
            .applied_index_at_least(Some(index), "read your write")
            .await;
        if waited.is_err() {
            tracing::debug!(index, "forwarded write not applied locally yet");
        }
    }

    /// Calls node `to` as the leader. If this node learns of another leader meanwhile (the
    /// one called died or was deposed), the call is abandoned at once instead of waiting
    /// out its timeout: a dead leader's connection looks alive until the idle timeout.
    async fn call_leader(
        &self,
        to: u64,
        req: &PeerRequest,
        timeout: Duration,
    ) -> Result<PeerResponse, CallError> {
        let Some(mesh) = &self.mesh else {
            return Err(CallError::Unreachable("no mesh".into()));
        };
        let wait = self.raft.wait(Some(timeout));
        let deposed = wait.metrics(
            |m| m.current_leader.is_some_and(|l| l != to),
            "another leader",
        );
        tokio::select! {
            res = mesh.call(to, req, timeout) => res,
            Ok(m) = deposed => Err(CallError::Closed(format!(
                "node {to} no longer leads (node {} does)",
                m.current_leader.unwrap_or_default()
            ))),
        }
    }

    /// Serves a forwarded write: only the leader takes it, without forwarding further.
    /// Returns the result and the entry's log index.
    pub async fn propose_as_leader(&self, cmd: Command) -> Result<(CommandResult, u64), Refusal> {
        match self.raft.client_write(cmd).await {
            Ok(r) => {
                metrics::counter!("pursight_raft_commands_total").increment(1);
                Ok((r.data, r.log_id.index))
            }
            Err(RaftError::APIError(ClientWriteError::ForwardToLeader(f))) => {
                Err(Refusal::NotLeader {
                    leader: f.leader_id,
                })
            }
            Err(e) => Err(Refusal::Failed(e.to_string())),
        }
    }

    /// The leader's read index: the log index a linearizable read must see applied.
    pub async fn read_index_as_leader(&self) -> Result<Option<u64>, Refusal> {
        match self.raft.get_read_log_id().await {
            Ok((read, _applied)) => Ok(read.map(|l| l.index)),
            Err(RaftError::APIError(CheckIsLeaderError::ForwardToLeader(f))) => {
                Err(Refusal::NotLeader {
                    leader: f.leader_id,
                })
            }
            Err(e) => Err(Refusal::Failed(e.to_string())),
        }
    }

    /// Waits until this node's state reflects every write acknowledged before the call
    /// (Raft read index: the leader confirms it still leads, the reader applies up to it).
    pub async fn linearizable_barrier(&self) -> Result<(), ClusterError> {
        let deadline = Instant::now() + WRITE_DEADLINE;
        loop {
            let leader = self.leader();
            let index = if leader == Some(self.id) {
                self.read_index_as_leader().await
            } else if let (Some(l), Some(_)) = (leader, &self.mesh) {
                match self
                    .call_leader(l, &PeerRequest::ReadIndex, FORWARD_TIMEOUT)
                    .await
                {
                    Ok(PeerResponse::ReadIndex(r)) => r,
                    Ok(other) => Err(Refusal::Failed(format!("node {l} answered {other:?}"))),
                    Err(e) => Err(Refusal::Failed(format!("node {l}: {e}"))),
                }
            } else {
                Err(Refusal::NotLeader { leader: None })
            };
            match index {
                Ok(index) => {
                    let remaining = deadline.saturating_duration_since(Instant::now());
                    return self
                        .raft
                        .wait(Some(remaining))
                        .applied_index_at_least(index, "linearizable read")
                        .await
                        .map(|_| ())
                        .map_err(|e| ClusterError::Unavailable(format!("catching up: {e}")));
                }
                Err(Refusal::Failed(m)) if Instant::now() >= deadline => {
                    return Err(ClusterError::Unavailable(m));
                }
                Err(r) if Instant::now() >= deadline => {
                    return Err(ClusterError::Unavailable(r.to_string()));
                }
                Err(_) => {
                    let _ = self
                        .raft
                        .wait(Some(Duration::from_millis(200)))
                        .metrics(
                            |m| m.current_leader.is_some() && m.current_leader != leader,
                            "leader change",
                        )
                        .await;
                }
            }
        }
    }

    /// This node's own Raft view, as peers ask for it.
    pub fn peer_status(&self) -> PeerStatus {
        let m = self.raft.metrics().borrow().clone();
        PeerStatus {
            node_id: m.id,
            state: format!("{:?}", m.state).to_lowercase(),
            term: m.current_term,
            leader: m.current_leader,
            last_log_index: m.last_log_index,
            last_applied: m.last_applied.map(|l| l.index),
            snapshot_index: m.snapshot.map(|l| l.index),
            version: env!("CARGO_PKG_VERSION").to_string(),
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
                role: if m
                    .membership_config
                    .membership()
                    .voter_ids()
                    .any(|v| v == *id)
                {
                    "voter"
                } else {
                    "learner"
                },
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

fn storage(e: crate::state::ReadError) -> ClusterError {
    ClusterError::Storage(e.to_string())
}

impl ScanSink for RaftNode {
    fn node_id(&self) -> u64 {
        self.id
    }

    fn source(&self, id: &str) -> Result<Option<Source>, ClusterError> {
        self.reader.source(id).map_err(storage)
    }

    fn scan(&self, id: &str) -> Result<Option<ScanJob>, ClusterError> {
        self.reader.scan(id).map_err(storage)
    }

    fn known_tables(&self, source: &str) -> Result<Vec<KnownTable>, ClusterError> {
        let tables = self.reader.tables_of(source).map_err(storage)?;
        Ok(tables.iter().map(KnownTable::of).collect())
    }

    fn scan_output(
        &self,
        job: &str,
        attempt: u32,
        seq: u64,
        output: ScanOutput,
    ) -> BoxFuture<'_, Result<OutputAck, ClusterError>> {
        let cmd = Command::ScanOutput {
            id: job.to_string(),
            attempt,
            node: self.id,
            seq,
            output,
            at_ms: now_ms(),
        };
        Box::pin(async move { RaftNode::propose(self, cmd).await?.output_ack() })
    }
}

impl Catalog for RaftNode {
    fn tables_of(&self, source: &str) -> Result<Vec<TableAsset>, ClusterError> {
        self.reader.tables_of(source).map_err(storage)
    }

    fn asset_meta(&self, table_id: &str) -> Result<Option<AssetMeta>, ClusterError> {
        self.reader.asset_meta(table_id).map_err(storage)
    }

    fn policy_config(&self) -> Result<(Vec<CustomPolicy>, PolicySettings), ClusterError> {
        Ok((
            self.reader.custom_policies().map_err(storage)?,
            self.reader.policy_settings().map_err(storage)?,
        ))
    }

    fn sync_findings(&self, update: FindingsUpdate) -> BoxFuture<'_, Result<(), ClusterError>> {
        let cmd = Command::SyncFindings {
            asset_id: update.asset_id,
            source: update.source,
            violations: update.violations,
            skipped_rules: update.skipped_rules,
            at_ms: update.at_ms,
        };
        // An asset gone meanwhile records nothing: not a failure of the check.
        Box::pin(async move { RaftNode::propose(self, cmd).await.map(drop) })
    }
}

#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;

/// Helpers for tests that reopen storage.
#[cfg(test)]
pub(crate) mod testing {
    use std::time::Duration;

    /// Opens a sled folder a stopped node (or outbox) just closed: background tasks let go
    /// of their handles shortly after; sled's file lock goes with the last one.
    pub(crate) async fn reopen(path: &std::path::Path) -> sled::Db {
        let mut last = None;
        for _ in 0..100 {
            match sled::open(path) {
                Ok(db) => return db,
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("reopen: {last:?}");
    }
}
