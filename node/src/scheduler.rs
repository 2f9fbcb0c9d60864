//! The scheduler: on the leader, places every queued scan on the best live node, takes jobs
//! back from nodes whose lease lapsed, and starts scans that sources' schedules made due.
//!
//! Every decision is a command the state machine checks (`AssignScan` only while the job is
//! queued or its lease lapsed, `StartScheduledScan` only once per due time), so a deposed
//! leader that still runs a tick cannot place a job twice or start a scheduled scan twice.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::registry::{NodeHealth, NodeReport};
use crate::state::{Command, CommandResult};
use pursight_actors::domain::{Placement, ScanJob, ScanState, now_ms};
use pursight_actors::jobs::LEASE_MS;
use pursight_actors::placement::{Candidate, Decision, place};
use pursight_actors::schedule::Schedule;
use tokio::sync::Notify;

use crate::raft::RaftNode;

/// How often the leader looks at the jobs without being woken.
const TICK: Duration = Duration::from_millis(500);
/// How often it looks at the sources' schedules: that reads every source, and cron's
/// granularity is a minute.
const SCHEDULES_EVERY: Duration = Duration::from_secs(5);

/// What the scheduler needs besides Raft: this node's own capacity and measurements, for
/// when it is not (yet) in the registry (a standalone node).
#[derive(Clone)]
pub struct SchedulerContext {
    pub raft: RaftNode,
    pub capacity: u32,
    pub site: Option<String>,
    pub prober: crate::proximity::Prober,
    pub wake: Arc<Notify>,
}

/// Runs until the task is aborted.
pub async fn run(ctx: SchedulerContext) {
    let mut schedules: HashMap<String, (String, Option<Schedule>)> = HashMap::new();
    let mut schedules_checked: Option<std::time::Instant> = None;
    loop {
        tokio::select! {
            () = ctx.wake.notified() => {}
            () = tokio::time::sleep(TICK) => {}
        }
        if !ctx.raft.is_leader() {
            continue;
        }
        if let Err(e) = tick(&ctx).await {
            tracing::debug!(error = %e, "scheduler tick");
        }
        if schedules_checked.is_none_or(|t| t.elapsed() >= SCHEDULES_EVERY) {
            schedules_checked = Some(std::time::Instant::now());
            if let Err(e) = start_due_scans(&ctx, &mut schedules).await {
                tracing::debug!(error = %e, "scheduled scans");
            }
        }
    }
}

