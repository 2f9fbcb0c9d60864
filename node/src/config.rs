//! Node configuration: a versioned TOML file, validated before anything starts.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use pursight_mesh::Role;
use serde::{Deserialize, Serialize};

/// Why a config could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid config {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// A node's configuration file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// Config format version; this build reads 1.
    pub version: u32,
    /// This node's id in the cluster (> 0).
    pub node_id: u64,
    /// Where the node keeps its state (created if missing).
    pub data_dir: PathBuf,
    #[serde(default)]
    pub admin: AdminConfig,
    #[serde(default)]
    pub storage: StorageConfig,
    #[serde(default)]
    pub raft: RaftConfig,
    #[serde(default)]
    pub scan: ScanConfig,
    /// Cluster membership; absent for a standalone node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterConfig>,
    /// The QUIC mesh; required with `[cluster]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mesh: Option<MeshSection>,
}

/// This node's place in a cluster.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterConfig {
    pub name: String,
    pub role: Role,
    /// Site label (plant, branch, region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Only the node made by `cluster init`: it creates the Raft group on first start.
    #[serde(default)]
    pub bootstrap: bool,
    /// Members known when this node joined, to reach the cluster before Raft tells more.
    #[serde(default)]
    pub peers: Vec<PeerConfig>,
}

/// A member's id and mesh address.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PeerConfig {
    pub id: u64,
    pub addr: String,
}

/// The QUIC endpoint.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MeshSection {
    pub listen: String,
    /// Address peers use to reach this node (default: `listen`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advertise: Option<String>,
    /// Folder with ca.crt, node.crt, node.key (and ca.key on core nodes).
    pub tls_dir: PathBuf,
}

/// The admin HTTP endpoint.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AdminConfig {
    /// Listen address; loopback unless set otherwise.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// Bearer token every `/api/v1` request must carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// File holding the token (preferred to `token`: keeps the secret out of the config).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_file: Option<PathBuf>,
}

impl Default for AdminConfig {
    fn default() -> Self {
        Self {
            listen: default_listen(),
            token: None,
            token_file: None,
        }
    }
}

fn default_listen() -> String {
    "127.0.0.1:7480".into()
}

/// sled tuning.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    /// sled page cache in MiB (sled's own default is 1 GiB; edge machines are small).
    #[serde(default = "default_cache_mb")]
    pub cache_mb: u64,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            cache_mb: default_cache_mb(),
        }
    }
}

fn default_cache_mb() -> u64 {
    64
}

/// Raft tuning.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RaftConfig {
    #[serde(default = "default_snapshot_every")]
    pub snapshot_every: u64,
    #[serde(default = "default_keep")]
    pub keep_after_snapshot: u64,
    /// How often the leader sends heartbeats, in ms. The defaults suit core nodes in one
    /// data centre; links slower than the election timeout need larger values (see
    /// docs/CHAOS.md: delayed links).
    #[serde(default = "default_heartbeat_ms")]
    pub heartbeat_ms: u64,
    /// A follower that hears no leader for a random time in this range stands for election.
    #[serde(default = "default_election_min_ms")]
    pub election_min_ms: u64,
    #[serde(default = "default_election_max_ms")]
    pub election_max_ms: u64,
}

impl Default for RaftConfig {
    fn default() -> Self {
        Self {
            snapshot_every: default_snapshot_every(),
            keep_after_snapshot: default_keep(),
            heartbeat_ms: default_heartbeat_ms(),
            election_min_ms: default_election_min_ms(),
            election_max_ms: default_election_max_ms(),
        }
    }
}

fn default_heartbeat_ms() -> u64 {
    100
}
fn default_election_min_ms() -> u64 {
    300
}
fn default_election_max_ms() -> u64 {
    600
}

fn default_snapshot_every() -> u64 {
    5000
}
fn default_keep() -> u64 {
    1000
}

