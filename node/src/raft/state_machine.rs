//! The replicated state machine on sled, as openraft sees it: applying entries, snapshots.
//! The rules live in `crate::state`; this module only feeds them committed entries and
//! stores what they wrote.
//!
//! Each log entry is applied in one sled transaction together with the new last-applied
//! log id, so a crash leaves the state at an entry boundary, and the log (flushed before any
//! write is acknowledged) replays whatever came after.

use std::io::Cursor;

use openraft::storage::{RaftStateMachine, Snapshot};
use openraft::{
    AnyError, BasicNode, EntryPayload, RaftSnapshotBuilder, SnapshotMeta, StorageIOError,
    StoredMembership,
};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::log_store::flush;
use super::types::{Entry, LogId, StorageError, TypeConfig};
use crate::state::codec::{decode, encode};
use crate::state::keys::{LAST_APPLIED, MEMBERSHIP, Table};
use crate::state::tables::{SledTables, TableRead, Tx, Writes};
use crate::state::{CommandResult, StateReader, apply};

const KEY_SNAPSHOT: &[u8] = b"current";

type Membership = StoredMembership<u64, BasicNode>;

fn sm_read_err(e: impl std::error::Error + 'static) -> StorageError {
    StorageIOError::read_state_machine(AnyError::new(&e)).into()
}

fn sm_write_err(e: impl std::error::Error + 'static) -> StorageError {
    StorageIOError::write_state_machine(AnyError::new(&e)).into()
}

/// The raw key/value pairs of one tree.
type KeyValues = Vec<(Vec<u8>, Vec<u8>)>;

/// The whole state machine content, as carried by a snapshot.
#[derive(Serialize, Deserialize)]
struct SnapshotPayload {
    trees: Vec<(String, KeyValues)>,
}

/// A snapshot as kept on disk.
#[derive(Serialize, Deserialize)]
struct StoredSnapshot {
    meta: SnapshotMeta<u64, BasicNode>,
    data: Vec<u8>,
}

/// The state machine store handed to openraft.
pub struct StateMachineStore {
    db: sled::Db,
    tables: SledTables,
    snapshot: sled::Tree,
    snapshot_seq: u64,
}

/// Commits a write set, the last-applied id and (for a membership entry) the membership
/// in one sled transaction; a transaction over the table trees and `sm_meta`.
fn commit(
    tables: &SledTables,
    writes: &Writes,
    meta_writes: &[(&[u8], Vec<u8>)],
) -> Result<(), sled::transaction::TransactionError<()>> {
    let [sources, assets, scans, cluster, governance] = Table::ALL.map(|t| tables.tree(t));
    (sources, assets, scans, cluster, governance, tables.meta()).transaction(
        |(sources, assets, scans, cluster, governance, meta)| {
            // Same order as Table::ALL; the array's length makes a missed tree a compile
            // error rather than an index panic.
            let txs: [&TransactionalTree; Table::ALL.len()] =
                [sources, assets, scans, cluster, governance];
            for ((table, key), value) in writes {
                let tree = txs[table.index()];
                match value {
                    Some(v) => tree.insert(key.as_slice(), v.as_slice())?,
                    None => tree.remove(key.as_slice())?,
                };
            }
            for (k, v) in meta_writes {
                meta.insert(*k, v.as_slice())?;
            }
            Ok::<_, ConflictableTransactionError<()>>(())
        },
    )
}

impl StateMachineStore {
    /// Opens (or creates) the state machine trees in `db`.
    pub fn open(db: &sled::Db) -> Result<Self, sled::Error> {
        Ok(Self {
            db: db.clone(),
            tables: SledTables::open(db)?,
            snapshot: db.open_tree("snapshot")?,
            snapshot_seq: 0,
        })
    }

    /// A read-only view that follows every apply.
    pub fn reader(&self) -> StateReader {
        StateReader::new(self.tables.clone())
    }

