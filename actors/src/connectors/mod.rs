//! Source connectors: one trait, one module per kind of source, and a registry that picks
//! the connector from the source URI's scheme.
//!
//! A connector lists the tables of a source and reads a bounded sample of each. Sampled
//! values stay in memory on this node; only what the scanner derives from them (profiles,
//! classifications with masked evidence) leaves.

mod files;
mod flatten;
mod mongodb;
mod mysql;
mod postgres;
pub mod sample;
mod sql;
mod sqlite;

use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::domain::{AssetKind, ForeignKey, SampleSize, SourceKind};

pub use files::FilesFactory;
pub use mongodb::MongodbFactory;
pub use mysql::MysqlFactory;
pub use postgres::PostgresFactory;
pub use sample::TableSampler;
pub use sql::{PASSWORD_ENV_PREFIX, SECRETS_DIR_ENV, is_secret_param};
pub use sqlite::SqliteFactory;

/// Longest text kept of one sampled value: enough to classify, bounded so a giant value
/// cannot blow up memory.
pub const MAX_VALUE_CHARS: usize = 4096;

/// Why a source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    #[error("invalid source URI `{uri}`: {reason}")]
    InvalidUri { uri: String, reason: String },
    #[error(
        "no connector for scheme `{0}` (supported: postgres, mysql, mariadb, mongodb, sqlite, file)"
    )]
    UnsupportedScheme(String),
    #[error("cannot open {what}: {reason}")]
    Connect { what: String, reason: String },
    #[error("listing tables failed: {0}")]
    Discover(String),
    #[error("reading `{table}` failed: {reason}")]
    Read { table: String, reason: String },
}

/// A table (or view, or file) a connector found, with what discovery learned about it.
#[derive(Clone, Debug)]
pub struct TableRef {
    pub database: String,
    pub schema: String,
    pub name: String,
    pub kind: AssetKind,
    /// Where the connector finds it again (file path, qualified table name).
    pub locator: String,
    /// Declared columns (empty when only reading finds them, as for files).
    pub columns: Vec<ColumnSchema>,
    pub primary_key: Vec<String>,
    pub foreign_keys: Vec<ForeignKey>,
    /// A view's SQL.
    pub definition: Option<String>,
    pub comment: Option<String>,
    /// The engine's row estimate (statistics, no scan).
    pub row_estimate: Option<u64>,
    /// Changes whenever the table's schema or data may have changed; `None` when the
    /// connector cannot tell (the table is always scanned).
    pub fingerprint: Option<String>,
}

impl TableRef {
    /// A table with nothing discovered about it yet.
    pub fn new(
        database: impl Into<String>,
        schema: impl Into<String>,
        name: impl Into<String>,
        kind: AssetKind,
        locator: impl Into<String>,
    ) -> Self {
        Self {
            database: database.into(),
            schema: schema.into(),
            name: name.into(),
            kind,
            locator: locator.into(),
            columns: Vec::new(),
            primary_key: Vec::new(),
            foreign_keys: Vec::new(),
            definition: None,
            comment: None,
            row_estimate: None,
            fingerprint: None,
        }
    }
}

/// Declared shape of one column.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnSchema {
    pub name: String,
    pub data_type: String,
    pub nullable: bool,
    pub default: Option<String>,
    pub comment: Option<String>,
}

impl ColumnSchema {
    pub fn new(name: impl Into<String>, data_type: impl Into<String>, nullable: bool) -> Self {
        Self {
            name: name.into(),
            data_type: data_type.into(),
            nullable,
            default: None,
            comment: None,
        }
    }
}

/// Columns and sampled values of one table. `values[c][r]` is column `c` of sampled row `r`.
#[derive(Debug, Default)]
pub struct TableScan {
    pub columns: Vec<ColumnSchema>,
    pub values: Vec<Vec<Option<String>>>,
    /// Total rows: counted on a full scan, else the engine's estimate when known.
    pub row_count: Option<u64>,
    /// Rows read from the source.
    pub rows_read: u64,
    /// Exact profiles of every row (full scans); `None`: profile the sample.
    pub profiles: Option<Vec<crate::domain::Profile>>,
}

