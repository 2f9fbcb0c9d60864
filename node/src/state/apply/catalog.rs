//! The catalog: table assets as scans write them, with stewards' corrections carried over.

use pursight_actors::corrections::ColumnCorrections;
use pursight_actors::domain::{Millis, TableAsset};

use crate::state::command::CommandResult;
use crate::state::keys;
use crate::state::tables::{DynTx, StoreError};

/// Inserts or replaces one table asset (a `PutTable`, or a scan's table output): columns
/// the new version lacks stay, marked deleted; stewards' corrections are re-applied.
pub(super) fn put_table(
    tx: &mut DynTx<'_>,
    table: &TableAsset,
) -> Result<CommandResult, StoreError> {
    if !tx.exists(&keys::source(&table.source))? {
        return Ok(CommandResult::NotFound(format!(
            "source `{}`",
            table.source
        )));
    }
    let mut table = table.clone();
    table.supersede(tx.get(&keys::table(&table.id))?);
    // Steward corrections outlive every rescan. Columns carried over as deleted already
    // hold their corrected classifications.
    for i in 0..table.columns.len() {
        if table.columns[i].deleted_at_ms.is_some() {
            continue;
        }
        let key = keys::correction(&table.column_id(&table.columns[i].name));
        if let Some(mut cc) = tx.get::<ColumnCorrections>(&key)? {
            cc.apply_to_scan(&mut table.columns[i]);
            tx.put(&key, &cc)?;
        }
    }
    tx.put(&keys::table(&table.id), &table)?;
    Ok(CommandResult::Done)
}

/// Marks tables of `source` deleted (the source no longer has them); ids outside the
/// source are ignored.
pub(super) fn mark_deleted(
    tx: &mut DynTx<'_>,
    source: &str,
    ids: &[String],
    at_ms: Millis,
) -> Result<(), StoreError> {
    let prefix = keys::asset_prefix(source);
    for id in ids.iter().filter(|t| t.starts_with(&prefix)) {
        let key = keys::table(id);
        if let Some(mut t) = tx.get::<TableAsset>(&key)?
            && t.deleted_at_ms.is_none()
        {
            t.deleted_at_ms = Some(at_ms);
            tx.put(&key, &t)?;
        }
    }
    Ok(())
}
