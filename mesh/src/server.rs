//! The accepting side: handshakes, member connections (one spawned task per request stream)
//! and one-shot join connections.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tracing::{debug, info, warn};

use crate::faults::{Faults, Verdict};
use crate::frame::{self, FrameError, Reply};
use crate::mesh::Service;
use crate::{ALPN, JOIN_ALPN, MAX_JOIN_FRAME_BYTES, tls};

/// Connection close codes sent to peers.
pub(crate) mod close {
    pub(crate) const NORMAL: u32 = 0;
    pub(crate) const NO_CLIENT_CERT: u32 = 1;
    pub(crate) const BAD_CLIENT_CERT: u32 = 2;
    pub(crate) const UNKNOWN_ALPN: u32 = 3;
}

/// Stream reset/stop codes.
pub(crate) mod stream {
    pub(crate) const INJECTED_DROP: u32 = 1;
    pub(crate) const BAD_FRAME: u32 = 2;
}

/// How long a joiner gets to send its request and the service to answer it.
const JOIN_TIMEOUT: Duration = Duration::from_secs(30);

/// What request handling needs, shared by all connection tasks.
pub(crate) struct Shared<S> {
    pub(crate) service: Arc<S>,
    pub(crate) faults: Option<Faults>,
    pub(crate) max_frame_bytes: usize,
}

pub(crate) async fn accept_loop<S: Service>(endpoint: quinn::Endpoint, shared: Arc<Shared<S>>) {
    while let Some(incoming) = endpoint.accept().await {
        tokio::spawn(handle_incoming(incoming, shared.clone()));
    }
    debug!("accept loop ended");
}

async fn handle_incoming<S: Service>(incoming: quinn::Incoming, shared: Arc<Shared<S>>) {
    let remote = incoming.remote_address();
    let conn = match incoming.await {
        Ok(conn) => conn,
        Err(e) => {
            // Includes client certificates from another CA.
            warn!(%remote, error = %e, "refused connection: handshake failed");
            return;
        }
    };
    match tls::alpn(&conn).as_deref() {
        Some(ALPN) => {
            let Some(certs) = tls::peer_certs(&conn) else {
                warn!("refused connection from {remote}: no client certificate");
                conn.close(close::NO_CLIENT_CERT.into(), b"client certificate required");
                return;
            };
            match crate::pki::node_id_of(&certs[0]) {
                Ok(from) => serve_member(conn, from, shared).await,
                Err(e) => {
                    warn!("refused connection from {remote}: {e}");
                    conn.close(close::BAD_CLIENT_CERT.into(), b"no node id in certificate");
                }
            }
        }
        Some(JOIN_ALPN) => serve_join(conn, remote, shared).await,
        other => {
            warn!(%remote, alpn = ?other.map(String::from_utf8_lossy), "refused connection: unknown protocol");
            conn.close(close::UNKNOWN_ALPN.into(), b"unknown protocol");
        }
    }
}

async fn serve_member<S: Service>(conn: quinn::Connection, from: u64, shared: Arc<Shared<S>>) {
    debug!(peer = from, remote = %conn.remote_address(), "peer connected");
    loop {
        match conn.accept_bi().await {
            Ok((send, recv)) => {
                tokio::spawn(handle_request(shared.clone(), from, send, recv));
            }
            Err(e) => {
                debug!(peer = from, reason = %e, "peer connection ended");
                return;
            }
        }
    }
}

async fn handle_request<S: Service>(
    shared: Arc<Shared<S>>,
    from: u64,
    mut send: quinn::SendStream,
    mut recv: quinn::RecvStream,
) {
    if let Some(faults) = &shared.faults {
        match faults.verdict(from) {
            Verdict::Drop => {
                let _ = send.reset(stream::INJECTED_DROP.into());
                let _ = recv.stop(stream::INJECTED_DROP.into());
                return;
            }
            Verdict::Delay(d) => tokio::time::sleep(d).await,
            Verdict::Pass => {}
        }
    }
    let reply = match frame::read_frame::<S::Request, _>(&mut recv, shared.max_frame_bytes).await {
        Ok(req) => Reply::Ok(shared.service.handle(from, req).await),
        Err(e) => {
            bad_frame(&mut recv, from, &e);
            Reply::Err(format!("bad request frame: {e}"))
        }
    };
    send_reply(&mut send, reply, shared.max_frame_bytes).await;
}

fn bad_frame(recv: &mut quinn::RecvStream, from: u64, e: &FrameError) {
    match e {
        // The stream broke under us: nothing to tell the peer.
        FrameError::Stream(_) => debug!(peer = from, error = %e, "request stream failed"),
        _ => warn!(peer = from, error = %e, "bad request frame"),
    }
    // Tell the peer to stop sending the rest of this request.
    let _ = recv.stop(stream::BAD_FRAME.into());
}

/// Encodes a reply, falling back to an error reply when it does not fit the cap.
fn encode_reply<T: serde::Serialize>(reply: Reply<T>, max: usize) -> Option<Vec<u8>> {
    match frame::encode_frame(&reply, max) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            warn!(error = %e, "cannot encode reply");
            frame::encode_frame(&Reply::<T>::Err(format!("cannot encode reply: {e}")), max).ok()
        }
    }
}

async fn send_reply<T: serde::Serialize>(
    send: &mut quinn::SendStream,
    reply: Reply<T>,
    max: usize,
) {
    // Encoded before any await, so the reply need not be Sync.
    let Some(bytes) = encode_reply(reply, max) else {
        return;
    };
    if let Err(e) = send.write_all(&bytes).await {
        debug!(error = %e, "cannot send reply");
        return;
    }
    let _ = send.finish();
}

async fn serve_join<S: Service>(
    conn: quinn::Connection,
    remote: SocketAddr,
    shared: Arc<Shared<S>>,
) {
    debug!(%remote, "join connection");
    let served = tokio::time::timeout(JOIN_TIMEOUT, async {
        let (mut send, mut recv) = match conn.accept_bi().await {
            Ok(streams) => streams,
            Err(e) => {
                debug!(%remote, reason = %e, "join connection ended before a request");
                return;
            }
        };
        let max = MAX_JOIN_FRAME_BYTES.min(shared.max_frame_bytes);
        let reply = match frame::read_frame::<S::JoinRequest, _>(&mut recv, max).await {
            Ok(req) => match shared.service.join(remote, req).await {
                Ok(resp) => {
                    info!(%remote, "join accepted");
                    Reply::Ok(resp)
                }
                Err(why) => {
                    warn!(%remote, reason = %why, "join refused");
                    Reply::Err(why)
                }
            },
            Err(e) => {
                warn!(%remote, error = %e, "bad join frame");
                let _ = recv.stop(stream::BAD_FRAME.into());
                Reply::Err(format!("bad join frame: {e}"))
            }
        };
        send_reply(&mut send, reply, shared.max_frame_bytes).await;
        // Closing the connection drops unsent stream data: wait until the joiner has the answer.
        let _ = send.stopped().await;
    })
    .await;
    if served.is_err() {
        warn!(%remote, "join timed out");
    }
    conn.close(close::NORMAL.into(), b"join done");
}
