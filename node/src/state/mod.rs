//! The replicated state: the language of the Raft log ([`command`]), where every record
//! lives ([`keys`]), the tables under the rules ([`tables`]: sled or memory), the rules
//! of every command family ([`apply`]) and reading it all back ([`reader`]).
//!
//! Raft (`crate::raft`) feeds committed entries to [`apply::apply`] and commits the
//! resulting writes atomically with the entry's log id; nothing else writes the state.

pub mod apply;
pub mod codec;
pub mod command;
pub mod keys;
pub mod reader;
pub mod tables;

pub use command::{Command, CommandResult};
pub use reader::{ReadError, Reader, StateReader};

#[cfg(test)]
pub(crate) mod testing;
