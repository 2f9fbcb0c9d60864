//! Fault injection for tests and the chaos harness: per-peer link faults applied to outgoing
//! calls and to incoming requests. Present only when `MeshConfig::fault_injection` is set.

use std::collections::BTreeMap;
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

/// What to do to the link with one peer.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinkFault {
    /// Drop every request.
    pub drop: bool,
    /// Delay each request by this many milliseconds.
    pub delay_ms: u64,
    /// Probability (0.0..=1.0) that a request is dropped.
    pub loss: f64,
}

/// The verdict for one request.
#[derive(Debug, PartialEq)]
pub(crate) enum Verdict {
    Pass,
    Drop,
    Delay(Duration),
}

impl LinkFault {
    pub(crate) fn verdict(&self) -> Verdict {
        if self.drop || (self.loss > 0.0 && rand::random::<f64>() < self.loss) {
            Verdict::Drop
        } else if self.delay_ms > 0 {
            Verdict::Delay(Duration::from_millis(self.delay_ms))
        } else {
            Verdict::Pass
        }
    }
}

/// The link faults in force, by peer node id.
#[derive(Debug, Default)]
pub struct Faults {
    links: RwLock<BTreeMap<u64, LinkFault>>,
}

impl Faults {
    /// Sets the fault on the link with `peer`, replacing any previous one.
    pub fn set(&self, peer: u64, f: LinkFault) {
        tracing::info!(peer, ?f, "link fault set");
        self.write().insert(peer, f);
    }

    /// Removes the fault on the link with `peer`.
    pub fn clear(&self, peer: u64) {
        if self.write().remove(&peer).is_some() {
            tracing::info!(peer, "link fault cleared");
        }
    }

    /// Removes every fault.
    pub fn clear_all(&self) {
        self.write().clear();
        tracing::info!("all link faults cleared");
    }

    /// The faults in force.
    pub fn all(&self) -> BTreeMap<u64, LinkFault> {
        self.links
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn verdict(&self, peer: u64) -> Verdict {
        self.links
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&peer)
            .map_or(Verdict::Pass, LinkFault::verdict)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<u64, LinkFault>> {
        self.links.write().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        let faults = Faults::default();
        assert_eq!(faults.verdict(1), Verdict::Pass);
        faults.set(
            1,
            LinkFault {
                drop: true,
                ..Default::default()
            },
        );
        assert_eq!(faults.verdict(1), Verdict::Drop);
        assert_eq!(faults.verdict(2), Verdict::Pass);
        faults.set(
            2,
            LinkFault {
                delay_ms: 5,
                ..Default::default()
            },
        );
        assert_eq!(faults.verdict(2), Verdict::Delay(Duration::from_millis(5)));
        faults.set(
            3,
            LinkFault {
                loss: 1.0,
                ..Default::default()
            },
        );
        assert_eq!(faults.verdict(3), Verdict::Drop);
        assert_eq!(faults.all().len(), 3);
        faults.clear(1);
        assert_eq!(faults.verdict(1), Verdict::Pass);
        faults.clear_all();
        assert!(faults.all().is_empty());
    }
}
