//! PurSight's domain and its supervised actors.
//!
//! The crate knows sources, assets, classifications and scan jobs, reads data sources
//! through connectors, classifies sampled values in memory, and reaches the replicated
//! state only through the [`cluster::Cluster`] trait that the node implements.

pub mod audit;
pub mod classify;
pub mod cluster;
pub mod compliance;
pub mod connectors;
pub mod corrections;
pub mod domain;
pub mod jobs;
pub mod placement;
pub mod profile;
pub mod schedule;
pub mod secrets;
pub mod taxonomy;

pub mod classifier;
pub mod policy;
pub mod scanner;
pub mod supervisor;
