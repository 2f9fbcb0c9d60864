//! The `pursight` command line. Commands without `--endpoint` run on an embedded node whose
//! data lives in one folder (`--data`, `$PURSIGHT_DATA`, else the user's data folder), so a
//! user can scan first and explore after; with `--endpoint` they talk to a running node.

mod classify;
mod client;
mod cluster;
mod demo;
mod output;
mod serve;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use pursight_actors::domain::SampleSize;

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
    /// Markdown (reports; other commands print their table).
    Md,
    /// One self-contained HTML file (reports; other commands print their table).
    Html,
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
        /// TESTS ONLY: let the admin API drop and delay this node's mesh traffic
        /// (`/api/v1/test/faults`), for the chaos harness.
        #[arg(long)]
        test_fault_injection: bool,
    },
    /// Create a cluster, show its state, remove a node.
    #[command(subcommand)]
    Cluster(ClusterCmd),
    /// Create tokens: join tokens for new nodes.
    #[command(subcommand)]
    Token(TokenCmd),
    /// Join a cluster with a join token, write this node's config into --data, and run it.
    Join(JoinArgs),
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
        /// Scan every table, also those unchanged since the last scan.
        #[arg(long)]
        force: bool,
        /// When registering a URI: rows sampled per table, or `full` for exact profiles.
        #[arg(long)]
        sample: Option<SampleSize>,
    },
    /// Register, list or remove data sources.
    #[command(subcommand)]
    Source(SourceCmd),
    /// Search and inspect the catalog.
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// List, inspect and cancel scan jobs.
    #[command(subcommand)]
    Scans(ScansCmd),
    /// The classification taxonomy, and the classifier's evaluation on the benchmark.
    #[command(subcommand)]
    Classify(ClassifyCmd),
    /// The compliance report: controls pass/fail, findings, risk, trend (`--format md`
    /// by default for a terminal, `json` or `html`).
    Report {
        /// Only this framework: gdpr, hipaa, pci-dss or soc2.
        #[arg(long)]
        framework: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Compliance findings: which rule each asset breaks, how badly, and where it stands.
    Findings {
        /// Only this framework: gdpr, hipaa, pci-dss or soc2.
        #[arg(long)]
        framework: Option<String>,
        /// Only this state: open, acknowledged, accepted_risk or resolved.
        #[arg(long)]
        state: Option<String>,
        /// Only this source.
        #[arg(long)]
        source: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ClassifyCmd {
    /// List every classification type with its category, sensitivity and frameworks.
    Types,
    /// Classify the labelled benchmark and print per-type precision, recall and F1, macro
    /// F1, the false-positive rate on non-sensitive columns, and throughput.
    Eval {
        /// Benchmark file (JSON lines, optionally gzip).
        #[arg(long, default_value_os_t = classify::default_benchmark())]
        benchmark: PathBuf,
        /// Tiers to run: a comma-separated subset of pattern, context, model (or `all`).
        #[arg(long, default_value = "all")]
        tiers: String,
        /// Compare tier combinations instead (pattern; +context; +model; all).
        #[arg(long, conflicts_with_all = ["tiers", "predictions"])]
        ablation: bool,
        /// Also write each column's prediction to this file (JSON lines).
        #[arg(long)]
        predictions: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ClusterCmd {
    /// Create a new cluster: its CA, the first node's certificate and config, an admin token.
    Init {
        /// Cluster name.
        #[arg(long)]
        name: String,
        /// Folder for the first node (config, tls/, admin.token, data/).
        #[arg(long)]
        out: PathBuf,
        /// QUIC listen address of the first node.
        #[arg(long, default_value = "127.0.0.1:7481")]
        mesh_listen: String,
        /// Address peers reach the first node at (default: --mesh-listen).
        #[arg(long)]
        advertise: Option<String>,
        /// Admin HTTP listen address of the first node.
        #[arg(long, default_value = "127.0.0.1:7480")]
        admin_listen: String,
        /// Site label of the first node.
        #[arg(long)]
        site: Option<String>,
    },
    /// Nodes, roles, leader, term, applied index per node, RTTs (needs --endpoint).
    Status,
    /// Remove a node from the cluster (needs --endpoint).
    Remove {
        /// Node id.
        node: u64,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCmd {
    /// Create a token (needs --endpoint).
    Create {
        /// A join token for a new node (single use, expiring).
        #[arg(long, required = true)]
        join: bool,
        /// Role the new node gets.
        #[arg(long, value_enum, default_value_t = RoleArg::Core)]
        role: RoleArg,
        /// Lifetime, e.g. 30m, 1h, 2d.
        #[arg(long, default_value = "1h", value_parser = parse_ttl)]
        ttl: std::time::Duration,
        /// Site label the new node gets.
        #[arg(long)]
        site: Option<String>,
    },
}

/// A node's role, as the CLI takes it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Raft voter.
    Core,
    /// Raft learner: a read replica.
    Replica,
    /// Next to the data, outside the Raft group: runs the scans of its site.
    Edge,
}

impl From<RoleArg> for pursight_mesh::Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Core => pursight_mesh::Role::Core,
            RoleArg::Replica => pursight_mesh::Role::Replica,
            RoleArg::Edge => pursight_mesh::Role::Edge,
        }
    }
}

/// `pursight join`.
#[derive(Args, Debug)]
pub struct JoinArgs {
    /// Join token from `pursight token create --join`.
    #[arg(long, env = "PURSIGHT_JOIN_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Mesh address (host:port) of a core node of the cluster.
    #[arg(long)]
    pub seed: String,
    /// QUIC listen address of this node.
    #[arg(long, default_value = "127.0.0.1:7481")]
    pub mesh_listen: String,
    /// Address peers reach this node at (default: --mesh-listen).
    #[arg(long)]
    pub advertise: Option<String>,
    /// Admin HTTP listen address of this node.
    #[arg(long, default_value = "127.0.0.1:7480")]
    pub admin_listen: String,
    /// Site label (the token's site, if it has one, wins).
    #[arg(long)]
    pub site: Option<String>,
    /// The role this node expects (the token decides; a token for another role is refused
    /// before it is spent). `edge`: a node next to the data, outside the Raft group.
    #[arg(long, value_enum)]
    pub role: Option<RoleArg>,
    /// Only write the config; do not run the node.
    #[arg(long)]
    pub no_start: bool,
}

/// Parses `90s`, `30m`, `1h`, `2d` (a bare number is seconds).
fn parse_ttl(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration like 30m, 1h or 2d"))?;
    let secs = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return Err(format!("unknown unit `{unit}` (use s, m, h or d)")),
    };
    Ok(std::time::Duration::from_secs(n.saturating_mul(secs)))
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
        /// Rows sampled per table (default 1000), or `full` for exact profiles.
        #[arg(long)]
        sample: Option<SampleSize>,
        /// `preferred`: scan in the source's site when a node there is up, else on the
        /// nearest node; `strict`: only ever in its site (waits when none is up).
        #[arg(long, default_value = "preferred")]
        residency: pursight_actors::domain::Residency,
        /// Scan automatically on a cron schedule (five fields, UTC), e.g. "0 2 * * *".
        #[arg(long)]
        schedule: Option<String>,
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
pub enum ScansCmd {
    /// Scan jobs, newest first.
    List,
    /// One scan job with its progress.
    Show {
        /// Scan id.
        id: String,
    },
    /// Cancel a queued or running scan (a running one stops after its current table).
    Cancel {
        /// Scan id.
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
    /// Show one table or column by asset id, with why each type was found.
    Show {
        /// Asset id: source.database.schema.table[.column].
        asset: String,
    },
    /// Correct a column's classifications as a data steward; corrections survive rescans.
    Correct {
        /// Column asset id: source.database.schema.table.column.
        asset: String,
        /// Confirm a type: it stays at full confidence whatever later scans find (added if
        /// the classifier did not find it).
        #[arg(long, value_name = "TYPE")]
        confirm: Vec<String>,
        /// Reject a type: never reported on this column again.
        #[arg(long, value_name = "TYPE")]
        reject: Vec<String>,
        /// Set a type the classifier missed.
        #[arg(long, value_name = "TYPE")]
        set: Vec<String>,
        /// Forget an earlier correction of a type.
        #[arg(long, value_name = "TYPE")]
        reset: Vec<String>,
        /// Who corrects (recorded in the audit trail).
        #[arg(long, default_value = "admin")]
        by: String,
        /// Why (recorded in the audit trail).
        #[arg(long)]
        reason: Option<String>,
    },
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let g = cli.global;
    match cli.command {
        Cmd::Demo { serve, listen } => demo::run(&g, serve, &listen).await,
        Cmd::Node {
            config,
            test_fault_injection,
        } => serve::run_node(&config, test_fault_injection).await,
        Cmd::Cluster(c) => cluster::run_cluster(&g, c).await,
        Cmd::Token(t) => cluster::run_token(&g, t).await,
        Cmd::Join(j) => cluster::run_join(&g, j).await,
        Cmd::Classify(c) => classify::run(&g, c),
        cmd => match &g.endpoint {
            Some(endpoint) => client::run(&g, endpoint, cmd).await,
            None => client::run_embedded(&g, cmd).await,
        },
    }
}

/// Builds a correction request from `catalog correct` flags.
fn correction_request(
    confirm: &[String],
    reject: &[String],
    set: &[String],
    reset: &[String],
    by: &str,
    reason: Option<String>,
) -> anyhow::Result<crate::service::CorrectionRequest> {
    use pursight_actors::corrections::CorrectionAction as A;
    let mut corrections = Vec::new();
    for (list, action) in [
        (confirm, A::Confirm),
        (reject, A::Reject),
        (set, A::Set),
        (reset, A::Reset),
    ] {
        for t in list {
            corrections.push(crate::service::CorrectionItem {
                type_id: t.parse().map_err(|e: String| anyhow::anyhow!(e))?,
                action,
            });
        }
    }
    if corrections.is_empty() {
        anyhow::bail!("nothing to correct: pass --confirm, --reject, --set or --reset with a type");
    }
    Ok(crate::service::CorrectionRequest {
        by: Some(by.to_string()),
        reason,
        corrections,
    })
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
    // From the host and path only: user info (a password) and the query never get into an
    // id, which is replicated and is the first segment of every asset id.
    let path = match url::Url::parse(uri) {
        Ok(u) => {
            let path = percent_encoding::percent_decode_str(u.path())
                .decode_utf8_lossy()
                .trim_end_matches('/')
                .to_string();
            if path.is_empty() {
                u.host_str().unwrap_or_default().to_string()
            } else {
                path
            }
        }
        Err(_) => uri
            .split("://")
            .nth(1)
            .unwrap_or(uri)
            .rsplit('@')
            .next()
            .unwrap_or_default()
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string(),
    };
    let path = path.as_str();
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
        assert_eq!(source_id_from_uri("mysql://root:pw@db.internal"), "db");
        assert_eq!(
            source_id_from_uri("postgres://u:secret@h:5432/sales?password_env=X"),
            "sales"
        );
        assert!(!source_id_from_uri("mysql://root:pw@10.0.0.1:3306").contains("pw"));
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
        Cli::try_parse_from([
            "pursight", "token", "create", "--join", "--role", "replica", "--ttl", "30m",
        ])
        .expect("token create");
    }

    #[test]
    fn ttls_parse() {
        assert_eq!(parse_ttl("90"), Ok(std::time::Duration::from_secs(90)));
        assert_eq!(parse_ttl("30m"), Ok(std::time::Duration::from_secs(1800)));
        assert_eq!(parse_ttl("2d"), Ok(std::time::Duration::from_secs(172_800)));
        assert!(parse_ttl("1w").is_err());
        assert!(parse_ttl("h").is_err());
    }
}
