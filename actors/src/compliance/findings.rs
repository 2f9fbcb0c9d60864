//! Findings: violations of policy rules as replicated state with a lifecycle. A finding
//! opens when a check first sees the violation, can be acknowledged or accepted as a risk
//! (with a reason and an expiry), resolves by itself when a later check no longer sees it,
//! and reopens if it comes back. Every transition is an audit event.

use serde::{Deserialize, Serialize};

use super::{Severity, Violation};
use crate::domain::{Millis, id_segment};

/// Where a finding stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingState {
    Open,
    Acknowledged,
    /// Accepted as a risk until `accepted_until_ms`; open again after that.
    AcceptedRisk,
    Resolved,
}

impl std::fmt::Display for FindingState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FindingState::Open => "open",
            FindingState::Acknowledged => "acknowledged",
            FindingState::AcceptedRisk => "accepted_risk",
            FindingState::Resolved => "resolved",
        })
    }
}

/// One rule broken by one asset (or one of its columns).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// `{asset}/{rule}/{column or -}`: stable across checks (asset ids never hold `/`).
    pub id: String,
    pub asset_id: String,
    pub source: String,
    pub rule_id: String,
    pub framework: String,
    pub control: String,
    pub severity: Severity,
    pub title: String,
    pub remediation: String,
    pub column: Option<String>,
    /// What the last check saw (names and types, never values).
    pub message: String,
    pub state: FindingState,
    /// Who acknowledged or accepted it, and why.
    pub by: Option<String>,
    pub reason: Option<String>,
    pub accepted_until_ms: Option<Millis>,
    pub first_seen_ms: Millis,
    pub last_seen_ms: Millis,
    pub resolved_at_ms: Option<Millis>,
}

/// The id a violation's finding has.
pub fn finding_id(asset_id: &str, rule_id: &str, column: Option<&str>) -> String {
    let column = column.map_or_else(|| "-".to_string(), id_segment);
    format!("{asset_id}/{}/{column}", id_segment(rule_id))
}

/// What a steward or officer does to a finding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingAction {
    Acknowledge,
    /// Accept the risk until a time, for a reason.
    AcceptRisk {
        until_ms: Millis,
        reason: String,
    },
    /// Back to open (undo an acknowledgement or an acceptance).
    Reopen,
}

