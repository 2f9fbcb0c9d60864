//! The input document a policy sees for one asset: the table, its columns with their
//! classifications (levels, frameworks, sensitivity), tags and owner, and the facts known
//! about its source (engine, site/region, TLS, credentials and their age). Documented in
//! `docs/POLICIES.md` for users who write their own rules.

use serde_json::{Value, json};

use super::custom::AssetMeta;
use crate::domain::{Millis, Source, SourceKind, TableAsset};
use crate::taxonomy;

const DAY_MS: u64 = 86_400_000;

/// Builds the input document of one table asset. `params` are the template parameters
/// (`allowed_regions`, `rotation_days`...); `now_ms` is the evaluation time (for ages).
pub fn asset_input(table: &TableAsset, source: &Source, params: &Value, now_ms: Millis) -> Value {
    asset_input_with(table, source, None, params, now_ms)
}

/// The same, with what stewards recorded about the asset (owner, tags, column tags).
pub fn asset_input_with(
    table: &TableAsset,
    source: &Source,
    meta: Option<&AssetMeta>,
    params: &Value,
    now_ms: Millis,
) -> Value {
    let empty = AssetMeta::default();
    let meta = meta.unwrap_or(&empty);
    let columns: Vec<Value> = table
        .columns
        .iter()
        .filter(|c| c.deleted_at_ms.is_none())
        .map(|c| {
            let classifications: Vec<Value> = c
                .classifications
                .iter()
                .map(|x| {
                    let info = taxonomy::info(x.type_id);
                    json!({
                        "type": x.type_id,
                        "level": x.level,
                        "confidence": x.confidence,
                        "frameworks": info.frameworks,
                        "sensitivity": info.sensitivity,
                    })
                })
                .collect();
            json!({
                "name": c.name,
                "data_type": c.data_type,
                "tags": meta.column_tags.get(&c.name).cloned().unwrap_or_default(),
                "classifications": classifications,
                "profile": {
                    "rows_sampled": c.profile.rows_sampled,
                    "null_ratio": c.profile.null_ratio,
                    "distinct_estimate": c.profile.distinct_estimate,
                    "exact": c.profile.exact,
                },
            })
        })
        .collect();
    let credentials = credentials(source);
    let age_days =
        (credentials == "sealed").then(|| now_ms.saturating_sub(source.created_at_ms) / DAY_MS);
    json!({
        "asset": {
            "id": table.id,
            "name": table.name,
            "kind": table.kind,
            "database": table.database,
            "schema": table.schema,
            "row_count": table.row_count,
            "owner": meta.owner,
            "tags": meta.tags,
            "columns": columns,
            "sensitive_types": table.sensitive_types(),
        },
        "source": {
            "id": source.id,
            "kind": source.kind,
            "site": source.site,
            "region": source.site,
            "tls": tls(source),
            "credentials": credentials,
            "credentials_age_days": age_days,
        },
        "params": params,
    })
}

/// How the source authenticates: a sealed password, a reference to one (env or file),
/// nothing, or `local` for files and SQLite (read from this machine's disk, no login).
pub(crate) fn credentials(source: &Source) -> &'static str {
    if matches!(source.kind, SourceKind::Sqlite | SourceKind::Files) {
        return "local";
    }
    if source.sealed_password.is_some() {
        return "sealed";
    }
    let reference = url::Url::parse(&source.uri).is_ok_and(|u| {
        u.query_pairs()
            .any(|(k, _)| k == "password_env" || k == "password_file")
    });
    if reference { "reference" } else { "none" }
}

/// Whether the connection is encrypted, from the URI's options: `Some(true)` when TLS is
/// required, `Some(false)` when it is off or only opportunistic, `None` for local sources.
pub(crate) fn tls(source: &Source) -> Option<bool> {
    let url = url::Url::parse(&source.uri).ok()?;
    let option = |names: &[&str]| {
        url.query_pairs()
            .find(|(k, _)| names.contains(&k.as_ref()))
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    match source.kind {
        SourceKind::Sqlite | SourceKind::Files => None,
        SourceKind::Postgres => Some(matches!(
            option(&["sslmode"]).as_deref(),
            Some("require" | "verify-ca" | "verify-full")
        )),
        SourceKind::Mysql => Some(matches!(
            option(&["ssl-mode", "ssl_mode", "sslmode"]).as_deref(),
            Some("required" | "verify_ca" | "verify_identity")
        )),
        SourceKind::Mongodb => Some(matches!(option(&["tls", "ssl"]).as_deref(), Some("true"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(kind: SourceKind, uri: &str) -> Source {
        Source {
            id: "s".into(),
            kind,
            uri: uri.into(),
            site: Some("us-east".into()),
            residency: Default::default(),
            schedule: None,
            created_at_ms: 0,
            sample: None,
            sealed_password: None,
        }
    }

    #[test]
    fn tls_and_credentials_come_from_the_uri() {
        let pg = source(SourceKind::Postgres, "postgres://u@h/db?sslmode=require");
        assert_eq!(tls(&pg), Some(true));
        let pg = source(SourceKind::Postgres, "postgres://u@h/db");
        assert_eq!(tls(&pg), Some(false));
        let my = source(SourceKind::Mysql, "mysql://u@h/db?ssl-mode=VERIFY_IDENTITY");
        assert_eq!(tls(&my), Some(true));
        let lite = source(SourceKind::Sqlite, "sqlite:///tmp/x.db");
        assert_eq!(tls(&lite), None);
        assert_eq!(credentials(&lite), "local");
        assert_eq!(credentials(&pg), "none");
        let env = source(
            SourceKind::Postgres,
            "postgres://u@h/db?password_env=PURSIGHT_SOURCE_PW",
        );
        assert_eq!(credentials(&env), "reference");
    }
}
