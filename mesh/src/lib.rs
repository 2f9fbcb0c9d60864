//! PurSight mesh: node identity.
//!
//! Clustering brings the QUIC endpoint, certificates and typed RPC here; for a single node
//! the mesh is only who this node is.

use serde::{Deserialize, Serialize};

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
