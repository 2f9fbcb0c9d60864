//! The one door from the actors to the replicated state. The node implements it on Raft;
//! the actors never see Raft, sled or the network.

use futures::future::BoxFuture;

use crate::domain::{Command, CommandResult, ScanJob, ScanOutput, Source, TableAsset, now_ms};

/// Why the cluster could not take or answer a request.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClusterError {
    /// No leader is known right now (election in progress, quorum lost).
    #[error("the cluster has no leader right now: {0}")]
    Unavailable(String),
    /// The local state could not be read or written.
    #[error("storage: {0}")]
    Storage(String),
    /// The node is shutting down.
    #[error("the node is shutting down")]
    ShuttingDown,
    /// The command can never be accepted (too large to replicate, for one).
    #[error("rejected: {0}")]
    Rejected(String),
}

/// How far past an earlier run's last known output a rerun of the same attempt starts:
/// beyond any output that run may still have in flight.
pub const RERUN_SEQ_MARGIN: u64 = 1 << 20;

/// A cataloged table as a scan sees it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KnownTable {
    pub id: String,
    pub fingerprint: Option<String>,
    pub deleted: bool,
}

/// The replicated state as the actors see it.
pub trait Cluster: Send + Sync + 'static {
    /// Proposes a command and resolves once it is committed and applied.
    fn propose(&self, cmd: Command) -> BoxFuture<'_, Result<CommandResult, ClusterError>>;

    /// Reports output `seq` of the scan attempt `job` (as assigned to this node). A core
    /// node proposes it at once; an edge node writes it to its outbox, acknowledges it to
    /// itself, and delivers it whenever the cluster is reachable. The cluster applies each
    /// (job, attempt, seq) once and answers `Conflict` when the attempt was superseded.
    fn scan_output(
        &self,
        job: &ScanJob,
        seq: u64,
        output: ScanOutput,
    ) -> BoxFuture<'_, Result<CommandResult, ClusterError>> {
        self.propose(Command::ScanOutput {
            id: job.id.clone(),
            attempt: job.attempt,
            node: self.node_id(),
            seq,
            output,
            at_ms: now_ms(),
        })
    }

    /// Where a run of scan attempt `job` starts numbering its outputs: 0 for a first run;
    /// past anything an earlier run of the same attempt wrote (a crashed scanner pool, a
    /// restarted edge node), so the new outputs are never taken for duplicates.
    fn first_seq(&self, job: &ScanJob) -> u64 {
        match self.scan(&job.id) {
            Ok(Some(j)) if j.attempt == job.attempt && j.applied_seq > 0 => {
                j.applied_seq.saturating_add(RERUN_SEQ_MARGIN)
            }
            _ => 0,
        }
    }

    /// Whether a scan on this node checks policies on what it cataloged. An edge node holds
    /// no catalog: the core node that applies its results runs the check.
    fn checks_policies(&self) -> bool {
        true
    }

    /// Reads a source from the local copy of the state.
    fn source(&self, id: &str) -> Result<Option<Source>, ClusterError>;

    /// The cataloged tables of a source, from the local copy of the state.
    fn tables_of(&self, source: &str) -> Result<Vec<TableAsset>, ClusterError>;

    /// What a scan needs to skip unchanged tables of `source`: each cataloged table's id,
    /// fingerprint and whether it is marked deleted.
    fn known_tables(&self, source: &str) -> Result<Vec<KnownTable>, ClusterError> {
        Ok(self
            .tables_of(source)?
            .into_iter()
            .map(|t| KnownTable {
                deleted: t.deleted_at_ms.is_some(),
                id: t.id,
                fingerprint: t.fingerprint,
            })
            .collect())
    }

    /// A scan job, from the local copy of the state.
    fn scan(&self, id: &str) -> Result<Option<ScanJob>, ClusterError>;

    /// This node's id.
    fn node_id(&self) -> u64;

    /// What stewards recorded about a table (owner, tags), from the local state.
    fn asset_meta(
        &self,
        table_id: &str,
    ) -> Result<Option<crate::compliance::custom::AssetMeta>, ClusterError>;

    /// Custom policy modules and pack settings, from the local copy of the state.
    fn policy_config(
        &self,
    ) -> Result<
        (
            Vec<crate::compliance::custom::CustomPolicy>,
            crate::compliance::custom::PolicySettings,
        ),
        ClusterError,
    >;
}
