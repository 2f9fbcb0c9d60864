//! Membership changes, on the leader, one at a time.
//!
//! openraft commits a voter change as a joint config followed by the final one. A lock on
//! the leader keeps two changes from interleaving, and a joint config left behind by a
//! leader that died between the two steps is finished before the next change starts.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::state::Command;
use openraft::error::{ClientWriteError, RaftError};
use openraft::{BasicNode, ChangeMembers};
use pursight_actors::domain::now_ms;

use super::rpc::Refusal;
use crate::raft::RaftNode;

fn refusal(e: RaftError<u64, ClientWriteError<u64, BasicNode>>) -> Refusal {
    match e {
        RaftError::APIError(ClientWriteError::ForwardToLeader(f)) => Refusal::NotLeader {
            leader: f.leader_id,
        },
        RaftError::APIError(ClientWriteError::ChangeMembershipError(e)) => {
            Refusal::Failed(e.to_string())
        }
        other => Refusal::Unavailable(other.to_string()),
    }
}

/// Finishes a joint config (a change interrupted by a leader crash) by keeping the voters
/// of its last half.
async fn finish_joint(raft: &RaftNode) -> Result<(), Refusal> {
    let membership = raft.raft().metrics().borrow().membership_config.clone();
    let joint = membership.membership().get_joint_config();
    if joint.len() > 1 {
        let last: BTreeSet<u64> = joint.last().cloned().unwrap_or_default();
        tracing::warn!(
            ?joint,
            "finishing a joint membership left by an earlier leader"
        );
        raft.raft()
            .change_membership(ChangeMembers::ReplaceAllVoters(last), false)
            .await
            .map_err(refusal)?;
    }
    Ok(())
}

/// How long a new learner gets to catch up before it is refused promotion.
const CATCH_UP: Duration = Duration::from_secs(30);
/// Bound on a whole membership change, lock wait included, so a stuck change cannot hold
/// the lock (and every later change) forever.
const CHANGE_TIMEOUT: Duration = Duration::from_secs(90);

/// Waits until the leader has replicated to learner `id` everything it had logged when the
/// wait started. openraft's own blocking add returns at once while the log is shorter than
/// its lag threshold, even for a learner nobody can reach; promoting such a node would
/// stall the quorum.
async fn caught_up(raft: &RaftNode, id: u64) -> Result<(), Refusal> {
    let target = raft.raft().metrics().borrow().last_log_index.unwrap_or(0);
    raft.raft()
        .wait(Some(CATCH_UP))
        .metrics(
            |m| {
                m.replication
                    .as_ref()
                    .and_then(|r| r.get(&id).cloned().flatten())
                    .is_some_and(|matched| matched.index >= target)
            },
            "learner caught up",
        )
        .await
        .map(|_| ())
        .map_err(|_| {
            Refusal::Unavailable(format!(
                "node {id} did not catch up within {CATCH_UP:?}: is its mesh address reachable from the leader?"
            ))
        })
}

/// Adds node `id` at `addr`: a learner that has caught up, then a voter if `voter`.
/// Idempotent: asking again for what is already true succeeds at once.
pub async fn add(raft: &RaftNode, id: u64, addr: &str, voter: bool) -> Result<(), Refusal> {
    if !raft.is_leader() {
        return Err(Refusal::NotLeader {
            leader: raft.leader(),
        });
    }
    tokio::time::timeout(CHANGE_TIMEOUT, add_serialized(raft, id, addr, voter))
        .await
        .unwrap_or_else(|_| {
            Err(Refusal::Unavailable(format!(
                "adding node {id} did not finish within {CHANGE_TIMEOUT:?}"
            )))
        })
}