    fn read_meta<T: serde::de::DeserializeOwned>(
        &self,
        key: &[u8],
    ) -> Result<Option<T>, StorageError> {
        match self.tables.meta().get(key).map_err(sm_read_err)? {
            Some(b) => Ok(Some(decode(&b).map_err(sm_read_err)?)),
            None => Ok(None),
        }
    }

    /// Applies one entry atomically with its log id as the new last-applied. The rules
    /// read the committed state (apply is the only writer, one entry at a time) and write
    /// into a transaction that is committed as a whole.
    fn apply_entry(&self, entry: &Entry) -> Result<CommandResult, StorageError> {
        let mut meta_writes: Vec<(&[u8], Vec<u8>)> = vec![(
            LAST_APPLIED,
            encode(&Some(entry.log_id)).map_err(sm_write_err)?,
        )];
        if let EntryPayload::Membership(m) = &entry.payload {
            let membership = Membership::new(Some(entry.log_id), m.clone());
            meta_writes.push((MEMBERSHIP, encode(&membership).map_err(sm_write_err)?));
        }
        let base: &dyn TableRead = &self.tables;
        let mut tx = Tx::new(base);
        let result = match &entry.payload {
            EntryPayload::Normal(cmd) => apply::apply(cmd, &mut tx).map_err(sm_write_err)?,
            _ => CommandResult::Done,
        };
        commit(&self.tables, &tx.into_writes(), &meta_writes)
            .map_err(|e| sm_write_err(std::io::Error::other(format!("{e:?}"))))?;
        Ok(result)
    }

    fn dump(&self) -> Result<SnapshotPayload, StorageError> {
        let mut trees = Vec::with_capacity(Table::ALL.len());
        for table in Table::ALL {
            let mut kvs = Vec::new();
            self.tables
                .visit(table, b"", b"", &mut |k, v| {
                    kvs.push((k.to_vec(), v.to_vec()));
                    Ok(true)
                })
                .map_err(sm_read_err)?;
            trees.push((table.tree_name().to_string(), kvs));
        }
        Ok(SnapshotPayload { trees })
    }
}

/// Builds a snapshot from a copy of the state taken when the builder was made.
pub struct SnapshotBuilder {
    /// The copied state, or why it could not be copied (reported by `build_snapshot`).
    prepared: Result<(SnapshotPayload, Option<LogId>, Membership), StorageError>,
    seq: u64,
    db: sled::Db,
    snapshot: sled::Tree,
}

impl RaftSnapshotBuilder<TypeConfig> for SnapshotBuilder {
    async fn build_snapshot(&mut self) -> Result<Snapshot<TypeConfig>, StorageError> {
        let snap_err = |e: &dyn std::error::Error| -> StorageError {
            StorageIOError::write_snapshot(None, AnyError::error(e.to_string())).into()
        };
        let (payload, last_applied, membership) = self.prepared.as_ref().map_err(Clone::clone)?;
        let data = encode(payload).map_err(|e| snap_err(&e))?;
        let snapshot_id = match last_applied {
            Some(l) => format!("{}-{}-{}", l.leader_id.term, l.index, self.seq),
            None => format!("0-0-{}", self.seq),
        };
        let meta = SnapshotMeta {
            last_log_id: *last_applied,
            last_membership: membership.clone(),
            snapshot_id,
        };
        let stored = StoredSnapshot {
            meta: meta.clone(),
            data: data.clone(),
        };
        self.snapshot
            .insert(KEY_SNAPSHOT, encode(&stored).map_err(|e| snap_err(&e))?)
            .map_err(|e| snap_err(&e))?;
        // The snapshot (and every state machine write before it) must be on disk before
        // openraft purges the log entries it covers.
        flush(&self.db).await.map_err(|e| snap_err(&e))?;
        Ok(Snapshot {
            meta,
            snapshot: Box::new(Cursor::new(data)),
        })
    }
}

impl RaftStateMachine<TypeConfig> for StateMachineStore {
    type SnapshotBuilder = SnapshotBuilder;

