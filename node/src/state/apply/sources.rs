//! Sources: registration (ids are unique) and removal with everything under them.

use pursight_actors::domain::Source;

use crate::state::command::CommandResult;
use crate::state::keys;
use crate::state::tables::{DynTx, StoreError};

/// Registers a source; `Conflict` when the id is taken.
pub(super) fn put(tx: &mut DynTx<'_>, source: &Source) -> Result<CommandResult, StoreError> {
    let key = keys::source(&source.id);
    if tx.exists(&key)? {
        return Ok(CommandResult::Conflict(format!(
            "source `{}` already exists",
            source.id
        )));
    }
    tx.put(&key, source)?;
    Ok(CommandResult::Source(source.clone()))
}

/// Removes a source with its tables. A source added again under the same id starts
/// without old corrections, findings or owners (the audit trail keeps their history).
pub(super) fn remove(tx: &mut DynTx<'_>, id: &str) -> Result<CommandResult, StoreError> {
    if !tx.remove(&keys::source(id))? {
        return Ok(CommandResult::NotFound(format!("source `{id}`")));
    }
    let under = keys::asset_prefix(id);
    tx.remove_all(&keys::tables_of(id))?;
    tx.remove_all(&keys::corrections_under(&under))?;
    tx.remove_all(&keys::findings_under(&under))?;
    tx.remove_all(&keys::meta_under(&under))?;
    Ok(CommandResult::Done)
}
