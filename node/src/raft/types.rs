//! openraft type configuration: what a log entry carries and what applying it returns.

use std::io::Cursor;

use crate::state::{Command, CommandResult};

openraft::declare_raft_types!(
    /// PurSight's Raft types: commands in, command results out, snapshots as bytes.
    pub TypeConfig:
        D = Command,
        R = CommandResult,
        NodeId = u64,
        Node = openraft::BasicNode,
        SnapshotData = Cursor<Vec<u8>>,
);

/// A Raft log entry of this cluster.
pub type Entry = openraft::Entry<TypeConfig>;
/// The Raft handle.
pub type Raft = openraft::Raft<TypeConfig>;
/// Storage error with our node id type.
pub type StorageError = openraft::StorageError<u64>;
/// A log id with our node id type.
pub type LogId = openraft::LogId<u64>;
