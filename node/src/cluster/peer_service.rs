//! What a node answers on the mesh: Raft RPCs, forwarded writes, read index, membership
//! changes, status, and joins.

use std::sync::Arc;
use std::time::Duration;

use pursight_mesh::CertifiedKey;
use tokio::sync::watch;

use super::join;
use super::membership;
use super::rpc::{JoinRequest, JoinResponse, PeerRequest, PeerResponse, Refusal};
use crate::raft::RaftNode;

/// How long a request that arrives while the node is still starting waits for Raft.
const STARTING_GRACE: Duration = Duration::from_secs(5);

/// The mesh service. Created before Raft (Raft's network needs the mesh), and handed the
/// Raft node once it runs.
pub struct PeerService {
    raft: watch::Sender<Option<RaftNode>>,
    cluster_name: String,
    /// The cluster CA, with its key on core nodes (they sign joins).
    ca: Option<CertifiedKey>,
    admin_token: String,
    secrets_key: String,
    /// Set while this node (new data folder) has not heard a leader: it casts no vote.
    votes_held: std::sync::atomic::AtomicBool,
    /// The node's actors, for the policy check of an edge node's scan.
    supervisor: std::sync::OnceLock<ractor::ActorRef<pursight_actors::supervisor::SupervisorMsg>>,
}

