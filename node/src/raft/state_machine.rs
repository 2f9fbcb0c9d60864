//! The replicated state machine on sled: one tree per table (sources, tables, scans,
//! `cluster` for the node registry and join tokens, `governance` for steward corrections
//! and the audit trail), one for the state machine's own metadata, one for the current
//! snapshot.
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
use pursight_actors::compliance::custom::{AssetMeta, CustomPolicy, PolicySettings};
use pursight_actors::compliance::findings::{self, Finding};
use pursight_actors::corrections::{AuditEvent, ColumnCorrections, Correction};
use pursight_actors::domain::{
    Command, CommandResult, Millis, ScanJob, Source, TableAsset, id_segment,
};
use pursight_actors::node_registry::{JoinToken, NodeRecord, NodeReport};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::apply_scans;
use super::codec::{CodecError, decode, encode};
use super::log_store::flush;
use super::types::{Entry, LogId, StorageError, TypeConfig};

const KEY_LAST_APPLIED: &[u8] = b"last_applied";
const KEY_MEMBERSHIP: &[u8] = b"membership";
const KEY_SNAPSHOT: &[u8] = b"current";
/// The trees a snapshot carries, in order.
const TABLE_TREES: [&str; 5] = ["sources", "tables", "scans", "cluster", "governance"];
/// The next node id a join gets, in the `cluster` tree (the bootstrap node is 1).
const KEY_NEXT_NODE_ID: &str = "next_node_id";
const FIRST_JOINED_NODE_ID: u64 = 2;
/// Deleted columns a table keeps in the catalog.
const MAX_DELETED_COLUMNS: usize = 128;

/// The ids of the jobs that have not ended, from the active index.
fn active_ids(cluster: &sled::Tree) -> Result<Vec<String>, sled::Error> {
    cluster
        .scan_prefix(apply_scans::ACTIVE_PREFIX)
        .keys()
        .map(|k| {
            k.map(|k| String::from_utf8_lossy(&k[apply_scans::ACTIVE_PREFIX.len()..]).into_owned())
        })
        .collect()
}

fn node_key(id: u64) -> String {
    // Zero-padded so the registry iterates in id order.
    format!("node/{id:020}")
}

fn token_key(id: &str) -> String {
    format!("token/{id}")
}

fn correction_key(column_id: &str) -> String {
    format!("correction/{column_id}")
}

fn meta_key(table_id: &str) -> String {
    format!("meta/{table_id}")
}

fn policy_key(name: &str) -> String {
    format!("policy/{name}")
}

/// The pack settings (parameters, disabled frameworks, revision) in the `governance` tree.
const KEY_POLICY_SETTINGS: &str = "policy_settings";

fn finding_key(id: &str) -> String {
    format!("finding/{id}")
}

fn audit_key(seq: u64) -> String {
    format!("audit/{seq:020}")
}

/// The last audit sequence number used, in the `governance` tree.
const KEY_AUDIT_SEQ: &str = "audit_seq";

type Membership = StoredMembership<u64, BasicNode>;

fn sm_read_err(e: impl std::error::Error + 'static) -> StorageError {
    StorageIOError::read_state_machine(AnyError::new(&e)).into()
}

fn sm_write_err(e: impl std::error::Error + 'static) -> StorageError {
    StorageIOError::write_state_machine(AnyError::new(&e)).into()
}

/// Read-only view of the replicated state, for the API and the actors. Cloning is cheap.
#[derive(Clone)]
pub struct StateReader {
    sources: sled::Tree,
    tables: sled::Tree,
    scans: sled::Tree,
    cluster: sled::Tree,
    governance: sled::Tree,
    /// `sm_meta`: the last applied log id.
    meta: sled::Tree,
}

