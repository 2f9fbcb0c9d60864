//! Governance: steward corrections, owners and tags, custom policies and settings,
//! findings, and the audit trail every one of them writes to.

use pursight_actors::audit::AuditEvent;
use pursight_actors::compliance::Violation;
use pursight_actors::compliance::custom::{AssetMeta, CustomPolicy, PolicySettings};
use pursight_actors::compliance::findings::{self, Finding, FindingAction};
use pursight_actors::corrections::{ColumnCorrections, Correction, CorrectionAction};
use pursight_actors::domain::{ClassificationType, Millis, TableAsset};

use crate::state::command::CommandResult;
use crate::state::keys;
use crate::state::tables::{DynTx, StoreError};

type Applied = Result<CommandResult, StoreError>;

/// Appends one event to the audit trail with the next sequence number (no gaps).
fn audit(tx: &mut DynTx<'_>, mut event: AuditEvent) -> Result<(), StoreError> {
    let seq = tx.get::<u64>(&keys::audit_seq())?.unwrap_or(0) + 1;
    event.seq = seq;
    tx.put(&keys::audit_seq(), &seq)?;
    tx.put(&keys::audit(seq), &event)
}

/// Marks the policy set changed, so checkers reload it.
fn bump_policy_revision(tx: &mut DynTx<'_>) -> Result<(), StoreError> {
    let key = keys::policy_settings();
    let mut settings = tx.get::<PolicySettings>(&key)?.unwrap_or_default();
    settings.revision += 1;
    tx.put(&key, &settings)
}

/// Records steward corrections of one column's classifications, applies them to the
/// stored table (and, through `put_table`, to every later scan) and audits each.
pub(super) fn correct(
    tx: &mut DynTx<'_>,
    (table_id, column): (&str, &str),
    corrections: &[(ClassificationType, CorrectionAction)],
    by: &str,
    reason: Option<&str>,
    at_ms: Millis,
) -> Applied {
    let Some(mut table) = tx.get::<TableAsset>(&keys::table(table_id))? else {
        return Ok(CommandResult::NotFound(format!("asset `{table_id}`")));
    };
    let column_id = table.column_id(column);
    let Some(ci) = table.columns.iter().position(|c| c.name == column) else {
        return Ok(CommandResult::NotFound(format!("asset `{column_id}`")));
    };
    let key = keys::correction(&column_id);
    // The first correction keeps what the classifier found, so the column can always be
    // rebuilt from it.
    let mut cc = match tx.get::<ColumnCorrections>(&key)? {
        Some(cc) => cc,
        None => {
            ColumnCorrections::new(column_id.clone(), table.columns[ci].classifications.clone())
        }
    };
    for (type_id, action) in corrections {
        cc.record(Correction {
            type_id: *type_id,
            action: *action,
            by: by.to_string(),
            reason: reason.map(str::to_string),
            at_ms,
        });
        let detail = match reason {
            Some(r) => format!("{type_id}: {r}"),
            None => type_id.to_string(),
        };
        let action = format!("classification.{action}");
        audit(tx, AuditEvent::new(&column_id, &action, by, detail, at_ms))?;
    }
    table.columns[ci].classifications = cc.corrected();
    tx.put(&key, &cc)?;
    tx.put(&keys::table(table_id), &table)?;
    Ok(CommandResult::Done)
}

/// The violations a policy check found on one asset: opens, keeps, reopens and resolves
/// its findings (`findings::sync`), auditing each transition. An asset gone meanwhile
/// records nothing.
pub(super) fn sync_findings(
    tx: &mut DynTx<'_>,
    asset_id: &str,
    source: &str,
    violations: &[Violation],
    skipped_rules: &[String],
    at_ms: Millis,
) -> Applied {
    if !tx.exists(&keys::table(asset_id))? {
        return Ok(CommandResult::NotFound(format!("asset `{asset_id}`")));
    }
    let existing: Vec<Finding> = tx.all(&keys::findings_under(&format!("{asset_id}/")))?;
    let sync = findings::sync(
        asset_id,
        source,
        violations,
        skipped_rules,
        &existing,
        at_ms,
    );
    for f in &sync.write {
        tx.put(&keys::finding(&f.id), f)?;
    }
    for (id, action, detail) in sync.events {
        audit(
            tx,
            AuditEvent::new(&id, action, "policy-checker", detail, at_ms),
        )?;
    }
    Ok(CommandResult::Done)
}

