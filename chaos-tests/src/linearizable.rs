//! A linearizability checker for the register workload, in the style of Wing & Gong with
//! Lowe's memoization (as Porcupine does it).
//!
//! The model is a versioned register, as the catalog's conditional update gives it: the
//! state is `(version, value)`; a write sets the value and bumps the version; a CAS at
//! version `v` does the same only when the version is `v`, and fails otherwise; a read sees
//! the state. Each register is checked on its own (linearizability is compositional).
//! An operation whose outcome is unknown may take effect at any point after it was invoked,
//! or never; a read whose outcome is unknown constrains nothing and is left out.

use std::collections::{BTreeMap, HashSet};

use crate::history::{Op, OpKind, Outcome};

/// The register's state: version and value (`None`: never written).
type State = (u64, Option<String>);

/// One operation as the search sees it.
#[derive(Clone, Debug)]
enum Step {
    Read(State),
    Write {
        value: String,
        made: Option<u64>,
    },
    Cas {
        expect: u64,
        value: String,
        made: Option<u64>,
    },
    CasFailed {
        expect: u64,
    },
    /// Unknown outcome: takes effect like a write/CAS, or never.
    Maybe(Box<Step>),
}

/// The states `step` may lead to from `s` (none: not possible here).
fn apply(s: &State, step: &Step) -> Vec<State> {
    match step {
        Step::Read(seen) => {
            if seen == s {
                vec![s.clone()]
            } else {
                vec![]
            }
        }
        Step::Write { value, made } => {
            let next = (s.0 + 1, Some(value.clone()));
            if made.is_none_or(|m| m == next.0) {
                vec![next]
            } else {
                vec![]
            }
        }
        Step::Cas {
            expect,
            value,
            made,
        } => {
            let next = (s.0 + 1, Some(value.clone()));
            if s.0 == *expect && made.is_none_or(|m| m == next.0) {
                vec![next]
            } else {
                vec![]
            }
        }
        Step::CasFailed { expect } => {
            if s.0 != *expect {
                vec![s.clone()]
            } else {
                vec![]
            }
        }
        Step::Maybe(inner) => {
            let mut out = apply(s, inner);
            out.push(s.clone());
            out
        }
    }
}

fn step_of(op: &Op) -> Option<Step> {
    let unknown = matches!(op.outcome, Outcome::Unknown { .. });
    let step = match (&op.kind, &op.outcome) {
        (OpKind::Read { .. }, Outcome::Ok { version, value, .. }) => {
            Step::Read((version.unwrap_or(0), value.clone()))
        }
        (OpKind::Read { .. }, _) => return None,
        (OpKind::Write { value, .. }, Outcome::Ok { version, .. }) => Step::Write {
            value: value.clone(),
            made: *version,
        },
        (OpKind::Write { value, .. }, Outcome::Unknown { .. }) => Step::Write {
            value: value.clone(),
            made: None,
        },
        (OpKind::Cas { expect, value, .. }, Outcome::Ok { version, .. }) => Step::Cas {
            expect: *expect,
            value: value.clone(),
            made: *version,
        },
        (OpKind::Cas { expect, value, .. }, Outcome::Unknown { .. }) => Step::Cas {
            expect: *expect,
            value: value.clone(),
            made: None,
        },
        // Refused on its precondition (412): the version was not `expect` at that point.
        // Refused for any other reason (never sent, a bad request): it never happened.
        (OpKind::Cas { expect, .. }, Outcome::Fail { reason }) if reason.starts_with("412") => {
            Step::CasFailed { expect: *expect }
        }
        // A refused write never happened.
        _ => return None,
    };
    Some(if unknown {
        Step::Maybe(Box::new(step))
    } else {
        step
    })
}

/// Why a register's history is not linearizable.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub key: String,
    /// What went wrong, in words.
    pub message: String,
    /// The operations that show it: the one no order can place, and those overlapping or
    /// just before it.
    pub excerpt: Vec<Op>,
}

/// Checks every register in `ops`; returns one violation per register that fails.
pub fn check(ops: &[Op]) -> Vec<Violation> {
    let mut by_key: BTreeMap<&str, Vec<&Op>> = BTreeMap::new();
    for op in ops {
        if let Some(k) = op.key() {
            by_key.entry(k).or_default().push(op);
        }
    }
    by_key
        .into_iter()
        .filter_map(|(k, ops)| check_register(k, &ops).err())
        .collect()
}

/// A call or return event in the search's doubly linked list.
#[derive(Clone, Copy, Debug)]
struct Event {
    op: usize,
    call: bool,
    /// The matching event's index.
    pair: usize,
    prev: usize,
    next: usize,
}

const NIL: usize = usize::MAX;

