//! `pursight cluster init`: a new cluster's CA, its first node's identity and config, and
//! the admin token — everything `pursight node --config DIR/node.toml` needs.

use std::path::{Path, PathBuf};

use pursight_mesh::{Identity, Role};

use super::join::{CERT_VALIDITY, JoinError, write_config, write_secret};
use crate::config::{ClusterConfig, NodeConfig};

/// What `cluster init` is asked for.
#[derive(Clone, Debug)]
pub struct InitOptions {
    pub name: String,
    pub out: PathBuf,
    pub mesh_listen: String,
    pub mesh_advertise: Option<String>,
    pub admin_listen: String,
    pub site: Option<String>,
}

/// What `cluster init` made.
#[derive(Clone, Debug, serde::Serialize)]
pub struct InitOutcome {
    pub config: PathBuf,
    pub ca_fingerprint: String,
    pub admin_token_file: PathBuf,
}

/// Creates the cluster in `opts.out`, which must not hold a node already.
pub fn init(opts: &InitOptions) -> Result<InitOutcome, JoinError> {
    if opts.name.trim().is_empty() {
        return Err(JoinError::Invalid(
            "the cluster name must not be empty".into(),
        ));
    }
    let config_path = opts.out.join("node.toml");
    if config_path.exists() {
        return Err(JoinError::AlreadyJoined(config_path));
    }
    let invalid = |e: pursight_mesh::PkiError| JoinError::Invalid(e.to_string());
    let ca = pursight_mesh::new_ca(&opts.name).map_err(invalid)?;
    let leaf = pursight_mesh::issue_node_cert(&ca, 1, CERT_VALIDITY).map_err(invalid)?;
    let identity = Identity {
        node_id: 1,
        ca_pem: ca.cert_pem.clone(),
        cert_pem: leaf.cert_pem,
        key_pem: leaf.key_pem,
    };
    let tls_dir = opts.out.join("tls");
    identity
        .save(&tls_dir)
        .map_err(|e| JoinError::Write(tls_dir.clone(), e.to_string()))?;
    write_secret(&tls_dir.join("ca.key"), &ca.key_pem)?;
    write_secret(
        &tls_dir.join("secrets.key"),
        &pursight_actors::secrets::SecretBox::new_key_hex(),
    )?;
    let token_file = opts.out.join("admin.token");
    write_secret(&token_file, &super::token::random_hex(24))?;
    let config = NodeConfig::cluster_member(
        1,
        &opts.admin_listen,
        ClusterConfig {
            name: opts.name.clone(),
            role: Role::Core,
            site: opts.site.clone(),
            bootstrap: true,
            peers: Vec::new(),
        },
        &opts.mesh_listen,
        opts.mesh_advertise.clone(),
    );
    write_config(&config_path, &config)?;
    Ok(InitOutcome {
        config: config_path,
        ca_fingerprint: pursight_mesh::fingerprint(&ca.cert_pem).map_err(invalid)?,
        admin_token_file: token_file,
    })
}

/// Loads the CA key next to a node's identity, if this node has one (core nodes).
pub fn load_ca(
    tls_dir: &Path,
    ca_pem: &str,
) -> Result<Option<pursight_mesh::CertifiedKey>, std::io::Error> {
    match std::fs::read_to_string(tls_dir.join("ca.key")) {
        Ok(key_pem) => Ok(Some(pursight_mesh::CertifiedKey {
            cert_pem: ca_pem.to_string(),
            key_pem,
        })),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}