/// Why the state could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("storage: {0}")]
    Storage(#[from] sled::Error),
    #[error("stored record: {0}")]
    Codec(#[from] CodecError),
}

impl StateReader {
    fn get<T: serde::de::DeserializeOwned>(
        tree: &sled::Tree,
        key: &str,
    ) -> Result<Option<T>, ReadError> {
        match tree.get(key.as_bytes())? {
            Some(bytes) => Ok(Some(decode(&bytes)?)),
            None => Ok(None),
        }
    }

    fn all<T: serde::de::DeserializeOwned>(iter: sled::Iter) -> Result<Vec<T>, ReadError> {
        iter.values().map(|v| Ok(decode(&v?)?)).collect()
    }

    /// One source by id.
    pub fn source(&self, id: &str) -> Result<Option<Source>, ReadError> {
        Self::get(&self.sources, id)
    }

    /// Every source, ordered by id.
    pub fn sources(&self) -> Result<Vec<Source>, ReadError> {
        Self::all(self.sources.iter())
    }

    /// One table asset by id.
    pub fn table(&self, id: &str) -> Result<Option<TableAsset>, ReadError> {
        Self::get(&self.tables, id)
    }

    /// Every table asset, ordered by id.
    pub fn tables(&self) -> Result<Vec<TableAsset>, ReadError> {
        Self::all(self.tables.iter())
    }

    /// Table assets of one source, ordered by id.
    pub fn tables_of(&self, source: &str) -> Result<Vec<TableAsset>, ReadError> {
        Self::all(self.tables.scan_prefix(format!("{}.", id_segment(source))))
    }

    /// One scan job by id.
    pub fn scan(&self, id: &str) -> Result<Option<ScanJob>, ReadError> {
        Self::get(&self.scans, id)
    }

    /// Every scan job, newest first.
    pub fn scans(&self) -> Result<Vec<ScanJob>, ReadError> {
        let mut jobs: Vec<ScanJob> = Self::all(self.scans.iter())?;
        jobs.sort_by(|a, b| b.created_at_ms.cmp(&a.created_at_ms).then(b.id.cmp(&a.id)));
        Ok(jobs)
    }

    /// The index of the last applied log entry and a SHA-256 over every replicated table
    /// at that index, so replicas can be compared (the chaos harness's convergence check).
    /// `None` when an entry was applied while hashing: ask again.
    pub fn digest(&self) -> Result<Option<(u64, String)>, ReadError> {
        let applied = || -> Result<u64, ReadError> {
            Ok(match self.meta.get(KEY_LAST_APPLIED)? {
                Some(b) => decode::<Option<LogId>>(&b)?.map_or(0, |l| l.index),
                None => 0,
            })
        };
        let before = applied()?;
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        for (name, tree) in TABLE_TREES.iter().zip([
            &self.sources,
            &self.tables,
            &self.scans,
            &self.cluster,
            &self.governance,
        ]) {
            ctx.update(name.as_bytes());
            for kv in tree.iter() {
                let (k, v) = kv?;
                ctx.update(&(k.len() as u64).to_be_bytes());
                ctx.update(&k);
                ctx.update(&(v.len() as u64).to_be_bytes());
                ctx.update(&v);
            }
        }
        if applied()? != before {
            return Ok(None);
        }
        let hex: String = ctx
            .finish()
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Some((before, hex)))
    }

    /// The jobs that have not ended (queued, assigned, running), oldest first.
    pub fn active_scans(&self) -> Result<Vec<ScanJob>, ReadError> {
        let mut jobs = Vec::new();
        for id in active_ids(&self.cluster)? {
            if let Some(job) = self.scan(&id)? {
                jobs.push(job);
            }
        }
        jobs.sort_by(|a, b| a.created_at_ms.cmp(&b.created_at_ms).then(a.id.cmp(&b.id)));
        Ok(jobs)
    }

    /// What a node last reported (capacity, running jobs, proximity).
    pub fn node_report(&self, id: u64) -> Result<Option<NodeReport>, ReadError> {
        Self::get(&self.cluster, &apply_scans::report_key(id))
    }

    /// The last due time the scheduler started for a source's schedule.
    pub fn schedule_last(&self, source: &str) -> Result<Option<Millis>, ReadError> {
        Self::get(&self.cluster, &apply_scans::schedule_key(source))
    }

    /// The node registry, ordered by id (removed nodes included).
    pub fn nodes(&self) -> Result<Vec<NodeRecord>, ReadError> {
        Self::all(self.cluster.scan_prefix("node/"))
    }

    /// One node's registry record.
    pub fn node(&self, id: u64) -> Result<Option<NodeRecord>, ReadError> {
        Self::get(&self.cluster, &node_key(id))
    }

    /// One join token (hash only).
    pub fn join_token(&self, id: &str) -> Result<Option<JoinToken>, ReadError> {
        Self::get(&self.cluster, &token_key(id))
    }

    /// The steward corrections of one column.
    pub fn corrections(&self, column_id: &str) -> Result<Option<ColumnCorrections>, ReadError> {
        Self::get(&self.governance, &correction_key(column_id))
    }

    /// What stewards recorded about a table.
    pub fn asset_meta(&self, table_id: &str) -> Result<Option<AssetMeta>, ReadError> {
        Self::get(&self.governance, &meta_key(table_id))
    }

    /// Custom policy modules, by name.
    pub fn custom_policies(&self) -> Result<Vec<CustomPolicy>, ReadError> {
        Self::all(self.governance.scan_prefix("policy/"))
    }

    /// The packs' settings (defaults when never set).
    pub fn policy_settings(&self) -> Result<PolicySettings, ReadError> {
        Ok(Self::get(&self.governance, KEY_POLICY_SETTINGS)?.unwrap_or_default())
    }

    /// Every finding, ordered by id (asset, rule, column).
    pub fn findings(&self) -> Result<Vec<Finding>, ReadError> {
        Self::all(self.governance.scan_prefix("finding/"))
    }

    /// One finding.
    pub fn finding(&self, id: &str) -> Result<Option<Finding>, ReadError> {
        Self::get(&self.governance, &finding_key(id))
    }

    /// Audit events after `after` (a sequence number), oldest first, at most `limit`.
    pub fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditEvent>, ReadError> {
        self.governance
            .range(audit_key(after.saturating_add(1))..audit_key(u64::MAX))
            .values()
            .take(limit)
            .map(|v| Ok(decode(&v?)?))
            .collect()
    }
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
    meta: sled::Tree,
    sources: sled::Tree,
    tables: sled::Tree,
    scans: sled::Tree,
    cluster: sled::Tree,
    governance: sled::Tree,
    snapshot: sled::Tree,
    snapshot_seq: u64,
}

