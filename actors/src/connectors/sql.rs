//! What the server-database connectors share: identifier quoting, the limits that keep a
//! scan from hurting the source, and the URI options PurSight reads itself (credential
//! references, pool size, statement timeout) before handing the URI to the driver.

use std::time::Duration;

use super::{ConnectorError, TableRef};
use crate::domain::SampleSize;

/// How hard a scan may lean on a source.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Limits {
    /// Connections open at once to the source (its per-source concurrency limit).
    pub max_connections: u32,
    /// Longest a single statement may run on the source.
    pub statement_timeout: Duration,
    /// Longest a connection attempt may take.
    pub connect_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 2,
            statement_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// A source URI split into what the driver gets and what PurSight keeps.
#[derive(Debug)]
pub(super) struct SourceUri {
    /// The URI for the driver, with the password resolved and PurSight's options removed.
    pub driver: url::Url,
    pub limits: Limits,
    /// The database named in the path, if any.
    pub database: Option<String>,
}

fn invalid(uri: &url::Url, reason: impl Into<String>) -> ConnectorError {
    ConnectorError::InvalidUri {
        uri: redact(uri),
        reason: reason.into(),
    }
}

/// Whether a URI query parameter carries a secret itself (not a reference to one).
pub fn is_secret_param(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    let named = ["secret", "token", "apikey", "api_key", "access_key"]
        .iter()
        .any(|w| k.contains(w));
    (k.contains("password") || named) && !k.ends_with("_env") && !k.ends_with("_file")
}

/// The URI without its password or any secret parameter, for messages and the API.
pub(super) fn redact(uri: &url::Url) -> String {
    let mut u = uri.clone();
    if u.password().is_some() {
        let _ = u.set_password(Some("***"));
    }
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| {
            let secret = is_secret_param(&k);
            (
                k.into_owned(),
                if secret { "***".into() } else { v.into_owned() },
            )
        })
        .collect();
    if !pairs.is_empty() {
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u.to_string()
}

/// Environment variables a source may name with `password_env` start with this, so a
/// registered source cannot make the node send any of its other secrets to a server.
pub const PASSWORD_ENV_PREFIX: &str = "PURSIGHT_SOURCE_";
/// Folder files named by `password_file` must be in (`$PURSIGHT_SOURCE_SECRETS_DIR`, else
/// the container convention `/run/secrets`), for the same reason.
pub const SECRETS_DIR_ENV: &str = "PURSIGHT_SOURCE_SECRETS_DIR";

/// Where credential references may point.
pub(super) struct Policy {
    pub env_prefix: &'static str,
    pub secrets_dir: std::path::PathBuf,
}

impl Policy {
    fn from_env() -> Self {
        Self {
            env_prefix: PASSWORD_ENV_PREFIX,
            secrets_dir: std::env::var_os(SECRETS_DIR_ENV)
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| "/run/secrets".into()),
        }
    }
}

