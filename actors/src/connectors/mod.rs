//! Source connectors: one trait, one module per kind of source, and a registry that picks
//! the connector from the source URI's scheme.
//!
//! A connector lists the tables of a source and reads a bounded sample of each. Sampled
//! values stay in memory on this node; only what the scanner derives from them (profiles,
//! classifications with masked evidence) leaves.

mod files;
mod sqlite;

use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::domain::{AssetKind, SourceKind};

pub use files::FilesFactory;
pub use sqlite::SqliteFactory;

/// Longest text kept of one sampled value: enough to classify, bounded so a giant value
/// cannot blow up memory.
pub const MAX_VALUE_CHARS: usize = 4096;

/// Why a source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    #[error("invalid source URI `{uri}`: {reason}")]
    InvalidUri { uri: String, reason: String },
    #[error("no connector for scheme `{0}` (supported: sqlite, file)")]
    UnsupportedScheme(String),
    #[error("cannot open {what}: {reason}")]
    Connect { what: String, reason: String },
    #[error("listing tables failed: {0}")]
    Discover(String),
    #[error("reading `{table}` failed: {reason}")]
    Read { table: String, reason: String },
}

/// A table (or view, or file) a connector found.
#[derive(Clone, Debug)]
pub struct TableRef {
    pub database: String,
    pub schema: String,
    pub name: String,
    pub kind: AssetKind,
    /// Where the connector finds it again (file path, table name).
    pub locator: String,
}

/// Declared shape of one column.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnSchema {
    pub name: String,
    pub data_type: String,
    pub nullable: bool,
}

/// Columns and sampled values of one table. `values[c][r]` is column `c` of sampled row `r`.
#[derive(Debug, Default)]
pub struct TableScan {
    pub columns: Vec<ColumnSchema>,
    pub values: Vec<Vec<Option<String>>>,
    /// Total rows, when known.
    pub row_count: Option<u64>,
}

/// An open connection to one source.
pub trait Connector: Send {
    /// Every table, view or file of the source.
    fn list_tables(&mut self) -> BoxFuture<'_, Result<Vec<TableRef>, ConnectorError>>;

    /// Columns of `table` and a uniform sample of at most `sample_rows` rows.
    fn scan_table<'a>(
        &'a mut self,
        table: &'a TableRef,
        sample_rows: usize,
    ) -> BoxFuture<'a, Result<TableScan, ConnectorError>>;
}

/// Opens connectors for one URI scheme.
pub trait ConnectorFactory: Send + Sync {
    /// Opens the source at `uri`; `source_id` names the source in ids and messages.
    fn connect<'a>(
        &'a self,
        source_id: &'a str,
        uri: &'a url::Url,
    ) -> BoxFuture<'a, Result<Box<dyn Connector>, ConnectorError>>;
}

/// Connector factories by URI scheme.
#[derive(Clone)]
pub struct ConnectorRegistry {
    factories: HashMap<String, Arc<dyn ConnectorFactory>>,
}

impl Default for ConnectorRegistry {
    /// The built-in connectors: `sqlite://` and `file://`.
    fn default() -> Self {
        let mut r = Self {
            factories: HashMap::new(),
        };
        r.register("sqlite", Arc::new(SqliteFactory));
        r.register("file", Arc::new(FilesFactory));
        r
    }
}

impl ConnectorRegistry {
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

/// Parses a source URI, with the error users see when it is malformed.
pub fn parse_uri(uri: &str) -> Result<url::Url, ConnectorError> {
    url::Url::parse(uri).map_err(|e| ConnectorError::InvalidUri {
        uri: uri.to_string(),
        reason: e.to_string(),
    })
}

/// The kind of source a URI names, for registering it.
pub fn source_kind(uri: &str) -> Result<SourceKind, ConnectorError> {
    let url = parse_uri(uri)?;
    match url.scheme() {
        "sqlite" => Ok(SourceKind::Sqlite),
        "file" => Ok(SourceKind::Files),
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
    if s.len() > MAX_VALUE_CHARS
        && let Some((idx, _)) = s.char_indices().nth(MAX_VALUE_CHARS)
    {
        s.truncate(idx);
    }
    s
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
