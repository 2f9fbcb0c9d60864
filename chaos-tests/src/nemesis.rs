//! Faults and the schedule that injects them. The schedule is derived from the run's seed
//! (which fault, when, for how long, against which role), so a run can be repeated.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

/// A kind of fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    /// `kill -9` of the leader, then a restart.
    KillLeader,
    /// `kill -9` of a follower, then a restart.
    KillFollower,
    /// `kill -9` of any core node, then a restart.
    KillRandom,
    /// SIGSTOP of the leader, longer than an election timeout, then SIGCONT.
    PauseLeader,
    /// SIGSTOP of a random node, then SIGCONT.
    PauseRandom,
    /// The leader cut off from every other node (mesh fault injection).
    IsolateLeader,
    /// A random minority cut off from the majority.
    SplitMinority,
    /// Five nodes or more: two halves that only one node (the bridge) talks to.
    Bridge,
    /// Every link delayed (50–150 ms) and lossy (5 %).
    DelayLoss,
    /// Every core node restarted in turn (SIGTERM, start, wait until ready).
    RollingRestart,
    /// A follower removed from the cluster and replaced by a freshly joined node.
    ReplaceNode,
    /// A follower stopped, its data folder deleted, started again: it must rejoin.
    WipeRejoin,
    /// An edge node cut off from every core node, then reconnected.
    EdgeDisconnect,
}

impl FaultKind {
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::KillLeader => "kill-leader",
            FaultKind::KillFollower => "kill-follower",
            FaultKind::KillRandom => "kill-random",
            FaultKind::PauseLeader => "pause-leader",
            FaultKind::PauseRandom => "pause-random",
            FaultKind::IsolateLeader => "isolate-leader",
            FaultKind::SplitMinority => "split-minority",
            FaultKind::Bridge => "bridge",
            FaultKind::DelayLoss => "delay-loss",
            FaultKind::RollingRestart => "rolling-restart",
            FaultKind::ReplaceNode => "replace-node",
            FaultKind::WipeRejoin => "wipe-rejoin",
            FaultKind::EdgeDisconnect => "edge-disconnect",
        }
    }
}

/// A named set of faults.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: &'static str,
    pub about: &'static str,
    pub faults: &'static [FaultKind],
    /// Needs edge nodes.
    pub edges: bool,
}

use FaultKind::*;

/// Every scenario; `all` runs them in this order.
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "kill",
        about: "kill -9 of the leader, a follower or any node, restarted",
        faults: &[KillLeader, KillFollower, KillRandom],
        edges: false,
    },
    Scenario {
        name: "pause",
        about: "SIGSTOP longer than the election timeout, then SIGCONT",
        faults: &[PauseLeader, PauseRandom],
        edges: false,
    },
    Scenario {
        name: "partition",
        about: "the leader isolated, a minority split off, a bridge (5+ nodes)",
        faults: &[IsolateLeader, SplitMinority, Bridge],
        edges: false,
    },
    Scenario {
        name: "delay",
        about: "delayed and lossy links",
        faults: &[DelayLoss],
        edges: false,
    },
    Scenario {
        name: "rolling-restart",
        about: "every node restarted in turn",
        faults: &[RollingRestart],
        edges: false,
    },
    Scenario {
        name: "membership",
        about: "a follower replaced by a new node, with kills going on",
        faults: &[ReplaceNode, KillFollower, IsolateLeader],
        edges: false,
    },
    Scenario {
        name: "wipe",
        about: "a node restarted with its data folder deleted rejoins",
        faults: &[WipeRejoin, KillLeader],
        edges: false,
    },
    Scenario {
        name: "edge",
        about: "edge nodes cut off from the cores and reconnected during scans",
        faults: &[EdgeDisconnect, KillFollower],
        edges: true,
    },
    Scenario {
        name: "mixed",
        about: "every fault, at random",
        faults: &[
            KillLeader,
            KillRandom,
            PauseRandom,
            IsolateLeader,
            SplitMinority,
            DelayLoss,
            WipeRejoin,
            EdgeDisconnect,
        ],
        edges: false,
    },
];

/// The short suite CI runs.
pub const SMOKE: &[&str] = &["kill", "partition", "pause"];

/// Looks a scenario up by name.
pub fn scenario(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}

/// One planned fault.
#[derive(Clone, Debug, Serialize)]
pub struct Planned {
    pub kind: FaultKind,
    /// When it starts, from the start of the run.
    pub at: Duration,
    /// How long it lasts before it is healed.
    pub hold: Duration,
    /// Picks among the possible targets (reduced modulo their number).
    pub pick: u64,
}

/// The faults of a run: one every 6–10 s from 4 s in, each held 3–7 s (pauses 4–8 s, longer
/// than an election timeout), until `duration`. Edge faults only with edge nodes.
pub fn plan(scenario: &Scenario, seed: u64, duration: Duration, edges: usize) -> Vec<Planned> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_fa17);
    let kinds: Vec<FaultKind> = scenario
        .faults
        .iter()
        .copied()
        .filter(|k| *k != EdgeDisconnect || edges > 0)
        .collect();
    let mut out = Vec::new();
    let mut at = Duration::from_secs(4);
    while !kinds.is_empty() && at + Duration::from_secs(3) < duration {
        let kind = kinds[rng.random_range(0..kinds.len())];
        let hold = match kind {
            PauseLeader | PauseRandom => Duration::from_millis(rng.random_range(4_000..8_000)),
            _ => Duration::from_millis(rng.random_range(3_000..7_000)),
        };
        out.push(Planned {
            kind,
            at,
            hold,
            pick: rng.random(),
        });
        at += hold + Duration::from_millis(rng.random_range(3_000..6_000));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_repeat_from_their_seed_and_fit_the_run() {
        let s = scenario("mixed").expect("mixed");
        let a = plan(s, 7, Duration::from_secs(60), 0);
        let b = plan(s, 7, Duration::from_secs(60), 0);
        let c = plan(s, 8, Duration::from_secs(60), 0);
        let names = |p: &[Planned]| p.iter().map(|f| (f.kind, f.at, f.hold)).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b));
        assert_ne!(names(&a), names(&c));
        assert!(a.len() >= 4, "{a:?}");
        assert!(a.iter().all(|f| f.at < Duration::from_secs(60)));
        assert!(
            a.iter().all(|f| f.kind != EdgeDisconnect),
            "no edge nodes, no edge faults"
        );
        for name in SMOKE {
            assert!(scenario(name).is_some());
        }
    }
}
