//! Every key of the replicated state, in one place: which table a record lives in and
//! under which key. The layout is part of the disk format (a data folder written by an
//! earlier release must read the same), so a scheme changes only with a format migration.

use pursight_actors::domain::id_segment;

/// A table of the replicated state (one sled tree each; the order is the snapshot's and
/// the digest's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// Registered sources by id.
    Sources,
    /// Table assets by asset id.
    Tables,
    /// Scan jobs by id.
    Scans,
    /// The node registry, join tokens, node reports, the active-job index and schedules.
    Cluster,
    /// Steward corrections, asset meta, custom policies, findings and the audit trail.
    Governance,
}

impl Table {
    /// Every table, in snapshot order.
    pub const ALL: [Table; 5] = [
        Table::Sources,
        Table::Tables,
        Table::Scans,
        Table::Cluster,
        Table::Governance,
    ];

    /// The sled tree (and snapshot section) holding this table.
    pub fn tree_name(self) -> &'static str {
        match self {
            Table::Sources => "sources",
            Table::Tables => "tables",
            Table::Scans => "scans",
            Table::Cluster => "cluster",
            Table::Governance => "governance",
        }
    }

    /// The table stored in the tree called `name`.
    pub fn from_tree_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.tree_name() == name)
    }

    /// Position in [`Table::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The tree of the state machine's own metadata.
pub const SM_META_TREE: &str = "sm_meta";
/// In `sm_meta`: the last applied log id.
pub const LAST_APPLIED: &[u8] = b"last_applied";
/// In `sm_meta`: the last applied membership.
pub const MEMBERSHIP: &[u8] = b"membership";

/// One record's place: its table and key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// The table it lives in.
    pub table: Table,
    /// Its key inside the table.
    pub key: String,
}

/// A range of keys sharing a prefix inside one table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prefix {
    /// The table it ranges over.
    pub table: Table,
    /// What every key in the range starts with.
    pub prefix: String,
}

fn key(table: Table, key: impl Into<String>) -> Key {
    Key {
        table,
        key: key.into(),
    }
}

fn prefix(table: Table, prefix: impl Into<String>) -> Prefix {
    Prefix {
        table,
        prefix: prefix.into(),
    }
}

/// A source by id.
pub fn source(id: &str) -> Key {
    key(Table::Sources, id)
}

/// Every source.
pub fn sources() -> Prefix {
    prefix(Table::Sources, "")
}

/// A table asset by id.
pub fn table(id: &str) -> Key {
    key(Table::Tables, id)
}

/// Every table asset.
pub fn tables() -> Prefix {
    prefix(Table::Tables, "")
}

/// What every asset id of a source starts with (`crm.`): its first segment, escaped.
pub fn asset_prefix(source: &str) -> String {
    format!("{}.", id_segment(source))
}

/// The table assets of one source.
pub fn tables_of(source: &str) -> Prefix {
    prefix(Table::Tables, asset_prefix(source))
}

/// A scan job by id.
pub fn scan(id: &str) -> Key {
    key(Table::Scans, id)
}

/// Every scan job.
pub fn scans() -> Prefix {
    prefix(Table::Scans, "")
}

/// What the active-job index keys start with.
pub const ACTIVE_SCAN_PREFIX: &str = "active_scan/";

/// A job that has not ended, in the active index (an empty value).
pub fn active_scan(id: &str) -> Key {
    key(Table::Cluster, format!("{ACTIVE_SCAN_PREFIX}{id}"))
}

/// The active-job index, so the scheduler and heartbeats never read the whole history.
pub fn active_scans() -> Prefix {
    prefix(Table::Cluster, ACTIVE_SCAN_PREFIX)
}

/// A node's last report.
pub fn report(node: u64) -> Key {
    key(Table::Cluster, format!("report/{node:020}"))
}

/// The last due time the scheduler started for a source's schedule.
pub fn schedule(source: &str) -> Key {
    key(Table::Cluster, format!("schedule/{source}"))
}

/// A node's registry record (zero-padded, so the registry iterates in id order).
pub fn node(id: u64) -> Key {
    key(Table::Cluster, format!("node/{id:020}"))
}

/// The node registry.
pub fn nodes() -> Prefix {
    prefix(Table::Cluster, "node/")
}

/// A join token (only its secret's hash).
pub fn join_token(id: &str) -> Key {
    key(Table::Cluster, format!("token/{id}"))
}

/// The next node id a join gets (the bootstrap node is 1).
pub fn next_node_id() -> Key {
    key(Table::Cluster, "next_node_id")
}

/// The steward corrections of one column.
pub fn correction(column_id: &str) -> Key {
    key(Table::Governance, format!("correction/{column_id}"))
}

/// The corrections of every column whose id starts with `id_prefix`.
pub fn corrections_under(id_prefix: &str) -> Prefix {
    prefix(Table::Governance, format!("correction/{id_prefix}"))
}

/// What stewards recorded about a table (owner, tags).
pub fn meta(table_id: &str) -> Key {
    key(Table::Governance, format!("meta/{table_id}"))
}

/// The meta of every table whose id starts with `id_prefix`.
pub fn meta_under(id_prefix: &str) -> Prefix {
    prefix(Table::Governance, format!("meta/{id_prefix}"))
}

/// A custom policy module by name.
pub fn policy(name: &str) -> Key {
    key(Table::Governance, format!("policy/{name}"))
}

/// Every custom policy module.
pub fn policies() -> Prefix {
    prefix(Table::Governance, "policy/")
}

/// The packs' settings (parameters, disabled frameworks, revision).
pub fn policy_settings() -> Key {
    key(Table::Governance, "policy_settings")
}

/// A finding by id (`{asset}/{rule}[/{column}]`).
pub fn finding(id: &str) -> Key {
    key(Table::Governance, format!("finding/{id}"))
}

/// Every finding whose id starts with `id_prefix` (an asset's: `{asset}/`).
pub fn findings_under(id_prefix: &str) -> Prefix {
    prefix(Table::Governance, format!("finding/{id_prefix}"))
}

/// One audit event by sequence number (zero-padded: the trail iterates in order).
pub fn audit(seq: u64) -> Key {
    key(Table::Governance, format!("audit/{seq:020}"))
}

/// The audit trail.
pub fn audit_trail() -> Prefix {
    prefix(Table::Governance, "audit/")
}

/// The last audit sequence number used.
pub fn audit_seq() -> Key {
    key(Table::Governance, "audit_seq")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_names_round_trip_in_snapshot_order() {
        for (i, t) in Table::ALL.into_iter().enumerate() {
            assert_eq!(t.index(), i);
            assert_eq!(Table::from_tree_name(t.tree_name()), Some(t));
        }
        assert_eq!(Table::from_tree_name("sm_meta"), None);
    }

    #[test]
    fn layout_is_the_stored_one() {
        // The disk format: these strings are what earlier releases wrote.
        assert_eq!(node(7).key, "node/00000000000000000007");
        assert_eq!(audit(12).key, "audit/00000000000000000012");
        assert_eq!(report(3).key, "report/00000000000000000003");
        assert_eq!(active_scan("s1").key, "active_scan/s1");
        assert_eq!(tables_of("a.b").prefix, "a%2Eb.");
        assert_eq!(findings_under("crm.x/").prefix, "finding/crm.x/");
    }
}