/// An open connection to one source.
pub trait Connector: Send {
    /// Every table, view or file of the source, with its discovered metadata.
    fn list_tables(&mut self) -> BoxFuture<'_, Result<Vec<TableRef>, ConnectorError>>;

    /// Columns of `table` and its rows: a uniform sample of at most `n` rows for
    /// `SampleSize::Rows(n)`, every row (profiled, with a bounded sample kept) for `Full`.
    fn scan_table<'a>(
        &'a mut self,
        table: &'a TableRef,
        size: SampleSize,
    ) -> BoxFuture<'a, Result<TableScan, ConnectorError>>;
}

/// Rows kept for classification on a full scan.
pub const CLASSIFY_ROWS: usize = 1000;

/// Opens connectors for one URI scheme.
pub trait ConnectorFactory: Send + Sync {
    /// Opens the source at `uri`; `source_id` names the source in ids and messages.
    fn connect<'a>(
        &'a self,
        source_id: &'a str,
        uri: &'a url::Url,
    ) -> BoxFuture<'a, Result<Box<dyn Connector>, ConnectorError>>;
}

/// Connector factories by URI scheme, and the key that opens sealed source passwords.
#[derive(Clone)]
pub struct ConnectorRegistry {
    factories: HashMap<String, Arc<dyn ConnectorFactory>>,
    secrets: Option<crate::secrets::SecretBox>,
}

impl Default for ConnectorRegistry {
    /// The built-in connectors: `sqlite://` and `file://`.
    fn default() -> Self {
        let mut r = Self {
            factories: HashMap::new(),
            secrets: None,
        };
        r.register("sqlite", Arc::new(SqliteFactory));
        r.register("file", Arc::new(FilesFactory));
        r.register("postgres", Arc::new(PostgresFactory));
        r.register("postgresql", Arc::new(PostgresFactory));
        r.register("mysql", Arc::new(MysqlFactory));
        r.register("mariadb", Arc::new(MysqlFactory));
        r.register("mongodb", Arc::new(MongodbFactory));
        r
    }
}

impl ConnectorRegistry {
    /// Sets the key that opens sealed source passwords.
    pub fn set_secrets(&mut self, secrets: crate::secrets::SecretBox) {
        self.secrets = Some(secrets);
    }

    /// Opens a registered source, with its sealed password opened in memory.
    pub async fn connect_source(
        &self,
        source: &crate::domain::Source,
    ) -> Result<Box<dyn Connector>, ConnectorError> {
        let Some(sealed) = &source.sealed_password else {
            return self.connect(&source.id, &source.uri).await;
        };
        let invalid = |reason: String| ConnectorError::InvalidUri {
            uri: source.uri.clone(),
            reason,
        };
        let secrets = self
            .secrets
            .as_ref()
            .ok_or_else(|| invalid("this node has no secret key to open the password".into()))?;
        let password = secrets.open(sealed).map_err(|e| invalid(e.to_string()))?;
        let mut url = parse_uri(&source.uri)?;
        url.set_password(Some(&sql::encode_password(&password)))
            .map_err(|()| invalid("this URI cannot carry a password".into()))?;
        let factory = self
            .factories
            .get(url.scheme())
            .ok_or_else(|| ConnectorError::UnsupportedScheme(url.scheme().to_string()))?;
        factory.connect(&source.id, &url).await
    }

    /// Adds (or replaces) the factory for `scheme`.
    pub fn register(&mut self, scheme: &str, factory: Arc<dyn ConnectorFactory>) {
        self.factories.insert(scheme.to_ascii_lowercase(), factory);
    }

    /// Opens the source at `uri`.
    pub async fn connect(
        &self,
        source_id: &str,
        uri: &str,
    ) -> Result<Box<dyn Connector>, ConnectorError> {
        let url = parse_uri(uri)?;
        let factory = self
            .factories
            .get(url.scheme())
            .ok_or_else(|| ConnectorError::UnsupportedScheme(url.scheme().to_string()))?;
        factory.connect(source_id, &url).await
    }
}

/// Parses a source URI, with the error users see when it is malformed (the password,
/// if any, never appears in it).
pub fn parse_uri(uri: &str) -> Result<url::Url, ConnectorError> {
    url::Url::parse(uri).map_err(|e| ConnectorError::InvalidUri {
        uri: redact_text(uri),
        reason: e.to_string(),
    })
}

