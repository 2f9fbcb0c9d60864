//! The cluster operations users reach through the API and CLI: the cluster view, join
//! tokens, removing a node, linearizable reads, and (test builds) fault injection.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::registry::NodeHealth;
use crate::state::{Command, CommandResult};
use pursight_actors::domain::now_ms;
use pursight_mesh::Role;
use serde::{Deserialize, Serialize};

use super::rpc::{PeerRequest, PeerResponse, PeerStatus, Refusal};
use super::{membership, token};
use crate::node::Node;
use crate::raft::ClusterStatus;
use crate::service::ServiceError;

/// How long the cluster view waits for each peer's own status.
const STATUS_TIMEOUT: Duration = Duration::from_millis(800);
/// Scans the cluster view lists.
const RECENT_SCANS: usize = 20;

/// Longest join-token lifetime accepted.
const MAX_TOKEN_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// How fresh a read must be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consistency {
    /// This node's copy: fast, may trail the leader by a few entries.
    #[default]
    Local,
    /// Sees every write acknowledged before the read started (Raft read index).
    Linearizable,
}

/// `GET /api/v1/cluster`.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterView {
    pub name: Option<String>,
    pub node_id: u64,
    pub leader: Option<u64>,
    pub term: u64,
    pub ready: bool,
    pub version: &'static str,
    /// This node's Raft view.
    pub raft: ClusterStatus,
    /// Every node: registry record, Raft role, its own status, RTT from this node.
    pub nodes: Vec<NodeView>,
    /// Each site with its nodes (`""`: nodes without a site).
    pub sites: Vec<SiteView>,
    /// The last scans: where each ran (or waits) and why.
    pub recent_scans: Vec<ScanPlacementView>,
}

/// One site in the cluster view.
#[derive(Clone, Debug, Serialize)]
pub struct SiteView {
    pub site: String,
    pub nodes: Vec<u64>,
    pub up: usize,
    /// Sources registered in this site.
    pub sources: Vec<String>,
}

/// Where a recent scan ran and why.
#[derive(Clone, Debug, Serialize)]
pub struct ScanPlacementView {
    pub id: String,
    pub source: String,
    pub state: pursight_actors::domain::ScanState,
    pub node: Option<u64>,
    pub attempt: u32,
    /// Why it is not placed (strict residency with no live node in its site...).
    pub waiting: Option<String>,
    /// Every placement, oldest first.
    pub placements: Vec<pursight_actors::domain::Placement>,
}

/// One node in the cluster view.
#[derive(Clone, Debug, Serialize)]
pub struct NodeView {
    pub id: u64,
    pub role: Option<Role>,
    pub site: Option<String>,
    pub mesh_addr: Option<String>,
    pub admin_addr: Option<String>,
    pub version: Option<String>,
    /// up | down | removed, from heartbeats (standalone: up).
    pub health: String,
    pub last_heartbeat_ms: Option<u64>,
    /// voter | learner | none.
    pub raft_member: &'static str,
    /// The node's own answer (None when it did not answer in time).
    pub status: Option<PeerStatus>,
    /// Smoothed QUIC round-trip time from this node, in milliseconds.
    pub rtt_ms: Option<f64>,
    /// What the node last reported: capacity, running jobs, its round trip to each source
    /// and peer, its outbox (edge nodes).
    pub report: Option<crate::registry::NodeReport>,
}

/// A join token as handed to the admin (shown once).
#[derive(Clone, Debug, Serialize)]
pub struct IssuedToken {
    pub token: String,
    pub id: String,
    pub role: Role,
    pub site: Option<String>,
    pub expires_at_ms: u64,
}

fn refused(r: Refusal) -> ServiceError {
    match r {
        Refusal::NotFound(m) => ServiceError::NotFound(m),
        Refusal::Failed(m) | Refusal::Forbidden(m) => ServiceError::Conflict(m),
        other => ServiceError::Unavailable(other.to_string()),
    }
}