impl StateMachineStore {
    /// Opens (or creates) the state machine trees in `db`.
    pub fn open(db: &sled::Db) -> Result<Self, sled::Error> {
        Ok(Self {
            db: db.clone(),
            meta: db.open_tree("sm_meta")?,
            sources: db.open_tree("sources")?,
            tables: db.open_tree("tables")?,
            scans: db.open_tree("scans")?,
            cluster: db.open_tree("cluster")?,
            governance: db.open_tree("governance")?,
            snapshot: db.open_tree("snapshot")?,
            snapshot_seq: 0,
        })
    }

    /// A read-only view that follows every apply.
    pub fn reader(&self) -> StateReader {
        StateReader {
            sources: self.sources.clone(),
            tables: self.tables.clone(),
            scans: self.scans.clone(),
            cluster: self.cluster.clone(),
            governance: self.governance.clone(),
            meta: self.meta.clone(),
        }
    }

    fn table_trees(&self) -> [&sled::Tree; TABLE_TREES.len()] {
        [
            &self.sources,
            &self.tables,
            &self.scans,
            &self.cluster,
            &self.governance,
        ]
    }

    fn read_meta<T: serde::de::DeserializeOwned>(
        &self,
        key: &[u8],
    ) -> Result<Option<T>, StorageError> {
        match self.meta.get(key).map_err(sm_read_err)? {
            Some(b) => Ok(Some(decode(&b).map_err(sm_read_err)?)),
            None => Ok(None),
        }
    }