fn check_register(key: &str, ops: &[&Op]) -> Result<(), Violation> {
    let steps: Vec<(usize, Step)> = ops
        .iter()
        .enumerate()
        .filter_map(|(i, op)| step_of(op).map(|s| (i, s)))
        .collect();
    if steps.is_empty() {
        return Ok(());
    }
    // Events in time order; at equal times calls come first (the operations overlap).
    let mut order: Vec<(u64, bool, usize)> = Vec::with_capacity(steps.len() * 2);
    for (si, (oi, _)) in steps.iter().enumerate() {
        let op = ops[*oi];
        order.push((op.invoke_ms, true, si));
        let ret = match (&op.outcome, op.complete_ms) {
            (Outcome::Unknown { .. }, _) | (_, None) => u64::MAX,
            (_, Some(t)) => t,
        };
        order.push((ret, false, si));
    }
    order.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let n = order.len();
    // Index n is the head sentinel.
    let mut ev: Vec<Event> = Vec::with_capacity(n + 1);
    let mut call_at = vec![0usize; steps.len()];
    let mut ret_at = vec![0usize; steps.len()];
    for (i, (_, call, si)) in order.iter().enumerate() {
        if *call {
            call_at[*si] = i;
        } else {
            ret_at[*si] = i;
        }
        ev.push(Event {
            op: *si,
            call: *call,
            pair: NIL,
            prev: if i == 0 { n } else { i - 1 },
            next: if i + 1 == n { NIL } else { i + 1 },
        });
    }
    for si in 0..steps.len() {
        ev[call_at[si]].pair = ret_at[si];
        ev[ret_at[si]].pair = call_at[si];
    }
    ev.push(Event {
        op: NIL,
        call: false,
        pair: NIL,
        prev: NIL,
        next: 0,
    });
    let head = n;
    let unlink = |ev: &mut Vec<Event>, i: usize| {
        let (p, x) = (ev[i].prev, ev[i].next);
        ev[p].next = x;
        if x != NIL {
            ev[x].prev = p;
        }
    };
    let relink = |ev: &mut Vec<Event>, i: usize| {
        let (p, x) = (ev[i].prev, ev[i].next);
        ev[p].next = i;
        if x != NIL {
            ev[x].prev = i;
        }
    };
    let words = steps.len().div_ceil(64);
    let mut done = vec![0u64; words];
    let mut seen: HashSet<(Vec<u64>, State)> = HashSet::new();
    let mut state: State = (0, None);
    // (call event, state before, which of the step's outcomes was taken)
    let mut stack: Vec<(usize, State, usize)> = Vec::new();
    let mut entry = ev[head].next;
    let mut alt_start = 0usize;
    // The furthest the search got, for the report.
    let mut stuck_at = 0usize;
    let mut best = 0usize;
    let mut budget: u64 = 20_000_000;
    while ev[head].next != NIL {
        budget = budget.saturating_sub(1);
        if budget == 0 {
            return Err(Violation {
                key: key.into(),
                message: "the search gave up (history too concurrent to decide)".into(),
                excerpt: Vec::new(),
            });
        }
        if entry == NIL {
            return Err(violation(key, ops, &steps, stuck_at));
        }
        let e = ev[entry];
        if e.call {
            let outcomes = apply(&state, &steps[e.op].1);
            let mut advanced = false;
            for (alt, next) in outcomes.into_iter().enumerate().skip(alt_start) {
                let mut d = done.clone();
                d[e.op / 64] |= 1 << (e.op % 64);
                if seen.insert((d.clone(), next.clone())) {
                    stack.push((entry, state.clone(), alt));
                    state = next;
                    done = d;
                    unlink(&mut ev, entry);
                    unlink(&mut ev, e.pair);
                    if stack.len() > best {
                        best = stack.len();
                    }
                    entry = ev[head].next;
                    advanced = true;
                    break;
                }
            }
            alt_start = 0;
            if !advanced {
                entry = e.next;
            }
        } else {
            // A return whose operation could not be placed before it: undo the last step.
            // The one met deepest into the search is the one the report shows.
            if stack.len() >= best {
                best = stack.len();
                stuck_at = e.op;
            }
            let Some((call, before, alt)) = stack.pop() else {
                return Err(violation(key, ops, &steps, stuck_at));
            };
            let op = ev[call].op;
            let pair = ev[call].pair;
            relink(&mut ev, pair);
            relink(&mut ev, call);
            done[op / 64] &= !(1 << (op % 64));
            state = before;
            // Try the same operation's next outcome, then the operations after it.
            entry = call;
            alt_start = alt + 1;
        }
    }
    Ok(())
}

