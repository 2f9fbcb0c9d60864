//! The node registry and join tokens: who is in the cluster, where, and how alive.
//!
//! Both live in the replicated state, so every node (and later the scheduler) sees the same
//! registry. Liveness comes from heartbeats each node proposes; health is judged at read
//! time against the reader's clock, never stored.

use pursight_mesh::Role;
use serde::{Deserialize, Serialize};

use pursight_actors::domain::Millis;

/// How often a node reports that it is alive.
pub const HEARTBEAT_EVERY_MS: Millis = 5_000;
/// A node silent for longer than this is reported `down`.
pub const DOWN_AFTER_MS: Millis = 3 * HEARTBEAT_EVERY_MS;

/// One node of the cluster as the registry knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRecord {
    pub id: u64,
    pub role: Role,
    /// Site label (plant, branch, region) used for placement.
    pub site: Option<String>,
    /// Where peers reach its QUIC endpoint.
    pub mesh_addr: String,
    /// Where its admin HTTP endpoint listens.
    pub admin_addr: String,
    /// The `pursight` version it runs.
    pub version: String,
    pub joined_at_ms: Millis,
    pub last_heartbeat_ms: Option<Millis>,
    /// Set when the node was removed from the cluster; the record stays for the audit.
    pub removed_at_ms: Option<Millis>,
}

/// What a node measured and runs, sent with each heartbeat; the scheduler places scans by
/// it. Stored beside the node's record (`report/<id>`), replaced by every heartbeat.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeReport {
    /// Scans it runs at once (its scan workers).
    pub capacity: u32,
    /// The jobs (id, attempt) it runs or still has results of to deliver: their leases
    /// are renewed.
    pub running: Vec<(String, u32)>,
    /// Its proximity to each source it probed.
    pub sources: Vec<SourceProximity>,
    /// Smoothed round trip to each peer it is connected to (QUIC's estimate), in ms.
    pub peers: Vec<(u64, f64)>,
    /// Scan outputs waiting in its outbox (edge nodes), to watch a WAN outage drain.
    pub outbox: u64,
    /// When the node took the report, by its own clock (compared only with times it
    /// stamped itself).
    pub taken_at_ms: Millis,
    /// `running` is the whole list (the actors answered): only then may jobs missing from
    /// it be taken as lost.
    pub complete: bool,
}

/// Bounds on what a report may carry (it is replicated with every heartbeat).
const MAX_REPORTED: usize = 4_096;

impl NodeReport {
    /// The report with its numbers made safe to place by: capacity 1 to 64, round trips
    /// finite and not negative, lists bounded. A node cannot attract work by lying beyond
    /// that.
    pub fn sanitized(&self) -> NodeReport {
        let ok = |ms: f64| ms.is_finite() && ms >= 0.0;
        let mut r = self.clone();
        r.capacity = r.capacity.clamp(1, 64);
        r.running.truncate(MAX_REPORTED);
        r.sources.truncate(MAX_REPORTED);
        r.peers.truncate(MAX_REPORTED);
        r.peers.retain(|(_, ms)| ok(*ms));
        for p in &mut r.sources {
            if p.rtt_ms.is_some_and(|ms| !ok(ms)) {
                p.rtt_ms = None;
                p.error = Some("invalid measurement".into());
            }
            p.source.truncate(128);
            if let Some(e) = &mut p.error {
                e.truncate(256);
            }
        }
        r
    }

    /// The node's measured proximity to `source`, if it probed it.
    pub fn proximity(&self, source: &str) -> Option<&SourceProximity> {
        self.sources.iter().find(|p| p.source == source)
    }
}

/// How close a node is to one source: the smoothed time of a TCP connect to the source's
/// host, or for files whether the path exists on the node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceProximity {
    pub source: String,
    /// Smoothed round trip in ms; `None` when no probe succeeded.
    pub rtt_ms: Option<f64>,
    /// Why the last probe failed (unreachable, refused, path missing).
    pub error: Option<String>,
    pub probed_at_ms: Millis,
}

/// A node's health as judged from its last heartbeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeHealth {
    Up,
    Down,
    Removed,
}

impl std::fmt::Display for NodeHealth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NodeHealth::Up => "up",
            NodeHealth::Down => "down",
            NodeHealth::Removed => "removed",
        })
    }
}

impl NodeRecord {
    /// The record a node announces about itself as it starts (this build's version).
    pub fn starting(
        id: u64,
        role: Role,
        site: Option<String>,
        mesh_addr: String,
        admin_addr: String,
    ) -> NodeRecord {
        NodeRecord {
            id,
            role,
            site,
            mesh_addr,
            admin_addr,
            version: env!("CARGO_PKG_VERSION").to_string(),
            joined_at_ms: pursight_actors::domain::now_ms(),
            last_heartbeat_ms: None,
            removed_at_ms: None,
        }
    }

    /// This registration on top of the stored record: a re-registration (a restart with
    /// new addresses) keeps the join time and the latest heartbeat. Removal is final: a
    /// removed node joins again with a new token and id.
    pub fn registered_over(mut self, old: Option<&NodeRecord>) -> Result<Self, NodeRemoved> {
        if let Some(old) = old {
            if old.removed_at_ms.is_some() {
                return Err(NodeRemoved(old.id));
            }
            self.joined_at_ms = old.joined_at_ms;
            self.last_heartbeat_ms = self.last_heartbeat_ms.max(old.last_heartbeat_ms);
        }
        Ok(self)
    }

