//! Joining a cluster: the seed's side (spend the token, sign the certificate, register the
//! node) and the joiner's side (ask, then write its identity and config to disk).
//!
//! The joiner's private key never leaves it: it sends a CSR. The Raft membership change is
//! not done here but by the joined node once it runs (see [`super::heartbeat`]), so a
//! voter is only added after it has caught up.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::registry::NodeRecord;
use crate::state::{Command, CommandResult};
use pursight_actors::domain::now_ms;
use pursight_mesh::{CertifiedKey, Identity, Role};

use super::membership;
use super::rpc::{JoinRequest, JoinResponse};
use super::token::{ParsedToken, secret_hash};
use crate::config::{ClusterConfig, NodeConfig, PeerConfig};
use crate::raft::RaftNode;

/// How long a node certificate is valid. Rotation is not automated yet.
pub const CERT_VALIDITY: Duration = Duration::from_secs(365 * 24 * 3600);
/// How long the joiner waits for the seed.
const JOIN_TIMEOUT: Duration = Duration::from_secs(60);

/// The seed's side of a join. Errors are the refusal text sent back (and logged).
pub async fn serve(
    raft: &RaftNode,
    ca: Option<&CertifiedKey>,
    cluster_name: &str,
    admin_token: &str,
    secrets_key: &str,
    req: JoinRequest,
) -> Result<JoinResponse, String> {
    let ca = ca.ok_or(
        "this node holds no CA key and cannot sign certificates; use a core node as the seed",
    )?;
    let token: ParsedToken = req.token.parse().map_err(|e| format!("{e}"))?;
    let ours = pursight_mesh::fingerprint(&ca.cert_pem).map_err(|e| e.to_string())?;
    if token.ca_fingerprint != ours {
        return Err("the join token belongs to another cluster (CA fingerprint differs)".into());
    }
    for (what, addr) in [("mesh", &req.mesh_addr), ("admin", &req.admin_addr)] {
        let a = addr
            .parse::<std::net::SocketAddr>()
            .map_err(|e| format!("{what} address `{addr}`: {e}"))?;
        if what == "mesh" && a.ip().is_unspecified() {
            return Err(format!(
                "peers cannot dial {a}: pass --advertise with this node's address"
            ));
        }
    }
    // Checked against the local state first, so a made-up token costs no Raft write; a
    // token this node has not seen yet gets one read-index round before it is refused.
    let hash = secret_hash(&token.secret);
    let local_check = || -> Result<(), String> {
        match raft.reader().join_token(&token.id) {
            Ok(Some(t)) if req.role.is_some_and(|r| r != t.role) => Err(format!(
                "the join token is for a {:?} node, not {:?} (the token was not spent)",
                t.role,
                req.role.unwrap_or(t.role)
            )),
            Ok(Some(t)) => t.check(&hash, now_ms()).map_err(|r| r.to_string()),
            Ok(None) => Err("unknown join token".into()),
            Err(e) => Err(e.to_string()),
        }
    };
    if local_check().is_err() {
        raft.linearizable_barrier()
            .await
            .map_err(|e| format!("cannot check the token: {e}"))?;
        local_check()?;
    }
    // Check the CSR before spending the token, so a broken joiner does not burn it.
    pursight_mesh::sign_node_csr(ca, &req.csr_pem, u64::MAX, CERT_VALIDITY)
        .map_err(|e| format!("certificate request: {e}"))?;
    let spent = raft
        .propose(Command::ConsumeJoinToken {
            id: token.id.clone(),
            secret_sha256: hash,
            at_ms: now_ms(),
        })
        .await
        .map_err(|e| format!("cannot reach the cluster to spend the token: {e}"))?;
    let (node_id, role, token_site) = match spent {
        CommandResult::Joined {
            node_id,
            role,
            site,
        } => (node_id, role, site),
        CommandResult::TokenRefused(r) => return Err(r.to_string()),
        other => return Err(format!("unexpected answer spending the token: {other:?}")),
    };
    let cert_pem = pursight_mesh::sign_node_csr(ca, &req.csr_pem, node_id, CERT_VALIDITY)
        .map_err(|e| format!("signing the certificate: {e}"))?;
    let site = token_site.or(req.site);
    let record = NodeRecord {
        id: node_id,
        role,
        site: site.clone(),
        mesh_addr: req.mesh_addr,
        admin_addr: req.admin_addr,
        version: req.version,
        joined_at_ms: now_ms(),
        last_heartbeat_ms: None,
        removed_at_ms: None,
    };
    raft.propose(Command::RegisterNode(record))
        .await
        .map_err(|e| format!("registering node {node_id}: {e}"))?;
    Ok(JoinResponse {
        node_id,
        role,
        site,
        cluster_name: cluster_name.to_string(),
        cert_pem,
        ca_key_pem: (role == Role::Core).then(|| ca.key_pem.clone()),
        // An edge node is outside the trust boundary of the core: it gets no cluster admin
        // token (it makes its own for its local endpoint).
        admin_token: if role == Role::Edge {
            String::new()
        } else {
            admin_token.to_string()
        },
        secrets_key: secrets_key.to_string(),
        peers: membership::members(raft),
    })
}