impl Node {
    /// Waits for the read to be linearizable when asked.
    pub async fn read_barrier(&self, c: Consistency) -> Result<(), ServiceError> {
        match c {
            Consistency::Local => Ok(()),
            Consistency::Linearizable => Ok(self.raft.linearizable_barrier().await?),
        }
    }

    /// The cluster as this node sees it, with each peer's own status.
    pub async fn cluster_view(&self) -> Result<ClusterView, ServiceError> {
        let raft = &self.raft;
        let local = raft.status();
        let membership = raft.raft().metrics().borrow().membership_config.clone();
        let member = |id: u64| {
            if membership.membership().voter_ids().any(|v| v == id) {
                "voter"
            } else if membership.membership().get_node(&id).is_some() {
                "learner"
            } else {
                "none"
            }
        };
        let records: BTreeMap<u64, _> = raft
            .reader()
            .nodes()?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let mut ids: Vec<u64> = records.keys().copied().collect();
        ids.extend(local.members.iter().map(|m| m.id));
        ids.sort_unstable();
        ids.dedup();
        let rtts: BTreeMap<u64, Duration> = raft
            .mesh()
            .map(|m| {
                m.peers()
                    .into_iter()
                    .filter(|p| p.connected)
                    .filter_map(|p| Some((p.id, p.rtt?)))
                    .collect()
            })
            .unwrap_or_default();
        let records_ref = &records;
        let statuses = futures::future::join_all(ids.iter().map(|id| async move {
            if *id == raft.id() {
                return Some(raft.peer_status());
            }
            let removed = records_ref
                .get(id)
                .is_some_and(|r| r.removed_at_ms.is_some());
            let mesh = raft.mesh().filter(|_| !removed)?;
            match mesh.call(*id, &PeerRequest::Status, STATUS_TIMEOUT).await {
                Ok(PeerResponse::Status(s)) => Some(s),
                _ => None,
            }
        }))
        .await;
        let now = now_ms();
        let nodes = ids
            .iter()
            .zip(statuses)
            .map(|(id, status)| {
                let r = records.get(id);
                let health = match r {
                    Some(r) => r.health(now),
                    None if raft.mesh().is_none() => NodeHealth::Up,
                    None => NodeHealth::Down,
                };
                NodeView {
                    id: *id,
                    role: r.map(|r| r.role),
                    site: r.and_then(|r| r.site.clone()),
                    mesh_addr: r.map(|r| r.mesh_addr.clone()).or_else(|| {
                        local
                            .members
                            .iter()
                            .find(|m| m.id == *id)
                            .map(|m| m.addr.clone())
                    }),
                    admin_addr: r.map(|r| r.admin_addr.clone()),
                    version: r.map(|r| r.version.clone()),
                    health: health.to_string(),
                    last_heartbeat_ms: r.and_then(|r| r.last_heartbeat_ms),
                    raft_member: member(*id),
                    status,
                    rtt_ms: rtts.get(id).map(|d| d.as_secs_f64() * 1000.0),
                    report: raft.reader().node_report(*id).ok().flatten(),
                }
            })
            .collect::<Vec<NodeView>>();
        let mut sites: BTreeMap<String, SiteView> = BTreeMap::new();
        for n in &nodes {
            let site = n.site.clone().unwrap_or_default();
            let v = sites.entry(site.clone()).or_insert_with(|| SiteView {
                site,
                nodes: Vec::new(),
                up: 0,
                sources: Vec::new(),
            });
            v.nodes.push(n.id);
            v.up += usize::from(n.health == "up");
        }
        for src in raft.reader().sources()? {
            let site = src.site.clone().unwrap_or_default();
            sites
                .entry(site.clone())
                .or_insert_with(|| SiteView {
                    site,
                    nodes: Vec::new(),
                    up: 0,
                    sources: Vec::new(),
                })
                .sources
                .push(src.id);
        }
        let recent_scans = raft
            .reader()
            .scans()?
            .into_iter()
            .take(RECENT_SCANS)
            .map(|j| ScanPlacementView {
                id: j.id,
                source: j.source,
                state: j.state,
                node: j.node,
                attempt: j.attempt,
                waiting: j.waiting,
                placements: j.placements,
            })
            .collect();
        Ok(ClusterView {
            name: self.cluster_name().map(String::from),
            node_id: raft.id(),
            leader: local.leader,
            term: local.term,
            ready: self.readiness().is_ok(),
            version: env!("CARGO_PKG_VERSION"),
            raft: local,
            nodes,
            sites: sites.into_values().collect(),
            recent_scans,
        })
    }

