//! Each node's background duty: become a Raft member in its role (a joined node asks the
//! leader to add it once it runs), keep its registry record current, and report every few
//! seconds that it is alive, which jobs it runs (renewing their leases) and how close it is
//! to each source and peer.

use std::time::Duration;

use crate::registry::{HEARTBEAT_EVERY_MS, NodeRecord, NodeReport};
use crate::state::{Command, CommandResult};
use pursight_actors::domain::now_ms;
use pursight_actors::supervisor::SupervisorMsg;
use pursight_mesh::Role;
use ractor::ActorRef;

use super::rpc::{PeerRequest, PeerResponse, Refusal};
use crate::raft::RaftNode;

/// How long a membership request may take: adding a learner waits until it caught up.
const ADD_MEMBER_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether this node already is in the Raft group in its role.
fn is_member(raft: &RaftNode, role: Role) -> bool {
    let m = raft.raft().metrics().borrow().membership_config.clone();
    let me = raft.id();
    match role {
        Role::Core => m.membership().voter_ids().any(|v| v == me),
        Role::Replica => m.membership().get_node(&me).is_some(),
        Role::Edge => true,
    }
}

/// Asks the cluster to add this node; returns why not when no peer could.
async fn announce(raft: &RaftNode, me: &NodeRecord) -> Result<(), String> {
    let Some(mesh) = raft.mesh() else {
        return Err("no mesh".into());
    };
    let mut candidates: Vec<u64> = raft.leader().into_iter().collect();
    candidates.extend(mesh.peers().iter().map(|p| p.id));
    candidates.retain(|c| *c != me.id);
    let req = PeerRequest::AddMember {
        id: me.id,
        addr: me.mesh_addr.clone(),
        voter: me.role == Role::Core,
    };
    let mut why = String::from("no peer known");
    let mut i = 0;
    while i < candidates.len() && i < 8 {
        let to = candidates[i];
        i += 1;
        match mesh.call(to, &req, ADD_MEMBER_TIMEOUT).await {
            Ok(PeerResponse::Member(Ok(()))) => return Ok(()),
            Ok(PeerResponse::Member(Err(Refusal::NotLeader { leader: Some(l) }))) => {
                if !candidates.contains(&l) || candidates[..i].contains(&l) {
                    candidates.insert(i, l);
                }
                why = format!("node {to} does not lead");
            }
            Ok(other) => why = format!("node {to}: {other:?}"),
            Err(e) => why = format!("node {to}: {e}"),
        }
    }
    Err(why)
}

/// Points the mesh at every registered node, so forwarding and status reach nodes the Raft
/// membership does not list (yet).
fn refresh_peers(raft: &RaftNode) {
    let (Some(mesh), Ok(nodes)) = (raft.mesh(), raft.reader().nodes()) else {
        return;
    };
    for n in nodes {
        if n.id == raft.id() {
            continue;
        }
        if n.removed_at_ms.is_some() {
            mesh.remove_peer(n.id);
        } else if let Ok(addr) = n.mesh_addr.parse() {
            mesh.set_peer(n.id, addr);
        }
    }
}

/// Exports the cluster's health as this node sees it.
fn export_metrics(raft: &RaftNode) {
    let m = raft.raft().metrics().borrow().clone();
    metrics::gauge!("pursight_raft_term").set(m.current_term as f64);
    metrics::gauge!("pursight_raft_is_leader")
        .set(f64::from(u8::from(m.current_leader == Some(m.id))));
    if let Some(applied) = m.last_applied {
        metrics::gauge!("pursight_raft_last_applied").set(applied.index as f64);
    }
    if let Some(mesh) = raft.mesh() {
        for p in mesh.peers() {
            let peer = p.id.to_string();
            metrics::gauge!("pursight_mesh_peer_connected", "peer" => peer.clone())
                .set(f64::from(u8::from(p.connected)));
            if let Some(rtt) = p.rtt.filter(|_| p.connected) {
                metrics::gauge!("pursight_mesh_peer_rtt_seconds", "peer" => peer)
                    .set(rtt.as_secs_f64());
            }
        }
    }
}

/// What a heartbeat reports besides liveness.
#[derive(Clone)]
pub struct Reporter {
    pub supervisor: ActorRef<SupervisorMsg>,
    pub prober: crate::proximity::Prober,
    pub capacity: u32,
}

impl Reporter {
    /// The jobs this node's actors hold, its measurements and the mesh's round trips.
    /// `taken_at_ms` is stamped by the caller before this runs (see the lease rules).
    pub async fn report(
        &self,
        peers: Vec<pursight_mesh::PeerStats>,
        taken_at_ms: u64,
    ) -> NodeReport {
        let running = ractor::call_t!(self.supervisor, SupervisorMsg::Running, 2_000);
        let complete = running.is_ok();
        if let Err(e) = &running {
            tracing::warn!(error = %e, "the actors did not say which jobs they hold");
        }
        NodeReport {
            capacity: self.capacity,
            running: running.unwrap_or_default(),
            taken_at_ms,
            complete,
            sources: self.prober.report(),
            peers: peers
                .into_iter()
                .filter(|p| p.connected)
                .filter_map(|p| Some((p.id, p.rtt?.as_secs_f64() * 1000.0)))
                .collect(),
            outbox: 0,
        }
    }
}

/// Runs until the node is removed or shuts down.
pub async fn run(raft: RaftNode, me: NodeRecord, reporter: Reporter) {
    let mut backoff = Duration::from_millis(200);
    while raft.mesh().is_some() && !is_member(&raft, me.role) {
        match announce(&raft, &me).await {
            Ok(()) => tracing::info!(node = me.id, role = ?me.role, "joined the raft group"),
            Err(why) => {
                tracing::warn!(node = me.id, %why, "not in the raft group yet; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
        // The membership reaches this node by replication; give it a moment.
        let _ = raft
            .raft()
            .wait(Some(Duration::from_secs(2)))
            .metrics(|_| is_member(&raft, me.role), "member")
            .await;
    }
    let mut tick = tokio::time::interval(Duration::from_millis(HEARTBEAT_EVERY_MS));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut registered = false;
    loop {
        tick.tick().await;
        refresh_peers(&raft);
        export_metrics(&raft);
        let cmd = if registered {
            // Stamped before the report is taken: a job that started before the stamp is
            // in the report, so it is never mistaken for one this node lost.
            let at_ms = now_ms();
            let peers = raft.mesh().map(|m| m.peers()).unwrap_or_default();
            let report = reporter.report(peers, at_ms).await;
            Command::NodeHeartbeat {
                id: me.id,
                version: me.version.clone(),
                at_ms,
                report,
            }
        } else {
            Command::RegisterNode(NodeRecord {
                joined_at_ms: now_ms(),
                last_heartbeat_ms: Some(now_ms()),
                ..me.clone()
            })
        };
        match raft.propose(cmd).await {
            Ok(CommandResult::Conflict(why)) => {
                tracing::warn!(node = me.id, %why, "stopping heartbeats");
                return;
            }
            Ok(CommandResult::NotFound(_)) => registered = false,
            Ok(_) => {
                if !registered {
                    // Report right away rather than a period later.
                    tick.reset_immediately();
                }
                registered = true;
            }
            Err(pursight_actors::cluster::ClusterError::ShuttingDown) => return,
            Err(e) => tracing::debug!(error = %e, "heartbeat not committed"),
        }
    }
}
