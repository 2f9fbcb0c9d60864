//! Reading the replicated state: the API, the scheduler and the actors go through a
//! [`Reader`], over sled on a node ([`StateReader`]) or over memory in tests.

use pursight_actors::audit::AuditEvent;
use pursight_actors::compliance::custom::{AssetMeta, CustomPolicy, PolicySettings};
use pursight_actors::compliance::findings::Finding;
use pursight_actors::corrections::ColumnCorrections;
use pursight_actors::domain::{Millis, ScanJob, Source, TableAsset};

use super::keys;
use super::tables::{self, SledTables, StoreError, TableRead};
use crate::registry::{JoinToken, NodeRecord, NodeReport};

/// Why the state could not be read.
pub type ReadError = StoreError;

/// Read-only view of the replicated state. Cloning is cheap.
#[derive(Clone)]
pub struct Reader<R> {
    tables: R,
}

/// The reader of a node's state on sled; it follows every apply.
pub type StateReader = Reader<SledTables>;

impl<R: TableRead> Reader<R> {
    /// A reader over `tables`.
    pub fn new(tables: R) -> Self {
        Self { tables }
    }

    fn get<T: serde::de::DeserializeOwned>(&self, k: &keys::Key) -> Result<Option<T>, ReadError> {
        tables::get(&self.tables, k)
    }

    fn all<T: serde::de::DeserializeOwned>(&self, p: &keys::Prefix) -> Result<Vec<T>, ReadError> {
        tables::all(&self.tables, p)
    }

    /// One source by id.
    pub fn source(&self, id: &str) -> Result<Option<Source>, ReadError> {
        self.get(&keys::source(id))
    }

    /// Every source, ordered by id.
    pub fn sources(&self) -> Result<Vec<Source>, ReadError> {
        self.all(&keys::sources())
    }

    /// One table asset by id.
    pub fn table(&self, id: &str) -> Result<Option<TableAsset>, ReadError> {
        self.get(&keys::table(id))
    }

    /// Every table asset, ordered by id.
    pub fn tables(&self) -> Result<Vec<TableAsset>, ReadError> {
        self.all(&keys::tables())
    }

    /// Table assets of one source, ordered by id.
    pub fn tables_of(&self, source: &str) -> Result<Vec<TableAsset>, ReadError> {
        self.all(&keys::tables_of(source))
    }

    /// One scan job by id.
    pub fn scan(&self, id: &str) -> Result<Option<ScanJob>, ReadError> {
        self.get(&keys::scan(id))
    }

    /// Every scan job, newest first.
    pub fn scans(&self) -> Result<Vec<ScanJob>, ReadError> {
        let mut jobs: Vec<ScanJob> = self.all(&keys::scans())?;
        jobs.sort_by(|a, b| b.created_at_ms.cmp(&a.created_at_ms).then(b.id.cmp(&a.id)));
        Ok(jobs)
    }

    /// The jobs that have not ended (queued, assigned, running), oldest first.
    pub fn active_scans(&self) -> Result<Vec<ScanJob>, ReadError> {
        let mut jobs = Vec::new();
        for key in tables::keys(&self.tables, &keys::active_scans())? {
            let id = String::from_utf8_lossy(&key[keys::ACTIVE_SCAN_PREFIX.len()..]);
            if let Some(job) = self.scan(&id)? {
                jobs.push(job);
            }
        }
        jobs.sort_by(|a, b| a.created_at_ms.cmp(&b.created_at_ms).then(a.id.cmp(&b.id)));
        Ok(jobs)
    }

    /// What a node last reported (capacity, running jobs, proximity).
    pub fn node_report(&self, id: u64) -> Result<Option<NodeReport>, ReadError> {
        self.get(&keys::report(id))
    }

    /// The last due time the scheduler started for a source's schedule.
    pub fn schedule_last(&self, source: &str) -> Result<Option<Millis>, ReadError> {
        self.get(&keys::schedule(source))
    }

    /// The node registry, ordered by id (removed nodes included).
    pub fn nodes(&self) -> Result<Vec<NodeRecord>, ReadError> {
        self.all(&keys::nodes())
    }

    /// One node's registry record.
    pub fn node(&self, id: u64) -> Result<Option<NodeRecord>, ReadError> {
        self.get(&keys::node(id))
    }

    /// One join token (hash only).
    pub fn join_token(&self, id: &str) -> Result<Option<JoinToken>, ReadError> {
        self.get(&keys::join_token(id))
    }

    /// The steward corrections of one column.
    pub fn corrections(&self, column_id: &str) -> Result<Option<ColumnCorrections>, ReadError> {
        self.get(&keys::correction(column_id))
    }

    /// What stewards recorded about a table.
    pub fn asset_meta(&self, table_id: &str) -> Result<Option<AssetMeta>, ReadError> {
        self.get(&keys::meta(table_id))
    }

    /// Custom policy modules, by name.
    pub fn custom_policies(&self) -> Result<Vec<CustomPolicy>, ReadError> {
        self.all(&keys::policies())
    }

    /// The packs' settings (defaults when never set).
    pub fn policy_settings(&self) -> Result<PolicySettings, ReadError> {
        Ok(self.get(&keys::policy_settings())?.unwrap_or_default())
    }

    /// Every finding, ordered by id (asset, rule, column).
    pub fn findings(&self) -> Result<Vec<Finding>, ReadError> {
        self.all(&keys::findings_under(""))
    }

    /// One finding.
    pub fn finding(&self, id: &str) -> Result<Option<Finding>, ReadError> {
        self.get(&keys::finding(id))
    }

    /// Audit events after `after` (a sequence number), oldest first, at most `limit`.
    pub fn audit(&self, after: u64, limit: usize) -> Result<Vec<AuditEvent>, ReadError> {
        let trail = keys::audit_trail();
        let from = keys::audit(after.saturating_add(1));
        let mut out = Vec::new();
        if limit == 0 {
            return Ok(out);
        }
        self.tables.visit(
            trail.table,
            trail.prefix.as_bytes(),
            from.key.as_bytes(),
            &mut |_, v| {
                out.push(crate::state::codec::decode(v)?);
                Ok(out.len() < limit)
            },
        )?;
        Ok(out)
    }

    /// A SHA-256 over every table (see [`tables::digest`]).
    pub fn tables_digest(&self) -> Result<String, ReadError> {
        tables::digest(&self.tables)
    }
}

impl Reader<SledTables> {
    /// The index of the last applied log entry and a SHA-256 over every replicated table
    /// at that index, so replicas can be compared (the chaos harness's convergence check).
    /// `None` when an entry was applied while hashing: ask again.
    pub fn digest(&self) -> Result<Option<(u64, String)>, ReadError> {
        let before = self.tables.applied_index()?;
        let hex = self.tables_digest()?;
        if self.tables.applied_index()? != before {
            return Ok(None);
        }
        Ok(Some((before, hex)))
    }
}