    /// Applies one entry atomically with its log id as the new last-applied.
    fn apply_entry(&self, entry: &Entry) -> Result<CommandResult, StorageError> {
        let applied = encode(&Some(entry.log_id)).map_err(sm_write_err)?;
        let membership = match &entry.payload {
            EntryPayload::Membership(m) => Some(
                encode(&Membership::new(Some(entry.log_id), m.clone())).map_err(sm_write_err)?,
            ),
            _ => None,
        };
        let command = match &entry.payload {
            EntryPayload::Normal(cmd) => Some(cmd),
            _ => None,
        };
        // Transactional trees cannot scan, so the tables and corrections a source removal
        // drops are listed first; the state machine is the only writer, so the lists cannot
        // go stale.
        let doomed = match command {
            Some(Command::RemoveSource { id }) => {
                let keys = |tree: &sled::Tree, prefix: String| {
                    tree.scan_prefix(prefix)
                        .keys()
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(sm_read_err)
                };
                let prefix = format!("{}.", id_segment(id));
                Doomed {
                    tables: keys(&self.tables, prefix.clone())?,
                    corrections: keys(&self.governance, correction_key(&prefix))?,
                    findings: keys(&self.governance, finding_key(&prefix))?,
                    meta: keys(&self.governance, meta_key(&prefix))?,
                    active: Vec::new(),
                }
            }
            Some(Command::NodeHeartbeat { .. }) => Doomed {
                active: active_ids(&self.cluster).map_err(sm_read_err)?,
                ..Doomed::default()
            },
            // A check replaces an asset's findings: the stored ones are listed first.
            Some(Command::SyncFindings { asset_id, .. }) => Doomed {
                findings: self
                    .governance
                    .scan_prefix(finding_key(&format!("{asset_id}/")))
                    .keys()
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(sm_read_err)?,
                ..Doomed::default()
            },
            _ => Doomed::default(),
        };
        let result = (
            &self.sources,
            &self.tables,
            &self.scans,
            &self.cluster,
            &self.governance,
            &self.meta,
        )
            .transaction(|(sources, tables, scans, cluster, governance, meta)| {
                let trees = Trees {
                    sources,
                    tables,
                    scans,
                    cluster,
                    governance,
                };
                let result = match command {
                    Some(cmd) => apply_command(cmd, &trees, &doomed)?,
                    None => CommandResult::Done,
                };
                meta.insert(KEY_LAST_APPLIED, applied.as_slice())?;
                if let Some(m) = &membership {
                    meta.insert(KEY_MEMBERSHIP, m.as_slice())?;
                }
                Ok(result)
            })
            .map_err(
                |e: sled::transaction::TransactionError<CodecError>| match e {
                    sled::transaction::TransactionError::Abort(e) => sm_write_err(e),
                    sled::transaction::TransactionError::Storage(e) => sm_write_err(e),
                },
            )?;
        Ok(result)
    }

    fn dump(&self) -> Result<SnapshotPayload, StorageError> {
        let mut trees = Vec::with_capacity(TABLE_TREES.len());
        for (name, tree) in TABLE_TREES.iter().zip(self.table_trees()) {
            let kvs = tree
                .iter()
                .map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())))
                .collect::<Result<Vec<_>, _>>()
                .map_err(sm_read_err)?;
            trees.push((name.to_string(), kvs));
        }
        Ok(SnapshotPayload { trees })
    }
}

pub(super) type TxResult<T> = Result<T, ConflictableTransactionError<CodecError>>;

/// Marks the policy set changed, so checkers reload it.
fn bump_policy_revision(governance: &TransactionalTree) -> TxResult<()> {
    let mut settings =
        tx_get::<PolicySettings>(governance, KEY_POLICY_SETTINGS)?.unwrap_or_default();
    settings.revision += 1;
    tx_put(governance, KEY_POLICY_SETTINGS, &settings)
}

/// Appends one event to the audit trail with the next sequence number.
fn audit(governance: &TransactionalTree, mut event: AuditEvent) -> TxResult<()> {
    let seq = tx_get::<u64>(governance, KEY_AUDIT_SEQ)?.unwrap_or(0) + 1;
    event.seq = seq;
    tx_put(governance, KEY_AUDIT_SEQ, &seq)?;
    tx_put(governance, &audit_key(seq), &event)
}

pub(super) fn tx_get<T: serde::de::DeserializeOwned>(
    tree: &TransactionalTree,
    key: &str,
) -> TxResult<Option<T>> {
    match tree.get(key.as_bytes())? {
        Some(b) => Ok(Some(
            decode(&b).map_err(ConflictableTransactionError::Abort)?,
        )),
        None => Ok(None),
    }
}

pub(super) fn tx_put<T: Serialize>(tree: &TransactionalTree, key: &str, value: &T) -> TxResult<()> {
    let bytes = encode(value).map_err(ConflictableTransactionError::Abort)?;
    tree.insert(key.as_bytes(), bytes)?;
    Ok(())
}

/// What a source removal deletes, listed before its transaction.
#[derive(Default)]
struct Doomed {
    tables: Vec<sled::IVec>,
    corrections: Vec<sled::IVec>,
    /// The findings of the asset a check replaces, or of a removed source.
    findings: Vec<sled::IVec>,
    /// Owners and tags of a removed source's tables.
    meta: Vec<sled::IVec>,
    /// The ids of the jobs not ended yet (for a heartbeat's lease renewals).
    active: Vec<String>,
}

