//! Applying a command: dispatch only. Each command family's rules live in its own module
//! and run against a [`DynTx`], so they behave the same on sled and in memory; the caller
//! commits the transaction's writes atomically with the entry's log id.

mod catalog;
mod governance;
mod nodes;
mod scans;
mod sources;

use super::command::{Command, CommandResult};
use super::tables::{DynTx, StoreError};

/// Applies one command. Deterministic: reads only the state and the command (times are
/// stamped by the proposer). A refusal is a [`CommandResult`] (the entry still counts as
/// applied); an `Err` means the state could not be read or written, and nothing of the
/// transaction may be committed.
pub fn apply(cmd: &Command, tx: &mut DynTx<'_>) -> Result<CommandResult, StoreError> {
    match cmd {
        Command::PutSource(source) => sources::put(tx, source),
        Command::RemoveSource { id } => sources::remove(tx, id),
        Command::CreateScan(job) => scans::create(tx, job),
        Command::AssignScan {
            id,
            attempt,
            node,
            lease_ms,
            placement,
            at_ms,
        } => scans::assign(tx, id, (*attempt, *node), *lease_ms, placement, *at_ms),
        Command::ScanWaiting { id, reason } => scans::waiting(tx, id, reason),
        Command::ScanOutput {
            id,
            attempt,
            node,
            seq,
            output,
            at_ms,
        } => scans::output(tx, id, (*attempt, *node, *seq), output, *at_ms),
        Command::StartScheduledScan { job, due_ms } => scans::start_scheduled(tx, job, *due_ms),
        Command::PutTable(table) => catalog::put_table(tx, table),
        Command::CancelScan { id, at_ms } => scans::cancel(tx, id, *at_ms),
        Command::RegisterNode(record) => nodes::register(tx, record),
        Command::NodeHeartbeat {
            id,
            version,
            at_ms,
            report,
        } => nodes::heartbeat(tx, *id, version, report, *at_ms),
        Command::RemoveNode { id, at_ms } => nodes::remove(tx, *id, *at_ms),
        Command::CreateJoinToken(token) => nodes::create_token(tx, token),
        Command::ConsumeJoinToken {
            id,
            secret_sha256,
            at_ms,
        } => nodes::consume_token(tx, id, secret_sha256, *at_ms),
        Command::CorrectClassifications {
            table_id,
            column,
            corrections,
            by,
            reason,
            at_ms,
        } => governance::correct(
            tx,
            (table_id, column),
            corrections,
            by,
            reason.as_deref(),
            *at_ms,
        ),
        Command::SyncFindings {
            asset_id,
            source,
            violations,
            skipped_rules,
            at_ms,
        } => governance::sync_findings(tx, asset_id, source, violations, skipped_rules, *at_ms),
        Command::SetAssetMeta {
            table_id,
            column,
            owner,
            tags,
            if_version,
            by,
            at_ms,
        } => governance::set_meta(
            tx,
            (table_id, column.as_deref()),
            owner.as_deref(),
            tags,
            *if_version,
            (by, *at_ms),
        ),
        Command::PutPolicy { policy } => governance::put_policy(tx, policy),
        Command::RemovePolicy { name, by, at_ms } => {
            governance::remove_policy(tx, name, by, *at_ms)
        }
        Command::SetPolicySettings {
            params_json,
            disabled_frameworks,
            by,
            at_ms,
        } => governance::set_settings(tx, params_json, disabled_frameworks, by, *at_ms),
        Command::UpdateFinding {
            id,
            action,
            by,
            at_ms,
        } => governance::update_finding(tx, id, action, by, *at_ms),
    }
}

#[cfg(test)]
mod tests;
