//! PurSight mesh: node identity and certificates, a QUIC endpoint with mutual TLS, and typed RPC.
//!
//! Contract:
//! - Every member has a leaf certificate signed by the cluster CA with its node id in the SAN
//!   ([`pki`]). On ALPN [`ALPN`] both sides present certificates; a client without one, or with
//!   one from another CA, gets nothing. A client checks it reached node `to` through the server
//!   name [`server_name`]`(to)`.
//! - A joiner without certificate uses ALPN [`JOIN_ALPN`] for exactly one join request, pinning the
//!   CA by fingerprint ([`join`]).
//! - One bidirectional stream per request: one request [`frame`], then one reply frame holding
//!   `Ok(response)` or `Err(reason)`. A bad frame costs only its stream.
//! - No governance knowledge: the [`Service`] decides what requests mean.

mod config;
mod error;
pub mod faults;
pub mod frame;
pub mod identity;
mod join;
mod mesh;
mod peers;
pub mod pki;
mod server;
mod tls;

pub use config::MeshConfig;
pub use error::{CallError, MeshError};
pub use faults::{Faults, LinkFault};
pub use frame::{FRAME_VERSION, FrameError};
pub use identity::Identity;
pub use join::join;
pub use mesh::{Mesh, Service};
pub use peers::PeerStats;
pub use pki::{
    CertifiedKey, NodeCsr, PkiError, fingerprint, issue_node_cert, new_ca, new_node_csr,
    node_id_of, server_name, sign_node_csr,
};

use serde::{Deserialize, Serialize};

/// ALPN for mutual TLS between members.
pub const ALPN: &[u8] = b"pursight/1";
/// ALPN for a joiner without certificate: one join request only.
pub const JOIN_ALPN: &[u8] = b"pursight-join/1";
/// Largest join request frame a seed reads, in bytes (the joiner is not authenticated yet).
pub const MAX_JOIN_FRAME_BYTES: usize = 64 * 1024;

/// A node's id in the cluster; also its Raft id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeId(pub u64);

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "node-{}", self.0)
    }
}

/// What a node is in the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Raft voter.
    Core,
    /// Raft learner.
    Replica,
    /// Mesh member outside the Raft group, next to the data.
    Edge,
}
