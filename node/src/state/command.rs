//! The language of the Raft log: every change to the replicated state is a [`Command`], and
//! applying it answers a [`CommandResult`]. Both are stored in the log (bincode), so a
//! variant is only ever added at the end.

use pursight_actors::cluster::{ClusterError, OutputAck};
use pursight_actors::compliance;
use pursight_actors::corrections::CorrectionAction;
use pursight_actors::domain::{
    ClassificationType, Millis, Placement, ScanJob, ScanOutput, Source, TableAsset,
};
use pursight_mesh::Role;
use serde::{Deserialize, Serialize};

use crate::registry::{JoinToken, NodeRecord, NodeReport, TokenRefusal};

/// A change to the replicated state. Applying one is deterministic: it never reads a clock
/// or anything outside the state and the command itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Register a source; fails with `Conflict` when the id is taken.
    PutSource(Source),
    /// Remove a source and every asset under it.
    RemoveSource { id: String },
    /// Queue a scan job; fails with `NotFound` when its source does not exist.
    CreateScan(ScanJob),
    /// The scheduler gives a job to a node as attempt `attempt` (the job's attempt + 1).
    /// Applied only while the job is queued or its lease lapsed (`Conflict` otherwise), so
    /// two schedulers can never both place it.
    AssignScan {
        id: String,
        attempt: u32,
        node: u64,
        lease_ms: Millis,
        placement: Placement,
        at_ms: Millis,
    },
    /// Why the scheduler cannot place a job now (`None`: it no longer waits).
    ScanWaiting { id: String, reason: Option<String> },
    /// An output of a scan attempt. Applied once per (job, attempt, seq); outputs of a
    /// superseded attempt, another node, or a finished job are refused (`Conflict`).
    ScanOutput {
        id: String,
        attempt: u32,
        node: u64,
        seq: u64,
        output: ScanOutput,
        at_ms: Millis,
    },
    /// The scheduler starts a scan that the source's schedule made due at `due_ms`;
    /// refused (`Conflict`) when that time (or a later one) was already started, so a
    /// new leader never starts it twice.
    StartScheduledScan { job: ScanJob, due_ms: Millis },
    /// Insert or replace one table asset with its columns. Columns of the stored version
    /// that the new one lacks are kept, marked deleted.
    PutTable(TableAsset),
    /// Stop a scan: a queued one never starts, a running one stops after its current table.
    CancelScan { id: String, at_ms: Millis },
    /// Record a node in the registry (a join, or a node announcing new addresses).
    RegisterNode(NodeRecord),
    /// A node's periodic liveness report: it renews the leases of the jobs it runs and
    /// records what it measured.
    NodeHeartbeat {
        id: u64,
        version: String,
        at_ms: Millis,
        report: NodeReport,
    },
    /// Mark a node removed; its record stays for the audit trail.
    RemoveNode { id: u64, at_ms: Millis },
    /// Store a join token (only its secret's hash). Fails with `Conflict` on a taken id.
    CreateJoinToken(JoinToken),
    /// Spend a join token: single use, not after expiry. Allocates the joiner's node id.
    ConsumeJoinToken {
        id: String,
        secret_sha256: String,
        at_ms: Millis,
    },
    /// Record steward corrections of one column's classifications, apply them to the
    /// stored table (and to every later scan of it) and audit each one. Fails with
    /// `NotFound` when the table or the column does not exist.
    CorrectClassifications {
        table_id: String,
        column: String,
        corrections: Vec<(ClassificationType, CorrectionAction)>,
        by: String,
        reason: Option<String>,
        at_ms: Millis,
    },
    /// The violations a policy check found on one asset: opens, keeps, reopens and
    /// resolves its findings, auditing each transition.
    SyncFindings {
        asset_id: String,
        source: String,
        violations: Vec<compliance::Violation>,
        /// Rules that failed to evaluate: their findings stay as they are.
        skipped_rules: Vec<String>,
        at_ms: Millis,
    },
    /// Set a table's owner and tags, or one column's tags (audited). `None` values remove
    /// a tag; an empty owner clears it.
    SetAssetMeta {
        table_id: String,
        column: Option<String>,
        owner: Option<String>,
        tags: Vec<(String, Option<String>)>,
        /// Applied only if the stored meta is at this version (`If-Match`); `Conflict`
        /// otherwise.
        if_version: Option<u64>,
        by: String,
        at_ms: Millis,
    },
    /// Store (or replace, as a new version) a custom policy module, already validated.
    PutPolicy {
        policy: compliance::custom::CustomPolicy,
    },
    /// Remove a custom policy module.
    RemovePolicy {
        name: String,
        by: String,
        at_ms: Millis,
    },
    /// Set the packs' template parameters and disabled frameworks.
    SetPolicySettings {
        params_json: String,
        disabled_frameworks: Vec<String>,
        by: String,
        at_ms: Millis,
    },
    /// A person acknowledges a finding, accepts its risk, or reopens it (audited).
    UpdateFinding {
        id: String,
        action: compliance::findings::FindingAction,
        by: String,
        at_ms: Millis,
    },
}

/// What applying a command produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CommandResult {
    /// Applied; nothing to return.
    Done,
    Source(Source),
    Scan(ScanJob),
    /// Not applied because of the current state (id taken, job already finished...).
    Conflict(String),
    /// Not applied because something it refers to does not exist.
    NotFound(String),
    /// A join token was spent: the new node's id and what the token granted.
    Joined {
        node_id: u64,
        role: Role,
        site: Option<String>,
    },
    /// A join token was refused.
    TokenRefused(TokenRefusal),
    /// An asset's owner and tags after the change, with their new version.
    Meta(compliance::custom::AssetMeta),
    /// Not applied: a conditional update found another version.
    VersionMismatch {
        current: u64,
    },
}

impl CommandResult {
    /// What a `ScanOutput` command's result says to the scan that sent it. A refusal for
    /// something gone (the source was removed mid-scan) is an error of that output, so the
    /// scan fails with the reason rather than passing for cancelled.
    pub fn output_ack(self) -> Result<OutputAck, ClusterError> {
        match self {
            CommandResult::Scan(_) => Ok(OutputAck::Applied),
            CommandResult::Done => Ok(OutputAck::Duplicate),
            CommandResult::Conflict(why) => Ok(OutputAck::Superseded(why)),
            CommandResult::NotFound(why) => Err(ClusterError::Rejected(format!(
                "the catalog refused the output: {why} not found"
            ))),
            other => Err(ClusterError::Rejected(format!(
                "unexpected answer to a scan output: {other:?}"
            ))),
        }
    }
}