/// The state machine's tables inside one transaction.
pub(super) struct Trees<'a> {
    pub(super) sources: &'a TransactionalTree,
    pub(super) tables: &'a TransactionalTree,
    pub(super) scans: &'a TransactionalTree,
    pub(super) cluster: &'a TransactionalTree,
    pub(super) governance: &'a TransactionalTree,
}

/// Inserts or replaces one table asset (a `PutTable`, or a scan's table output): columns
/// the new version lacks stay, marked deleted; stewards' corrections are re-applied.
pub(super) fn put_table(trees: &Trees<'_>, table: &TableAsset) -> TxResult<CommandResult> {
    let Trees {
        sources,
        tables,
        governance,
        ..
    } = *trees;
    Ok(if sources.get(table.source.as_bytes())?.is_none() {
        CommandResult::NotFound(format!("source `{}`", table.source))
    } else {
        let mut table = table.clone();
        table.deleted_at_ms = None;
        // Columns the source dropped stay in the catalog, marked deleted (at most
        // MAX_DELETED_COLUMNS of them, newest first: schemas inferred from samples
        // or dynamic keys must not grow an entry without bound).
        if let Some(old) = tx_get::<TableAsset>(tables, &table.id)? {
            let mut gone: Vec<_> = old
                .columns
                .into_iter()
                .filter(|c| !table.columns.iter().any(|n| n.name == c.name))
                .collect();
            gone.sort_by_key(|c| std::cmp::Reverse(c.deleted_at_ms.unwrap_or(u64::MAX)));
            gone.truncate(MAX_DELETED_COLUMNS);
            for c in gone {
                let at = c.deleted_at_ms.unwrap_or(table.scanned_at_ms);
                table.columns.push(pursight_actors::domain::Column {
                    deleted_at_ms: Some(at),
                    ..c
                });
            }
        }
        // Steward corrections outlive every rescan. Columns carried over as deleted
        // already hold their corrected classifications.
        for i in 0..table.columns.len() {
            if table.columns[i].deleted_at_ms.is_some() {
                continue;
            }
            let key = correction_key(&table.column_id(&table.columns[i].name));
            if let Some(mut cc) = tx_get::<ColumnCorrections>(governance, &key)? {
                cc.apply_to_scan(&mut table.columns[i]);
                tx_put(governance, &key, &cc)?;
            }
        }
        tx_put(tables, &table.id, &table)?;
        CommandResult::Done
    })
}

