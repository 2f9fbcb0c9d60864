//! The `pursight` command line. Commands without `--endpoint` run on an embedded node whose
//! data lives in one folder (`--data`, `$PURSIGHT_DATA`, else the user's data folder), so a
//! user can scan first and explore after; with `--endpoint` they talk to a running node.

mod client;
mod demo;
mod embedded;
mod output;
mod serve;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find, catalog and classify sensitive data where it lives.
#[derive(Parser, Debug)]
#[command(name = "pursight", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Cmd,
}

/// Options every command takes.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Data folder of the embedded node (default: $XDG_DATA_HOME/pursight or ~/.local/share/pursight).
    #[arg(long, global = true, env = "PURSIGHT_DATA")]
    pub data: Option<PathBuf>,
    /// Talk to a running node's admin endpoint instead (e.g. http://127.0.0.1:7480).
    #[arg(long, global = true, env = "PURSIGHT_ENDPOINT")]
    pub endpoint: Option<String>,
    /// Bearer token for --endpoint.
    #[arg(long, global = true, env = "PURSIGHT_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Log filter (e.g. info, pursight_node=debug); logs go to stderr.
    #[arg(long, global = true, env = "PURSIGHT_LOG", default_value = "warn")]
    pub log: String,
}

/// How results are printed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Scan the bundled sample company, print what is sensitive, and exit (or keep serving).
    Demo {
        /// Keep the node running with its admin endpoint after the scan.
        #[arg(long)]
        serve: bool,
        /// Admin endpoint address for --serve.
        #[arg(long, default_value = "127.0.0.1:7480")]
        listen: String,
    },
    /// Run a node from its config file.
    Node {
        /// Path to the node's TOML config.
        #[arg(long)]
        config: PathBuf,
    },
    /// Scan a source (a URI such as sqlite:///path.db or file:///dir, or a registered source id)
    /// and print every table with its columns and classifications.
    Scan {
        /// Source URI or id.
        source: String,
        /// Id to register a URI under (default: derived from the URI).
        #[arg(long)]
        name: Option<String>,
        /// With --endpoint: return right after queuing instead of waiting for the result.
        #[arg(long)]
        no_wait: bool,
    },
    /// Register, list or remove data sources.
    #[command(subcommand)]
    Source(SourceCmd),
    /// Search and inspect the catalog.
    #[command(subcommand)]
    Catalog(CatalogCmd),
}

#[derive(Subcommand, Debug)]
pub enum SourceCmd {
    /// Register a source.
    Add {
        /// Source id (letters, digits, `_`, `-`).
        id: String,
        /// Connection URI (sqlite:///path.db, file:///dir).
        uri: String,
        /// Site label (where the data lives).
        #[arg(long)]
        site: Option<String>,
    },
    /// List sources.
    List,
    /// Remove a source and its catalog entries.
    Rm {
        /// Source id.
        id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum CatalogCmd {
    /// Find tables by text, classification type or source.
    Search {
        /// Text in a table id or column name (empty: everything).
        #[arg(default_value = "")]
        query: String,
        /// Only tables with a column of this type (e.g. EMAIL_ADDRESS).
        #[arg(long)]
        classification: Option<String>,
        /// Only tables of this source.
        #[arg(long)]
        source: Option<String>,
    },
    /// Show one table or column by asset id.
    Show {
        /// Asset id: source.database.schema.table[.column].
        asset: String,
    },
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let g = cli.global;
    match cli.command {
        Cmd::Demo { serve, listen } => demo::run(&g, serve, &listen).await,
        Cmd::Node { config } => serve::run_node(&config).await,
        cmd => match &g.endpoint {
            Some(endpoint) => client::run(&g, endpoint, cmd).await,
            None => embedded::run(&g, cmd).await,
        },
    }
}

/// The embedded node's default data folder.
pub fn default_data_dir() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(x).join("pursight");
    }
    match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/share/pursight"),
        None => PathBuf::from(".pursight"),
    }
}

/// Derives a source id from a URI: the file or folder name, cleaned up.
pub fn source_id_from_uri(uri: &str) -> String {
    let path = uri.split("://").nth(1).unwrap_or(uri).trim_end_matches('/');
    let last = path.rsplit('/').next().unwrap_or(path);
    let stem = last.split('.').next().unwrap_or(last);
    let id: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if id.is_empty() { "source".into() } else { id }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_ids_from_uris() {
        assert_eq!(source_id_from_uri("sqlite:///tmp/My Shop.db"), "My_Shop");
        assert_eq!(source_id_from_uri("file:///data/exports/"), "exports");
        assert_eq!(source_id_from_uri("file:///"), "source");
    }

    #[test]
    fn cli_parses() {
        Cli::try_parse_from(["pursight", "scan", "sqlite:///x.db", "--format", "json"])
            .expect("scan");
        Cli::try_parse_from([
            "pursight",
            "catalog",
            "search",
            "--classification",
            "EMAIL_ADDRESS",
        ])
        .expect("search");
        assert!(Cli::try_parse_from(["pursight", "frobnicate"]).is_err());
    }
}
