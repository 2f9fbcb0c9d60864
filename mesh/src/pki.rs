//! The cluster's certificates: a self-signed CA, node leaf certificates signed by it, and the
//! node id carried in each leaf's subject alternative names.
//!
//! Every leaf has the DNS SAN `node-<id>.pursight` (checked as the TLS server name, so a
//! client knows it reached the node it dialled) and the URI SAN `pursight://node/<id>`.

use std::fmt::Write as _;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use time::OffsetDateTime;

/// How long a cluster CA is valid.
const CA_VALIDITY: Duration = Duration::from_secs(10 * 365 * 24 * 3600);
/// Certificates start this far in the past so a peer whose clock is a little behind accepts them.
const BACKDATE: Duration = Duration::from_secs(3600);
const URI_PREFIX: &str = "pursight://node/";
const DNS_PREFIX: &str = "node-";
const DNS_SUFFIX: &str = ".pursight";

/// Errors from creating, signing, parsing or storing certificates.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    /// Key generation, signing or CSR parsing failed.
    #[error("certificate operation failed: {0}")]
    Rcgen(String),
    /// The text holds no usable PEM block of the expected kind.
    #[error("invalid PEM: {0}")]
    Pem(String),
    /// A DER certificate could not be parsed.
    #[error("invalid certificate: {0}")]
    Certificate(String),
    /// The certificate carries no PurSight node id in its subject alternative names.
    #[error("certificate has no PurSight node id in its subject alternative names")]
    NoNodeId,
    /// The certificate does not chain to the cluster CA, has expired, or does not match its key.
    #[error("certificate not accepted: {0}")]
    Untrusted(String),
    /// Reading or writing identity files failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory involved.
        path: std::path::PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl From<rcgen::Error> for PkiError {
    fn from(e: rcgen::Error) -> Self {
        PkiError::Rcgen(e.to_string())
    }
}

/// A certificate with its private key, both PEM.
#[derive(Clone)]
pub struct CertifiedKey {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// The PKCS#8 private key, PEM. Secret.
    pub key_pem: String,
}

// The key is secret: keep it out of logs and panics.
impl std::fmt::Debug for CertifiedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertifiedKey")
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &"[secret]")
            .finish()
    }
}

/// A joiner's fresh key pair and the certificate signing request for it.
pub struct NodeCsr {
    /// The private key, PEM. It never leaves the joiner.
    pub key_pem: String,
    /// The CSR to send to the cluster, PEM.
    pub csr_pem: String,
}

impl std::fmt::Debug for NodeCsr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeCsr")
            .field("key_pem", &"[secret]")
            .field("csr_pem", &self.csr_pem)
            .finish()
    }
}

/// The DNS name in every node leaf, used as the TLS server name: `node-<id>.pursight`.
pub fn server_name(node_id: u64) -> String {
    format!("{DNS_PREFIX}{node_id}{DNS_SUFFIX}")
}