/// The business rules of every command. Deterministic: reads only the state and the command.
fn apply_command(cmd: &Command, trees: &Trees<'_>, doomed: &Doomed) -> TxResult<CommandResult> {
    let Trees {
        sources,
        tables,
        cluster,
        governance,
        ..
    } = *trees;
    Ok(match cmd {
        Command::PutSource(source) => {
            if sources.get(source.id.as_bytes())?.is_some() {
                CommandResult::Conflict(format!("source `{}` already exists", source.id))
            } else {
                tx_put(sources, &source.id, source)?;
                CommandResult::Source(source.clone())
            }
        }
        Command::RemoveSource { id } => {
            if sources.remove(id.as_bytes())?.is_none() {
                CommandResult::NotFound(format!("source `{id}`"))
            } else {
                for key in &doomed.tables {
                    tables.remove(key.clone())?;
                }
                // A source added again under the same id starts without old corrections
                // or findings (the audit trail keeps their history).
                for key in doomed
                    .corrections
                    .iter()
                    .chain(&doomed.findings)
                    .chain(&doomed.meta)
                {
                    governance.remove(key.clone())?;
                }
                CommandResult::Done
            }
        }
        Command::CreateScan(job) => apply_scans::create(trees, job)?,
        Command::AssignScan {
            id,
            attempt,
            node,
            lease_ms,
            placement,
            at_ms,
        } => apply_scans::assign(trees, id, (*attempt, *node), *lease_ms, placement, *at_ms)?,
        Command::ScanWaiting { id, reason } => apply_scans::waiting(trees, id, reason)?,
        Command::ScanOutput {
            id,
            attempt,
            node,
            seq,
            output,
            at_ms,
        } => apply_scans::output(trees, id, *attempt, *node, *seq, output, *at_ms)?,
        Command::StartScheduledScan { job, due_ms } => {
            apply_scans::start_scheduled(trees, job, *due_ms)?
        }
        Command::PutTable(table) => put_table(trees, table)?,
        Command::CancelScan { id, at_ms } => apply_scans::cancel(trees, id, *at_ms)?,
        Command::CorrectClassifications {
            table_id,
            column,
            corrections,
            by,
            reason,
            at_ms,
        } => {
            match tx_get::<TableAsset>(tables, table_id)? {
                None => CommandResult::NotFound(format!("asset `{table_id}`")),
                Some(mut table) => {
                    let column_id = table.column_id(column);
                    match table.columns.iter().position(|c| c.name == *column) {
                        None => CommandResult::NotFound(format!("asset `{column_id}`")),
                        Some(ci) => {
                            let key = correction_key(&column_id);
                            // The first correction keeps what the classifier found, so
                            // the column can always be rebuilt from it.
                            let mut cc = tx_get::<ColumnCorrections>(governance, &key)?
                                .unwrap_or_else(|| {
                                    ColumnCorrections::new(
                                        column_id.clone(),
                                        table.columns[ci].classifications.clone(),
                                    )
                                });
                            for (type_id, action) in corrections {
                                cc.record(Correction {
                                    type_id: *type_id,
                                    action: *action,
                                    by: by.clone(),
                                    reason: reason.clone(),
                                    at_ms: *at_ms,
                                });
                                audit(
                                    governance,
                                    AuditEvent {
                                        seq: 0,
                                        at_ms: *at_ms,
                                        actor: by.clone(),
                                        action: format!("classification.{action}"),
                                        target: column_id.clone(),
                                        detail: match reason {
                                            Some(r) => format!("{type_id}: {r}"),
                                            None => type_id.to_string(),
                                        },
                                    },
                                )?;
                            }
                            table.columns[ci].classifications = cc.corrected();
                            tx_put(governance, &key, &cc)?;
                            tx_put(tables, table_id, &table)?;
                            CommandResult::Done
                        }
                    }
                }
            }
        }
        Command::SyncFindings {
            asset_id,
            source,
            violations,
            skipped_rules,
            at_ms,
        } if tables.get(asset_id.as_bytes())?.is_none() => {
            // The source went away between the check and its commit: nothing to record.
            let _ = (source, violations, skipped_rules, at_ms);
            CommandResult::NotFound(format!("asset `{asset_id}`"))
        }
        Command::SyncFindings {
            asset_id,
            source,
            violations,
            skipped_rules,
            at_ms,
        } => {
            let mut existing = Vec::with_capacity(doomed.findings.len());
            for key in &doomed.findings {
                if let Some(b) = governance.get(key)? {
                    existing
                        .push(decode::<Finding>(&b).map_err(ConflictableTransactionError::Abort)?);
                }
            }
            let sync = findings::sync(
                asset_id,
                source,
                violations,
                skipped_rules,
                &existing,
                *at_ms,
            );
            for f in &sync.write {
                tx_put(governance, &finding_key(&f.id), f)?;
            }
            for (id, action, detail) in sync.events {
                audit(
                    governance,
                    findings::audit_event(&id, action, "policy-checker", detail, *at_ms),
                )?;
            }
            CommandResult::Done
        }
        Command::SetAssetMeta {
            table_id,
            column,
            owner,
            tags,
            if_version,
            by,
            at_ms,
        } => match tx_get::<TableAsset>(tables, table_id)? {
            None => CommandResult::NotFound(format!("asset `{table_id}`")),
            Some(t)
                if column
                    .as_ref()
                    .is_some_and(|c| !t.columns.iter().any(|x| &x.name == c)) =>
            {
                CommandResult::NotFound(format!(
                    "asset `{}`",
                    t.column_id(column.as_deref().unwrap_or_default())
                ))
            }
            Some(t) => {
                let key = meta_key(table_id);
                let mut meta = tx_get::<AssetMeta>(governance, &key)?.unwrap_or_default();
                if let Some(v) = if_version
                    && meta.version != *v
                {
                    return Ok(CommandResult::VersionMismatch {
                        current: meta.version,
                    });
                }
                let target = match column {
                    Some(c) => meta.column_tags.entry(c.clone()).or_default(),
                    None => &mut meta.tags,
                };
                for (k, v) in tags {
                    match v {
                        Some(v) => target.insert(k.clone(), v.clone()),
                        None => target.remove(k),
                    };
                }
                meta.column_tags.retain(|_, tags| !tags.is_empty());
                if let Some(o) = owner {
                    meta.owner = Some(o.clone()).filter(|o| !o.is_empty());
                }
                meta.version += 1;
                tx_put(governance, &key, &meta)?;
                let target = match column {
                    Some(c) => t.column_id(c),
                    None => t.id.clone(),
                };
                let detail = tags
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("(removed)")))
                    .chain(owner.iter().map(|o| format!("owner={o}")))
                    .collect::<Vec<_>>()
                    .join(", ");
                audit(
                    governance,
                    findings::audit_event(&target, "asset.meta", by, detail, *at_ms),
                )?;
                CommandResult::Meta(meta)
            }
        },
        Command::PutPolicy { policy } => {
            let key = policy_key(&policy.name);
            let version = tx_get::<CustomPolicy>(governance, &key)?.map_or(0, |p| p.version) + 1;
            let stored = CustomPolicy {
                version,
                ..policy.clone()
            };
            tx_put(governance, &key, &stored)?;
            bump_policy_revision(governance)?;
            audit(
                governance,
                findings::audit_event(
                    &format!("custom/{}.rego", policy.name),
                    "policy.put",
                    &policy.by,
                    format!("version {version}"),
                    policy.at_ms,
                ),
            )?;
            CommandResult::Done
        }
        Command::RemovePolicy { name, by, at_ms } => {
            if governance.remove(policy_key(name).as_bytes())?.is_none() {
                CommandResult::NotFound(format!("policy `{name}`"))
            } else {
                bump_policy_revision(governance)?;
                audit(
                    governance,
                    findings::audit_event(
                        &format!("custom/{name}.rego"),
                        "policy.remove",
                        by,
                        String::new(),
                        *at_ms,
                    ),
                )?;
                CommandResult::Done
            }
        }
        Command::SetPolicySettings {
            params_json,
            disabled_frameworks,
            by,
            at_ms,
        } => {
            let mut settings =
                tx_get::<PolicySettings>(governance, KEY_POLICY_SETTINGS)?.unwrap_or_default();
            settings.params_json = params_json.clone();
            settings.disabled_frameworks = disabled_frameworks.clone();
            tx_put(governance, KEY_POLICY_SETTINGS, &settings)?;
            bump_policy_revision(governance)?;
            audit(
                governance,
                findings::audit_event(
                    "policy-settings",
                    "policy.settings",
                    by,
                    format!(
                        "params {params_json}; disabled: {}",
                        disabled_frameworks.join(", ")
                    ),
                    *at_ms,
                ),
            )?;
            CommandResult::Done
        }
        Command::UpdateFinding {
            id,
            action,
            by,
            at_ms,
        } => match tx_get::<Finding>(governance, &finding_key(id))? {
            None => CommandResult::NotFound(format!("finding `{id}`")),
            Some(mut f) => match findings::act(&mut f, action, by, *at_ms) {
                Err(why) => CommandResult::Conflict(why),
                Ok(what) => {
                    let detail = f.reason.clone().unwrap_or_default();
                    tx_put(governance, &finding_key(id), &f)?;
                    audit(
                        governance,
                        findings::audit_event(id, what, by, detail, *at_ms),
                    )?;
                    CommandResult::Done
                }
            },
        },
        Command::RegisterNode(record) => {
            // A re-registration (restart with new addresses) keeps the join time.
            let key = node_key(record.id);
            let mut record = record.clone();
            match tx_get::<NodeRecord>(cluster, &key)? {
                // Removal is final: a removed node joins again with a new token and id.
                Some(old) if old.removed_at_ms.is_some() => {
                    CommandResult::Conflict(format!("node {} was removed", record.id))
                }
                old => {
                    if let Some(old) = old {
                        record.joined_at_ms = old.joined_at_ms;
                        record.last_heartbeat_ms =
                            record.last_heartbeat_ms.max(old.last_heartbeat_ms);
                    }
                    tx_put(cluster, &key, &record)?;
                    CommandResult::Done
                }
            }
        }
        Command::NodeHeartbeat {
            id,
            version,
            at_ms,
            report,
        } => {
            let key = node_key(*id);
            match tx_get::<NodeRecord>(cluster, &key)? {
                None => CommandResult::NotFound(format!("node {id}")),
                Some(r) if r.removed_at_ms.is_some() => {
                    CommandResult::Conflict(format!("node {id} was removed"))
                }
                Some(mut r) => {
                    // Heartbeats can arrive out of order after a forward retry.
                    r.last_heartbeat_ms = r.last_heartbeat_ms.max(Some(*at_ms));
                    r.version = version.clone();
                    tx_put(cluster, &key, &r)?;
                    apply_scans::report(cluster, trees, *id, report, *at_ms, &doomed.active)?;
                    CommandResult::Done
                }
            }
        }
        Command::RemoveNode { id, at_ms } => {
            let key = node_key(*id);
            match tx_get::<NodeRecord>(cluster, &key)? {
                None => CommandResult::NotFound(format!("node {id}")),
                Some(mut r) => {
                    r.removed_at_ms = r.removed_at_ms.or(Some(*at_ms));
                    tx_put(cluster, &key, &r)?;
                    CommandResult::Done
                }
            }
        }
        Command::CreateJoinToken(token) => {
            let key = token_key(&token.id);
            if cluster.get(key.as_bytes())?.is_some() {
                CommandResult::Conflict(format!("join token `{}` already exists", token.id))
            } else {
                tx_put(cluster, &key, token)?;
                CommandResult::Done
            }
        }
        Command::ConsumeJoinToken {
            id,
            secret_sha256,
            at_ms,
        } => {
            let key = token_key(id);
            match tx_get::<JoinToken>(cluster, &key)? {
                None => CommandResult::TokenRefused(
                    pursight_actors::node_registry::TokenRefusal::Unknown,
                ),
                Some(mut token) => match token.check(secret_sha256, *at_ms) {
                    Err(refusal) => CommandResult::TokenRefused(refusal),
                    Ok(()) => {
                        let node_id = tx_get::<u64>(cluster, KEY_NEXT_NODE_ID)?
                            .unwrap_or(FIRST_JOINED_NODE_ID);
                        tx_put(cluster, KEY_NEXT_NODE_ID, &(node_id + 1))?;
                        token.used_by = Some(node_id);
                        tx_put(cluster, &key, &token)?;
                        CommandResult::Joined {
                            node_id,
                            role: token.role,
                            site: token.site.clone(),
                        }
                    }
                },
            }
        }
    })
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
        let last_applied = self.read_meta::<Option<LogId>>(KEY_LAST_APPLIED)?.flatten();
        let membership = self
            .read_meta::<Membership>(KEY_MEMBERSHIP)?
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
        for (name, _) in &payload.trees {
            if !TABLE_TREES.contains(&name.as_str()) {
                return Err(err(&std::io::Error::other(format!(
                    "unknown tree `{name}` in snapshot"
                ))));
            }
        }
        // Keys to drop are listed outside the transaction (transactional trees cannot scan).
        let mut old: Vec<Vec<sled::IVec>> = Vec::new();
        for tree in self.table_trees() {
            old.push(
                tree.iter()
                    .keys()
                    .collect::<Result<_, _>>()
                    .map_err(|e| err(&e))?,
            );
        }
        let applied = encode(&meta.last_log_id).map_err(|e| err(&e))?;
        let membership = encode(&meta.last_membership).map_err(|e| err(&e))?;
        (
            &self.sources,
            &self.tables,
            &self.scans,
            &self.cluster,
            &self.governance,
            &self.meta,
        )
            .transaction(|(sources, tables, scans, cluster, governance, sm_meta)| {
                // Same order as TABLE_TREES; the type's length makes a missed tree a
                // compile error rather than an index panic.
                let txs: [&TransactionalTree; TABLE_TREES.len()] =
                    [sources, tables, scans, cluster, governance];
                for (tx, keys) in txs.iter().zip(&old) {
                    for k in keys {
                        tx.remove(k.clone())?;
                    }
                }
                for (name, kvs) in &payload.trees {
                    let Some(i) = TABLE_TREES.iter().position(|t| t == name) else {
                        continue;
                    };
                    for (k, v) in kvs {
                        txs[i].insert(k.as_slice(), v.as_slice())?;
                    }
                }
                sm_meta.insert(KEY_LAST_APPLIED, applied.as_slice())?;
                sm_meta.insert(KEY_MEMBERSHIP, membership.as_slice())?;
                Ok::<_, ConflictableTransactionError<()>>(())
            })
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
