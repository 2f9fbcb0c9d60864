//! Steward corrections of classifications: confirm, reject or set a type on a column.
//! Corrections are replicated state of their own and are applied to every version of the
//! column the scanner writes, so they survive rescans while everything else is still
//! re-evaluated.

use serde::{Deserialize, Serialize};

use crate::domain::{
    Classification, ClassificationType, Column, Contribution, Level, Millis, Tier,
};

/// What a steward says about one type on one column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionAction {
    /// The detected type is right: it stays, at full confidence, whatever rescans find.
    Confirm,
    /// The type is wrong: it is never reported on this column again.
    Reject,
    /// The column holds this type although the classifier did not find it.
    Set,
    /// Forget an earlier correction of this type; the classifier decides again.
    Reset,
}

impl std::fmt::Display for CorrectionAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CorrectionAction::Confirm => "confirm",
            CorrectionAction::Reject => "reject",
            CorrectionAction::Set => "set",
            CorrectionAction::Reset => "reset",
        })
    }
}

/// One stored correction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    #[serde(rename = "type")]
    pub type_id: ClassificationType,
    pub action: CorrectionAction,
    pub by: String,
    pub reason: Option<String>,
    pub at_ms: Millis,
}

/// The corrections of one column, at most one per type (the latest wins), with what the
/// classifier itself found on the last scan: the stored column is always rebuilt from
/// that, so applying corrections twice changes nothing and a reset really undoes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnCorrections {
    pub column_id: String,
    pub corrections: Vec<Correction>,
    /// The classifier's own classifications of the column, before any correction.
    pub detected: Vec<Classification>,
}

impl ColumnCorrections {
    /// Starts the corrections of a column from what the classifier found.
    pub fn new(column_id: String, detected: Vec<Classification>) -> Self {
        Self {
            column_id,
            corrections: Vec::new(),
            detected,
        }
    }

    /// Records a correction; `Reset` removes the type's earlier one.
    pub fn record(&mut self, c: Correction) {
        self.corrections.retain(|o| o.type_id != c.type_id);
        if c.action != CorrectionAction::Reset {
            self.corrections.push(c);
        }
        self.corrections.sort_by_key(|c| c.type_id);
    }

    /// Takes a fresh scan's classifications of the column and stores the corrected ones in
    /// it (deterministic: the state machine runs it on every replica).
    pub fn apply_to_scan(&mut self, column: &mut Column) {
        self.detected = std::mem::take(&mut column.classifications);
        column.classifications = self.corrected();
    }

    /// The classifier's findings with the corrections applied, most confident first.
    pub fn corrected(&self) -> Vec<Classification> {
        let mut out = self.detected.clone();
        for c in &self.corrections {
            let said = match &c.reason {
                Some(r) => format!("{} by {}: {r}", verb(c.action), c.by),
                None => format!("{} by {}", verb(c.action), c.by),
            };
            let found = out.iter().position(|x| x.type_id == c.type_id);
            match (c.action, found) {
                (CorrectionAction::Reject, Some(i)) => {
                    out.remove(i);
                }
                (CorrectionAction::Confirm | CorrectionAction::Set, Some(i)) => {
                    let x = &mut out[i];
                    x.explanation.push(Contribution {
                        tier: Tier::Steward,
                        score: ((1.0 - x.confidence) * 100.0).round() / 100.0,
                        detail: said,
                    });
                    x.confidence = 1.0;
                    x.level = Level::High;
                    x.tiers.push(Tier::Steward);
                }
                (CorrectionAction::Confirm | CorrectionAction::Set, None) => {
                    out.push(Classification {
                        type_id: c.type_id,
                        confidence: 1.0,
                        level: Level::High,
                        tiers: vec![Tier::Steward],
                        evidence: String::new(),
                        explanation: vec![Contribution {
                            tier: Tier::Steward,
                            score: 1.0,
                            detail: said,
                        }],
                    });
                }
                (CorrectionAction::Reject | CorrectionAction::Reset, _) => {}
            }
        }
        out.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(a.type_id.cmp(&b.type_id))
        });
        out
    }
}

fn verb(a: CorrectionAction) -> &'static str {
    match a {
        CorrectionAction::Confirm => "confirmed",
        CorrectionAction::Reject => "rejected",
        CorrectionAction::Set => "set",
        CorrectionAction::Reset => "reset",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Profile;
    use ClassificationType as T;

    fn column(types: &[(T, f64)]) -> Column {
        Column {
            name: "c".into(),
            data_type: "text".into(),
            nullable: true,
            classifications: types
                .iter()
                .map(|(t, c)| Classification {
                    type_id: *t,
                    confidence: *c,
                    level: Level::from_confidence(*c),
                    tiers: vec![Tier::Pattern],
                    evidence: "x***".into(),
                    explanation: Vec::new(),
                })
                .collect(),
            profile: Profile::default(),
            default: None,
            comment: None,
            deleted_at_ms: None,
        }
    }

    fn correction(t: T, action: CorrectionAction) -> Correction {
        Correction {
            type_id: t,
            action,
            by: "alice".into(),
            reason: Some("checked with the DBA".into()),
            at_ms: 1,
        }
    }

    #[test]
    fn confirm_reject_set_and_reset() {
        let col = column(&[(T::LastName, 0.8), (T::PostalCode, 0.5)]);
        let mut cc = ColumnCorrections::new("c".into(), col.classifications.clone());
        cc.record(correction(T::LastName, CorrectionAction::Reject));
        cc.record(correction(T::City, CorrectionAction::Set));
        cc.record(correction(T::PostalCode, CorrectionAction::Confirm));

        let out = cc.corrected();
        let types: Vec<_> = out.iter().map(|c| c.type_id).collect();
        assert_eq!(types, vec![T::City, T::PostalCode]);
        assert!(out.iter().all(|c| c.confidence == 1.0
            && c.tiers.contains(&Tier::Steward)
            && c.explanation.iter().any(|e| e.detail.contains("alice"))));
        // Applying again changes nothing: the result is rebuilt from the detected types.
        assert_eq!(cc.corrected(), out);

        // A rescan brings fresh classifications; the corrections apply again.
        let mut rescanned = column(&[(T::LastName, 0.9), (T::Gender, 0.7)]);
        cc.apply_to_scan(&mut rescanned);
        let types: Vec<_> = rescanned
            .classifications
            .iter()
            .map(|c| c.type_id)
            .collect();
        assert_eq!(types, vec![T::City, T::PostalCode, T::Gender]);
        assert_eq!(cc.detected.len(), 2);

        // Reset really undoes: LAST_NAME comes back, CITY goes.
        cc.record(correction(T::LastName, CorrectionAction::Reset));
        cc.record(correction(T::City, CorrectionAction::Reset));
        let types: Vec<_> = cc.corrected().iter().map(|c| c.type_id).collect();
        assert_eq!(types, vec![T::PostalCode, T::LastName, T::Gender]);
        assert_eq!(cc.corrections.len(), 1);
    }
}
