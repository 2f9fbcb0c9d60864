//! The `pursight` node: config, CLI, Raft on sled, the admin HTTP endpoint and the root
//! supervisor that wires the actors to the replicated state.

pub mod api;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod metrics;
pub mod node;
pub mod raft;
pub mod service;