    async fn applied_state(&mut self) -> Result<(Option<LogId>, Membership), StorageError> {
        let last_applied = self.read_meta::<Option<LogId>>(LAST_APPLIED)?.flatten();
        let membership = self
            .read_meta::<Membership>(MEMBERSHIP)?
            .unwrap_or_default();
        Ok((last_applied, membership))
    }

    async fn apply<I>(&mut self, entries: I) -> Result<Vec<CommandResult>, StorageError>
    where
        I: IntoIterator<Item = Entry> + Send,
        I::IntoIter: Send,
    {
        entries.into_iter().map(|e| self.apply_entry(&e)).collect()
    }

    async fn get_snapshot_builder(&mut self) -> Self::SnapshotBuilder {
        self.snapshot_seq += 1;
        // Copy now, while no apply can run: the builder then works on a consistent view.
        let prepared = match self.applied_state().await {
            Ok((last_applied, membership)) => self
                .dump()
                .map(|payload| (payload, last_applied, membership)),
            Err(e) => Err(e),
        };
        SnapshotBuilder {
            prepared,
            seq: self.snapshot_seq,
            db: self.db.clone(),
            snapshot: self.snapshot.clone(),
        }
    }

    async fn begin_receiving_snapshot(&mut self) -> Result<Box<Cursor<Vec<u8>>>, StorageError> {
        Ok(Box::new(Cursor::new(Vec::new())))
    }

    async fn install_snapshot(
        &mut self,
        meta: &SnapshotMeta<u64, BasicNode>,
        snapshot: Box<Cursor<Vec<u8>>>,
    ) -> Result<(), StorageError> {
        let sig = Some(meta.signature());
        let err = |e: &dyn std::error::Error| -> StorageError {
            StorageIOError::write_snapshot(sig.clone(), AnyError::error(e.to_string())).into()
        };
        let data = snapshot.into_inner();
        let payload: SnapshotPayload = decode(&data).map_err(|e| err(&e))?;
        // The new content replaces every table: old keys are removed, the snapshot's
        // written over them, in one transaction with the new last-applied id.
        let mut writes = Writes::new();
        for table in Table::ALL {
            for k in self.tables.tree(table).iter().keys() {
                writes.insert((table, k.map_err(|e| err(&e))?.to_vec()), None);
            }
        }
        for (name, kvs) in payload.trees {
            let Some(table) = Table::from_tree_name(&name) else {
                return Err(err(&std::io::Error::other(format!(
                    "unknown tree `{name}` in snapshot"
                ))));
            };
            for (k, v) in kvs {
                writes.insert((table, k), Some(v));
            }
        }
        let meta_writes: [(&[u8], Vec<u8>); 2] = [
            (
                LAST_APPLIED,
                encode(&meta.last_log_id).map_err(|e| err(&e))?,
            ),
            (
                MEMBERSHIP,
                encode(&meta.last_membership).map_err(|e| err(&e))?,
            ),
        ];
        commit(&self.tables, &writes, &meta_writes)
            .map_err(|e| err(&std::io::Error::other(format!("{e:?}"))))?;
        let stored = StoredSnapshot {
            meta: meta.clone(),
            data,
        };
        self.snapshot
            .insert(KEY_SNAPSHOT, encode(&stored).map_err(|e| err(&e))?)
            .map_err(|e| err(&e))?;
        flush(&self.db).await.map_err(|e| err(&e))?;
        Ok(())
    }

    async fn get_current_snapshot(&mut self) -> Result<Option<Snapshot<TypeConfig>>, StorageError> {
        let Some(bytes) = self.snapshot.get(KEY_SNAPSHOT).map_err(sm_read_err)? else {
            return Ok(None);
        };
        let stored: StoredSnapshot = decode(&bytes).map_err(sm_read_err)?;
        Ok(Some(Snapshot {
            meta: stored.meta,
            snapshot: Box::new(Cursor::new(stored.data)),
        }))
    }
}
