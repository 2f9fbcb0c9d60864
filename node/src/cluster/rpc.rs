//! What nodes say to each other over the mesh.
//!
//! One request enum and one response enum: the mesh carries them as bincode frames on one
//! QUIC stream per request. Raft's own RPCs travel here next to the cluster's (forwarded
//! writes, read index, membership, status).

use crate::state::{Command, CommandResult};
use openraft::error::{InstallSnapshotError, RaftError};
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse,
    VoteRequest, VoteResponse,
};
use pursight_mesh::Role;
use serde::{Deserialize, Serialize};

use crate::raft::types::TypeConfig;

/// A request from one member to another.
#[derive(Debug, Serialize, Deserialize)]
pub enum PeerRequest {
    AppendEntries(AppendEntriesRequest<TypeConfig>),
    Vote(VoteRequest<u64>),
    InstallSnapshot(InstallSnapshotRequest<TypeConfig>),
    /// A write taken by a node that does not lead.
    Propose(Command),
    /// The leader's read index, for a linearizable read on a follower.
    ReadIndex,
    /// Add a node that joined to the Raft group: a learner, then a voter if `voter`.
    AddMember {
        id: u64,
        addr: String,
        voter: bool,
    },
    /// Take a node out of the Raft group.
    RemoveMember {
        id: u64,
    },
    /// The answering node's own Raft view.
    Status,
    /// An edge node's heartbeat, asking for its assignments.
    EdgeSync(Box<crate::edge::wire::EdgeSync>),
    /// Scan outputs from an edge node's outbox, in order.
    EdgeDeliver(Vec<crate::edge::wire::OutboxItem>),
}

/// The answer to a [`PeerRequest`], variant for variant.
#[derive(Debug, Serialize, Deserialize)]
pub enum PeerResponse {
    AppendEntries(Result<AppendEntriesResponse<u64>, RaftError<u64>>),
    Vote(Result<VoteResponse<u64>, RaftError<u64>>),
    InstallSnapshot(Result<InstallSnapshotResponse<u64>, RaftError<u64, InstallSnapshotError>>),
    /// The result and the entry's log index (so the forwarder can wait to apply it).
    Propose(Result<(CommandResult, u64), Refusal>),
    ReadIndex(Result<Option<u64>, Refusal>),
    Member(Result<(), Refusal>),
    Status(PeerStatus),
    EdgeSync(Result<Box<crate::edge::wire::EdgeSyncReply>, Refusal>),
    /// One verdict per output, for the leading outputs the core got through (it stops at
    /// the first it could not commit).
    EdgeDeliver(Result<Vec<crate::edge::wire::Delivery>, Refusal>),
    /// The node is starting and cannot serve yet; the caller retries.
    NotReady,
    /// The caller may not ask anything (a removed node).
    Refused(String),
}

/// Why a forwarded request was not served.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Refusal {
    /// The node asked does not lead; try `leader` (if known).
    #[error("node does not lead (leader: {leader:?})")]
    NotLeader { leader: Option<u64> },
    /// The node is starting or stopping.
    #[error("node is not serving yet")]
    NotReady,
    /// Refused on its merits (last voter, bad request): retrying will not help.
    #[error("{0}")]
    Failed(String),
    /// Could not be done now (no quorum, a peer unreachable, a timeout): retry later.
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    NotFound(String),
    /// The caller may not ask this (a removed node, a node asking for another).
    #[error("refused: {0}")]
    Forbidden(String),
}

/// One node's own view of the Raft group, for `GET /api/v1/cluster`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PeerStatus {
    pub node_id: u64,
    pub state: String,
    pub term: u64,
    pub leader: Option<u64>,
    pub last_log_index: Option<u64>,
    pub last_applied: Option<u64>,
    pub snapshot_index: Option<u64>,
    pub version: String,
}

/// What a joining node sends, once, without a certificate.
#[derive(Debug, Serialize, Deserialize)]
pub struct JoinRequest {
    /// The join token as printed by `pursight token create --join`.
    pub token: String,
    /// A certificate signing request for the joiner's own key (which never leaves it).
    pub csr_pem: String,
    pub mesh_addr: String,
    pub admin_addr: String,
    /// A site label the joiner asks for (the token's site, if any, wins).
    pub site: Option<String>,
    /// The role the joiner expects (`join --role`): a token for another role is refused
    /// before it is spent.
    pub role: Option<Role>,
    pub version: String,
}

/// What a joining node gets back.
#[derive(Debug, Serialize, Deserialize)]
pub struct JoinResponse {
    pub node_id: u64,
    pub role: Role,
    pub site: Option<String>,
    pub cluster_name: String,
    /// The joiner's leaf certificate, signed by the cluster CA.
    pub cert_pem: String,
    /// The CA private key, handed to core nodes only so any core can sign later joins.
    pub ca_key_pem: Option<String>,
    /// The cluster's admin API token (members share it until per-user tokens replicate).
    pub admin_token: String,
    /// The key that seals source passwords (hex), so any member can open them.
    pub secrets_key: String,
    /// Current members (id, mesh address), to reach the cluster after a restart.
    pub peers: Vec<(u64, String)>,
}
