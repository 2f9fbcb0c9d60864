//! Who this node is on disk: `ca.crt`, `node.crt` and `node.key` in one directory.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::pki::{self, PkiError};

const CA_FILE: &str = "ca.crt";
const CERT_FILE: &str = "node.crt";
const KEY_FILE: &str = "node.key";

/// A node's TLS identity: the cluster CA, its own leaf certificate and private key (all PEM).
#[derive(Clone)]
pub struct Identity {
    /// The node id, as carried in the leaf certificate's SAN.
    pub node_id: u64,
    /// The cluster CA certificate.
    pub ca_pem: String,
    /// This node's leaf certificate.
    pub cert_pem: String,
    /// This node's private key. Secret.
    pub key_pem: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("node_id", &self.node_id)
            .field("key_pem", &"[secret]")
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// Builds an identity from PEM texts, reading the node id from the certificate and checking
    /// that it chains to the CA and matches the key.
    pub fn from_pem(ca_pem: String, cert_pem: String, key_pem: String) -> Result<Self, PkiError> {
        let ca = pki::first_cert_der(&ca_pem)?;
        let leaf = pki::first_cert_der(&cert_pem)?;
        let key = pki::key_der(&key_pem)?;
        pki::verify_leaf(&ca, &leaf, &key)?;
        Ok(Identity {
            node_id: pki::node_id_of(&leaf)?,
            ca_pem,
            cert_pem,
            key_pem,
        })
    }

    /// Loads `ca.crt`, `node.crt` and `node.key` from `dir` and checks them as [`Identity::from_pem`] does.
    pub fn load(dir: &Path) -> Result<Identity, PkiError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|source| PkiError::Io { path, source })
        };
        Self::from_pem(read(CA_FILE)?, read(CERT_FILE)?, read(KEY_FILE)?)
    }

    /// Writes the three files into `dir` (created if missing). Each file is written to a
    /// temporary name and renamed, so a crash never leaves a half-written identity; the key is 0600.
    pub fn save(&self, dir: &Path) -> Result<(), PkiError> {
        std::fs::create_dir_all(dir).map_err(|source| PkiError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        write_atomic(&dir.join(CA_FILE), self.ca_pem.as_bytes(), 0o644)?;
        write_atomic(&dir.join(CERT_FILE), self.cert_pem.as_bytes(), 0o644)?;
        write_atomic(&dir.join(KEY_FILE), self.key_pem.as_bytes(), 0o600)?;
        // Make the renames durable too.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

fn write_atomic(path: &Path, data: &[u8], mode: u32) -> Result<(), PkiError> {
    let io_err = |path: &Path| {
        let path: PathBuf = path.to_path_buf();
        move |source| PkiError::Io { path, source }
    };
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    // A leftover temp file may have looser permissions; the mode below applies only on create.
    match std::fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io_err(&tmp)(e)),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(&tmp).map_err(io_err(&tmp))?;
    file.write_all(data).map_err(io_err(&tmp))?;
    file.sync_all().map_err(io_err(&tmp))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(io_err(path))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn identity(ca: &pki::CertifiedKey, id: u64) -> Identity {
        let node = pki::issue_node_cert(ca, id, Duration::from_secs(3600)).unwrap();
        Identity {
            node_id: id,
            ca_pem: ca.cert_pem.clone(),
            cert_pem: node.cert_pem,
            key_pem: node.key_pem,
        }
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let ca = pki::new_ca("test").unwrap();
        let id = identity(&ca, 5);
        let sub = dir.path().join("tls");
        id.save(&sub).unwrap();
        let loaded = Identity::load(&sub).unwrap();
        assert_eq!(loaded.node_id, 5);
        assert_eq!(loaded.ca_pem, id.ca_pem);
        assert_eq!(loaded.cert_pem, id.cert_pem);
        assert_eq!(loaded.key_pem, id.key_pem);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(sub.join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Saving again over existing files works.
        id.save(&sub).unwrap();
    }

    #[test]
    fn load_refuses_cert_from_another_ca() {
        let dir = tempfile::tempdir().unwrap();
        let ca = pki::new_ca("a").unwrap();
        let other = pki::new_ca("b").unwrap();
        let mut id = identity(&other, 1);
        id.ca_pem = ca.cert_pem.clone();
        id.save(dir.path()).unwrap();
        let err = Identity::load(dir.path()).unwrap_err();
        assert!(matches!(err, PkiError::Untrusted(_)), "{err}");
    }

    #[test]
    fn load_refuses_mismatched_key() {
        let dir = tempfile::tempdir().unwrap();
        let ca = pki::new_ca("a").unwrap();
        let mut id = identity(&ca, 1);
        id.key_pem = identity(&ca, 2).key_pem;
        id.save(dir.path()).unwrap();
        assert!(Identity::load(dir.path()).is_err());
    }

    #[test]
    fn load_reports_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = Identity::load(dir.path()).unwrap_err();
        assert!(matches!(err, PkiError::Io { .. }), "{err}");
    }
}