/// The candidates as the registry and the nodes' reports describe them.
fn candidates(
    ctx: &SchedulerContext,
    active: &[ScanJob],
    now: u64,
) -> Result<Vec<(Candidate, NodeReport)>, String> {
    let reader = ctx.raft.reader();
    let me = ctx.raft.id();
    let mut load: HashMap<u64, u32> = HashMap::new();
    for j in active {
        if let (Some(n), ScanState::Assigned | ScanState::Running) = (j.node, j.state) {
            *load.entry(n).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for n in reader.nodes().map_err(|e| e.to_string())? {
        let health = n.health(now);
        if health == NodeHealth::Removed {
            continue;
        }
        let report = reader
            .node_report(n.id)
            .map_err(|e| e.to_string())?
            .unwrap_or_default();
        out.push((
            Candidate {
                node: n.id,
                site: n.site.clone(),
                // The leader runs this: it is alive whatever its last heartbeat says.
                up: health == NodeHealth::Up || n.id == me,
                capacity: report.capacity.max(1),
                running: load.get(&n.id).copied().unwrap_or(0),
                proximity: None,
            },
            report,
        ));
    }
    if !out.iter().any(|(c, _)| c.node == me) {
        let report = NodeReport {
            capacity: ctx.capacity,
            sources: ctx.prober.report(),
            ..NodeReport::default()
        };
        out.push((
            Candidate {
                node: me,
                site: ctx.site.clone(),
                up: true,
                capacity: ctx.capacity.max(1),
                running: load.get(&me).copied().unwrap_or(0),
                proximity: None,
            },
            report,
        ));
    }
    Ok(out)
}

async fn tick(ctx: &SchedulerContext) -> Result<(), String> {
    let reader = ctx.raft.reader();
    let now = now_ms();
    let active = reader.active_scans().map_err(|e| e.to_string())?;
    let mut nodes = candidates(ctx, &active, now)?;
    for job in &active {
        let movable = match job.state {
            ScanState::Queued => true,
            ScanState::Assigned | ScanState::Running => job.lease_expired(now),
            _ => false,
        };
        if !movable {
            continue;
        }
        let Some(source) = reader.source(&job.source).map_err(|e| e.to_string())? else {
            // The source was removed: nothing can scan it.
            let cmd = Command::CancelScan {
                id: job.id.clone(),
                at_ms: now,
            };
            let _ = ctx.raft.propose(cmd).await;
            continue;
        };
        let cands: Vec<Candidate> = nodes
            .iter()
            .map(|(c, r)| Candidate {
                proximity: r.proximity(&source.id).map(|p| match (p.rtt_ms, &p.error) {
                    (Some(ms), _) => Ok(ms),
                    (None, e) => Err(e.clone().unwrap_or_default()),
                }),
                ..c.clone()
            })
            .collect();
        match place(&source, &cands) {
            Decision::Place {
                node,
                in_site,
                rtt_ms,
                reason,
            } => {
                let site = cands
                    .iter()
                    .find(|c| c.node == node)
                    .and_then(|c| c.site.clone());
                let reason = match (job.state, job.node) {
                    (ScanState::Queued, _) => reason,
                    (_, Some(old)) => {
                        format!(
                            "lease of node {old} lapsed (attempt {}); {reason}",
                            job.attempt
                        )
                    }
                    _ => reason,
                };
                let attempt = job.attempt + 1;
                let cmd = Command::AssignScan {
                    id: job.id.clone(),
                    attempt,
                    node,
                    lease_ms: LEASE_MS,
                    placement: Placement {
                        attempt,
                        node,
                        at_ms: now,
                        site,
                        in_site,
                        rtt_ms,
                        reason: reason.clone(),
                    },
                    at_ms: now,
                };
                match ctx.raft.propose(cmd).await {
                    Ok(CommandResult::Scan(_)) => {
                        tracing::info!(job = %job.id, node, attempt, %reason, "scan placed");
                        metrics::counter!("pursight_scans_placed_total",
                            "in_site" => if in_site { "true" } else { "false" })
                        .increment(1);
                        if let Some((c, _)) = nodes.iter_mut().find(|(c, _)| c.node == node) {
                            c.running += 1;
                        }
                    }
                    Ok(other) => tracing::debug!(job = %job.id, ?other, "placement refused"),
                    Err(e) => return Err(e.to_string()),
                }
            }
            Decision::Wait { reason } => {
                if job.waiting.as_deref() != Some(reason.as_str()) {
                    tracing::info!(job = %job.id, %reason, "scan waits");
                    let cmd = Command::ScanWaiting {
                        id: job.id.clone(),
                        reason: Some(reason),
                    };
                    ctx.raft.propose(cmd).await.map_err(|e| e.to_string())?;
                }
            }
        }
    }
    Ok(())
}

/// Starts the scans sources' schedules made due (one per source at a time).
async fn start_due_scans(
    ctx: &SchedulerContext,
    schedules: &mut HashMap<String, (String, Option<Schedule>)>,
) -> Result<(), String> {
    let reader = ctx.raft.reader();
    let now = now_ms();
    let active = reader.active_scans().map_err(|e| e.to_string())?;
    let sources = reader.sources().map_err(|e| e.to_string())?;
    schedules.retain(|id, _| sources.iter().any(|s| s.id == *id));
    for source in sources {
        let Some(expr) = &source.schedule else {
            continue;
        };
        // Parsed once per expression (validated when the source was added).
        let entry = schedules
            .entry(source.id.clone())
            .or_insert_with(|| (String::new(), None));
        if entry.0 != *expr {
            *entry = (expr.clone(), Schedule::parse(expr).ok());
        }
        let Some(schedule) = &entry.1 else { continue };
        if active.iter().any(|j| j.source == source.id) {
            continue;
        }
        let last = reader
            .schedule_last(&source.id)
            .map_err(|e| e.to_string())?
            .unwrap_or(source.created_at_ms);
        let Some(due) = schedule.due(last, now) else {
            continue;
        };
        let mut job = ScanJob::queued(crate::service::new_scan_id(), source.id.clone(), false, now);
        job.scheduled_at_ms = Some(due);
        match ctx
            .raft
            .propose(Command::StartScheduledScan { job, due_ms: due })
            .await
        {
            Ok(CommandResult::Scan(j)) => {
                tracing::info!(source = %source.id, job = %j.id, due, "scheduled scan started")
            }
            Ok(other) => tracing::debug!(source = %source.id, ?other, "scheduled scan refused"),
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(())
}