/// Scan tuning.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScanConfig {
    /// Rows sampled per table.
    #[serde(default = "default_sample_rows")]
    pub sample_rows: usize,
    /// Scans that run at once on this node.
    #[serde(default = "default_workers")]
    pub workers: usize,
    /// Scans that may wait for a worker; more are refused (backpressure).
    #[serde(default = "default_queue")]
    pub queue: usize,
}

impl Default for ScanConfig {
    fn default() -> Self {
        Self {
            sample_rows: default_sample_rows(),
            workers: default_workers(),
            queue: default_queue(),
        }
    }
}

fn default_sample_rows() -> usize {
    1000
}
fn default_workers() -> usize {
    2
}
fn default_queue() -> usize {
    64
}

impl NodeConfig {
    /// The config `cluster init` and `join` write: files next to it (`data/`, `tls/`,
    /// `admin.token`), defaults for everything else.
    pub fn cluster_member(
        node_id: u64,
        admin_listen: &str,
        cluster: ClusterConfig,
        mesh_listen: &str,
        mesh_advertise: Option<String>,
    ) -> Self {
        Self {
            version: 1,
            node_id,
            data_dir: PathBuf::from("data"),
            admin: AdminConfig {
                listen: admin_listen.to_string(),
                token: None,
                token_file: Some(PathBuf::from("admin.token")),
            },
            storage: StorageConfig::default(),
            raft: RaftConfig::default(),
            scan: ScanConfig::default(),
            cluster: Some(cluster),
            mesh: Some(MeshSection {
                listen: mesh_listen.to_string(),
                advertise: mesh_advertise,
                tls_dir: PathBuf::from("tls"),
            }),
        }
    }
}

/// A validated config with its secrets resolved.
#[derive(Clone, Debug)]
pub struct ResolvedConfig {
    pub file: NodeConfig,
    pub listen: SocketAddr,
    pub token: String,
    /// Mesh listen and advertised addresses, when clustered.
    pub mesh: Option<(SocketAddr, String)>,
}