/// Sets a table's owner and tags, or one column's tags (audited); conditional on the
/// meta's version when `if_version` is given.
pub(super) fn set_meta(
    tx: &mut DynTx<'_>,
    (table_id, column): (&str, Option<&str>),
    owner: Option<&str>,
    tags: &[(String, Option<String>)],
    if_version: Option<u64>,
    (by, at_ms): (&str, Millis),
) -> Applied {
    let Some(table) = tx.get::<TableAsset>(&keys::table(table_id))? else {
        return Ok(CommandResult::NotFound(format!("asset `{table_id}`")));
    };
    if let Some(c) = column
        && !table.columns.iter().any(|x| x.name == c)
    {
        return Ok(CommandResult::NotFound(format!(
            "asset `{}`",
            table.column_id(c)
        )));
    }
    let key = keys::meta(table_id);
    let mut meta = tx.get::<AssetMeta>(&key)?.unwrap_or_default();
    if let Err(mismatch) = meta.change(column, owner, tags, if_version) {
        return Ok(CommandResult::VersionMismatch {
            current: mismatch.current,
        });
    }
    tx.put(&key, &meta)?;
    let target = match column {
        Some(c) => table.column_id(c),
        None => table.id.clone(),
    };
    let detail = tags
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("(removed)")))
        .chain(owner.iter().map(|o| format!("owner={o}")))
        .collect::<Vec<_>>()
        .join(", ");
    audit(
        tx,
        AuditEvent::new(&target, "asset.meta", by, detail, at_ms),
    )?;
    Ok(CommandResult::Meta(meta))
}

/// Stores (or replaces, as a new version) a custom policy module, already validated.
pub(super) fn put_policy(tx: &mut DynTx<'_>, policy: &CustomPolicy) -> Applied {
    let key = keys::policy(&policy.name);
    let stored = policy.stored_after(tx.get::<CustomPolicy>(&key)?.as_ref());
    tx.put(&key, &stored)?;
    bump_policy_revision(tx)?;
    let event = AuditEvent::new(
        &format!("custom/{}.rego", policy.name),
        "policy.put",
        &policy.by,
        format!("version {}", stored.version),
        policy.at_ms,
    );
    audit(tx, event)?;
    Ok(CommandResult::Done)
}

/// Removes a custom policy module.
pub(super) fn remove_policy(tx: &mut DynTx<'_>, name: &str, by: &str, at_ms: Millis) -> Applied {
    if !tx.remove(&keys::policy(name))? {
        return Ok(CommandResult::NotFound(format!("policy `{name}`")));
    }
    bump_policy_revision(tx)?;
    let target = format!("custom/{name}.rego");
    audit(
        tx,
        AuditEvent::new(&target, "policy.remove", by, String::new(), at_ms),
    )?;
    Ok(CommandResult::Done)
}

/// Sets the packs' template parameters and disabled frameworks.
pub(super) fn set_settings(
    tx: &mut DynTx<'_>,
    params_json: &str,
    disabled_frameworks: &[String],
    by: &str,
    at_ms: Millis,
) -> Applied {
    let key = keys::policy_settings();
    let mut settings = tx.get::<PolicySettings>(&key)?.unwrap_or_default();
    settings.params_json = params_json.to_string();
    settings.disabled_frameworks = disabled_frameworks.to_vec();
    tx.put(&key, &settings)?;
    bump_policy_revision(tx)?;
    let detail = format!(
        "params {params_json}; disabled: {}",
        disabled_frameworks.join(", ")
    );
    audit(
        tx,
        AuditEvent::new("policy-settings", "policy.settings", by, detail, at_ms),
    )?;
    Ok(CommandResult::Done)
}

/// A person acknowledges a finding, accepts its risk, or reopens it (audited).
pub(super) fn update_finding(
    tx: &mut DynTx<'_>,
    id: &str,
    action: &FindingAction,
    by: &str,
    at_ms: Millis,
) -> Applied {
    let key = keys::finding(id);
    let Some(mut f) = tx.get::<Finding>(&key)? else {
        return Ok(CommandResult::NotFound(format!("finding `{id}`")));
    };
    match findings::act(&mut f, action, by, at_ms) {
        Err(why) => Ok(CommandResult::Conflict(why)),
        Ok(what) => {
            let detail = f.reason.clone().unwrap_or_default();
            tx.put(&key, &f)?;
            audit(tx, AuditEvent::new(id, what, by, detail, at_ms))?;
            Ok(CommandResult::Done)
        }
    }
}
