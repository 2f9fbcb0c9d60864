//! Clustering: the mesh service nodes answer, joins and join tokens, membership changes,
//! the node registry's heartbeats, and `cluster init`.
//!
//! Raft's storage and network live in [`crate::raft`]; this module is everything around it
//! that makes identical processes on different machines one system.

pub mod heartbeat;
pub mod init;
pub mod join;
pub mod membership;
pub mod ops;
pub mod peer_service;
pub mod rpc;
pub mod token;

pub use peer_service::PeerService;

/// The mesh as this node runs it: our peer service behind QUIC with mutual TLS.
pub type NodeMesh = pursight_mesh::Mesh<PeerService>;