/// A source URI without its password, for messages, logs and the API.
pub fn redact_uri(uri: &str) -> String {
    match url::Url::parse(uri) {
        Ok(u) => sql::redact(&u),
        Err(_) => redact_text(uri),
    }
}

/// Best effort on a URI that does not parse: drop anything between `://` and `@`.
fn redact_text(uri: &str) -> String {
    match (uri.find("://"), uri.rfind('@')) {
        (Some(s), Some(at)) if at > s + 3 => format!("{}***{}", &uri[..s + 3], &uri[at..]),
        _ => uri.to_string(),
    }
}

/// The kind of source a URI names, for registering it.
pub fn source_kind(uri: &str) -> Result<SourceKind, ConnectorError> {
    let url = parse_uri(uri)?;
    match url.scheme() {
        "sqlite" => Ok(SourceKind::Sqlite),
        "file" => Ok(SourceKind::Files),
        "postgres" | "postgresql" => Ok(SourceKind::Postgres),
        "mysql" | "mariadb" => Ok(SourceKind::Mysql),
        "mongodb" => Ok(SourceKind::Mongodb),
        other => Err(ConnectorError::UnsupportedScheme(other.to_string())),
    }
}

/// The local path of a `sqlite:///p` or `file:///p` URI.
fn local_path(url: &url::Url) -> Result<std::path::PathBuf, ConnectorError> {
    let path = url
        .to_file_path()
        .map_err(|()| ConnectorError::InvalidUri {
            uri: url.to_string(),
            reason: "expected a local path (scheme:///absolute/path)".into(),
        })?;
    if path.as_os_str().is_empty() || path == std::path::Path::new("/") {
        return Err(ConnectorError::InvalidUri {
            uri: url.to_string(),
            reason: "no path given".into(),
        });
    }
    Ok(path)
}

/// Cuts a sampled value to [`MAX_VALUE_CHARS`] characters.
fn bounded(mut s: String) -> String {
    bound_in_place(&mut s, MAX_VALUE_CHARS);
    s
}

/// Cuts `s` to at most `max` characters, on a character boundary.
fn bound_in_place(s: &mut String, max: usize) {
    if s.len() > max
        && let Some((idx, _)) = s.char_indices().nth(max)
    {
        s.truncate(idx);
    }
}

/// Text of raw bytes from a source: invalid UTF-8 replaced, cut to [`MAX_VALUE_CHARS`]
/// without first copying a giant value whole.
fn text_of(bytes: &[u8]) -> String {
    // 4 bytes per character at most: a longer prefix cannot be needed.
    let head = &bytes[..bytes.len().min(MAX_VALUE_CHARS * 4)];
    bounded(String::from_utf8_lossy(head).into_owned())
}

/// A fingerprint (SHA-256, hex) of the parts that identify a table's state.
fn fingerprint(parts: &[&str]) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for p in parts {
        ctx.update(p.as_bytes());
        ctx.update(&[0]);
    }
    ctx.finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_checked() {
        assert!(matches!(
            source_kind("sqlite:///x.db"),
            Ok(SourceKind::Sqlite)
        ));
        assert!(matches!(source_kind("file:///data"), Ok(SourceKind::Files)));
        assert!(matches!(
            source_kind("ftp://x"),
            Err(ConnectorError::UnsupportedScheme(_))
        ));
        assert!(matches!(
            source_kind("not a uri"),
            Err(ConnectorError::InvalidUri { .. })
        ));
        let url = parse_uri("file:///tmp/a%20b").expect("uri");
        assert_eq!(
            local_path(&url).expect("path"),
            std::path::PathBuf::from("/tmp/a b")
        );
        let remote = parse_uri("file://server/share").expect("uri");
        assert!(local_path(&remote).is_err());
    }

    #[test]
    fn giant_values_are_bounded_on_char_boundaries() {
        let s = "é".repeat(MAX_VALUE_CHARS * 2);
        assert_eq!(bounded(s).chars().count(), MAX_VALUE_CHARS);
    }
}
