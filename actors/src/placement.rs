//! Where a scan runs: the live node closest to its source.
//!
//! The order is the design's: a node in the source's site first, then the lowest measured
//! round trip to the source's host, then load (running jobs against capacity). Nodes whose
//! round trips are within [`CLOSE_ENOUGH`] of the best count as equally close, so load
//! spreads among them instead of piling on a node that is 0.1 ms nearer. A `strict` source
//! never leaves its site: with no live node there, the job waits and says why.
//!
//! Pure: the scheduler builds the candidates from the replicated registry and the nodes'
//! reports; the simulation in `benches/placement.rs` drives the same function.

use crate::domain::{Residency, Source};

/// Round trips within this factor of the best (plus [`CLOSE_ENOUGH_MS`]) count as equal.
pub const CLOSE_ENOUGH: f64 = 1.25;
/// Absolute slack for round trips on a LAN, where jitter dwarfs the differences.
pub const CLOSE_ENOUGH_MS: f64 = 0.5;

/// A node the scheduler may place a scan on.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub node: u64,
    pub site: Option<String>,
    /// Heartbeats arrive (the scheduler's own node always is).
    pub up: bool,
    /// Scans it runs at once.
    pub capacity: u32,
    /// Jobs assigned to it that have not ended.
    pub running: u32,
    /// What it measured to this source: `Some(Ok(ms))` a round trip, `Some(Err(why))` a
    /// failed probe, `None` not probed yet.
    pub proximity: Option<Result<f64, String>>,
}

impl Candidate {
    fn rtt(&self) -> Option<f64> {
        match &self.proximity {
            Some(Ok(ms)) => Some(*ms),
            _ => None,
        }
    }

    fn unreachable(&self) -> bool {
        matches!(self.proximity, Some(Err(_)))
    }

    fn load(&self) -> f64 {
        f64::from(self.running) / f64::from(self.capacity.max(1))
    }

    fn in_site(&self, source: &Source) -> bool {
        source.site.is_some() && self.site == source.site
    }
}

/// The scheduler's decision for one job.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    Place {
        node: u64,
        in_site: bool,
        rtt_ms: Option<f64>,
        /// In words, for the job's placement history and `pursight cluster status`.
        reason: String,
    },
    /// No node may take it now.
    Wait { reason: String },
}

