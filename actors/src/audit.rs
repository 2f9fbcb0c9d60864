//! The audit trail's event: who did what to which object, and when. Events are replicated
//! state; the node numbers them without gaps as it stores them.

use serde::{Deserialize, Serialize};

use crate::domain::Millis;

/// One entry of the audit trail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Position in the trail, from 1, without gaps.
    pub seq: u64,
    pub at_ms: Millis,
    /// Who did it (a steward's name, or `system`).
    pub actor: String,
    /// What was done, e.g. `classification.reject`.
    pub action: String,
    /// The asset or object it was done to.
    pub target: String,
    pub detail: String,
}

impl AuditEvent {
    /// An event to store (its sequence number is set when it is stored).
    pub fn new(target: &str, action: &str, actor: &str, detail: String, at_ms: Millis) -> Self {
        AuditEvent {
            seq: 0,
            at_ms,
            actor: actor.to_string(),
            action: action.to_string(),
            target: target.to_string(),
            detail,
        }
    }
}
