//! The `pursight` node: config, CLI, Raft on sled, the admin HTTP endpoint and the root
//! supervisor that wires the actors to the replicated state.

pub mod api;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod edge;
pub mod intake;
pub mod metrics;
pub mod node;
pub mod proximity;
pub mod raft;
pub mod registry;
pub mod scheduler;
pub mod service;
pub mod state;
