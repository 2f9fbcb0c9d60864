//! Custom policies and pack settings, as replicated state: modules users upload (validated
//! before they are committed, versioned), template parameters, and frameworks switched off.

use serde::{Deserialize, Serialize};

use crate::domain::Millis;

/// One uploaded policy module.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomPolicy {
    /// `[a-z0-9_-]+`; the module is `custom/<name>.rego`.
    pub name: String,
    pub text: String,
    /// Starts at 1; every upload under the same name adds one.
    pub version: u32,
    pub by: String,
    pub at_ms: Millis,
}

/// Settings of the packs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicySettings {
    /// Template parameters as a JSON object (`{"allowed_regions": [...], "rotation_days": 30}`),
    /// kept as text so the stored form does not depend on a JSON value type.
    pub params_json: String,
    /// Frameworks whose rules do not run (`pci-dss`...).
    pub disabled_frameworks: Vec<String>,
    /// Bumped on every change of policies or settings, so checkers know to reload.
    pub revision: u64,
}

impl PolicySettings {
    /// The template parameters (an empty object when unset or unreadable).
    pub fn params(&self) -> serde_json::Value {
        serde_json::from_str(&self.params_json)
            .ok()
            .filter(serde_json::Value::is_object)
            .unwrap_or_else(|| serde_json::json!({}))
    }
}

/// What stewards say about a table beyond its scan: its owner and tags (`retention`,
/// `lawful_basis`...) and its columns' tags (`protection`: tokenized, encrypted...).
/// Kept apart from the scanned asset, so rescans never touch it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AssetMeta {
    /// Bumped by every change: `If-Match` on an update compares it.
    #[serde(default)]
    pub version: u64,
    pub owner: Option<String>,
    pub tags: std::collections::BTreeMap<String, String>,
    /// Column name → its tags.
    pub column_tags: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
}

/// Whether a name is allowed for a custom policy.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}