/// The outcome of syncing one asset's violations with its stored findings.
#[derive(Debug, Default, PartialEq)]
pub struct Sync {
    /// Findings to store (new or changed).
    pub write: Vec<Finding>,
    /// Transitions to audit: (finding id, action, detail).
    pub events: Vec<(String, &'static str, String)>,
}

/// Merges the violations a check found on one asset with the asset's stored findings:
/// new violations open findings, seen ones stay in their state (a resolved one reopens,
/// an expired acceptance opens again), and stored findings the check no longer sees
/// resolve. Deterministic: the state machine runs it on every replica.
pub fn sync(
    asset_id: &str,
    source: &str,
    violations: &[Violation],
    skipped_rules: &[String],
    existing: &[Finding],
    at_ms: Millis,
) -> Sync {
    let mut out = Sync::default();
    let mut seen = std::collections::BTreeSet::new();
    for v in violations {
        let id = finding_id(asset_id, &v.rule_id, v.column.as_deref());
        if !seen.insert(id.clone()) {
            continue;
        }
        let mut f = match existing.iter().find(|f| f.id == id) {
            Some(old) => old.clone(),
            None => {
                out.events
                    .push((id.clone(), "finding.open", v.message.clone()));
                Finding {
                    id: id.clone(),
                    asset_id: asset_id.to_string(),
                    source: source.to_string(),
                    rule_id: v.rule_id.clone(),
                    framework: v.framework.clone(),
                    control: v.control.clone(),
                    severity: v.severity,
                    title: v.title.clone(),
                    remediation: v.remediation.clone(),
                    column: v.column.clone(),
                    message: v.message.clone(),
                    state: FindingState::Open,
                    by: None,
                    reason: None,
                    accepted_until_ms: None,
                    first_seen_ms: at_ms,
                    last_seen_ms: at_ms,
                    resolved_at_ms: None,
                }
            }
        };
        let before = f.clone();
        if f.state == FindingState::Resolved {
            f.state = FindingState::Open;
            f.resolved_at_ms = None;
            out.events
                .push((id.clone(), "finding.reopen", "seen again".into()));
        }
        if f.state == FindingState::AcceptedRisk && f.accepted_until_ms.is_some_and(|u| u <= at_ms)
        {
            f.state = FindingState::Open;
            out.events.push((
                id.clone(),
                "finding.risk_expired",
                "accepted risk expired".into(),
            ));
        }
        f.last_seen_ms = at_ms;
        f.message = v.message.clone();
        f.severity = v.severity;
        f.title = v.title.clone();
        f.control = v.control.clone();
        f.remediation = v.remediation.clone();
        if f != before || existing.iter().all(|e| e.id != id) {
            out.write.push(f);
        }
    }
    for old in existing {
        // A rule that could not run says nothing about whether its condition cleared.
        if skipped_rules.contains(&old.rule_id) {
            continue;
        }
        if !seen.contains(&old.id) && old.state != FindingState::Resolved {
            let mut f = old.clone();
            f.state = FindingState::Resolved;
            f.resolved_at_ms = Some(at_ms);
            out.events.push((
                f.id.clone(),
                "finding.resolved",
                "the condition cleared".into(),
            ));
            out.write.push(f);
        }
    }
    out
}

/// Applies a person's action to a finding; `Err` says why it cannot apply.
pub fn act(
    f: &mut Finding,
    action: &FindingAction,
    by: &str,
    at_ms: Millis,
) -> Result<&'static str, String> {
    if f.state == FindingState::Resolved {
        return Err(format!("finding `{}` is resolved", f.id));
    }
    match action {
        FindingAction::Acknowledge => {
            f.state = FindingState::Acknowledged;
            f.reason = None;
            f.accepted_until_ms = None;
            f.by = Some(by.to_string());
            Ok("finding.acknowledge")
        }
        FindingAction::AcceptRisk { until_ms, reason } => {
            if *until_ms <= at_ms {
                return Err("an accepted risk needs an expiry in the future".into());
            }
            f.state = FindingState::AcceptedRisk;
            f.accepted_until_ms = Some(*until_ms);
            f.reason = Some(reason.clone());
            f.by = Some(by.to_string());
            Ok("finding.accept_risk")
        }
        FindingAction::Reopen => {
            f.state = FindingState::Open;
            f.accepted_until_ms = None;
            f.reason = None;
            f.by = Some(by.to_string());
            Ok("finding.reopen")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violation(rule: &str, column: Option<&str>) -> Violation {
        Violation {
            rule_id: rule.into(),
            framework: "pci-dss".into(),
            control: "PCI-DSS 3.5.1".into(),
            severity: Severity::Critical,
            title: "t".into(),
            remediation: "r".into(),
            column: column.map(String::from),
            message: "m".into(),
        }
    }

    #[test]
    fn findings_open_persist_resolve_and_reopen() {
        let v = [violation("PCI-1", Some("card")), violation("PCI-2", None)];
        let s = sync("a.b.c.t", "a", &v, &[], &[], 10);
        assert_eq!(s.write.len(), 2);
        assert!(s.write.iter().all(|f| f.state == FindingState::Open));
        assert_eq!(s.events.len(), 2);
        let mut stored = s.write;

        // Seen again: nothing to write but the last-seen time; no event.
        let s = sync("a.b.c.t", "a", &v, &[], &stored, 20);
        assert!(s.events.is_empty());
        assert_eq!(s.write.len(), 2);
        stored = s.write;

        // Acknowledged, then the condition clears: resolved (and audited).
        act(&mut stored[0], &FindingAction::Acknowledge, "alice", 25).expect("ack");
        let s = sync("a.b.c.t", "a", &v[1..], &[], &stored, 30);
        let resolved: Vec<_> = s
            .write
            .iter()
            .filter(|f| f.state == FindingState::Resolved)
            .collect();
        assert_eq!(resolved.len(), 1);
        assert_eq!(resolved[0].resolved_at_ms, Some(30));
        assert!(s.events.iter().any(|e| e.1 == "finding.resolved"));
        let mut after: Vec<Finding> = stored.clone();
        for w in s.write {
            if let Some(f) = after.iter_mut().find(|f| f.id == w.id) {
                *f = w;
            }
        }
        assert!(
            act(
                &mut after[0].clone(),
                &FindingAction::Acknowledge,
                "bob",
                31
            )
            .is_err()
        );

        // A rule that failed to run leaves its findings alone.
        let s = sync("a.b.c.t", "a", &[], &["PCI-2".to_string()], &stored, 35);
        assert!(
            s.write.iter().all(|f| f.rule_id != "PCI-2"),
            "{:?}",
            s.write
        );

        // It comes back: reopened.
        let s = sync("a.b.c.t", "a", &v, &[], &after, 40);
        assert!(s.events.iter().any(|e| e.1 == "finding.reopen"));
    }

    #[test]
    fn accepted_risks_expire() {
        let v = [violation("SOC2-1", None)];
        let mut stored = sync("x", "s", &v, &[], &[], 1).write;
        act(
            &mut stored[0],
            &FindingAction::AcceptRisk {
                until_ms: 100,
                reason: "migration in Q3".into(),
            },
            "carol",
            2,
        )
        .expect("accept");
        assert!(
            act(
                &mut stored[0].clone(),
                &FindingAction::AcceptRisk {
                    until_ms: 1,
                    reason: "x".into()
                },
                "c",
                2
            )
            .is_err()
        );
        let s = sync("x", "s", &v, &[], &stored, 50);
        assert!(s.events.is_empty());
        let s = sync("x", "s", &v, &[], &stored, 150);
        assert_eq!(s.write[0].state, FindingState::Open);
        assert!(s.events.iter().any(|e| e.1 == "finding.risk_expired"));
    }
}
