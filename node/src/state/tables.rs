//! The tables under the state machine's rules: a small read trait with a sled and an
//! in-memory implementation, and [`Tx`], the write set of one command on top of either.
//!
//! A command's rules read through the `Tx` (its own writes first, then the committed
//! tables) and only ever write into it; the caller commits the write set atomically with
//! the entry's log id (sled: one transaction) or drops it. Because both implementations sit
//! under the same `Tx`, a rule behaves the same on sled and in memory, and the rules can be
//! tested without sled.

use std::collections::BTreeMap;
use std::ops::Bound;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::keys::{self, Key, Prefix, Table};
use crate::state::codec::{CodecError, decode, encode};

/// Why the state could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The storage engine failed.
    #[error("storage: {0}")]
    Storage(#[from] sled::Error),
    /// A stored record could not be decoded, or a new one encoded.
    #[error("stored record: {0}")]
    Codec(#[from] CodecError),
}

/// A visitor over key/value pairs; returns `false` to stop.
pub type Visit<'a> = dyn FnMut(&[u8], &[u8]) -> Result<bool, StoreError> + 'a;

/// Read access to the committed tables.
pub trait TableRead {
    /// One value.
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    /// Visits, in key order, the pairs whose key starts with `prefix` and is at least
    /// `from`, until `f` returns `false`.
    fn visit(
        &self,
        table: Table,
        prefix: &[u8],
        from: &[u8],
        f: &mut Visit<'_>,
    ) -> Result<(), StoreError>;
}

/// Decodes one record.
pub fn get<T: DeserializeOwned>(
    r: &(impl TableRead + ?Sized),
    k: &Key,
) -> Result<Option<T>, StoreError> {
    match r.get(k.table, k.key.as_bytes())? {
        Some(bytes) => Ok(Some(decode(&bytes)?)),
        None => Ok(None),
    }
}

/// Decodes every record under a prefix, in key order.
pub fn all<T: DeserializeOwned>(
    r: &(impl TableRead + ?Sized),
    p: &Prefix,
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    r.visit(p.table, p.prefix.as_bytes(), b"", &mut |_, v| {
        out.push(decode(v)?);
        Ok(true)
    })?;
    Ok(out)
}

/// The keys under a prefix, in order.
pub fn keys(r: &(impl TableRead + ?Sized), p: &Prefix) -> Result<Vec<Vec<u8>>, StoreError> {
    let mut out = Vec::new();
    r.visit(p.table, p.prefix.as_bytes(), b"", &mut |k, _| {
        out.push(k.to_vec());
        Ok(true)
    })?;
    Ok(out)
}

/// A SHA-256 over every table (names, then each key and value, length-prefixed), in hex:
/// two replicas at the same applied index hold the same state exactly when these match.
pub fn digest(r: &(impl TableRead + ?Sized)) -> Result<String, StoreError> {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for table in Table::ALL {
        ctx.update(table.tree_name().as_bytes());
        r.visit(table, b"", b"", &mut |k, v| {
            ctx.update(&(k.len() as u64).to_be_bytes());
            ctx.update(k);
            ctx.update(&(v.len() as u64).to_be_bytes());
            ctx.update(v);
            Ok(true)
        })?;
    }
    Ok(ctx
        .finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The writes of one command: per table and key, the new value or `None` for a removal.
pub type Writes = BTreeMap<(Table, Vec<u8>), Option<Vec<u8>>>;

/// A transaction over any implementation, as the rules take it.
pub type DynTx<'a> = Tx<'a, dyn TableRead + 'a>;

/// One command's view of the state: the committed tables with its own writes on top.
pub struct Tx<'a, R: TableRead + ?Sized> {
    base: &'a R,
    writes: Writes,
}

impl<'a, R: TableRead + ?Sized> Tx<'a, R> {
    /// A transaction over `base` with nothing written yet.
    pub fn new(base: &'a R) -> Self {
        Self {
            base,
            writes: Writes::new(),
        }
    }

    /// The write set, to commit.
    pub fn into_writes(self) -> Writes {
        self.writes
    }

    /// Decodes one record.
    pub fn get<T: DeserializeOwned>(&self, k: &Key) -> Result<Option<T>, StoreError> {
        get(self, k)
    }

    /// Whether a record exists.
    pub fn exists(&self, k: &Key) -> Result<bool, StoreError> {
        Ok(TableRead::get(self, k.table, k.key.as_bytes())?.is_some())
    }

    /// Stores a record.
    pub fn put<T: Serialize>(&mut self, k: &Key, value: &T) -> Result<(), StoreError> {
        self.put_raw(k, encode(value)?);
        Ok(())
    }

    /// Stores raw bytes (index entries whose value is empty).
    pub fn put_raw(&mut self, k: &Key, value: Vec<u8>) {
        self.writes
            .insert((k.table, k.key.as_bytes().to_vec()), Some(value));
    }

    /// Removes a record; returns whether it existed.
    pub fn remove(&mut self, k: &Key) -> Result<bool, StoreError> {
        self.remove_raw(k.table, k.key.as_bytes())
    }

    /// Removes a record by its raw key; returns whether it existed.
    pub fn remove_raw(&mut self, table: Table, key: &[u8]) -> Result<bool, StoreError> {
        let existed = TableRead::get(self, table, key)?.is_some();
        self.writes.insert((table, key.to_vec()), None);
        Ok(existed)
    }

    /// Removes every record under a prefix.
    pub fn remove_all(&mut self, p: &Prefix) -> Result<(), StoreError> {
        for k in self.keys(p)? {
            self.writes.insert((p.table, k), None);
        }
        Ok(())
    }

    /// The keys under a prefix, with this transaction's writes.
    pub fn keys(&self, p: &Prefix) -> Result<Vec<Vec<u8>>, StoreError> {
        keys(self, p)
    }

    /// Decodes every record under a prefix, with this transaction's writes.
    pub fn all<T: DeserializeOwned>(&self, p: &Prefix) -> Result<Vec<T>, StoreError> {
        all(self, p)
    }
}

impl<R: TableRead + ?Sized> TableRead for Tx<'_, R> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.writes.get(&(table, key.to_vec())) {
            Some(written) => Ok(written.clone()),
            None => self.base.get(table, key),
        }
    }

    fn visit(
        &self,
        table: Table,
        prefix: &[u8],
        from: &[u8],
        f: &mut Visit<'_>,
    ) -> Result<(), StoreError> {
        // Merge the committed pairs with this transaction's writes, in key order.
        let start = from.max(prefix).to_vec();
        let mut pending = self
            .writes
            .range((Bound::Included((table, start)), Bound::Unbounded))
            .take_while(|((t, k), _)| *t == table && k.starts_with(prefix))
            .peekable();
        let mut go_on = true;
        self.base.visit(table, prefix, from, &mut |k, v| {
            while let Some(((_, wk), wv)) = pending.peek() {
                if wk.as_slice() > k {
                    break;
                }
                let same = wk.as_slice() == k;
                if let Some(wv) = wv
                    && !f(wk, wv)?
                {
                    go_on = false;
                    return Ok(false);
                }
                pending.next();
                if same {
                    return Ok(true);
                }
            }
            go_on = f(k, v)?;
            Ok(go_on)
        })?;
        if go_on {
            for ((_, wk), wv) in pending {
                if let Some(wv) = wv
                    && !f(wk, wv)?
                {
                    break;
                }
            }
        }
        Ok(())
    }
}

