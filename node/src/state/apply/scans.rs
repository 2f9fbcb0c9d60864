//! Scan jobs: creation, placement, outputs of attempts, schedules and the lease renewals
//! that ride on heartbeats. The rules (what an attempt may do) are
//! `pursight_actors::jobs`; this is their storage. Jobs that have not ended are indexed
//! (`keys::active_scans`), so the scheduler and heartbeats never read the whole history.

use pursight_actors::domain::{Millis, Placement, ScanJob, ScanOutput, ScanState};
use pursight_actors::jobs::OutputVerdict;

use super::catalog;
use crate::registry::NodeReport;
use crate::state::command::CommandResult;
use crate::state::keys;
use crate::state::tables::{DynTx, StoreError};

type Applied = Result<CommandResult, StoreError>;

/// Stores a job and keeps the active index in step with its state.
fn save(tx: &mut DynTx<'_>, job: &ScanJob) -> Result<(), StoreError> {
    tx.put(&keys::scan(&job.id), job)?;
    let active = keys::active_scan(&job.id);
    if job.state.is_terminal() {
        tx.remove(&active)?;
    } else {
        tx.put_raw(&active, Vec::new());
    }
    Ok(())
}

fn not_found(id: &str) -> CommandResult {
    CommandResult::NotFound(format!("scan `{id}`"))
}

/// Queues a job; it needs its source and a fresh id.
pub(super) fn create(tx: &mut DynTx<'_>, job: &ScanJob) -> Applied {
    Ok(if !tx.exists(&keys::source(&job.source))? {
        CommandResult::NotFound(format!("source `{}`", job.source))
    } else if tx.exists(&keys::scan(&job.id))? {
        CommandResult::Conflict(format!("scan `{}` already exists", job.id))
    } else {
        save(tx, job)?;
        CommandResult::Scan(job.clone())
    })
}

/// Stops a job that has not ended.
pub(super) fn cancel(tx: &mut DynTx<'_>, id: &str, at_ms: Millis) -> Applied {
    Ok(match tx.get::<ScanJob>(&keys::scan(id))? {
        None => not_found(id),
        Some(job) if job.state.is_terminal() => {
            CommandResult::Conflict(format!("scan `{id}` is already {}", job.state))
        }
        Some(mut job) => {
            job.state = ScanState::Cancelled;
            job.finished_at_ms = Some(at_ms);
            job.error = Some("cancelled".into());
            job.lease_until_ms = None;
            job.waiting = None;
            save(tx, &job)?;
            CommandResult::Scan(job)
        }
    })
}

/// Places a job as a new attempt: a compare-and-set on the attempt.
pub(super) fn assign(
    tx: &mut DynTx<'_>,
    id: &str,
    (attempt, node): (u32, u64),
    lease_ms: Millis,
    placement: &Placement,
    at_ms: Millis,
) -> Applied {
    if placement.node != node || placement.attempt != attempt {
        return Ok(CommandResult::Conflict(
            "the placement does not match the assignment".into(),
        ));
    }
    Ok(match tx.get::<ScanJob>(&keys::scan(id))? {
        None => not_found(id),
        Some(mut job) => match job.check_assign(attempt, at_ms) {
            Err(why) => CommandResult::Conflict(why),
            Ok(()) => {
                job.assign(placement.clone(), lease_ms);
                save(tx, &job)?;
                CommandResult::Scan(job)
            }
        },
    })
}

/// Records why the scheduler cannot place a job now.
pub(super) fn waiting(tx: &mut DynTx<'_>, id: &str, reason: &Option<String>) -> Applied {
    Ok(match tx.get::<ScanJob>(&keys::scan(id))? {
        None => not_found(id),
        Some(job) if job.state.is_terminal() => {
            CommandResult::Conflict(format!("scan `{id}` is already {}", job.state))
        }
        Some(mut job) => {
            job.waiting = reason.clone();
            save(tx, &job)?;
            CommandResult::Scan(job)
        }
    })
}

/// One output of a scan attempt: applied once, refused when stale or outside the job's
/// source and scan.
pub(super) fn output(
    tx: &mut DynTx<'_>,
    id: &str,
    (attempt, node, seq): (u32, u64, u64),
    output: &ScanOutput,
    at_ms: Millis,
) -> Applied {
    let Some(mut job) = tx.get::<ScanJob>(&keys::scan(id))? else {
        return Ok(not_found(id));
    };
    match job.check_output(attempt, node, seq) {
        OutputVerdict::Duplicate => return Ok(CommandResult::Done),
        OutputVerdict::Stale(why) => return Ok(CommandResult::Conflict(why)),
        OutputVerdict::Apply => {}
    }
    match output {
        ScanOutput::State { .. } => {}
        ScanOutput::Table(table) => {
            let prefix = keys::asset_prefix(&job.source);
            if table.source != job.source || !table.id.starts_with(&prefix) || table.scan_id != id {
                return Ok(CommandResult::Conflict(format!(
                    "scan `{id}` of `{}` cannot catalog table `{}` (source `{}`, scan `{}`)",
                    job.source, table.id, table.source, table.scan_id
                )));
            }
            if let CommandResult::NotFound(why) = catalog::put_table(tx, table)? {
                return Ok(CommandResult::NotFound(why));
            }
        }
        ScanOutput::TablesDeleted { ids } => catalog::mark_deleted(tx, &job.source, ids, at_ms)?,
    }
    // Every applied output counts (and renews the lease: the node is working on it).
    job.apply_state(output, seq, at_ms);
    save(tx, &job)?;
    Ok(CommandResult::Scan(job))
}

/// A scheduled scan due at `due_ms`: started once per due time.
pub(super) fn start_scheduled(tx: &mut DynTx<'_>, job: &ScanJob, due_ms: Millis) -> Applied {
    let key = keys::schedule(&job.source);
    if let Some(last) = tx.get::<Millis>(&key)?
        && last >= due_ms
    {
        return Ok(CommandResult::Conflict(format!(
            "the scan of `{}` due at {due_ms} was already started",
            job.source
        )));
    }
    let result = create(tx, job)?;
    if matches!(result, CommandResult::Scan(_)) {
        tx.put(&key, &due_ms)?;
    }
    Ok(result)
}

/// A heartbeat's report: stored, and what it says about the node's active jobs applied
/// (`ScanJob::heartbeat`: leases renewed, lost jobs' leases ended).
pub(super) fn report(
    tx: &mut DynTx<'_>,
    node: u64,
    report: &NodeReport,
    at_ms: Millis,
) -> Result<(), StoreError> {
    let report = report.sanitized();
    tx.put(&keys::report(node), &report)?;
    let taken_at = if report.taken_at_ms > 0 {
        report.taken_at_ms
    } else {
        at_ms
    };
    for key in tx.keys(&keys::active_scans())? {
        let id = String::from_utf8_lossy(&key[keys::ACTIVE_SCAN_PREFIX.len()..]).into_owned();
        let Some(mut job) = tx.get::<ScanJob>(&keys::scan(&id))? else {
            continue;
        };
        if job.heartbeat(node, &report.running, report.complete, taken_at, at_ms) {
            save(tx, &job)?;
        }
    }
    Ok(())
}