/// A new self-signed cluster CA (ECDSA P-256, 10 years, CN `PurSight CA <cluster_name>`).
pub fn new_ca(cluster_name: &str) -> Result<CertifiedKey, PkiError> {
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, format!("PurSight CA {cluster_name}"));
    params
        .distinguished_name
        .push(DnType::OrganizationName, "PurSight");
    // Path length 0: the CA signs node leaves only, never another CA.
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    set_validity(&mut params, CA_VALIDITY);
    let cert = params.self_signed(&key)?;
    Ok(CertifiedKey {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// `sha256:<64 lowercase hex>` of the DER of the first certificate in `cert_pem`.
pub fn fingerprint(cert_pem: &str) -> Result<String, PkiError> {
    let der = first_cert_der(cert_pem)?;
    Ok(fingerprint_der(&der))
}

/// A fresh key pair (ECDSA P-256) and a CSR for it. The CSR carries no names: the CA decides them.
pub fn new_node_csr() -> Result<NodeCsr, PkiError> {
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "PurSight joining node");
    let csr = params.serialize_request(&key)?;
    Ok(NodeCsr {
        key_pem: key.serialize_pem(),
        csr_pem: csr.pem()?,
    })
}

/// Signs a joiner's CSR as the leaf of node `node_id`, valid for `validity`. Only the CSR's
/// public key is used (its signature is checked); names, usages and validity come from the CA.
pub fn sign_node_csr(
    ca: &CertifiedKey,
    csr_pem: &str,
    node_id: u64,
    validity: Duration,
) -> Result<String, PkiError> {
    let csr = CertificateSigningRequestParams::from_pem(csr_pem)?;
    let ca_key = KeyPair::from_pem(&ca.key_pem)?;
    let issuer = Issuer::from_ca_cert_pem(&ca.cert_pem, ca_key)?;
    let signed = CertificateSigningRequestParams {
        params: leaf_params(node_id, validity)?,
        public_key: csr.public_key,
    }
    .signed_by(&issuer)?;
    Ok(signed.pem())
}

/// A new key and leaf certificate for node `node_id` in one go (the first node at `cluster init`).
pub fn issue_node_cert(
    ca: &CertifiedKey,
    node_id: u64,
    validity: Duration,
) -> Result<CertifiedKey, PkiError> {
    let key = KeyPair::generate()?;
    let ca_key = KeyPair::from_pem(&ca.key_pem)?;
    let issuer = Issuer::from_ca_cert_pem(&ca.cert_pem, ca_key)?;
    let cert = leaf_params(node_id, validity)?.signed_by(&key, &issuer)?;
    Ok(CertifiedKey {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// The node id in a leaf certificate's SAN (URI `pursight://node/<id>`, else DNS
/// `node-<id>.pursight`). Both present and disagreeing is an error.
pub fn node_id_of(cert_der: &[u8]) -> Result<u64, PkiError> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der)
        .map_err(|e| PkiError::Certificate(e.to_string()))?;
    let san = cert
        .subject_alternative_name()
        .map_err(|e| PkiError::Certificate(e.to_string()))?
        .ok_or(PkiError::NoNodeId)?;
    let mut from_uri = None;
    let mut from_dns = None;
    for name in &san.value.general_names {
        match name {
            x509_parser::extensions::GeneralName::URI(uri) => {
                if let Some(id) = uri.strip_prefix(URI_PREFIX) {
                    from_uri = Some(parse_id(id)?);
                }
            }
            x509_parser::extensions::GeneralName::DNSName(dns) => {
                if let Some(id) = dns
                    .strip_prefix(DNS_PREFIX)
                    .and_then(|rest| rest.strip_suffix(DNS_SUFFIX))
                {
                    from_dns = Some(parse_id(id)?);
                }
            }
            _ => {}
        }
    }
    match (from_uri, from_dns) {
        (Some(a), Some(b)) if a != b => Err(PkiError::Certificate(format!(
            "SAN node ids disagree: URI says {a}, DNS says {b}"
        ))),
        (Some(id), _) | (None, Some(id)) => Ok(id),
        (None, None) => Err(PkiError::NoNodeId),
    }
}

fn parse_id(text: &str) -> Result<u64, PkiError> {
    text.parse()
        .map_err(|_| PkiError::Certificate(format!("bad node id {text:?} in SAN")))
}

fn leaf_params(node_id: u64, validity: Duration) -> Result<CertificateParams, PkiError> {
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, format!("node-{node_id}"));
    params.subject_alt_names = vec![
        SanType::DnsName(server_name(node_id).try_into()?),
        SanType::URI(format!("{URI_PREFIX}{node_id}").try_into()?),
    ];
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    // Every node is both a TLS server (accepting) and a TLS client (dialling).
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    params.use_authority_key_identifier_extension = true;
    set_validity(&mut params, validity);
    Ok(params)
}

fn set_validity(params: &mut CertificateParams, validity: Duration) {
    let now = OffsetDateTime::now_utc();
    params.not_before = now - BACKDATE;
    params.not_after = now + validity;
}

pub(crate) fn fingerprint_der(der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest.as_ref() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// All certificates in a PEM text, in order.
pub(crate) fn certs_der(pem: &str) -> Result<Vec<CertificateDer<'static>>, PkiError> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PkiError::Pem(e.to_string()))?;
    if certs.is_empty() {
        return Err(PkiError::Pem("no CERTIFICATE block".into()));
    }
    Ok(certs)
}

pub(crate) fn first_cert_der(pem: &str) -> Result<CertificateDer<'static>, PkiError> {
    let mut certs = certs_der(pem)?;
    Ok(certs.swap_remove(0))
}

pub(crate) fn key_der(pem: &str) -> Result<PrivateKeyDer<'static>, PkiError> {
    PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|e| PkiError::Pem(e.to_string()))
}