async fn add_serialized(raft: &RaftNode, id: u64, addr: &str, voter: bool) -> Result<(), Refusal> {
    // Only nodes admitted by a join token (and so registered, with their role) get in.
    let record = raft
        .reader()
        .node(id)
        .map_err(|e| Refusal::Unavailable(e.to_string()))?
        .ok_or_else(|| Refusal::Forbidden(format!("node {id} never joined")))?;
    if record.removed_at_ms.is_some() {
        return Err(Refusal::Forbidden(format!("node {id} was removed")));
    }
    if voter && record.role != pursight_mesh::Role::Core {
        return Err(Refusal::Forbidden(format!(
            "node {id} joined as {:?}, not as a voter",
            record.role
        )));
    }
    let _serial = raft.membership_lock().lock().await;
    finish_joint(raft).await?;
    let membership = raft.raft().metrics().borrow().membership_config.clone();
    let is_voter = membership.membership().voter_ids().any(|v| v == id);
    let is_member = membership.membership().get_node(&id).is_some();
    if is_voter || (is_member && !voter) {
        return Ok(());
    }
    if !is_member {
        raft.raft()
            .add_learner(id, BasicNode::new(addr), false)
            .await
            .map_err(refusal)?;
        tracing::info!(id, addr, "membership: learner added");
    }
    if voter {
        caught_up(raft, id).await?;
        raft.raft()
            .change_membership(ChangeMembers::AddVoterIds(BTreeSet::from([id])), false)
            .await
            .map_err(refusal)?;
        tracing::info!(id, "membership: voter added");
    }
    Ok(())
}

/// Removes node `id` from the Raft group and marks it removed in the registry. Refuses to
/// remove the last voter.
pub async fn remove(raft: &RaftNode, id: u64) -> Result<(), Refusal> {
    if !raft.is_leader() {
        return Err(Refusal::NotLeader {
            leader: raft.leader(),
        });
    }
    tokio::time::timeout(CHANGE_TIMEOUT, remove_serialized(raft, id))
        .await
        .unwrap_or_else(|_| {
            Err(Refusal::Unavailable(format!(
                "removing node {id} did not finish within {CHANGE_TIMEOUT:?}"
            )))
        })
}

async fn remove_serialized(raft: &RaftNode, id: u64) -> Result<(), Refusal> {
    let _serial = raft.membership_lock().lock().await;
    finish_joint(raft).await?;
    let membership = raft.raft().metrics().borrow().membership_config.clone();
    let voters: BTreeSet<u64> = membership.membership().voter_ids().collect();
    let known = membership.membership().get_node(&id).is_some();
    if voters.contains(&id) {
        if voters.len() == 1 {
            return Err(Refusal::Failed(format!(
                "node {id} is the last voter; a cluster cannot remove its last voter"
            )));
        }
        raft.raft()
            .change_membership(ChangeMembers::RemoveVoters(BTreeSet::from([id])), false)
            .await
            .map_err(refusal)?;
    } else if known {
        raft.raft()
            .change_membership(ChangeMembers::RemoveNodes(BTreeSet::from([id])), false)
            .await
            .map_err(refusal)?;
    }
    tracing::info!(id, "membership: node removed");
    let registered = raft
        .reader()
        .node(id)
        .map_err(|e| Refusal::Failed(e.to_string()))?
        .is_some();
    if !known && !registered {
        return Err(Refusal::NotFound(format!(
            "node {id} is not in the cluster"
        )));
    }
    if registered {
        raft.propose(Command::RemoveNode {
            id,
            at_ms: now_ms(),
        })
        .await
        .map_err(|e| Refusal::Unavailable(e.to_string()))?;
    }
    Ok(())
}

/// Current members as (id, mesh address), for a joiner to reach the cluster.
pub fn members(raft: &RaftNode) -> Vec<(u64, String)> {
    let membership = raft.raft().metrics().borrow().membership_config.clone();
    let nodes: BTreeMap<u64, String> = membership
        .membership()
        .nodes()
        .map(|(id, n)| (*id, n.addr.clone()))
        .collect();
    nodes.into_iter().collect()
}
