//! Applying the scan-job commands: creation, placement, outputs of attempts, schedules and
//! the lease renewals that ride on heartbeats. The rules themselves (what an attempt may do)
//! are `pursight_actors::jobs`; this is their storage.
//!
//! Non-terminal jobs are indexed under `active_scan/<id>` in the `cluster` tree, so the
//! scheduler and heartbeats never read the whole job history.

use pursight_actors::domain::{CommandResult, Millis, Placement, ScanJob, ScanOutput, ScanState};
use pursight_actors::jobs::OutputVerdict;
use pursight_actors::node_registry::NodeReport;
use sled::transaction::TransactionalTree;

use super::state_machine::{Trees, TxResult, put_table, tx_get, tx_put};

pub(super) fn active_key(id: &str) -> String {
    format!("active_scan/{id}")
}

pub(super) const ACTIVE_PREFIX: &str = "active_scan/";

pub(super) fn report_key(node: u64) -> String {
    format!("report/{node:020}")
}

pub(super) fn schedule_key(source: &str) -> String {
    format!("schedule/{source}")
}

/// Stores a job and keeps the active index in step with its state.
fn save(trees: &Trees<'_>, job: &ScanJob) -> TxResult<()> {
    tx_put(trees.scans, &job.id, job)?;
    if job.state.is_terminal() {
        trees.cluster.remove(active_key(&job.id).as_bytes())?;
    } else {
        trees.cluster.insert(active_key(&job.id).as_bytes(), &[])?;
    }
    Ok(())
}

pub(super) fn create(trees: &Trees<'_>, job: &ScanJob) -> TxResult<CommandResult> {
    Ok(if trees.sources.get(job.source.as_bytes())?.is_none() {
        CommandResult::NotFound(format!("source `{}`", job.source))
    } else if trees.scans.get(job.id.as_bytes())?.is_some() {
        CommandResult::Conflict(format!("scan `{}` already exists", job.id))
    } else {
        save(trees, job)?;
        CommandResult::Scan(job.clone())
    })
}

pub(super) fn cancel(trees: &Trees<'_>, id: &str, at_ms: Millis) -> TxResult<CommandResult> {
    Ok(match tx_get::<ScanJob>(trees.scans, id)? {
        None => CommandResult::NotFound(format!("scan `{id}`")),
        Some(job) if job.state.is_terminal() => {
            CommandResult::Conflict(format!("scan `{id}` is already {}", job.state))
        }
        Some(mut job) => {
            job.state = ScanState::Cancelled;
            job.finished_at_ms = Some(at_ms);
            job.error = Some("cancelled".into());
            job.lease_until_ms = None;
            job.waiting = None;
            save(trees, &job)?;
            CommandResult::Scan(job)
        }
    })
}

pub(super) fn assign(
    trees: &Trees<'_>,
    id: &str,
    (attempt, node): (u32, u64),
    lease_ms: Millis,
    placement: &Placement,
    at_ms: Millis,
) -> TxResult<CommandResult> {
    if placement.node != node || placement.attempt != attempt {
        return Ok(CommandResult::Conflict(
            "the placement does not match the assignment".into(),
        ));
    }
    Ok(match tx_get::<ScanJob>(trees.scans, id)? {
        None => CommandResult::NotFound(format!("scan `{id}`")),
        Some(mut job) => match job.check_assign(attempt, at_ms) {
            Err(why) => CommandResult::Conflict(why),
            Ok(()) => {
                job.assign(placement.clone(), lease_ms);
                save(trees, &job)?;
                CommandResult::Scan(job)
            }
        },
    })
}

pub(super) fn waiting(
    trees: &Trees<'_>,
    id: &str,
    reason: &Option<String>,
) -> TxResult<CommandResult> {
    Ok(match tx_get::<ScanJob>(trees.scans, id)? {
        None => CommandResult::NotFound(format!("scan `{id}`")),
        Some(job) if job.state.is_terminal() => {
            CommandResult::Conflict(format!("scan `{id}` is already {}", job.state))
        }
        Some(mut job) => {
            job.waiting = reason.clone();
            save(trees, &job)?;
            CommandResult::Scan(job)
        }
    })
}