fn violation(key: &str, ops: &[&Op], steps: &[(usize, Step)], stuck: usize) -> Violation {
    let op = ops[steps[stuck].0];
    let end = op.complete_ms.unwrap_or(op.invoke_ms);
    // The operations overlapping the stuck one, and the last few completed before it.
    let mut excerpt: Vec<Op> = ops
        .iter()
        .filter(|o| o.invoke_ms <= end && o.complete_ms.is_none_or(|c| c >= op.invoke_ms))
        .map(|o| (*o).clone())
        .collect();
    let mut before: Vec<&&Op> = ops
        .iter()
        .filter(|o| o.complete_ms.is_some_and(|c| c < op.invoke_ms) && o.is_ok())
        .collect();
    before.sort_by_key(|o| o.complete_ms);
    let keep = before.len().saturating_sub(4);
    excerpt.extend(before[keep..].iter().map(|o| (**o).clone()));
    excerpt.sort_by_key(|o| o.invoke_ms);
    excerpt.dedup_by_key(|o| o.id);
    Violation {
        key: key.into(),
        message: format!(
            "no order of the operations on `{key}` explains op {} ({:?} → {:?})",
            op.id, op.kind, op.outcome
        ),
        excerpt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(id: u64, kind: OpKind, t: (u64, u64), outcome: Outcome) -> Op {
        Op {
            id,
            client: id as u32,
            node: 1,
            kind,
            invoke_ms: t.0,
            complete_ms: Some(t.1),
            outcome,
        }
    }

    fn read(id: u64, t: (u64, u64), version: u64, value: Option<&str>) -> Op {
        op(
            id,
            OpKind::Read { key: "k".into() },
            t,
            Outcome::Ok {
                version: Some(version),
                value: value.map(String::from),
                scan: None,
            },
        )
    }

    fn write(id: u64, t: (u64, u64), value: &str, made: u64) -> Op {
        op(
            id,
            OpKind::Write {
                key: "k".into(),
                value: value.into(),
            },
            t,
            Outcome::Ok {
                version: Some(made),
                value: None,
                scan: None,
            },
        )
    }

    #[test]
    fn sequential_and_concurrent_histories_pass() {
        let h = vec![
            read(1, (0, 1), 0, None),
            write(2, (2, 3), "a", 1),
            read(3, (4, 5), 1, Some("a")),
            // Concurrent with the read that sees it or not.
            write(4, (6, 10), "b", 2),
            read(5, (7, 8), 1, Some("a")),
            read(6, (9, 12), 2, Some("b")),
            op(
                7,
                OpKind::Cas {
                    key: "k".into(),
                    expect: 2,
                    value: "c".into(),
                },
                (13, 14),
                Outcome::Ok {
                    version: Some(3),
                    value: None,
                    scan: None,
                },
            ),
            op(
                8,
                OpKind::Cas {
                    key: "k".into(),
                    expect: 2,
                    value: "d".into(),
                },
                (15, 16),
                Outcome::Fail {
                    reason: "412 Precondition Failed".into(),
                },
            ),
            // Never sent: constrains nothing (its version would have matched).
            op(
                10,
                OpKind::Cas {
                    key: "k".into(),
                    expect: 3,
                    value: "e".into(),
                },
                (16, 17),
                Outcome::Fail {
                    reason: "connection refused".into(),
                },
            ),
            read(9, (17, 18), 3, Some("c")),
        ];
        assert_eq!(check(&h), vec![]);
    }

    #[test]
    fn a_lost_write_is_caught() {
        // Acknowledged, then gone: the next read sees the state before it.
        let h = vec![
            write(1, (0, 1), "a", 1),
            write(2, (2, 3), "b", 2),
            read(3, (4, 5), 1, Some("a")),
        ];
        let v = check(&h);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].excerpt.iter().any(|o| o.id == 3), "{v:?}");
    }

    #[test]
    fn a_stale_read_is_caught() {
        // A read after a newer read already saw version 2 returns version 1.
        let h = vec![
            write(1, (0, 1), "a", 1),
            write(2, (2, 10), "b", 2),
            read(3, (3, 4), 2, Some("b")),
            read(4, (5, 6), 1, Some("a")),
        ];
        assert_eq!(check(&h).len(), 1);
    }

    #[test]
    fn unknown_outcomes_may_or_may_not_have_happened() {
        let unknown = |id, t: (u64, u64), value: &str| Op {
            complete_ms: None,
            ..op(
                id,
                OpKind::Write {
                    key: "k".into(),
                    value: value.into(),
                },
                t,
                Outcome::Unknown {
                    reason: "timeout".into(),
                },
            )
        };
        // Took effect later.
        let h = vec![unknown(1, (0, 1), "a"), read(2, (50, 51), 1, Some("a"))];
        assert_eq!(check(&h), vec![]);
        // Never took effect.
        let h = vec![unknown(1, (0, 1), "a"), read(2, (50, 51), 0, None)];
        assert_eq!(check(&h), vec![]);
        // But it cannot be seen before it was invoked.
        let h = vec![read(2, (0, 1), 1, Some("a")), unknown(1, (5, 6), "a")];
        assert_eq!(check(&h).len(), 1);
    }

    #[test]
    fn a_cas_that_succeeded_twice_at_one_version_is_caught() {
        let cas = |id, value: &str, t| {
            op(
                id,
                OpKind::Cas {
                    key: "k".into(),
                    expect: 0,
                    value: value.into(),
                },
                t,
                Outcome::Ok {
                    version: Some(1),
                    value: None,
                    scan: None,
                },
            )
        };
        let h = vec![cas(1, "a", (0, 1)), cas(2, "b", (2, 3))];
        assert_eq!(check(&h).len(), 1);
    }
}