/// A password ready for `Url::set_password` (which does not escape `%`).
pub(super) fn encode_password(p: &str) -> String {
    percent_encoding::utf8_percent_encode(p, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Reads PurSight's options off a source URI:
/// - `password_env=PURSIGHT_SOURCE_X` / `password_file=/run/secrets/x`: the password is
///   read when connecting, so it is never stored with the source;
/// - `max_connections=N` (1..=16), `statement_timeout_ms=N`, `connect_timeout_ms=N`.
pub(super) fn parse(uri: &url::Url) -> Result<SourceUri, ConnectorError> {
    parse_with(uri, &Policy::from_env())
}

pub(super) fn parse_with(uri: &url::Url, policy: &Policy) -> Result<SourceUri, ConnectorError> {
    let mut limits = Limits::default();
    let mut keep = Vec::new();
    let mut password: Option<String> = None;
    for (k, v) in uri.query_pairs() {
        let ms = |v: &str| -> Result<Duration, ConnectorError> {
            v.parse::<u64>()
                .ok()
                .filter(|n| (1..=3_600_000).contains(n))
                .map(Duration::from_millis)
                .ok_or_else(|| invalid(uri, format!("{k} must be 1..=3600000 milliseconds")))
        };
        match k.as_ref() {
            "password_env" => {
                if !v.starts_with(policy.env_prefix) {
                    return Err(invalid(
                        uri,
                        format!(
                            "password_env must name a variable starting with {}",
                            policy.env_prefix
                        ),
                    ));
                }
                let value = std::env::var(v.as_ref()).map_err(|_| {
                    invalid(
                        uri,
                        format!("environment variable `{v}` (password_env) is not set"),
                    )
                })?;
                password = Some(value);
            }
            "password_file" => {
                let allowed = policy.secrets_dir.canonicalize().ok();
                let path = std::path::Path::new(v.as_ref())
                    .canonicalize()
                    .map_err(|e| invalid(uri, format!("password_file `{v}`: {e}")))?;
                if allowed.is_none_or(|dir| !path.starts_with(dir)) {
                    return Err(invalid(
                        uri,
                        format!(
                            "password_file must be inside {} (set {SECRETS_DIR_ENV} to change it)",
                            policy.secrets_dir.display()
                        ),
                    ));
                }
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| invalid(uri, format!("password_file `{v}`: {e}")))?;
                password = Some(text.trim_end_matches(['\r', '\n']).to_string());
            }
            "max_connections" => {
                limits.max_connections = v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=16).contains(n))
                    .ok_or_else(|| invalid(uri, "max_connections must be 1..=16"))?;
            }
            "statement_timeout_ms" => limits.statement_timeout = ms(&v)?,
            "connect_timeout_ms" => limits.connect_timeout = ms(&v)?,
            _ => keep.push((k.into_owned(), v.into_owned())),
        }
    }
    let mut driver = uri.clone();
    driver.set_query(None);
    if !keep.is_empty() {
        driver.query_pairs_mut().extend_pairs(keep);
    }
    if let Some(p) = password {
        driver
            .set_password(Some(&encode_password(&p)))
            .map_err(|()| invalid(uri, "this URI cannot carry a password"))?;
    }
    if driver.host_str().is_none_or(str::is_empty) {
        return Err(invalid(uri, "no host"));
    }
    let database = driver
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .filter(|d| !d.is_empty())
        .map(percent_decode);
    Ok(SourceUri {
        driver,
        limits,
        database,
    })
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