/// One output of a scan attempt: applied once, refused when stale.
pub(super) fn output(
    trees: &Trees<'_>,
    id: &str,
    attempt: u32,
    node: u64,
    seq: u64,
    output: &ScanOutput,
    at_ms: Millis,
) -> TxResult<CommandResult> {
    let Some(mut job) = tx_get::<ScanJob>(trees.scans, id)? else {
        return Ok(CommandResult::NotFound(format!("scan `{id}`")));
    };
    match job.check_output(attempt, node, seq) {
        OutputVerdict::Duplicate => return Ok(CommandResult::Done),
        OutputVerdict::Stale(why) => return Ok(CommandResult::Conflict(why)),
        OutputVerdict::Apply => {}
    }
    match output {
        ScanOutput::State { .. } => {}
        ScanOutput::Table(table) => {
            let prefix = format!("{}.", pursight_actors::domain::id_segment(&job.source));
            if table.source != job.source || !table.id.starts_with(&prefix) || table.scan_id != id {
                return Ok(CommandResult::Conflict(format!(
                    "scan `{id}` of `{}` cannot catalog table `{}` (source `{}`, scan `{}`)",
                    job.source, table.id, table.source, table.scan_id
                )));
            }
            if let CommandResult::NotFound(why) = put_table(trees, table)? {
                return Ok(CommandResult::NotFound(why));
            }
        }
        ScanOutput::TablesDeleted { ids } => {
            let prefix = format!("{}.", pursight_actors::domain::id_segment(&job.source));
            for tid in ids.iter().filter(|t| t.starts_with(&prefix)) {
                if let Some(mut t) =
                    tx_get::<pursight_actors::domain::TableAsset>(trees.tables, tid)?
                    && t.deleted_at_ms.is_none()
                {
                    t.deleted_at_ms = Some(at_ms);
                    tx_put(trees.tables, tid, &t)?;
                }
            }
        }
    }
    // Every applied output counts (and renews the lease: the node is working on it).
    job.apply_state(output, seq, at_ms);
    save(trees, &job)?;
    Ok(CommandResult::Scan(job))
}

/// A scheduled scan due at `due_ms`: started once per due time.
pub(super) fn start_scheduled(
    trees: &Trees<'_>,
    job: &ScanJob,
    due_ms: Millis,
) -> TxResult<CommandResult> {
    let key = schedule_key(&job.source);
    if let Some(last) = tx_get::<Millis>(trees.cluster, &key)?
        && last >= due_ms
    {
        return Ok(CommandResult::Conflict(format!(
            "the scan of `{}` due at {due_ms} was already started",
            job.source
        )));
    }
    let result = create(trees, job)?;
    if matches!(result, CommandResult::Scan(_)) {
        tx_put(trees.cluster, &key, &due_ms)?;
    }
    Ok(result)
}

/// A heartbeat's report: stored, and the leases of the jobs it lists renewed. Jobs of this
/// node that it no longer lists, and that started before the report was taken, lost their
/// scan (the node restarted): their leases end now so the scheduler places them again.
pub(super) fn report(
    cluster: &TransactionalTree,
    trees: &Trees<'_>,
    node: u64,
    report: &NodeReport,
    at_ms: Millis,
    active: &[String],
) -> TxResult<()> {
    let report = report.sanitized();
    tx_put(cluster, &report_key(node), &report)?;
    // Compared with start times the node stamped itself, so its own clock: a job it started
    // after taking the report is never mistaken for a lost one.
    let taken_at = if report.taken_at_ms > 0 {
        report.taken_at_ms
    } else {
        at_ms
    };
    for id in active {
        let Some(mut job) = tx_get::<ScanJob>(trees.scans, id)? else {
            continue;
        };
        if job.node != Some(node) || job.state.is_terminal() {
            continue;
        }
        let listed = report
            .running
            .iter()
            .any(|(j, a)| *j == job.id && *a == job.attempt);
        if listed {
            job.renew(node, job.attempt, at_ms);
            save(trees, &job)?;
        } else if report.complete
            && job.state == ScanState::Running
            && job.started_at_ms.is_some_and(|s| s < taken_at)
            && job.lease_until_ms.is_none_or(|l| l > at_ms)
        {
            job.lease_until_ms = Some(at_ms);
            save(trees, &job)?;
        }
    }
    Ok(())
}
