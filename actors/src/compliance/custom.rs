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

impl CustomPolicy {
    /// This upload as stored after `previous` (the module stored under the same name):
    /// version 1 for a new name, one more than the stored version otherwise.
    pub fn stored_after(&self, previous: Option<&CustomPolicy>) -> CustomPolicy {
        CustomPolicy {
            version: previous.map_or(0, |p| p.version) + 1,
            ..self.clone()
        }
    }
}

/// A conditional change found the meta at another version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the asset's meta is at version {current}")]
pub struct VersionMismatch {
    /// The version the meta is at.
    pub current: u64,
}

impl AssetMeta {
    /// A steward's change: tags of the table (`column: None`) or of one column set
    /// (`Some`) or removed (`None`), the owner set (an empty one clears it). Applied only
    /// when the meta is at `if_version` (when given); every change bumps the version.
    pub fn change(
        &mut self,
        column: Option<&str>,
        owner: Option<&str>,
        tags: &[(String, Option<String>)],
        if_version: Option<u64>,
    ) -> Result<(), VersionMismatch> {
        if let Some(v) = if_version
            && self.version != v
        {
            return Err(VersionMismatch {
                current: self.version,
            });
        }
        let target = match column {
            Some(c) => self.column_tags.entry(c.to_string()).or_default(),
            None => &mut self.tags,
        };
        for (k, v) in tags {
            match v {
                Some(v) => target.insert(k.clone(), v.clone()),
                None => target.remove(k),
            };
        }
        self.column_tags.retain(|_, tags| !tags.is_empty());
        if let Some(o) = owner {
            self.owner = Some(o.to_string()).filter(|o| !o.is_empty());
        }
        self.version += 1;
        Ok(())
    }
}

/// Whether a name is allowed for a custom policy.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_changes_bump_the_version_and_respect_if_match() {
        let mut m = AssetMeta::default();
        let tag = |k: &str, v: Option<&str>| (k.to_string(), v.map(str::to_string));
        m.change(None, Some("ana"), &[tag("retention", Some("1y"))], Some(0))
            .expect("first change");
        assert_eq!((m.version, m.owner.as_deref()), (1, Some("ana")));
        assert_eq!(
            m.change(None, None, &[], Some(0)),
            Err(VersionMismatch { current: 1 })
        );
        m.change(
            Some("email"),
            Some(""),
            &[tag("protection", Some("hashed"))],
            None,
        )
        .expect("column change");
        assert_eq!(m.owner, None);
        assert_eq!(m.column_tags["email"]["protection"], "hashed");
        m.change(Some("email"), None, &[tag("protection", None)], Some(2))
            .expect("removal");
        assert!(
            m.column_tags.is_empty(),
            "empty column tag sets are dropped"
        );
        assert_eq!(m.version, 3);
    }

    #[test]
    fn uploads_count_versions_per_name() {
        let p = CustomPolicy {
            name: "p".into(),
            text: "package x".into(),
            version: 0,
            by: "a".into(),
            at_ms: 1,
        };
        let first = p.stored_after(None);
        assert_eq!(first.version, 1);
        assert_eq!(p.stored_after(Some(&first)).version, 2);
    }
}