impl<T: TableRead + ?Sized> TableRead for &T {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        (**self).get(table, key)
    }

    fn visit(
        &self,
        table: Table,
        prefix: &[u8],
        from: &[u8],
        f: &mut Visit<'_>,
    ) -> Result<(), StoreError> {
        (**self).visit(table, prefix, from, f)
    }
}

/// The tables in memory: the reference implementation the rules are tested on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemTables {
    tables: [BTreeMap<Vec<u8>, Vec<u8>>; Table::ALL.len()],
}

impl MemTables {
    /// Applies a committed write set.
    pub fn commit(&mut self, writes: Writes) {
        for ((table, key), value) in writes {
            let t = &mut self.tables[table.index()];
            match value {
                Some(v) => t.insert(key, v),
                None => t.remove(&key),
            };
        }
    }
}

impl TableRead for MemTables {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tables[table.index()].get(key).cloned())
    }

    fn visit(
        &self,
        table: Table,
        prefix: &[u8],
        from: &[u8],
        f: &mut Visit<'_>,
    ) -> Result<(), StoreError> {
        let start = from.max(prefix).to_vec();
        for (k, v) in self.tables[table.index()].range(start..) {
            if !k.starts_with(prefix) || !f(k, v)? {
                break;
            }
        }
        Ok(())
    }
}

/// The tables in sled: one tree each, plus the state machine's own metadata (the last
/// applied log id and membership, in `sm_meta`).
#[derive(Clone)]
pub struct SledTables {
    trees: [sled::Tree; Table::ALL.len()],
    meta: sled::Tree,
}