impl PeerService {
    /// Casts no vote until a leader is heard (see `Node::start`).
    pub fn hold_votes_until_a_leader_is_heard(&self) {
        self.votes_held
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Hands over the node's actors once they run.
    pub fn set_supervisor(
        &self,
        supervisor: ractor::ActorRef<pursight_actors::supervisor::SupervisorMsg>,
    ) {
        let _ = self.supervisor.set(supervisor);
    }

    pub fn new(
        cluster_name: String,
        ca: Option<CertifiedKey>,
        admin_token: String,
        secrets_key: String,
    ) -> Arc<Self> {
        Arc::new(Self {
            raft: watch::Sender::new(None),
            cluster_name,
            ca,
            admin_token,
            secrets_key,
            supervisor: std::sync::OnceLock::new(),
            votes_held: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Starts serving: from now on requests reach `raft`.
    pub fn serve(&self, raft: RaftNode) {
        self.raft.send_replace(Some(raft));
    }

    /// Stops serving, and drops the Raft node (which holds the mesh that holds this
    /// service: without this the cycle would keep the storage open after shutdown).
    pub fn stop(&self) {
        self.raft.send_replace(None);
    }

    /// The Raft node, waiting briefly if the node is still starting.
    async fn raft(&self) -> Option<RaftNode> {
        let mut rx = self.raft.subscribe();
        let ready = tokio::time::timeout(STARTING_GRACE, rx.wait_for(|r| r.is_some())).await;
        match ready {
            Ok(Ok(r)) => r.clone(),
            _ => None,
        }
    }
}

impl pursight_mesh::Service for PeerService {
    type Request = PeerRequest;
    type Response = PeerResponse;
    type JoinRequest = JoinRequest;
    type JoinResponse = JoinResponse;

    async fn handle(&self, from: u64, req: PeerRequest) -> PeerResponse {
        let Some(raft) = self.raft().await else {
            return PeerResponse::NotReady;
        };
        // A removed node keeps its certificate (there is no revocation yet): it gets nothing.
        let record = raft.reader().node(from).ok().flatten();
        if let Some(record) = &record
            && record.removed_at_ms.is_some()
        {
            tracing::warn!(from, "refused a request from a removed node");
            return PeerResponse::Refused(format!("node {from} was removed from the cluster"));
        }
        // An edge node is not in the Raft group: it syncs, delivers results and reports
        // status, nothing else (no votes, no writes of its choosing).
        let edge = record
            .as_ref()
            .is_some_and(|r| r.role == pursight_mesh::Role::Edge);
        let edge_request = matches!(
            req,
            PeerRequest::EdgeSync(_) | PeerRequest::EdgeDeliver(_) | PeerRequest::Status
        );
        if edge != edge_request && !matches!(req, PeerRequest::Status) {
            return PeerResponse::Refused(if edge {
                format!("node {from} is an edge node: it may only sync and deliver results")
            } else {
                format!("node {from} is not an edge node")
            });
        }
        let handle = raft.raft();
        match req {
            PeerRequest::AppendEntries(r) => {
                let resp = handle.append_entries(r).await;
                if resp.is_ok() {
                    // A leader was heard (and this node's vote now records its term).
                    self.votes_held
                        .store(false, std::sync::atomic::Ordering::SeqCst);
                }
                PeerResponse::AppendEntries(resp)
            }
            PeerRequest::Vote(r) => {
                use std::sync::atomic::Ordering;
                if self.votes_held.load(Ordering::SeqCst) {
                    if handle.metrics().borrow().current_leader.is_some() {
                        self.votes_held.store(false, Ordering::SeqCst);
                    } else {
                        tracing::info!(from, "no vote before a leader is heard (new data folder)");
                        return PeerResponse::NotReady;
                    }
                }
                PeerResponse::Vote(handle.vote(r).await)
            }
            PeerRequest::InstallSnapshot(r) => {
                let resp = handle.install_snapshot(r).await;
                if resp.is_ok() {
                    self.votes_held
                        .store(false, std::sync::atomic::Ordering::SeqCst);
                }
                PeerResponse::InstallSnapshot(resp)
            }
            PeerRequest::Propose(cmd) => PeerResponse::Propose(raft.propose_as_leader(cmd).await),
            PeerRequest::ReadIndex => PeerResponse::ReadIndex(raft.read_index_as_leader().await),
            PeerRequest::AddMember { id, addr, voter } => {
                tracing::info!(from, id, %addr, voter, "membership: add requested");
                if id != from {
                    return PeerResponse::Member(Err(Refusal::Forbidden(format!(
                        "node {from} cannot ask to add node {id}; a node asks for itself"
                    ))));
                }
                // The role its join token granted decides: only a core node votes, and an
                // edge node is never a member.
                let allowed = match record.as_ref().map(|r| r.role) {
                    Some(pursight_mesh::Role::Core) => true,
                    Some(pursight_mesh::Role::Replica) => !voter,
                    _ => false,
                };
                if !allowed {
                    return PeerResponse::Member(Err(Refusal::Forbidden(format!(
                        "node {from} may not join the raft group as {}",
                        if voter { "a voter" } else { "a learner" }
                    ))));
                }
                PeerResponse::Member(membership::add(&raft, id, &addr, voter).await)
            }
            PeerRequest::RemoveMember { id } => {
                tracing::info!(from, id, "membership: remove requested");
                PeerResponse::Member(membership::remove(&raft, id).await)
            }
            PeerRequest::Status => PeerResponse::Status(raft.peer_status()),
            PeerRequest::EdgeSync(req) => PeerResponse::EdgeSync(
                crate::edge::serve::sync(&raft, from, *req)
                    .await
                    .map(Box::new),
            ),
            PeerRequest::EdgeDeliver(items) => {
                let supervisor = self.supervisor.get().cloned();
                PeerResponse::EdgeDeliver(
                    crate::edge::serve::deliver(&raft, supervisor, from, items).await,
                )
            }
        }
    }

    async fn join(
        &self,
        remote: std::net::SocketAddr,
        req: JoinRequest,
    ) -> Result<JoinResponse, String> {
        let Some(raft) = self.raft().await else {
            return Err(Refusal::NotReady.to_string());
        };
        let result = join::serve(
            &raft,
            self.ca.as_ref(),
            &self.cluster_name,
            &self.admin_token,
            &self.secrets_key,
            req,
        )
        .await;
        match &result {
            Ok(r) => tracing::info!(%remote, node = r.node_id, role = ?r.role, "join accepted"),
            Err(e) => tracing::warn!(%remote, reason = %e, "refused join"),
        }
        result
    }
}