    /// Records a heartbeat. Heartbeats can arrive out of order after a forward retry, so
    /// the last one seen never goes back.
    pub fn heartbeat(&mut self, version: &str, at_ms: Millis) -> Result<(), NodeRemoved> {
        if self.removed_at_ms.is_some() {
            return Err(NodeRemoved(self.id));
        }
        self.last_heartbeat_ms = self.last_heartbeat_ms.max(Some(at_ms));
        self.version = version.to_string();
        Ok(())
    }

    /// Health at `now_ms`.
    pub fn health(&self, now_ms: Millis) -> NodeHealth {
        if self.removed_at_ms.is_some() {
            return NodeHealth::Removed;
        }
        match self.last_heartbeat_ms {
            Some(at) if now_ms.saturating_sub(at) <= DOWN_AFTER_MS => NodeHealth::Up,
            _ => NodeHealth::Down,
        }
    }
}

/// A removed node tried to register or report.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("node {0} was removed")]
pub struct NodeRemoved(pub u64);

/// A join token as stored: only the hash of its secret, so reading the state (or a
/// snapshot) does not let anyone join.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinToken {
    pub id: String,
    /// Lowercase hex SHA-256 of the secret.
    pub secret_sha256: String,
    /// The role the joining node gets.
    pub role: Role,
    pub site: Option<String>,
    pub created_at_ms: Millis,
    pub expires_at_ms: Millis,
    /// The node that spent it (single use).
    pub used_by: Option<u64>,
}

/// Why a join token was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum TokenRefusal {
    #[error("unknown join token")]
    Unknown,
    #[error("join token already used (by node {0})")]
    Used(u64),
    #[error("join token expired")]
    Expired,
}

impl JoinToken {
    /// Whether the token can be spent with `secret_sha256` at `at_ms`.
    pub fn check(&self, secret_sha256: &str, at_ms: Millis) -> Result<(), TokenRefusal> {
        // Compared in constant time: the hash is not secret, but there is no reason to leak
        // how much of it matched.
        let same = self.secret_sha256.len() == secret_sha256.len()
            && self
                .secret_sha256
                .bytes()
                .zip(secret_sha256.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same {
            return Err(TokenRefusal::Unknown);
        }
        if let Some(n) = self.used_by {
            return Err(TokenRefusal::Used(n));
        }
        if at_ms >= self.expires_at_ms {
            return Err(TokenRefusal::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> JoinToken {
        JoinToken {
            id: "t1".into(),
            secret_sha256: "ab".repeat(32),
            role: Role::Core,
            site: None,
            created_at_ms: 0,
            expires_at_ms: 1_000,
            used_by: None,
        }
    }

    #[test]
    fn tokens_are_single_use_expiring_and_need_the_secret() {
        let t = token();
        assert_eq!(t.check(&"ab".repeat(32), 999), Ok(()));
        assert_eq!(t.check(&"ab".repeat(32), 1_000), Err(TokenRefusal::Expired));
        assert_eq!(t.check(&"cd".repeat(32), 10), Err(TokenRefusal::Unknown));
        let used = JoinToken {
            used_by: Some(4),
            ..token()
        };
        assert_eq!(used.check(&"ab".repeat(32), 10), Err(TokenRefusal::Used(4)));
    }

    #[test]
    fn registration_keeps_join_time_and_removal_is_final() {
        let old = NodeRecord {
            joined_at_ms: 5,
            last_heartbeat_ms: Some(50),
            ..NodeRecord::starting(3, Role::Core, None, "m".into(), "a".into())
        };
        let again = NodeRecord {
            joined_at_ms: 99,
            ..NodeRecord::starting(3, Role::Core, None, "m2".into(), "a2".into())
        };
        let merged = again.clone().registered_over(Some(&old)).expect("merge");
        assert_eq!(
            (merged.joined_at_ms, merged.last_heartbeat_ms),
            (5, Some(50))
        );
        assert_eq!(merged.mesh_addr, "m2");
        let removed = NodeRecord {
            removed_at_ms: Some(60),
            ..old
        };
        assert_eq!(again.registered_over(Some(&removed)), Err(NodeRemoved(3)));
        let mut r = removed.clone();
        assert_eq!(r.heartbeat("v", 70), Err(NodeRemoved(3)));
    }

    #[test]
    fn heartbeats_never_go_back() {
        let mut r = NodeRecord::starting(2, Role::Core, None, "m".into(), "a".into());
        r.heartbeat("v1", 100).expect("beat");
        r.heartbeat("v2", 90).expect("beat");
        assert_eq!((r.last_heartbeat_ms, r.version.as_str()), (Some(100), "v2"));
    }

    #[test]
    fn health_follows_heartbeats() {
        let mut n = NodeRecord {
            id: 2,
            role: Role::Core,
            site: None,
            mesh_addr: "127.0.0.1:1".into(),
            admin_addr: "127.0.0.1:2".into(),
            version: "0.1.0".into(),
            joined_at_ms: 0,
            last_heartbeat_ms: None,
            removed_at_ms: None,
        };
        assert_eq!(n.health(10), NodeHealth::Down);
        n.last_heartbeat_ms = Some(10);
        assert_eq!(n.health(10 + DOWN_AFTER_MS), NodeHealth::Up);
        assert_eq!(n.health(11 + DOWN_AFTER_MS), NodeHealth::Down);
        n.removed_at_ms = Some(20);
        assert_eq!(n.health(20), NodeHealth::Removed);
    }
}