impl SledTables {
    /// Opens (or creates) the table trees in `db`.
    pub fn open(db: &sled::Db) -> Result<Self, sled::Error> {
        Ok(Self {
            trees: [
                db.open_tree(Table::Sources.tree_name())?,
                db.open_tree(Table::Tables.tree_name())?,
                db.open_tree(Table::Scans.tree_name())?,
                db.open_tree(Table::Cluster.tree_name())?,
                db.open_tree(Table::Governance.tree_name())?,
            ],
            meta: db.open_tree(keys::SM_META_TREE)?,
        })
    }

    /// The tree of one table.
    pub fn tree(&self, table: Table) -> &sled::Tree {
        &self.trees[table.index()]
    }

    /// The state machine's metadata tree.
    pub fn meta(&self) -> &sled::Tree {
        &self.meta
    }

    /// The index of the last applied log entry (0 before any).
    pub fn applied_index(&self) -> Result<u64, StoreError> {
        Ok(match self.meta.get(keys::LAST_APPLIED)? {
            Some(b) => decode::<Option<openraft::LogId<u64>>>(&b)?.map_or(0, |l| l.index),
            None => 0,
        })
    }
}

impl TableRead for SledTables {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tree(table).get(key)?.map(|v| v.to_vec()))
    }

    fn visit(
        &self,
        table: Table,
        prefix: &[u8],
        from: &[u8],
        f: &mut Visit<'_>,
    ) -> Result<(), StoreError> {
        let start = from.max(prefix).to_vec();
        for kv in self.tree(table).range(start..) {
            let (k, v) = kv?;
            if !k.starts_with(prefix) || !f(&k, &v)? {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(r: &impl TableRead, prefix: &[u8], from: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut out = Vec::new();
        r.visit(Table::Cluster, prefix, from, &mut |k, v| {
            out.push((k.to_vec(), v.to_vec()));
            Ok(true)
        })
        .expect("visit");
        out
    }

    #[test]
    fn a_transaction_reads_its_own_writes_in_key_order() {
        let mut base = MemTables::default();
        let mut seed = Writes::new();
        for k in ["a/1", "a/3", "a/5", "b/1"] {
            seed.insert((Table::Cluster, k.into()), Some(k.into()));
        }
        base.commit(seed);
        let mut tx = Tx::new(&base);
        let k = |s: &str| Key {
            table: Table::Cluster,
            key: s.into(),
        };
        tx.put_raw(&k("a/2"), b"new".to_vec());
        tx.put_raw(&k("a/3"), b"changed".to_vec());
        assert!(tx.remove(&k("a/5")).expect("remove"));
        assert!(!tx.remove(&k("a/9")).expect("remove"));
        tx.put_raw(&k("a/6"), b"last".to_vec());
        let got: Vec<_> = pairs(&tx, b"a/", b"")
            .into_iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    String::from_utf8_lossy(&k),
                    String::from_utf8_lossy(&v)
                )
            })
            .collect();
        assert_eq!(got, ["a/1=a/1", "a/2=new", "a/3=changed", "a/6=last"]);
        // `from` and early stops hold across both sources.
        assert_eq!(pairs(&tx, b"a/", b"a/3").len(), 2);
        let mut seen = 0;
        tx.visit(Table::Cluster, b"a/", b"", &mut |_, _| {
            seen += 1;
            Ok(seen < 2)
        })
        .expect("visit");
        assert_eq!(seen, 2);
        // Committing the write set gives what the transaction saw.
        let mut after = base.clone();
        after.commit(tx.into_writes());
        assert_eq!(pairs(&after, b"a/", b"").len(), 4);
        assert_eq!(pairs(&after, b"b/", b"").len(), 1);
    }

    #[test]
    fn sled_and_memory_visit_alike() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = sled::open(dir.path()).expect("open");
        let sled_tables = SledTables::open(&db).expect("trees");
        let mut mem = MemTables::default();
        let mut w = Writes::new();
        for k in ["x/1", "x/2", "y/1", "x/0"] {
            w.insert((Table::Cluster, k.into()), Some(vec![1]));
            sled_tables
                .tree(Table::Cluster)
                .insert(k, vec![1])
                .expect("insert");
        }
        mem.commit(w);
        for (prefix, from) in [(&b"x/"[..], &b""[..]), (b"x/", b"x/1"), (b"", b"")] {
            assert_eq!(pairs(&mem, prefix, from), pairs(&sled_tables, prefix, from));
        }
        assert_eq!(
            digest(&mem).expect("digest"),
            digest(&sled_tables).expect("digest")
        );
    }
}
