//! Membership changes, on the leader, one at a time.
//!
//! openraft commits a voter change as a joint config followed by the final one. A lock on
//! the leader keeps two changes from interleaving, and a joint config left behind by a
//! leader that died between the two steps is finished before the next change starts.

use std::collections::{BTreeMap, BTreeSet};

use openraft::error::{ClientWriteError, RaftError};
use openraft::{BasicNode, ChangeMembers};
use pursight_actors::domain::{Command, now_ms};

use super::rpc::Refusal;
use crate::raft::RaftNode;

fn refusal(e: RaftError<u64, ClientWriteError<u64, BasicNode>>) -> Refusal {
    match e {
        RaftError::APIError(ClientWriteError::ForwardToLeader(f)) => Refusal::NotLeader {
            leader: f.leader_id,
        },
        other => Refusal::Failed(other.to_string()),
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

/// Adds node `id` at `addr`: a learner that has caught up, then a voter if `voter`.
/// Idempotent: asking again for what is already true succeeds at once.
pub async fn add(raft: &RaftNode, id: u64, addr: &str, voter: bool) -> Result<(), Refusal> {
    if !raft.is_leader() {
        return Err(Refusal::NotLeader {
            leader: raft.leader(),
        });
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
        // Blocking: returns once the learner has caught up, so promoting it next does not
        // stall the quorum on a node that is still far behind.
        raft.raft()
            .add_learner(id, BasicNode::new(addr), true)
            .await
            .map_err(refusal)?;
        tracing::info!(id, addr, "membership: learner added");
    }
    if voter {
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
        return Err(Refusal::Failed(format!("node {id} is not in the cluster")));
    }
    if registered {
        raft.propose(Command::RemoveNode {
            id,
            at_ms: now_ms(),
        })
        .await
        .map_err(|e| Refusal::Failed(e.to_string()))?;
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
