//! The one door from the actors to the replicated state. The node implements it on Raft;
//! the actors never see Raft, sled or the network.

use futures::future::BoxFuture;

use crate::domain::{Command, CommandResult, ScanJob, Source, TableAsset};

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
    /// The command can never be accepted (too large to replicate, for one).
    #[error("rejected: {0}")]
    Rejected(String),
}

/// The replicated state as the actors see it.
pub trait Cluster: Send + Sync + 'static {
    /// Proposes a command and resolves once it is committed and applied.
    fn propose(&self, cmd: Command) -> BoxFuture<'_, Result<CommandResult, ClusterError>>;

    /// Reads a source from the local copy of the state.
    fn source(&self, id: &str) -> Result<Option<Source>, ClusterError>;

    /// The cataloged tables of a source, from the local copy of the state.
    fn tables_of(&self, source: &str) -> Result<Vec<TableAsset>, ClusterError>;

    /// A scan job, from the local copy of the state.
    fn scan(&self, id: &str) -> Result<Option<ScanJob>, ClusterError>;

    /// This node's id.
    fn node_id(&self) -> u64;

    /// What stewards recorded about a table (owner, tags), from the local state.
    fn asset_meta(
        &self,
        table_id: &str,
    ) -> Result<Option<crate::compliance::custom::AssetMeta>, ClusterError>;

    /// Custom policy modules and pack settings, from the local copy of the state.
    fn policy_config(
        &self,
    ) -> Result<
        (
            Vec<crate::compliance::custom::CustomPolicy>,
            crate::compliance::custom::PolicySettings,
        ),
        ClusterError,
    >;
}
