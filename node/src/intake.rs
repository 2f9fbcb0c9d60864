//! Hands this node's actors the scan jobs the scheduler assigned to it.
//!
//! Watches the local copy of the state (woken by every applied entry) for active jobs
//! assigned here that it has not dispatched yet, one dispatch per (job, attempt).

use std::collections::HashMap;
use std::time::Duration;

use pursight_actors::domain::ScanState;
use pursight_actors::supervisor::SupervisorMsg;
use ractor::ActorRef;

use crate::raft::RaftNode;

/// Runs until the task is aborted.
pub async fn run(raft: RaftNode, supervisor: ActorRef<SupervisorMsg>) {
    let me = raft.id();
    let mut metrics = raft.raft().metrics();
    let mut dispatched: HashMap<String, u32> = HashMap::new();
    loop {
        if let Ok(Err(_)) = tokio::time::timeout(Duration::from_secs(1), metrics.changed()).await {
            // Raft stopped: the node is shutting down.
            return;
        }
        let active = match raft.reader().active_scans() {
            Ok(a) => a,
            Err(e) => {
                tracing::error!(error = %e, "reading scan jobs");
                continue;
            }
        };
        dispatched.retain(|id, _| active.iter().any(|j| j.id == *id));
        for job in active {
            if job.node != Some(me) || job.state != ScanState::Assigned {
                continue;
            }
            if dispatched.get(&job.id) == Some(&job.attempt) {
                continue;
            }
            tracing::info!(job = %job.id, attempt = job.attempt, "scan assigned here");
            dispatched.insert(job.id.clone(), job.attempt);
            if supervisor.cast(SupervisorMsg::StartScan(job)).is_err() {
                return;
            }
        }
    }
}