/// Quotes a PostgreSQL identifier: any name (quotes, dots, spaces, unicode, reserved
/// words) stays one identifier.
pub(super) fn quote_pg(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Quotes a MySQL/MariaDB identifier.
pub(super) fn quote_mysql(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A PostgreSQL string literal (standard_conforming_strings on, as since 9.1).
pub(super) fn literal_pg(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// How one SQL engine writes the parts of a sampling query.
pub(super) struct Dialect {
    pub quote: fn(&str) -> String,
    /// `FROM`-clause sampling of a fraction (0..=1) of the rows, appended to `FROM <t>`.
    pub sample_clause: fn(f64) -> String,
    /// The engine's random function, for `ORDER BY`.
    pub random: &'static str,
}

/// The query that reads `table` for `size`: every row, a uniform fraction of a large
/// table (no `LIMIT`: the reservoir keeps a uniform n), a random order for a small one, or
/// a `LIMIT` for what cannot be sampled cheaply (views may be arbitrarily expensive).
pub(super) fn read_query(
    table: &TableRef,
    size: SampleSize,
    samplable: bool,
    dialect: &Dialect,
) -> String {
    let cols = if table.columns.is_empty() {
        "*".to_string()
    } else {
        table
            .columns
            .iter()
            .map(|c| (dialect.quote)(&c.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let from = table.locator.as_str();
    match size {
        SampleSize::Full => format!("SELECT {cols} FROM {from}"),
        SampleSize::Rows(n) => match sample_fraction(n, table.row_estimate) {
            Some(f) if samplable => {
                format!("SELECT {cols} FROM {from}{}", (dialect.sample_clause)(f))
            }
            // Small (or never analysed) tables: a true random sample is cheap.
            _ if samplable => format!(
                "SELECT {cols} FROM {from} ORDER BY {}() LIMIT {n}",
                dialect.random
            ),
            _ => format!("SELECT {cols} FROM {from} LIMIT {n}"),
        },
    }
}

/// The error of a failed read of `table`.
pub(super) fn read_error(table: &TableRef) -> impl Fn(sqlx::Error) -> ConnectorError + Copy + '_ {
    move |e| ConnectorError::Read {
        table: format!("{}.{}", table.schema, table.name),
        reason: e.to_string(),
    }
}

/// The share of a table to sample to get somewhat more than `want` rows out of
/// `estimate`; `None` when the whole table is small enough to read. The query must not
/// stop at `want` rows (a `LIMIT` would keep the first rows in storage order, not a
/// uniform sample): the reservoir keeps a uniform `want` of what comes back.
///
/// The number of rows a fraction returns varies (binomially), so the expected count is
/// set four standard deviations above `want` (at least 1.5 × `want`): a sample of 10
/// rows from 3,000 would otherwise come back short about one time in twelve.
pub(super) fn sample_fraction(want: u64, estimate: Option<u64>) -> Option<f64> {
    let est = estimate.filter(|e| *e > 0)?;
    if est <= want.saturating_mul(2) {
        return None;
    }
    let w = want as f64;
    let expected = (w * 1.5).max(w + 4.0 * w.sqrt() + 16.0);
    Some((expected / est as f64).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_read_and_stripped_and_passwords_resolved() {
        // SAFETY-free: a unique variable name, set before any thread reads it.
        let var = "PURSIGHT_SOURCE_TEST_PG_PASSWORD_7F3A";
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("pw");
        std::fs::write(&file, "s3cr3t\n").expect("write");
        let uri = url::Url::parse(&format!(
            "postgres://scanner@db.example:5432/sales?sslmode=require&password_file={}&max_connections=4&statement_timeout_ms=5000",
            file.display()
        ))
        .expect("uri");
        let policy = Policy {
            env_prefix: PASSWORD_ENV_PREFIX,
            secrets_dir: dir.path().to_path_buf(),
        };
        let p = parse_with(&uri, &policy).expect("parse");
        // References outside the allowed places are refused.
        let outside =
            url::Url::parse("postgres://u@h/db?password_file=/etc/hostname").expect("uri");
        let err = parse_with(&outside, &policy)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("must be inside"), "{err}");
        let foreign = url::Url::parse("postgres://u@h/db?password_env=HOME").expect("uri");
        let err = parse_with(&foreign, &policy)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains(PASSWORD_ENV_PREFIX), "{err}");
        let odd = url::Url::parse("mysql://u:a%2Bb%25c@h/db?sslpassword=x&token=y").expect("uri");
        let shown = redact(&odd);
        assert!(
            !shown.contains("a%2Bb") && !shown.contains("=x") && !shown.contains("=y"),
            "{shown}"
        );
        assert_eq!(p.driver.password(), Some("s3cr3t"));
        assert_eq!(p.limits.max_connections, 4);
        assert_eq!(p.limits.statement_timeout, Duration::from_secs(5));
        assert_eq!(p.database.as_deref(), Some("sales"));
        assert_eq!(p.driver.query(), Some("sslmode=require"));
        assert!(!redact(&p.driver).contains("s3cr3t"));
        let missing =
            url::Url::parse(&format!("postgres://u@h/db?password_env={var}")).expect("uri");
        let err = parse_with(&missing, &policy)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains(var), "{err}");
        let bad = url::Url::parse("mysql://u@h/db?max_connections=100").expect("uri");
        assert!(parse(&bad).is_err());
    }

    #[test]
    fn identifiers_and_literals_are_quoted() {
        assert_eq!(quote_pg(r#"we"ird.name"#), r#""we""ird.name""#);
        assert_eq!(quote_mysql("a`b"), "`a``b`");
        assert_eq!(literal_pg("O'Brien"), "'O''Brien'");
    }

    #[test]
    fn small_tables_are_read_whole() {
        assert_eq!(sample_fraction(1000, Some(1500)), None);
        assert_eq!(sample_fraction(1000, None), None);
        let f = sample_fraction(1000, Some(1_000_000)).expect("fraction");
        assert!((f - 0.0015).abs() < 1e-9);
        // Small samples oversample enough not to come back short.
        assert!(sample_fraction(10, Some(3000)).is_some_and(|f| f * 3000.0 >= 38.0));
    }
}
