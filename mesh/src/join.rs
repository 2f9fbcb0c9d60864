//! The joiner's side: one request to a seed node before this node has a certificate.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::{debug, info};

use crate::error::CallError;
use crate::frame::{self, Reply};
use crate::{pki, tls};

/// Largest answer a joiner accepts, in bytes.
const MAX_JOIN_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// The SNI sent to the seed; not checked on either side, any member can be the seed.
const JOIN_SERVER_NAME: &str = "pursight";

/// Sends one join request to `seed` ("host:port") from a node without certificate.
///
/// The seed is accepted only if its chain contains a CA certificate whose fingerprint equals
/// `ca_fingerprint` (`sha256:<hex>`) and its leaf is a node certificate signed by that CA.
/// Returns the seed's answer and the PEM of the CA it pinned. A seed that fails the pin, or a
/// service that refuses the join, gives [`CallError::Refused`].
pub async fn join<Req: Serialize, Resp: DeserializeOwned>(
    seed: &str,
    ca_fingerprint: &str,
    req: &Req,
    timeout: Duration,
) -> Result<(Resp, String), CallError> {
    tokio::time::timeout(timeout, join_inner(seed, ca_fingerprint, req))
        .await
        .unwrap_or(Err(CallError::Timeout(timeout)))
}

async fn join_inner<Req: Serialize, Resp: DeserializeOwned>(
    seed: &str,
    ca_fingerprint: &str,
    req: &Req,
) -> Result<(Resp, String), CallError> {
    let bytes = frame::encode_frame(req, crate::MAX_JOIN_FRAME_BYTES)?;
    let addr = tokio::net::lookup_host(seed)
        .await
        .map_err(|e| CallError::Unreachable(format!("cannot resolve {seed}: {e}")))?
        .next()
        .ok_or_else(|| CallError::Unreachable(format!("{seed} resolves to no address")))?;
    let (client, pin) = tls::join_client(ca_fingerprint).map_err(CallError::Unreachable)?;
    let bind: SocketAddr = if addr.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let endpoint = quinn::Endpoint::client(bind)
        .map_err(|e| CallError::Unreachable(format!("cannot bind {bind}: {e}")))?;
    let connecting = endpoint
        .connect_with(client, addr, JOIN_SERVER_NAME)
        .map_err(|e| CallError::Unreachable(format!("{addr}: {e}")))?;
    let conn = connecting.await.map_err(|e| match pin.refusal() {
        Some(why) => CallError::Refused(why),
        None => CallError::Unreachable(format!("{addr}: {e}")),
    })?;
    let fingerprint = tls::normalize_fingerprint(ca_fingerprint);
    // The verifier only let the handshake through if the pinned CA is in the chain.
    let ca_pem = tls::peer_certs(&conn)
        .and_then(|chain| {
            chain
                .iter()
                .find(|c| pki::fingerprint_der(c) == fingerprint)
                .map(|c| pki::der_to_pem(c))
        })
        .ok_or_else(|| CallError::Refused("pinned CA missing from the seed's chain".into()))?;

    let result = async {
        let (mut send, mut recv) = conn
            .open_bi()
            .await
            .map_err(|e| CallError::Closed(e.to_string()))?;
        send.write_all(&bytes)
            .await
            .map_err(|e| CallError::Closed(e.to_string()))?;
        let _ = send.finish();
        let reply: Reply<Resp> = frame::read_frame(&mut recv, MAX_JOIN_RESPONSE_BYTES).await?;
        match reply {
            Reply::Ok(resp) => Ok(resp),
            Reply::Err(why) => Err(CallError::Refused(why)),
        }
    }
    .await;
    conn.close(0u32.into(), b"done");
    // Let the close reach the seed so it does not wait out its idle timeout.
    let _ = tokio::time::timeout(Duration::from_millis(500), endpoint.wait_idle()).await;
    match &result {
        Ok(_) => info!(%addr, "joined through seed"),
        Err(e) => debug!(%addr, error = %e, "join failed"),
    }
    result.map(|resp| (resp, ca_pem))
}
