//! rustls and quinn crypto configs: mutual TLS between members, and the joiner's pinned-CA
//! client. TLS 1.3 only (QUIC requires it), ring provider only.

use std::sync::{Arc, Mutex, PoisonError};

use quinn::crypto::rustls::{QuicClientConfig, QuicServerConfig};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::error::MeshError;
use crate::identity::Identity;
use crate::pki::{self, PkiError};
use crate::{ALPN, JOIN_ALPN};

static TLS13: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];

/// The endpoint's two sides for members: accepting (members and joiners) and dialling members.
pub(crate) struct MemberTls {
    pub(crate) server: quinn::ServerConfig,
    pub(crate) client: quinn::ClientConfig,
}

pub(crate) fn member_tls(
    identity: &Identity,
    transport: Arc<quinn::TransportConfig>,
) -> Result<MemberTls, MeshError> {
    let ca = pki::first_cert_der(&identity.ca_pem)?;
    let mut chain = pki::certs_der(&identity.cert_pem)?;
    let key = pki::key_der(&identity.key_pem)?;
    pki::verify_leaf(&ca, &chain[0], &key)?;
    let id_in_cert = pki::node_id_of(&chain[0])?;
    if id_in_cert != identity.node_id {
        return Err(MeshError::Config(format!(
            "identity says node {} but its certificate is for node {id_in_cert}",
            identity.node_id
        )));
    }
    // Send the CA along with the leaf: a joiner pins the CA by fingerprint and finds it here.
    if !chain.contains(&ca) {
        chain.push(ca.clone());
    }
    let roots = Arc::new(roots_of(&ca)?);
    let provider = pki::provider();
    let tls_err = |e: rustls::Error| MeshError::Tls(e.to_string());

    // Client certificates are optional at the TLS layer so joiners (no certificate yet) can
    // connect on JOIN_ALPN; one that is presented must chain to the CA. The member ALPN
    // refuses connections without one after the handshake.
    let client_verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        roots.clone(),
        provider.clone(),
    )
    .allow_unauthenticated()
    .build()
    .map_err(|e| MeshError::Tls(e.to_string()))?;
    let mut server = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(TLS13)
        .map_err(tls_err)?
        .with_client_cert_verifier(client_verifier)
        .with_single_cert(chain.clone(), key.clone_key())
        .map_err(tls_err)?;
    server.alpn_protocols = vec![ALPN.to_vec(), JOIN_ALPN.to_vec()];
    let server = QuicServerConfig::try_from(server).map_err(|e| MeshError::Tls(e.to_string()))?;
    let mut server = quinn::ServerConfig::with_crypto(Arc::new(server));
    server.transport_config(transport.clone());

    let mut client = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(TLS13)
        .map_err(tls_err)?
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)
        .map_err(tls_err)?;
    client.alpn_protocols = vec![ALPN.to_vec()];
    let client = QuicClientConfig::try_from(client).map_err(|e| MeshError::Tls(e.to_string()))?;
    let mut client = quinn::ClientConfig::new(Arc::new(client));
    client.transport_config(transport);

    Ok(MemberTls { server, client })
}

fn roots_of(ca: &CertificateDer<'static>) -> Result<RootCertStore, PkiError> {
    let mut roots = RootCertStore::empty();
    roots
        .add(ca.clone())
        .map_err(|e| PkiError::Untrusted(format!("CA certificate: {e}")))?;
    Ok(roots)
}

/// The joiner's client config (no client certificate, ALPN `pursight-join/1`) and the verifier,
/// which remembers why it refused a server.
pub(crate) fn join_client(
    ca_fingerprint: &str,
) -> Result<(quinn::ClientConfig, Arc<PinnedCa>), String> {
    let provider = pki::provider();
    let verifier = Arc::new(PinnedCa {
        fingerprint: normalize_fingerprint(ca_fingerprint),
        provider: provider.clone(),
        refusal: Mutex::new(None),
    });
    let mut client = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(TLS13)
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    client.alpn_protocols = vec![JOIN_ALPN.to_vec()];
    let client = QuicClientConfig::try_from(client).map_err(|e| e.to_string())?;
    Ok((quinn::ClientConfig::new(Arc::new(client)), verifier))
}

/// `sha256:<hex>` in lowercase; a bare hex digest gets the prefix.
pub(crate) fn normalize_fingerprint(fp: &str) -> String {
    let fp = fp.trim().to_ascii_lowercase();
    if fp.starts_with("sha256:") {
        fp
    } else {
        format!("sha256:{fp}")
    }
}

/// Accepts a server whose chain holds the CA with the pinned fingerprint and whose leaf verifies
/// against that CA as a PurSight node. The server name is not checked: any member can be the seed.
#[derive(Debug)]
pub(crate) struct PinnedCa {
    fingerprint: String,
    provider: Arc<CryptoProvider>,
    refusal: Mutex<Option<String>>,
}

impl PinnedCa {
    /// Why the server was refused, if it was.
    pub(crate) fn refusal(&self) -> Option<String> {
        self.refusal
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn refuse(&self, why: String) -> rustls::Error {
        *self.refusal.lock().unwrap_or_else(PoisonError::into_inner) = Some(why.clone());
        rustls::Error::General(why)
    }

    fn check(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(ca) = intermediates
            .iter()
            .find(|c| pki::fingerprint_der(c) == self.fingerprint)
        else {
            return Err(self.refuse(format!(
                "the seed's certificate chain holds no CA with fingerprint {}",
                self.fingerprint
            )));
        };
        let roots = roots_of(&ca.clone().into_owned()).map_err(|e| self.refuse(e.to_string()))?;
        let node_id = pki::node_id_of(end_entity).map_err(|e| self.refuse(e.to_string()))?;
        // The leaf's own node name, so webpki checks chain, validity and serverAuth usage
        // without tying the seed to a particular node.
        let name = ServerName::try_from(pki::server_name(node_id))
            .map_err(|e| self.refuse(e.to_string()))?;
        rustls::client::WebPkiServerVerifier::builder_with_provider(
            Arc::new(roots),
            self.provider.clone(),
        )
        .build()
        .map_err(|e| self.refuse(e.to_string()))?
        .verify_server_cert(end_entity, &[], &name, &[], now)
        .map_err(|e| self.refuse(format!("seed certificate not signed by the pinned CA: {e}")))
    }
}

impl ServerCertVerifier for PinnedCa {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.check(end_entity, intermediates, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The peer's certificate chain after a handshake, if it presented one.
pub(crate) fn peer_certs(conn: &quinn::Connection) -> Option<Vec<CertificateDer<'static>>> {
    conn.peer_identity()?
        .downcast::<Vec<CertificateDer<'static>>>()
        .ok()
        .map(|b| *b)
        .filter(|c| !c.is_empty())
}

/// The ALPN protocol negotiated on a connection.
pub(crate) fn alpn(conn: &quinn::Connection) -> Option<Vec<u8>> {
    conn.handshake_data()?
        .downcast::<quinn::crypto::rustls::HandshakeData>()
        .ok()?
        .protocol
}