/// Picks the node for a scan of `source` among `candidates`.
pub fn place(source: &Source, candidates: &[Candidate]) -> Decision {
    let live: Vec<&Candidate> = candidates.iter().filter(|c| c.up).collect();
    let site_label = source.site.as_deref().unwrap_or("");
    let allowed: Vec<&Candidate> = match source.residency {
        Residency::Strict if source.site.is_some() => {
            live.iter().copied().filter(|c| c.in_site(source)).collect()
        }
        _ => live.clone(),
    };
    if allowed.is_empty() {
        let reason = if source.residency == Residency::Strict && source.site.is_some() {
            let down: Vec<String> = candidates
                .iter()
                .filter(|c| c.in_site(source) && !c.up)
                .map(|c| c.node.to_string())
                .collect();
            if down.is_empty() {
                format!("strict residency: no node in site `{site_label}`; waiting for one")
            } else {
                format!(
                    "strict residency: no live node in site `{site_label}` (node {} down); waiting",
                    down.join(", ")
                )
            }
        } else {
            "no live node".to_string()
        };
        return Decision::Wait { reason };
    }
    // Nodes that failed to reach the source are a last resort: the scan would fail there,
    // but with a clear error, which beats waiting forever when every probe fails.
    let reachable: Vec<&Candidate> = allowed
        .iter()
        .copied()
        .filter(|c| !c.unreachable())
        .collect();
    let none_reach = reachable.is_empty();
    let pool = if none_reach { allowed } else { reachable };
    // The best tier present: in site, else anywhere.
    let in_site: Vec<&Candidate> = pool.iter().copied().filter(|c| c.in_site(source)).collect();
    let tier = if in_site.is_empty() { pool } else { in_site };
    // Measured nodes beat unmeasured ones; among measured ones, all close enough to the
    // best count as equal.
    let best_rtt = tier
        .iter()
        .filter_map(|c| c.rtt())
        .min_by(|a, b| a.total_cmp(b));
    let close: Vec<&Candidate> = match best_rtt {
        Some(best) => tier
            .iter()
            .copied()
            .filter(|c| {
                c.rtt()
                    .is_some_and(|r| r <= best * CLOSE_ENOUGH + CLOSE_ENOUGH_MS)
            })
            .collect(),
        None => tier,
    };
    let Some(chosen) = close.iter().copied().min_by(|a, b| {
        let full = |c: &Candidate| c.running >= c.capacity.max(1);
        full(a)
            .cmp(&full(b))
            .then(a.load().total_cmp(&b.load()))
            .then(
                a.rtt()
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.rtt().unwrap_or(f64::MAX)),
            )
            .then(a.node.cmp(&b.node))
    }) else {
        return Decision::Wait {
            reason: "no live node".into(),
        };
    };
    let in_site = chosen.in_site(source);
    let mut why = Vec::new();
    if in_site {
        why.push(format!("same site as the source ({site_label})"));
    } else if source.site.is_some() {
        why.push(format!(
            "no live node in site `{site_label}`; preferred residency: nearest node"
        ));
    }
    match chosen.rtt() {
        Some(ms) => why.push(format!("rtt {ms:.1} ms to the source")),
        None if none_reach => why.push("no node could reach the source's host".into()),
        None => why.push("rtt not measured".into()),
    }
    if close.len() > 1 {
        why.push(format!(
            "least loaded of {} equally close nodes ({}/{} jobs)",
            close.len(),
            chosen.running,
            chosen.capacity
        ));
    } else {
        why.push(format!("{}/{} jobs", chosen.running, chosen.capacity));
    }
    Decision::Place {
        node: chosen.node,
        in_site,
        rtt_ms: chosen.rtt(),
        reason: why.join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SourceKind;

    fn source(site: Option<&str>, residency: Residency) -> Source {
        Source {
            id: "erp".into(),
            kind: SourceKind::Postgres,
            uri: "postgres://db.plant-a:5432/erp".into(),
            site: site.map(str::to_string),
            residency,
            schedule: None,
            created_at_ms: 0,
            sample: None,
            sealed_password: None,
        }
    }

    fn node(id: u64, site: Option<&str>, rtt: Option<f64>) -> Candidate {
        Candidate {
            node: id,
            site: site.map(str::to_string),
            up: true,
            capacity: 2,
            running: 0,
            proximity: rtt.map(Ok),
        }
    }

    fn placed(d: &Decision) -> u64 {
        match d {
            Decision::Place { node, .. } => *node,
            Decision::Wait { reason } => panic!("waits: {reason}"),
        }
    }

    #[test]
    fn the_site_wins_over_round_trip() {
        let s = source(Some("a"), Residency::Preferred);
        let nodes = [
            node(1, None, Some(0.2)),
            node(2, Some("b"), Some(0.1)),
            node(4, Some("a"), Some(30.0)),
        ];
        let d = place(&s, &nodes);
        assert_eq!(placed(&d), 4);
        assert!(matches!(d, Decision::Place { in_site: true, .. }));
    }

    #[test]
    fn round_trip_decides_without_a_site_and_load_breaks_near_ties() {
        let s = source(None, Residency::Preferred);
        let mut nodes = vec![
            node(1, None, Some(40.0)),
            node(2, None, Some(2.0)),
            node(3, None, None),
        ];
        assert_eq!(placed(&place(&s, &nodes)), 2);
        // Node 5 is 0.3 ms further but idle while node 2 is busy: equally close, less load.
        nodes[1].running = 1;
        nodes.push(node(5, None, Some(2.3)));
        assert_eq!(placed(&place(&s, &nodes)), 5);
        // A full node loses to any node with room among the close ones.
        nodes[1].running = 0;
        nodes[3].running = 2;
        assert_eq!(placed(&place(&s, &nodes)), 2);
    }

    #[test]
    fn preferred_leaves_the_site_only_when_nothing_there_is_up() {
        let s = source(Some("a"), Residency::Preferred);
        let mut nodes = [node(1, None, Some(5.0)), node(4, Some("a"), Some(0.3))];
        nodes[1].up = false;
        let d = place(&s, &nodes);
        assert_eq!(placed(&d), 1);
        let Decision::Place {
            reason, in_site, ..
        } = d
        else {
            unreachable!()
        };
        assert!(!in_site);
        assert!(reason.contains("no live node in site `a`"), "{reason}");
    }

    #[test]
    fn strict_waits_and_says_why() {
        let s = source(Some("a"), Residency::Strict);
        let mut nodes = [node(1, None, Some(0.1)), node(4, Some("a"), Some(0.3))];
        nodes[1].up = false;
        match place(&s, &nodes) {
            Decision::Wait { reason } => {
                assert!(reason.contains("strict residency"), "{reason}");
                assert!(reason.contains("node 4 down"), "{reason}");
            }
            d => panic!("placed: {d:?}"),
        }
        nodes[1].up = true;
        assert_eq!(placed(&place(&s, &nodes)), 4);
    }

    #[test]
    fn nodes_that_cannot_reach_the_source_are_a_last_resort() {
        let s = source(None, Residency::Preferred);
        let mut nodes = [node(1, None, Some(50.0)), node(2, None, None)];
        nodes[1].proximity = Some(Err("connection refused".into()));
        assert_eq!(placed(&place(&s, &nodes)), 1);
        nodes[0].proximity = Some(Err("timed out".into()));
        match place(&s, &nodes) {
            Decision::Place { reason, .. } => {
                assert!(reason.contains("no node could reach"), "{reason}")
            }
            d => panic!("{d:?}"),
        }
        assert_eq!(
            place(&s, &[]),
            Decision::Wait {
                reason: "no live node".into()
            }
        );
    }
}
