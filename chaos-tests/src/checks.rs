//! The checkers besides linearizability, over the history and what the nodes say at the
//! end. Each returns the violations it found (empty: passed).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::history::{Op, OpKind, Outcome};

/// One broken invariant, with the operations that show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub message: String,
    pub excerpt: Vec<Op>,
}

/// Every acknowledged source registration is still there at the end (on every node).
pub fn acknowledged_sources(ops: &[Op], present: &BTreeSet<String>, node: u64) -> Vec<Finding> {
    ops.iter()
        .filter(|o| o.is_ok())
        .filter_map(|o| match &o.kind {
            OpKind::AddSource { id } if !present.contains(id) => Some(Finding {
                message: format!("acknowledged source `{id}` is missing on node {node}"),
                excerpt: vec![o.clone()],
            }),
            _ => None,
        })
        .collect()
}

/// Each scan ended once, under one attempt, with every result applied once: never more
/// outputs applied than distinct output numbers, never two ends for one job.
pub fn scans_exactly_once(ops: &[Op]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut ends: BTreeMap<&str, Vec<&Op>> = BTreeMap::new();
    for o in ops {
        let (OpKind::Scan { .. }, Outcome::Ok { scan: Some(s), .. }) = (&o.kind, &o.outcome) else {
            continue;
        };
        if s.outputs_applied > s.applied_seq {
            out.push(Finding {
                message: format!(
                    "scan {} applied {} outputs but only {} distinct ones exist: a result was applied twice",
                    s.job, s.outputs_applied, s.applied_seq
                ),
                excerpt: vec![o.clone()],
            });
        }
        if !["done", "failed", "cancelled"].contains(&s.state.as_str()) {
            out.push(Finding {
                message: format!("scan {} never ended (last seen {})", s.job, s.state),
                excerpt: vec![o.clone()],
            });
        }
        ends.entry(&s.job).or_default().push(o);
    }
    for (job, seen) in ends {
        let attempts: BTreeSet<u64> = seen
            .iter()
            .filter_map(|o| match &o.outcome {
                Outcome::Ok { scan: Some(s), .. } => Some(s.attempt),
                _ => None,
            })
            .collect();
        if seen.len() > 1 && attempts.len() > 1 {
            out.push(Finding {
                message: format!("scan {job} ended under attempts {attempts:?}"),
                excerpt: seen.into_iter().cloned().collect(),
            });
        }
    }
    out
}

/// Times (ms since the start) when no operation succeeded for longer than `gap_ms`, while
/// operations were being tried.
pub fn unavailability(ops: &[Op], gap_ms: u64) -> Vec<(u64, u64)> {
    let mut ok: Vec<u64> = ops
        .iter()
        .filter(|o| o.is_ok() && o.key().is_some())
        .filter_map(|o| o.complete_ms)
        .collect();
    ok.sort_unstable();
    let last_try = ops.iter().map(|o| o.invoke_ms).max().unwrap_or(0);
    let mut windows = Vec::new();
    let mut prev = ops.iter().map(|o| o.invoke_ms).min().unwrap_or(0);
    for t in ok.into_iter().chain(std::iter::once(last_try)) {
        if t > prev + gap_ms {
            windows.push((prev, t));
        }
        prev = prev.max(t);
    }
    windows
}

/// Audit sequence numbers are 1..=n without a gap or a repeat.
pub fn audit_gap_free(seqs: &[u64], node: u64) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, s) in seqs.iter().enumerate() {
        if *s != i as u64 + 1 {
            out.push(Finding {
                message: format!(
                    "node {node}: audit event {} has sequence {s} (gap or repeat)",
                    i + 1
                ),
                excerpt: Vec::new(),
            });
            break;
        }
    }
    out
}

/// Lines of a node's log that show a panic.
pub fn panics(log: &str, node: u64) -> Vec<Finding> {
    log.lines()
        .filter(|l| l.contains("panicked at"))
        .take(3)
        .map(|l| Finding {
            message: format!("node {node} panicked: {}", l.trim()),
            excerpt: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::ScanResult;

    fn scan(id: u64, job: &str, attempt: u64, seq: u64, applied: u64) -> Op {
        Op {
            id,
            client: 9,
            node: 1,
            kind: OpKind::Scan { source: "s".into() },
            invoke_ms: id * 10,
            complete_ms: Some(id * 10 + 5),
            outcome: Outcome::Ok {
                version: None,
                value: None,
                scan: Some(ScanResult {
                    job: job.into(),
                    state: "done".into(),
                    attempt,
                    applied_seq: seq,
                    outputs_applied: applied,
                    node: Some(4),
                }),
            },
        }
    }

    #[test]
    fn a_duplicated_scan_result_is_caught() {
        assert_eq!(scans_exactly_once(&[scan(1, "a", 1, 7, 7)]), vec![]);
        // One output applied twice.
        let v = scans_exactly_once(&[scan(1, "a", 1, 7, 8)]);
        assert_eq!(v.len(), 1);
        assert!(v[0].message.contains("applied twice"), "{v:?}");
        // The same job ended under two attempts.
        let v = scans_exactly_once(&[scan(1, "b", 1, 3, 3), scan(2, "b", 2, 3, 3)]);
        assert_eq!(v.len(), 1, "{v:?}");
    }

    #[test]
    fn a_lost_source_is_caught() {
        let add = Op {
            id: 1,
            client: 1,
            node: 2,
            kind: OpKind::AddSource { id: "s1".into() },
            invoke_ms: 0,
            complete_ms: Some(1),
            outcome: Outcome::Ok {
                version: None,
                value: None,
                scan: None,
            },
        };
        let present: BTreeSet<String> = ["s2".to_string()].into();
        assert_eq!(
            acknowledged_sources(std::slice::from_ref(&add), &present, 3).len(),
            1
        );
        let present: BTreeSet<String> = ["s1".to_string()].into();
        assert_eq!(acknowledged_sources(&[add], &present, 3), vec![]);
    }

    #[test]
    fn gaps_in_the_audit_trail_and_unavailability_windows() {
        assert_eq!(audit_gap_free(&[1, 2, 3], 1), vec![]);
        assert_eq!(audit_gap_free(&[1, 3], 1).len(), 1);
        assert_eq!(audit_gap_free(&[1, 1], 1).len(), 1);
        let read = |id: u64, done: u64| Op {
            id,
            client: 1,
            node: 1,
            kind: OpKind::Read { key: "k".into() },
            invoke_ms: done.saturating_sub(1),
            complete_ms: Some(done),
            outcome: Outcome::Ok {
                version: Some(0),
                value: None,
                scan: None,
            },
        };
        let w = unavailability(
            &[read(1, 100), read(2, 200), read(3, 5_000), read(4, 5_100)],
            1_000,
        );
        assert_eq!(w, vec![(200, 5_000)]);
    }
}