    /// Mints a join token for `role`, valid for `ttl`. Shown once: only its hash is stored.
    pub async fn create_join_token(
        &self,
        role: Role,
        ttl: Duration,
        site: Option<String>,
    ) -> Result<IssuedToken, ServiceError> {
        let Some(fp) = self.ca_fingerprint() else {
            return Err(ServiceError::BadRequest(
                "this node is standalone; create a cluster with `pursight cluster init`".into(),
            ));
        };
        if role == Role::Edge && site.is_none() {
            return Err(ServiceError::BadRequest(
                "an edge node's token needs --site: edge nodes run the scans of their site".into(),
            ));
        }
        if let Some(site) = &site {
            crate::service::validate_site(site)?;
        }
        if ttl.is_zero() || ttl > MAX_TOKEN_TTL {
            return Err(ServiceError::BadRequest(format!(
                "ttl must be between 1s and {}h",
                MAX_TOKEN_TTL.as_secs() / 3600
            )));
        }
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
        let issued_site = site.clone();
        let (token, record) = token::mint(fp, role, site, now_ms(), ttl_ms);
        let expires_at_ms = record.expires_at_ms;
        match self.raft.propose(Command::CreateJoinToken(record)).await? {
            CommandResult::Done => {}
            other => return Err(ServiceError::Internal(format!("unexpected {other:?}"))),
        }
        tracing::info!(token = %token.id, ?role, "join token created");
        Ok(IssuedToken {
            token: token.to_string(),
            id: token.id,
            role,
            site: issued_site,
            expires_at_ms,
        })
    }

    /// Removes node `id` from the cluster (through the leader).
    pub async fn remove_node(&self, id: u64) -> Result<(), ServiceError> {
        let Some(mesh) = self.raft.mesh() else {
            return Err(ServiceError::BadRequest("this node is standalone".into()));
        };
        let mut leader = self.raft.leader();
        for _ in 0..3 {
            let res = match leader {
                Some(l) if l == self.raft.id() => membership::remove(&self.raft, id).await,
                Some(l) => match mesh
                    .call(
                        l,
                        &PeerRequest::RemoveMember { id },
                        Duration::from_secs(30),
                    )
                    .await
                {
                    Ok(PeerResponse::Member(r)) => r,
                    Ok(other) => Err(Refusal::Unavailable(format!("node {l} answered {other:?}"))),
                    Err(e) => Err(Refusal::Unavailable(format!(
                        "cannot reach leader {l}: {e}"
                    ))),
                },
                None => Err(Refusal::NotLeader { leader: None }),
            };
            match res {
                Ok(()) => {
                    mesh.remove_peer(id);
                    // Read-your-writes: the caller's next read on this node sees the removal.
                    if let Err(e) = self.raft.linearizable_barrier().await {
                        tracing::debug!(error = %e, "removal not applied locally yet");
                    }
                    return Ok(());
                }
                Err(Refusal::NotLeader { leader: Some(l) }) => leader = Some(l),
                Err(e) => return Err(refused(e)),
            }
        }
        Err(ServiceError::Unavailable("the leader kept changing".into()))
    }
}
