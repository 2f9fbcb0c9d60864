//! What edge nodes and core nodes say to each other (inside the mesh's `PeerRequest`).

use crate::registry::{NodeRecord, NodeReport};
use pursight_actors::cluster::KnownTable;
use pursight_actors::domain::{Millis, ScanJob, ScanOutput, Source};
use serde::{Deserialize, Serialize};

/// An edge node's periodic sync: its heartbeat, and the jobs whose state it wants.
#[derive(Debug, Serialize, Deserialize)]
pub struct EdgeSync {
    /// Its registry record (re-registered if the cluster lost it, with new addresses).
    pub record: NodeRecord,
    /// Stamped by the edge node's clock before the report was taken.
    pub at_ms: Millis,
    pub report: NodeReport,
    /// Jobs it holds: their current state comes back (cancelled, moved elsewhere).
    pub watch: Vec<String>,
}

/// What a core node answers.
#[derive(Debug, Serialize, Deserialize)]
pub struct EdgeSyncReply {
    /// Jobs assigned to the edge node that it has not started.
    pub assignments: Vec<Assignment>,
    /// The current state of the watched jobs.
    pub jobs: Vec<ScanJob>,
    /// Every source (to probe; sealed passwords only, which the edge node can open).
    pub sources: Vec<Source>,
    /// Core nodes (id, mesh address), to reach the cluster through another one.
    pub cores: Vec<(u64, String)>,
}

/// One job to run, with what the scan needs from the catalog.
#[derive(Debug, Serialize, Deserialize)]
pub struct Assignment {
    pub job: ScanJob,
    pub source: Source,
    /// The cataloged tables of the source, so unchanged ones are skipped.
    pub known: Vec<KnownTable>,
}

/// One scan output waiting in an edge node's outbox.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutboxItem {
    pub job: String,
    pub attempt: u32,
    pub seq: u64,
    pub output: ScanOutput,
    pub at_ms: Millis,
}

/// What became of one delivered output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Delivery {
    Applied,
    /// It had been applied before (an earlier delivery whose answer was lost).
    Duplicate,
    /// Never to be applied: the attempt was superseded, the job or source is gone.
    Refused(String),
}
