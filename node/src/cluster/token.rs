//! Join tokens: `psj1.<id>.<secret>.<ca sha-256>`.
//!
//! The id names the stored record, the secret proves the holder may join (only its hash is
//! replicated), and the CA fingerprint lets the joiner authenticate the cluster before it
//! has a certificate — the same idea as kubeadm's discovery hash.

use crate::registry::JoinToken;
use pursight_actors::domain::Millis;
use pursight_mesh::Role;

const PREFIX: &str = "psj1";

/// A token as the joiner holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedToken {
    pub id: String,
    pub secret: String,
    /// `sha256:<hex>`, as [`pursight_mesh::fingerprint`] prints it.
    pub ca_fingerprint: String,
}

/// Why a token string is not a join token.
#[derive(Debug, thiserror::Error)]
#[error("not a pursight join token ({0}); expected psj1.<id>.<secret>.<ca sha-256>")]
pub struct TokenFormatError(&'static str);

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl std::str::FromStr for ParsedToken {
    type Err = TokenFormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.trim().split('.');
        if parts.next() != Some(PREFIX) {
            return Err(TokenFormatError("wrong prefix"));
        }
        let (Some(id), Some(secret), Some(fp), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenFormatError("wrong number of parts"));
        };
        if !is_hex(id, 16) || !is_hex(secret, 64) || !is_hex(fp, 64) {
            return Err(TokenFormatError(
                "a part has the wrong length or characters",
            ));
        }
        Ok(Self {
            id: id.into(),
            secret: secret.into(),
            ca_fingerprint: format!("sha256:{fp}"),
        })
    }
}

impl std::fmt::Display for ParsedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fp = self
            .ca_fingerprint
            .strip_prefix("sha256:")
            .unwrap_or(&self.ca_fingerprint);
        write!(f, "{PREFIX}.{}.{}.{fp}", self.id, self.secret)
    }
}

/// `bytes` random bytes as lowercase hex.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::fill(&mut buf[..]);
    hex(&buf)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lowercase hex SHA-256 of a token secret: what the state stores.
pub fn secret_hash(secret: &str) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, secret.as_bytes()).as_ref())
}

/// A fresh token and the record to replicate for it.
pub fn mint(
    ca_fingerprint: &str,
    role: Role,
    site: Option<String>,
    now_ms: Millis,
    ttl_ms: Millis,
) -> (ParsedToken, JoinToken) {
    let token = ParsedToken {
        id: random_hex(8),
        secret: random_hex(32),
        ca_fingerprint: ca_fingerprint.to_string(),
    };
    let record = JoinToken {
        id: token.id.clone(),
        secret_sha256: secret_hash(&token.secret),
        role,
        site,
        created_at_ms: now_ms,
        expires_at_ms: now_ms.saturating_add(ttl_ms),
        used_by: None,
    };
    (token, record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_tokens_round_trip_and_store_only_the_hash() {
        let fp = format!("sha256:{}", "a1".repeat(32));
        let (token, record) = mint(&fp, Role::Core, None, 1_000, 3_600_000);
        let text = token.to_string();
        assert!(text.starts_with("psj1."));
        let parsed: ParsedToken = text.parse().expect("parses");
        assert_eq!(parsed, token);
        assert_eq!(parsed.ca_fingerprint, fp);
        assert!(!format!("{record:?}").contains(&token.secret));
        assert_eq!(record.secret_sha256, secret_hash(&token.secret));
        assert_eq!(record.expires_at_ms, 3_601_000);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let fp = "a1".repeat(32);
        for bad in [
            "",
            "psj1",
            "psj2.0011223344556677.x.y",
            &format!("psj1.0011223344556677.{}.{fp}", "zz".repeat(32)),
            &format!("psj1.0011.{}.{fp}", "ab".repeat(32)),
            &format!("psj1.0011223344556677.{}.{fp}.extra", "ab".repeat(32)),
        ] {
            assert!(bad.parse::<ParsedToken>().is_err(), "accepted {bad:?}");
        }
    }
}