/// Where a joining node will listen and keep its files.
#[derive(Clone, Debug)]
pub struct JoinOptions {
    pub token: String,
    pub seed: String,
    pub dir: PathBuf,
    pub mesh_listen: String,
    pub mesh_advertise: Option<String>,
    pub admin_listen: String,
    pub site: Option<String>,
    /// The role the joiner expects; the seed refuses a token for another role.
    pub role: Option<Role>,
}

/// Why joining failed.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("{0} already holds a node config; start it with `pursight node --config {0}`")]
    AlreadyJoined(PathBuf),
    #[error(transparent)]
    Token(#[from] super::token::TokenFormatError),
    #[error("the seed {seed} refused or could not be reached: {reason}")]
    Seed { seed: String, reason: String },
    #[error("writing {0}: {1}")]
    Write(PathBuf, String),
    #[error("{0}")]
    Invalid(String),
}

/// The joiner's side: asks `seed` to admit this node, then writes `dir/node.toml`,
/// `dir/tls/` and `dir/admin.token`. Returns the config path.
pub async fn join(opts: &JoinOptions) -> Result<PathBuf, JoinError> {
    let config_path = opts.dir.join("node.toml");
    if config_path.exists() {
        return Err(JoinError::AlreadyJoined(config_path));
    }
    let token: ParsedToken = opts.token.parse()?;
    let advertise = opts
        .mesh_advertise
        .clone()
        .unwrap_or_else(|| opts.mesh_listen.clone());
    let csr = pursight_mesh::new_node_csr().map_err(|e| JoinError::Invalid(e.to_string()))?;
    let req = JoinRequest {
        token: opts.token.clone(),
        csr_pem: csr.csr_pem,
        mesh_addr: advertise.clone(),
        admin_addr: opts.admin_listen.clone(),
        site: opts.site.clone(),
        role: opts.role,
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let (resp, ca_pem): (JoinResponse, String) =
        pursight_mesh::join(&opts.seed, &token.ca_fingerprint, &req, JOIN_TIMEOUT)
            .await
            .map_err(|e| JoinError::Seed {
                seed: opts.seed.clone(),
                reason: e.to_string(),
            })?;
    let identity = Identity {
        node_id: resp.node_id,
        ca_pem,
        cert_pem: resp.cert_pem.clone(),
        key_pem: csr.key_pem,
    };
    let tls_dir = opts.dir.join("tls");
    identity
        .save(&tls_dir)
        .map_err(|e| JoinError::Write(tls_dir.clone(), e.to_string()))?;
    if let Some(key) = &resp.ca_key_pem {
        write_secret(&tls_dir.join("ca.key"), key)?;
    }
    let admin_token = if resp.admin_token.is_empty() {
        // An edge node's own token for its local endpoint (status, metrics).
        super::token::random_hex(24)
    } else {
        resp.admin_token.clone()
    };
    write_secret(&opts.dir.join("admin.token"), &admin_token)?;
    write_secret(&tls_dir.join("secrets.key"), &resp.secrets_key)?;
    let config = NodeConfig::cluster_member(
        resp.node_id,
        &opts.admin_listen,
        ClusterConfig {
            name: resp.cluster_name,
            role: resp.role,
            site: resp.site,
            bootstrap: false,
            peers: resp
                .peers
                .into_iter()
                .map(|(id, addr)| PeerConfig { id, addr })
                .collect(),
        },
        &opts.mesh_listen,
        opts.mesh_advertise.clone(),
    );
    write_config(&config_path, &config)?;
    Ok(config_path)
}

/// Writes a node config as TOML, atomically.
pub fn write_config(path: &Path, config: &NodeConfig) -> Result<(), JoinError> {
    let text = toml::to_string(config).map_err(|e| JoinError::Invalid(e.to_string()))?;
    write_atomic(path, text.as_bytes(), false)
}

/// Writes a secret readable by its owner only, atomically.
pub fn write_secret(path: &Path, text: &str) -> Result<(), JoinError> {
    write_atomic(path, text.as_bytes(), true)
}

fn write_atomic(path: &Path, bytes: &[u8], secret: bool) -> Result<(), JoinError> {
    let fail = |e: std::io::Error| JoinError::Write(path.to_path_buf(), e.to_string());
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let tmp = path.with_extension("tmp");
    {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if secret {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = secret;
        let mut f = opts.open(&tmp).map_err(fail)?;
        f.write_all(bytes).map_err(fail)?;
        f.sync_all().map_err(fail)?;
    }
    std::fs::rename(&tmp, path).map_err(fail)
}
