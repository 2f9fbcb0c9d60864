//! The node registry and join tokens. The merge rules are `crate::registry`'s.

use pursight_actors::domain::Millis;

use super::scans;
use crate::registry::{JoinToken, NodeRecord, NodeReport, TokenRefusal};
use crate::state::command::CommandResult;
use crate::state::keys;
use crate::state::tables::{DynTx, StoreError};

type Applied = Result<CommandResult, StoreError>;

/// The bootstrap node is 1; joins count from here.
const FIRST_JOINED_NODE_ID: u64 = 2;

/// Records a node (a join, or a node announcing new addresses).
pub(super) fn register(tx: &mut DynTx<'_>, record: &NodeRecord) -> Applied {
    let key = keys::node(record.id);
    let old = tx.get::<NodeRecord>(&key)?;
    Ok(match record.clone().registered_over(old.as_ref()) {
        Err(removed) => CommandResult::Conflict(removed.to_string()),
        Ok(record) => {
            tx.put(&key, &record)?;
            CommandResult::Done
        }
    })
}

/// A node's liveness report: it renews the leases of the jobs it runs and records what
/// it measured.
pub(super) fn heartbeat(
    tx: &mut DynTx<'_>,
    id: u64,
    version: &str,
    report: &NodeReport,
    at_ms: Millis,
) -> Applied {
    let key = keys::node(id);
    let Some(mut record) = tx.get::<NodeRecord>(&key)? else {
        return Ok(CommandResult::NotFound(format!("node {id}")));
    };
    if let Err(removed) = record.heartbeat(version, at_ms) {
        return Ok(CommandResult::Conflict(removed.to_string()));
    }
    tx.put(&key, &record)?;
    scans::report(tx, id, report, at_ms)?;
    Ok(CommandResult::Done)
}

/// Marks a node removed; its record stays for the audit trail.
pub(super) fn remove(tx: &mut DynTx<'_>, id: u64, at_ms: Millis) -> Applied {
    let key = keys::node(id);
    let Some(mut record) = tx.get::<NodeRecord>(&key)? else {
        return Ok(CommandResult::NotFound(format!("node {id}")));
    };
    record.removed_at_ms = record.removed_at_ms.or(Some(at_ms));
    tx.put(&key, &record)?;
    Ok(CommandResult::Done)
}

/// Stores a join token; `Conflict` on a taken id.
pub(super) fn create_token(tx: &mut DynTx<'_>, token: &JoinToken) -> Applied {
    let key = keys::join_token(&token.id);
    if tx.exists(&key)? {
        return Ok(CommandResult::Conflict(format!(
            "join token `{}` already exists",
            token.id
        )));
    }
    tx.put(&key, token)?;
    Ok(CommandResult::Done)
}

/// Spends a join token (single use, not after expiry) and allocates the joiner's id.
pub(super) fn consume_token(
    tx: &mut DynTx<'_>,
    id: &str,
    secret_sha256: &str,
    at_ms: Millis,
) -> Applied {
    let key = keys::join_token(id);
    let Some(mut token) = tx.get::<JoinToken>(&key)? else {
        return Ok(CommandResult::TokenRefused(TokenRefusal::Unknown));
    };
    if let Err(refusal) = token.check(secret_sha256, at_ms) {
        return Ok(CommandResult::TokenRefused(refusal));
    }
    let next = keys::next_node_id();
    let node_id = tx.get::<u64>(&next)?.unwrap_or(FIRST_JOINED_NODE_ID);
    tx.put(&next, &(node_id + 1))?;
    token.used_by = Some(node_id);
    tx.put(&key, &token)?;
    Ok(CommandResult::Joined {
        node_id,
        role: token.role,
        site: token.site.clone(),
    })
}