impl NodeConfig {
    /// Reads, parses and validates a config file. Relative `data_dir` and `token_file` are
    /// taken relative to the config file's folder.
    pub fn load(path: &Path) -> Result<ResolvedConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut cfg: NodeConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.message().to_string()
                + &e.span()
                    .map(|s| format!(" (at byte {})", s.start))
                    .unwrap_or_default(),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        if cfg.data_dir.is_relative() {
            cfg.data_dir = base.join(&cfg.data_dir);
        }
        if let Some(f) = &cfg.admin.token_file
            && f.is_relative()
        {
            cfg.admin.token_file = Some(base.join(f));
        }
        if let Some(m) = &mut cfg.mesh
            && m.tls_dir.is_relative()
        {
            m.tls_dir = base.join(&m.tls_dir);
        }
        cfg.validate(path)
    }

    fn validate(self, path: &Path) -> Result<ResolvedConfig, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        if self.version != 1 {
            return Err(invalid(format!(
                "version {} is not supported (expected 1)",
                self.version
            )));
        }
        if self.node_id == 0 {
            return Err(invalid("node_id must be greater than 0".into()));
        }
        let listen: SocketAddr = self
            .admin
            .listen
            .parse()
            .map_err(|e| invalid(format!("admin.listen `{}`: {e}", self.admin.listen)))?;
        let token = match (&self.admin.token, &self.admin.token_file) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "set admin.token or admin.token_file, not both".into(),
                ));
            }
            (Some(t), None) => t.trim().to_string(),
            (None, Some(f)) => std::fs::read_to_string(f)
                .map_err(|e| invalid(format!("admin.token_file {}: {e}", f.display())))?
                .trim()
                .to_string(),
            (None, None) => {
                return Err(invalid(
                    "admin.token or admin.token_file is required".into(),
                ));
            }
        };
        if token.len() < 16 {
            return Err(invalid(
                "the admin token must be at least 16 characters".into(),
            ));
        }
        if self.scan.sample_rows == 0 || self.scan.sample_rows > 1_000_000 {
            return Err(invalid(
                "scan.sample_rows must be between 1 and 1000000".into(),
            ));
        }
        if self.scan.workers == 0 || self.scan.workers > 64 {
            return Err(invalid("scan.workers must be between 1 and 64".into()));
        }
        let r = &self.raft;
        if r.heartbeat_ms == 0
            || r.election_min_ms < 2 * r.heartbeat_ms
            || r.election_max_ms <= r.election_min_ms
            || r.election_max_ms > 60_000
        {
            return Err(invalid(
                "raft timings: need 0 < heartbeat_ms, election_min_ms >= 2 × heartbeat_ms, \
                 election_min_ms < election_max_ms <= 60000"
                    .into(),
            ));
        }
        if self.raft.snapshot_every == 0 {
            return Err(invalid("raft.snapshot_every must be greater than 0".into()));
        }
        let mesh = match (&self.cluster, &self.mesh) {
            (None, None) => None,
            (Some(_), None) | (None, Some(_)) => {
                return Err(invalid(
                    "[cluster] and [mesh] go together: set both or neither".into(),
                ));
            }
            (Some(c), Some(m)) => {
                if c.name.trim().is_empty() {
                    return Err(invalid("cluster.name must not be empty".into()));
                }
                if c.role == Role::Edge && c.peers.is_empty() {
                    return Err(invalid(
                        "an edge node needs cluster.peers: the core nodes it reaches the \
                         cluster through"
                            .into(),
                    ));
                }
                if c.role == Role::Edge && c.bootstrap {
                    return Err(invalid("an edge node cannot bootstrap a cluster".into()));
                }
                let listen: SocketAddr = m
                    .listen
                    .parse()
                    .map_err(|e| invalid(format!("mesh.listen `{}`: {e}", m.listen)))?;
                let advertise = m.advertise.clone().unwrap_or_else(|| m.listen.clone());
                let adv: SocketAddr = advertise
                    .parse()
                    .map_err(|e| invalid(format!("mesh.advertise `{advertise}`: {e}")))?;
                if adv.ip().is_unspecified() {
                    return Err(invalid(format!(
                        "peers cannot reach {adv}: set mesh.advertise to this node's address"
                    )));
                }
                for p in &c.peers {
                    p.addr.parse::<SocketAddr>().map_err(|e| {
                        invalid(format!("cluster.peers: node {} `{}`: {e}", p.id, p.addr))
                    })?;
                }
                Some((listen, advertise))
            }
        };
        Ok(ResolvedConfig {
            file: self,
            listen,
            token,
            mesh,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<ResolvedConfig, ConfigError> {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("node.toml");
        std::fs::write(&p, text).expect("write");
        NodeConfig::load(&p)
    }

    #[test]
    fn a_minimal_config_gets_safe_defaults() {
        let c = load("version = 1\nnode_id = 1\ndata_dir = \"data\"\n[admin]\ntoken = \"0123456789abcdef\"\n").expect("valid");
        assert!(c.listen.ip().is_loopback());
        assert!(c.file.data_dir.ends_with("data") && c.file.data_dir.is_absolute());
        assert_eq!(c.file.storage.cache_mb, 64);
        assert_eq!(
            (
                c.file.raft.heartbeat_ms,
                c.file.raft.election_min_ms,
                c.file.raft.election_max_ms
            ),
            (100, 300, 600)
        );
    }

    #[test]
    fn raft_timings_are_checked() {
        let base = "version = 1\nnode_id = 1\ndata_dir = \"data\"\n[admin]\ntoken = \"0123456789abcdef\"\n[raft]\n";
        let ok = load(&format!(
            "{base}heartbeat_ms = 500\nelection_min_ms = 2000\nelection_max_ms = 4000\n"
        ))
        .expect("slow links");
        assert_eq!(ok.file.raft.election_max_ms, 4000);
        for bad in [
            "heartbeat_ms = 0\n",
            "heartbeat_ms = 400\n",
            "election_min_ms = 700\n",
            "election_max_ms = 100000\n",
        ] {
            let Err(e) = load(&format!("{base}{bad}")) else {
                panic!("{bad} accepted");
            };
            assert!(e.to_string().contains("raft timings"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_shipped_examples_parse() {
        for text in [
            include_str!("../../config/node.example.toml"),
            include_str!("../../config/cluster-node.example.toml"),
            include_str!("../../config/edge-node.example.toml"),
        ] {
            toml::from_str::<NodeConfig>(text).expect("example parses");
        }
    }

    #[test]
    fn cluster_sections_are_checked() {
        let base =
            "version = 1\nnode_id = 2\ndata_dir = \"d\"\n[admin]\ntoken = \"0123456789abcdef\"\n";
        let cases = [
            ("[cluster]\nname = \"x\"\nrole = \"core\"\n", "go together"),
            (
                "[cluster]\nname = \"x\"\nrole = \"core\"\n[mesh]\nlisten = \"0.0.0.0:1\"\ntls_dir = \"t\"\n",
                "mesh.advertise",
            ),
            (
                "[cluster]\nname = \"x\"\nrole = \"edge\"\n[mesh]\nlisten = \"127.0.0.1:1\"\ntls_dir = \"t\"\n",
                "edge",
            ),
            (
                "[cluster]\nname = \"x\"\nrole = \"core\"\npeers = [{ id = 1, addr = \"nowhere\" }]\n[mesh]\nlisten = \"127.0.0.1:1\"\ntls_dir = \"t\"\n",
                "cluster.peers",
            ),
        ];
        for (extra, needle) in cases {
            let err = load(&format!("{base}{extra}"))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(needle), "expected `{needle}` in `{err}`");
        }
        let ok = load(&format!(
            "{base}[cluster]\nname = \"x\"\nrole = \"replica\"\n[mesh]\nlisten = \"0.0.0.0:7481\"\nadvertise = \"10.0.0.2:7481\"\ntls_dir = \"tls\"\n"
        ))
        .expect("valid cluster config");
        let (listen, advertise) = ok.mesh.expect("mesh");
        assert_eq!(listen.port(), 7481);
        assert_eq!(advertise, "10.0.0.2:7481");
        assert!(ok.file.mesh.expect("mesh").tls_dir.is_absolute());
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        let cases = [
            ("version = 1\nnode_id = 1\n", "data_dir"),
            (
                "version = 2\nnode_id = 1\ndata_dir = \"d\"\n[admin]\ntoken = \"0123456789abcdef\"\n",
                "version 2",
            ),
            (
                "version = 1\nnode_id = 0\ndata_dir = \"d\"\n[admin]\ntoken = \"0123456789abcdef\"\n",
                "node_id",
            ),
            ("version = 1\nnode_id = 1\ndata_dir = \"d\"\n", "token"),
            (
                "version = 1\nnode_id = 1\ndata_dir = \"d\"\n[admin]\ntoken = \"short\"\n",
                "16 characters",
            ),
            (
                "version = 1\nnode_id = 1\ndata_dir = \"d\"\nbogus = 3\n[admin]\ntoken = \"0123456789abcdef\"\n",
                "bogus",
            ),
            (
                "version = 1\nnode_id = 1\ndata_dir = \"d\"\n[admin]\nlisten = \"nowhere\"\ntoken = \"0123456789abcdef\"\n",
                "admin.listen",
            ),
            ("this is = = not toml", "invalid config"),
        ];
        for (text, needle) in cases {
            let err = load(text).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains(needle), "expected `{needle}` in `{err}`");
        }
        let missing = NodeConfig::load(Path::new("/no/such/pursight.toml"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(missing.contains("cannot read config"), "{missing}");
    }
}
