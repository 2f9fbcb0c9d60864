//! The core side of edge nodes: their syncs (heartbeat + assignments) and the delivery of
//! their outboxes. A core node proposes on the edge node's behalf, with the edge node's id
//! taken from its certificate, never from the request.

use crate::state::{Command, CommandResult};
use pursight_actors::domain::{Residency, ScanOutput, ScanState, now_ms};
use pursight_actors::supervisor::SupervisorMsg;
use pursight_mesh::Role;
use ractor::ActorRef;

use super::wire::{Assignment, Delivery, EdgeSync, EdgeSyncReply, OutboxItem};
use crate::cluster::rpc::Refusal;
use crate::raft::RaftNode;

fn unavailable(e: impl std::fmt::Display) -> Refusal {
    Refusal::Unavailable(e.to_string())
}

/// An edge node's heartbeat; answers with its assignments and the jobs it watches.
pub async fn sync(raft: &RaftNode, from: u64, req: EdgeSync) -> Result<EdgeSyncReply, Refusal> {
    if req.record.id != from {
        return Err(Refusal::Forbidden(format!(
            "node {from} cannot sync as node {}",
            req.record.id
        )));
    }
    let reader = raft.reader();
    let Some(me) = reader.node(from).map_err(unavailable)? else {
        return Err(Refusal::Forbidden(format!("node {from} is not registered")));
    };
    // Stamped by this (core) node's clock: lease expiry and health are judged against
    // the cluster's clocks, not the edge node's. The edge node's own stamp stays in the
    // report, where it is only compared with times it stamped itself.
    let heartbeat = Command::NodeHeartbeat {
        id: from,
        version: req.record.version.clone(),
        at_ms: now_ms(),
        report: req.report,
    };
    match raft.propose(heartbeat).await.map_err(unavailable)? {
        CommandResult::NotFound(why) | CommandResult::Conflict(why) => {
            return Err(Refusal::Forbidden(why));
        }
        _ => {}
    }
    let mut assignments = Vec::new();
    for job in reader.active_scans().map_err(unavailable)? {
        if job.node != Some(from) || job.state != ScanState::Assigned {
            continue;
        }
        let Some(source) = reader.source(&job.source).map_err(unavailable)? else {
            continue;
        };
        let known = pursight_actors::cluster::ScanSink::known_tables(raft, &source.id)
            .map_err(unavailable)?;
        assignments.push(Assignment { job, source, known });
    }
    let mut jobs = Vec::new();
    for id in req.watch.iter().take(1_000) {
        if let Some(j) = reader.scan(id).map_err(unavailable)? {
            jobs.push(j);
        }
    }
    let cores = reader
        .nodes()
        .map_err(unavailable)?
        .into_iter()
        .filter(|n| n.role == Role::Core && n.removed_at_ms.is_none())
        .map(|n| (n.id, n.mesh_addr))
        .collect();
    // Only the sources it may scan: never a `strict` source of another site (their sealed
    // passwords included).
    let sources = reader
        .sources()
        .map_err(unavailable)?
        .into_iter()
        .filter(|s| s.residency != Residency::Strict || s.site == me.site)
        .collect();
    Ok(EdgeSyncReply {
        assignments,
        jobs,
        sources,
        cores,
    })
}

/// Applies an edge node's outputs in order; stops at the first that could not be
/// committed (the edge node sends it again).
pub async fn deliver(
    raft: &RaftNode,
    supervisor: Option<ActorRef<SupervisorMsg>>,
    from: u64,
    items: Vec<OutboxItem>,
) -> Result<Vec<Delivery>, Refusal> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        // A redelivery of what this node already applied is answered without a commit.
        if let Ok(Some(job)) = raft.reader().scan(&item.job)
            && job.check_output(item.attempt, from, item.seq)
                == pursight_actors::jobs::OutputVerdict::Duplicate
        {
            out.push(Delivery::Duplicate);
            continue;
        }
        let ends = matches!(&item.output, ScanOutput::State { state, .. } if state.is_terminal());
        let cmd = Command::ScanOutput {
            id: item.job.clone(),
            attempt: item.attempt,
            node: from,
            seq: item.seq,
            output: item.output,
            at_ms: item.at_ms,
        };
        match raft.propose(cmd).await {
            Ok(CommandResult::Scan(job)) => {
                metrics::counter!("pursight_edge_outputs_total", "result" => "applied")
                    .increment(1);
                out.push(Delivery::Applied);
                if ends {
                    check_policies(raft, supervisor.clone(), &job.id, &job.source);
                }
            }
            Ok(CommandResult::Done) => {
                metrics::counter!("pursight_edge_outputs_total", "result" => "duplicate")
                    .increment(1);
                out.push(Delivery::Duplicate);
            }
            Ok(CommandResult::Conflict(why) | CommandResult::NotFound(why)) => {
                metrics::counter!("pursight_edge_outputs_total", "result" => "refused")
                    .increment(1);
                tracing::info!(node = from, job = %item.job, attempt = item.attempt, %why, "edge output refused");
                out.push(Delivery::Refused(why));
            }
            Ok(other) => out.push(Delivery::Refused(format!("unexpected {other:?}"))),
            Err(e) if out.is_empty() => return Err(unavailable(e)),
            Err(_) => break,
        }
    }
    Ok(out)
}

/// An edge node holds no catalog: the core that applied its scan's end checks the
/// tables it cataloged (in the background: the delivery does not wait for it).
fn check_policies(
    raft: &RaftNode,
    supervisor: Option<ActorRef<SupervisorMsg>>,
    job: &str,
    source: &str,
) {
    let Some(supervisor) = supervisor else { return };
    let tables: Vec<String> = match raft.reader().tables_of(source) {
        Ok(t) => t
            .into_iter()
            .filter(|t| t.scan_id == job && t.deleted_at_ms.is_none())
            .map(|t| t.id)
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "reading an edge scan's tables");
            return;
        }
    };
    let source = source.to_string();
    tokio::spawn(async move {
        let checked = ractor::call_t!(
            supervisor,
            |reply| SupervisorMsg::CheckPolicies {
                source,
                tables,
                reply
            },
            120_000
        );
        if let Err(e) = checked {
            tracing::warn!(error = %e, "policy check of an edge scan did not finish");
        }
    });
}
