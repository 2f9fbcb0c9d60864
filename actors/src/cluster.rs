//! The doors from the actors to the replicated state. The node implements them; the actors
//! never see Raft, sled, commands or the network.
//!
//! - [`ScanSink`], on every node: what a scan reads (its source, its job, the tables it
//!   may skip) and where its outputs go, with a typed answer.
//! - [`Catalog`], on core nodes only: the catalog reads the policy checker needs, and where
//!   its findings go. An edge node holds no catalog and implements none of it.

use futures::future::BoxFuture;

use crate::compliance::Violation;
use crate::compliance::custom::{AssetMeta, CustomPolicy, PolicySettings};
use crate::domain::{Millis, ScanJob, ScanOutput, Source, TableAsset};

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
    /// The request can never be accepted (too large to replicate, for one).
    #[error("rejected: {0}")]
    Rejected(String),
}

/// How far past an earlier run's last known output a rerun of the same attempt starts:
/// beyond any output that run may still have in flight.
pub const RERUN_SEQ_MARGIN: u64 = 1 << 20;

/// A cataloged table as a scan sees it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KnownTable {
    /// The table's asset id.
    pub id: String,
    /// What the source reported for it at the last scan (skip when unchanged).
    pub fingerprint: Option<String>,
    /// Whether the catalog marks it deleted.
    pub deleted: bool,
}

impl KnownTable {
    /// What a scan needs of a cataloged table.
    pub fn of(t: &TableAsset) -> Self {
        KnownTable {
            id: t.id.clone(),
            fingerprint: t.fingerprint.clone(),
            deleted: t.deleted_at_ms.is_some(),
        }
    }
}

/// What the cluster answered to one scan output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputAck {
    /// Applied now (or, on an edge node, safe in the outbox).
    Applied,
    /// Applied before (a retry): nothing changed.
    Duplicate,
    /// Not applied, never will be: the attempt was superseded, or the job ended or was
    /// cancelled. The scan stops without reporting more. (An output refused because what
    /// it refers to is gone is an error instead: the scan fails with the reason.)
    Superseded(String),
}

/// The outputs of one policy check of an asset: its findings are opened, kept, reopened
/// and resolved from these.
#[derive(Clone, Debug, PartialEq)]
pub struct FindingsUpdate {
    /// The checked asset (a table id).
    pub asset_id: String,
    /// Its source.
    pub source: String,
    /// What the rules found.
    pub violations: Vec<Violation>,
    /// Rules that failed to evaluate: their findings stay as they are.
    pub skipped_rules: Vec<String>,
    /// When the check ran.
    pub at_ms: Millis,
}

/// What a scan needs from the cluster, on every node.
pub trait ScanSink: Send + Sync + 'static {
    /// This node's id.
    fn node_id(&self) -> u64;

    /// A source, from the local copy of the state.
    fn source(&self, id: &str) -> Result<Option<Source>, ClusterError>;

    /// A scan job, from the local copy of the state.
    fn scan(&self, id: &str) -> Result<Option<ScanJob>, ClusterError>;

    /// What a scan needs to skip unchanged tables of `source`: each cataloged table's id,
    /// fingerprint and whether it is marked deleted.
    fn known_tables(&self, source: &str) -> Result<Vec<KnownTable>, ClusterError>;

    /// Reports output `seq` of attempt `attempt` of scan `job` (as assigned to this node).
    /// A core node commits it before answering; an edge node writes it to its outbox and
    /// delivers it whenever the cluster is reachable. The cluster applies each
    /// (job, attempt, seq) once.
    fn scan_output(
        &self,
        job: &str,
        attempt: u32,
        seq: u64,
        output: ScanOutput,
    ) -> BoxFuture<'_, Result<OutputAck, ClusterError>>;

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
}

/// The catalog as the policy checker sees it: core nodes only.
pub trait Catalog: ScanSink {
    /// The cataloged tables of a source, from the local copy of the state.
    fn tables_of(&self, source: &str) -> Result<Vec<TableAsset>, ClusterError>;

    /// What stewards recorded about a table (owner, tags), from the local state.
    fn asset_meta(&self, table_id: &str) -> Result<Option<AssetMeta>, ClusterError>;

    /// Custom policy modules and pack settings, from the local copy of the state.
    fn policy_config(&self) -> Result<(Vec<CustomPolicy>, PolicySettings), ClusterError>;

    /// Records one policy check's outcome; resolves once committed. An asset that is gone
    /// by then records nothing (not an error).
    fn sync_findings(&self, update: FindingsUpdate) -> BoxFuture<'_, Result<(), ClusterError>>;
}
