//! The Raft log and Raft metadata (vote, committed, last purged) in sled trees.
//!
//! Durability rule: nothing is reported persisted (vote saved, entries appended) before a
//! blocking `sled::Db::flush` has returned. sled 0.34 otherwise buffers writes for up to
//! 500 ms, and `flush_async` can deadlock under concurrency in 0.34.7.

use std::fmt::Debug;
use std::ops::{Bound, RangeBounds};

use openraft::storage::{LogFlushed, LogState, RaftLogStorage};
use openraft::{AnyError, RaftLogReader, StorageIOError, Vote};

use super::types::{Entry, LogId, StorageError, TypeConfig};
use crate::state::codec::{decode, encode};

const KEY_VOTE: &[u8] = b"vote";
const KEY_COMMITTED: &[u8] = b"committed";
const KEY_LAST_PURGED: &[u8] = b"last_purged";

/// Raft log storage on sled. Cloning shares the same trees.
#[derive(Clone)]
pub struct LogStore {
    db: sled::Db,
    log: sled::Tree,
    meta: sled::Tree,
}

fn index_key(index: u64) -> [u8; 8] {
    index.to_be_bytes()
}

fn read_err(e: impl std::error::Error + 'static) -> StorageError {
    StorageIOError::read_logs(AnyError::new(&e)).into()
}

fn write_err(e: impl std::error::Error + 'static) -> StorageError {
    StorageIOError::write_logs(AnyError::new(&e)).into()
}

/// Flushes sled on a blocking thread so the async runtime keeps running meanwhile.
pub(crate) async fn flush(db: &sled::Db) -> Result<(), std::io::Error> {
    let db = db.clone();
    tokio::task::spawn_blocking(move || db.flush().map(|_| ()))
        .await
        .map_err(std::io::Error::other)?
        .map_err(std::io::Error::other)
}

impl LogStore {
    /// Opens (or creates) the log trees in `db`.
    pub fn open(db: &sled::Db) -> Result<Self, sled::Error> {
        Ok(Self {
            db: db.clone(),
            log: db.open_tree("raft_log")?,
            meta: db.open_tree("raft_meta")?,
        })
    }

    fn get_meta<T: serde::de::DeserializeOwned>(
        &self,
        key: &[u8],
    ) -> Result<Option<T>, StorageError> {
        match self.meta.get(key).map_err(read_err)? {
            Some(bytes) => Ok(Some(decode(&bytes).map_err(read_err)?)),
            None => Ok(None),
        }
    }

    fn last_entry_log_id(&self) -> Result<Option<LogId>, StorageError> {
        match self.log.last().map_err(read_err)? {
            Some((_, bytes)) => {
                let entry: Entry = decode(&bytes).map_err(read_err)?;
                Ok(Some(entry.log_id))
            }
            None => Ok(None),
        }
    }

    /// Number of entries currently kept (after purging).
    pub fn len(&self) -> usize {
        self.log.len()
    }

    /// Whether the log holds no entry.
    pub fn is_empty(&self) -> bool {
        self.log.is_empty()
    }
}

impl RaftLogReader<TypeConfig> for LogStore {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + Send>(
        &mut self,
        range: RB,
    ) -> Result<Vec<Entry>, StorageError> {
        let start = match range.start_bound() {
            Bound::Included(&i) => Bound::Included(index_key(i)),
            Bound::Excluded(&i) => Bound::Excluded(index_key(i)),
            Bound::Unbounded => Bound::Unbounded,
        };
        let end = match range.end_bound() {
            Bound::Included(&i) => Bound::Included(index_key(i)),
            Bound::Excluded(&i) => Bound::Excluded(index_key(i)),
            Bound::Unbounded => Bound::Unbounded,
        };
        self.log
            .range::<[u8; 8], _>((start, end))
            .map(|kv| {
                let (_, bytes) = kv.map_err(read_err)?;
                decode::<Entry>(&bytes).map_err(read_err)
            })
            .collect()
    }
}

impl RaftLogStorage<TypeConfig> for LogStore {
    type LogReader = Self;

    async fn get_log_state(&mut self) -> Result<LogState<TypeConfig>, StorageError> {
        let last_purged_log_id: Option<LogId> = self.get_meta(KEY_LAST_PURGED)?;
        let last_log_id = self.last_entry_log_id()?.or(last_purged_log_id);
        Ok(LogState {
            last_purged_log_id,
            last_log_id,
        })
    }

    async fn get_log_reader(&mut self) -> Self::LogReader {
        self.clone()
    }

    async fn save_vote(&mut self, vote: &Vote<u64>) -> Result<(), StorageError> {
        let bytes = encode(vote).map_err(|e| StorageIOError::write_vote(AnyError::new(&e)))?;
        self.meta
            .insert(KEY_VOTE, bytes)
            .map_err(|e| StorageIOError::write_vote(AnyError::new(&e)))?;
        flush(&self.db)
            .await
            .map_err(|e| StorageIOError::write_vote(AnyError::new(&e)))?;
        Ok(())
    }

    async fn read_vote(&mut self) -> Result<Option<Vote<u64>>, StorageError> {
        self.get_meta(KEY_VOTE)
    }

    async fn save_committed(&mut self, committed: Option<LogId>) -> Result<(), StorageError> {
        // Not flushed: losing it only means re-applying from the state machine's own
        // last-applied index after a restart, never losing a committed entry.
        let bytes = encode(&committed).map_err(write_err)?;
        self.meta.insert(KEY_COMMITTED, bytes).map_err(write_err)?;
        Ok(())
    }

    async fn read_committed(&mut self) -> Result<Option<LogId>, StorageError> {
        Ok(self.get_meta::<Option<LogId>>(KEY_COMMITTED)?.flatten())
    }

    async fn append<I>(
        &mut self,
        entries: I,
        callback: LogFlushed<TypeConfig>,
    ) -> Result<(), StorageError>
    where
        I: IntoIterator<Item = Entry> + Send,
        I::IntoIter: Send,
    {
        let mut batch = sled::Batch::default();
        for entry in entries {
            batch.insert(
                &index_key(entry.log_id.index),
                encode(&entry).map_err(write_err)?,
            );
        }
        self.log.apply_batch(batch).map_err(write_err)?;
        let flushed = flush(&self.db).await;
        let result = flushed
            .as_ref()
            .map(|_| ())
            .map_err(|e| std::io::Error::other(e.to_string()));
        callback.log_io_completed(result);
        flushed.map_err(write_err)
    }

    async fn truncate(&mut self, log_id: LogId) -> Result<(), StorageError> {
        let mut batch = sled::Batch::default();
        for kv in self.log.range(index_key(log_id.index)..) {
            let (k, _) = kv.map_err(write_err)?;
            batch.remove(k);
        }
        self.log.apply_batch(batch).map_err(write_err)?;
        flush(&self.db).await.map_err(write_err)
    }

    async fn purge(&mut self, log_id: LogId) -> Result<(), StorageError> {
        // Record the purge point first: a crash between the two steps leaves extra entries,
        // never a hole.
        self.meta
            .insert(KEY_LAST_PURGED, encode(&log_id).map_err(write_err)?)
            .map_err(write_err)?;
        let mut batch = sled::Batch::default();
        for kv in self.log.range(..=index_key(log_id.index)) {
            let (k, _) = kv.map_err(write_err)?;
            batch.remove(k);
        }
        self.log.apply_batch(batch).map_err(write_err)?;
        Ok(())
    }
}
