//! Source credentials at rest: sealed with ChaCha20-Poly1305 (AEAD, ring) under a 256-bit
//! key that never enters the replicated state. Only the sealed form is stored and
//! replicated; it is opened in memory on the node that connects to the source.

use std::path::Path;

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

/// Environment variable that may hold the key (64 hex characters), overriding the file.
pub const KEY_ENV: &str = "PURSIGHT_SECRET_KEY";

/// Why a secret could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("secret key: {0}")]
    Key(String),
    #[error("sealed secret is damaged or was sealed with another key")]
    Open,
    #[error("sealing failed")]
    Seal,
}

/// Seals and opens secrets with one key.
#[derive(Clone)]
pub struct SecretBox {
    key: std::sync::Arc<LessSafeKey>,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}

impl SecretBox {
    /// A box from 32 key bytes.
    pub fn from_key(bytes: &[u8]) -> Result<Self, SecretError> {
        let key = UnboundKey::new(&CHACHA20_POLY1305, bytes)
            .map_err(|_| SecretError::Key("the key must be 32 bytes".into()))?;
        Ok(Self {
            key: std::sync::Arc::new(LessSafeKey::new(key)),
        })
    }

    /// The key from `$PURSIGHT_SECRET_KEY`, else from `file` (64 hex characters), which is
    /// created with a fresh random key (mode 0600) when missing.
    pub fn load_or_create(file: &Path) -> Result<Self, SecretError> {
        let text = match std::env::var(KEY_ENV) {
            Ok(v) => v,
            Err(_) => match std::fs::read_to_string(file) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let key = Self::new_key_hex();
                    write_private(file, &key)
                        .map_err(|e| SecretError::Key(format!("{}: {e}", file.display())))?;
                    key
                }
                Err(e) => return Err(SecretError::Key(format!("{}: {e}", file.display()))),
            },
        };
        let bytes = unhex(text.trim())
            .ok_or_else(|| SecretError::Key("expected 64 hex characters".into()))?;
        Self::from_key(&bytes)
    }

    /// A fresh random key, hex.
    pub fn new_key_hex() -> String {
        let mut key = [0u8; 32];
        rand::fill(&mut key[..]);
        hex(&key)
    }

    /// Seals `plain`: `v1.<nonce hex>.<ciphertext+tag hex>`.
    pub fn seal(&self, plain: &str) -> Result<String, SecretError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::fill(&mut nonce[..]);
        let mut buf = plain.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut buf)
            .map_err(|_| SecretError::Seal)?;
        Ok(format!("v1.{}.{}", hex(&nonce), hex(&buf)))
    }

    /// Opens what [`Self::seal`] made.
    pub fn open(&self, sealed: &str) -> Result<String, SecretError> {
        let mut parts = sealed.split('.');
        let (Some("v1"), Some(n), Some(c), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(SecretError::Open);
        };
        let nonce: [u8; NONCE_LEN] = unhex(n)
            .and_then(|v| v.try_into().ok())
            .ok_or(SecretError::Open)?;
        let mut buf = unhex(c).ok_or(SecretError::Open)?;
        let plain = self
            .key
            .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut buf)
            .map_err(|_| SecretError::Open)?;
        String::from_utf8(plain.to_vec()).map_err(|_| SecretError::Open)
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_opens_and_refuses_tampering_or_another_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("secrets.key");
        let a = SecretBox::load_or_create(&file).expect("created");
        let again = SecretBox::load_or_create(&file).expect("reloaded");
        let sealed = a.seal("pa:ss@w/rd").expect("seal");
        assert!(!sealed.contains("pa:ss"));
        assert_eq!(again.open(&sealed).expect("open"), "pa:ss@w/rd");
        assert_ne!(
            a.seal("x").expect("seal"),
            a.seal("x").expect("seal"),
            "fresh nonces"
        );
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('0') { '1' } else { '0' });
        assert!(a.open(&tampered).is_err());
        let other = SecretBox::from_key(&[7u8; 32]).expect("key");
        assert!(other.open(&sealed).is_err());
        assert!(a.open("garbage").is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