pub(crate) fn der_to_pem(der: &[u8]) -> String {
    let block = pem::Pem::new("CERTIFICATE", der);
    pem::encode_config(
        &block,
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// The ring provider, the only one compiled in; passed explicitly so nothing depends on a
/// process-wide default.
pub(crate) fn provider() -> std::sync::Arc<rustls::crypto::CryptoProvider> {
    std::sync::Arc::new(rustls::crypto::ring::default_provider())
}

/// Checks that `leaf` chains to `ca`, is valid now and matches `key`.
pub(crate) fn verify_leaf(
    ca: &CertificateDer<'static>,
    leaf: &CertificateDer<'static>,
    key: &PrivateKeyDer<'static>,
) -> Result<(), PkiError> {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(ca.clone())
        .map_err(|e| PkiError::Untrusted(format!("CA certificate: {e}")))?;
    // The leaf is a TLS client too, so the client verifier checks chain, validity and usage.
    let verifier =
        rustls::server::WebPkiClientVerifier::builder_with_provider(roots.into(), provider())
            .build()
            .map_err(|e| PkiError::Untrusted(e.to_string()))?;
    verifier
        .verify_client_cert(leaf, &[], UnixTime::now())
        .map_err(|e| PkiError::Untrusted(e.to_string()))?;
    rustls::sign::CertifiedKey::from_der(vec![leaf.clone()], key.clone_key(), &provider())
        .map_err(|e| PkiError::Untrusted(format!("key does not match certificate: {e}")))?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(24 * 3600);

    #[test]
    fn csr_signed_by_ca_carries_node_id() {
        let ca = new_ca("test").unwrap();
        let csr = new_node_csr().unwrap();
        let cert_pem = sign_node_csr(&ca, &csr.csr_pem, 42, DAY).unwrap();
        let leaf = first_cert_der(&cert_pem).unwrap();
        assert_eq!(node_id_of(&leaf).unwrap(), 42);
        let ca_der = first_cert_der(&ca.cert_pem).unwrap();
        verify_leaf(&ca_der, &leaf, &key_der(&csr.key_pem).unwrap()).unwrap();
    }

    #[test]
    fn issued_leaf_has_both_sans_and_is_not_a_ca() {
        let ca = new_ca("test").unwrap();
        let node = issue_node_cert(&ca, 7, DAY).unwrap();
        let der = first_cert_der(&node.cert_pem).unwrap();
        assert_eq!(node_id_of(&der).unwrap(), 7);
        let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
        let names: Vec<String> = cert
            .subject_alternative_name()
            .unwrap()
            .unwrap()
            .value
            .general_names
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert!(
            names.iter().any(|n| n.contains("node-7.pursight")),
            "{names:?}"
        );
        assert!(
            names.iter().any(|n| n.contains("pursight://node/7")),
            "{names:?}"
        );
        assert!(!cert.is_ca());
        let eku = cert.extended_key_usage().unwrap().unwrap().value;
        assert!(eku.server_auth && eku.client_auth);
    }

    #[test]
    fn leaf_from_another_ca_is_untrusted() {
        let ca = new_ca("a").unwrap();
        let other = new_ca("b").unwrap();
        let node = issue_node_cert(&other, 1, DAY).unwrap();
        let err = verify_leaf(
            &first_cert_der(&ca.cert_pem).unwrap(),
            &first_cert_der(&node.cert_pem).unwrap(),
            &key_der(&node.key_pem).unwrap(),
        )
        .unwrap_err();
        assert!(matches!(err, PkiError::Untrusted(_)), "{err}");
    }

    #[test]
    fn csr_names_are_ignored() {
        // A CSR asking for another node's name still gets only the id the CA chose.
        let key = KeyPair::generate().unwrap();
        let params = CertificateParams::new(vec!["node-1.pursight".to_string()]).unwrap();
        let csr = params.serialize_request(&key).unwrap().pem().unwrap();
        let ca = new_ca("test").unwrap();
        let cert_pem = sign_node_csr(&ca, &csr, 9, DAY).unwrap();
        assert_eq!(node_id_of(&first_cert_der(&cert_pem).unwrap()).unwrap(), 9);
    }

    #[test]
    fn fingerprint_format() {
        let ca = new_ca("test").unwrap();
        let fp = fingerprint(&ca.cert_pem).unwrap();
        let hex = fp.strip_prefix("sha256:").unwrap();
        assert_eq!(hex.len(), 64);
        assert!(
            hex.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        );
        assert_eq!(fp, fingerprint(&ca.cert_pem).unwrap());
        assert_ne!(fp, fingerprint(&new_ca("test").unwrap().cert_pem).unwrap());
        assert!(fingerprint("not pem").is_err());
    }

    #[test]
    fn server_name_format() {
        assert_eq!(server_name(3), "node-3.pursight");
    }
}
