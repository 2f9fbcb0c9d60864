//! Real QUIC on 127.0.0.1 with port 0: members, strangers, joiners, bad frames, faults, restarts.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::*;
use crate::pki::{self, CertifiedKey};
use crate::{ALPN, FrameError, LinkFault, join, server::close};

const T: Duration = Duration::from_secs(5);
const HOUR: Duration = Duration::from_secs(3600);

#[derive(Debug, Serialize, Deserialize)]
enum Req {
    Echo(String),
    Sleep(u64),
    WhoAmI,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Resp {
    Echo(String),
    Slept,
    You(u64),
}

#[derive(Debug, Serialize, Deserialize)]
struct JoinReq {
    token: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct JoinResp {
    node_id: u64,
    remote_port: u16,
}

struct Echo;

impl Service for Echo {
    type Request = Req;
    type Response = Resp;
    type JoinRequest = JoinReq;
    type JoinResponse = JoinResp;

    async fn handle(&self, from: u64, req: Req) -> Resp {
        match req {
            Req::Echo(s) => Resp::Echo(s),
            Req::Sleep(ms) => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                Resp::Slept
            }
            Req::WhoAmI => Resp::You(from),
        }
    }

    async fn join(&self, remote: SocketAddr, req: JoinReq) -> Result<JoinResp, String> {
        if req.token == "good" {
            Ok(JoinResp {
                node_id: 99,
                remote_port: remote.port(),
            })
        } else {
            Err("bad token".into())
        }
    }
}

fn identity(ca: &CertifiedKey, id: u64) -> Identity {
    let node = pki::issue_node_cert(ca, id, HOUR).unwrap();
    Identity {
        node_id: id,
        ca_pem: ca.cert_pem.clone(),
        cert_pem: node.cert_pem,
        key_pem: node.key_pem,
    }
}

fn config(listen: SocketAddr) -> MeshConfig {
    let mut config = MeshConfig::new(listen);
    config.connect_timeout = Duration::from_millis(500);
    config.max_frame_bytes = 64 * 1024;
    config
}

async fn start_with(identity: Identity, config: MeshConfig) -> Mesh<Echo> {
    Mesh::start(config, identity, Arc::new(Echo)).await.unwrap()
}

async fn start(ca: &CertifiedKey, id: u64) -> Mesh<Echo> {
    start_with(identity(ca, id), config(localhost())).await
}

fn localhost() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// Two members that know each other.
async fn pair(ca: &CertifiedKey) -> (Mesh<Echo>, Mesh<Echo>) {
    let a = start(ca, 1).await;
    let b = start(ca, 2).await;
    a.set_peer(2, b.local_addr());
    b.set_peer(1, a.local_addr());
    (a, b)
}

/// A bare quinn client endpoint with the given rustls client config.
fn raw_client(tls: rustls::ClientConfig) -> (quinn::Endpoint, quinn::ClientConfig) {
    let tls = quinn::crypto::rustls::QuicClientConfig::try_from(tls).unwrap();
    let endpoint = quinn::Endpoint::client(localhost()).unwrap();
    (endpoint, quinn::ClientConfig::new(Arc::new(tls)))
}

fn rustls_client(
    trust: &CertifiedKey,
    client_cert: Option<&Identity>,
    alpn: &[u8],
) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(pki::first_cert_der(&trust.cert_pem).unwrap())
        .unwrap();
    let builder = rustls::ClientConfig::builder_with_provider(pki::provider())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_root_certificates(roots);
    let mut config = match client_cert {
        Some(id) => builder
            .with_client_auth_cert(
                pki::certs_der(&id.cert_pem).unwrap(),
                pki::key_der(&id.key_pem).unwrap(),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![alpn.to_vec()];
    config
}

#[tokio::test]
async fn members_call_each_other() {
    let ca = pki::new_ca("test").unwrap();
    let (a, b) = pair(&ca).await;
    assert_eq!(a.node_id(), 1);

    let r = a.call(2, &Req::Echo("hi".into()), T).await.unwrap();
    assert_eq!(r, Resp::Echo("hi".into()));
    // The server sees the caller's id from its certificate.
    assert_eq!(b.call(1, &Req::WhoAmI, T).await.unwrap(), Resp::You(2));
    assert_eq!(a.call(2, &Req::WhoAmI, T).await.unwrap(), Resp::You(1));

    let stats = a.peers();
    assert_eq!(stats.len(), 1);
    assert_eq!(stats[0].id, 2);
    assert_eq!(stats[0].addr, b.local_addr());
    assert!(stats[0].connected);
    assert!(stats[0].rtt.is_some_and(|rtt| rtt > Duration::ZERO));
    assert!(stats[0].last_error.is_none());
}

#[tokio::test]
async fn concurrent_calls_share_one_connection_and_do_not_block_each_other() {
    let ca = pki::new_ca("test").unwrap();
    let (a, _b) = pair(&ca).await;
    let started = Instant::now();
    // Issued before any connection exists: the dials must be deduplicated.
    let sleep = Req::Sleep(300);
    let echoes: Vec<Req> = (0..20).map(|i| Req::Echo(format!("{i}"))).collect();
    let slow = (0..20).map(|_| a.call(2, &sleep, T));
    let fast = echoes.iter().map(|req| a.call(2, req, T));
    let (slow, fast) = tokio::join!(
        futures::future::join_all(slow),
        futures::future::join_all(fast)
    );
    assert!(
        slow.iter().all(|r| matches!(r, Ok(Resp::Slept))),
        "{slow:?}"
    );
    for (i, r) in fast.into_iter().enumerate() {
        assert_eq!(r.unwrap(), Resp::Echo(format!("{i}")));
    }
    // 20 sleeps of 300 ms, run one after the other, would take 6 s.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(a.inner.endpoint.open_connections(), 1);
}

#[tokio::test]
async fn call_errors() {
    let ca = pki::new_ca("test").unwrap();
    let (a, _b) = pair(&ca).await;
    assert!(matches!(
        a.call(7, &Req::WhoAmI, T).await,
        Err(CallError::Unreachable(_))
    ));
    let short = Duration::from_millis(200);
    assert!(matches!(
        a.call(2, &Req::Sleep(2_000), short).await,
        Err(CallError::Timeout(d)) if d == short
    ));
    // Above the frame cap: refused locally, nothing sent.
    let big = Req::Echo("x".repeat(100 * 1024));
    assert!(matches!(
        a.call(2, &big, T).await,
        Err(CallError::Frame(FrameError::TooLarge { .. }))
    ));
    assert!(a.call(2, &Req::WhoAmI, T).await.is_ok());
}

#[tokio::test]
async fn config_is_validated() {
    let ca = pki::new_ca("test").unwrap();
    let mut bad = config(localhost());
    bad.keep_alive = bad.idle_timeout;
    let err = Mesh::start(bad, identity(&ca, 1), Arc::new(Echo))
        .await
        .err()
        .unwrap();
    assert!(matches!(err, MeshError::Config(_)), "{err}");

    // An identity whose node id does not match its certificate.
    let mut wrong = identity(&ca, 1);
    wrong.node_id = 2;
    assert!(
        Mesh::start(config(localhost()), wrong, Arc::new(Echo))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn member_from_another_ca_is_refused() {
    let ca = pki::new_ca("good").unwrap();
    let other = pki::new_ca("evil").unwrap();
    let (a, b) = pair(&ca).await;

    // A whole mesh from another CA cannot call b.
    let stranger = start(&other, 3).await;
    stranger.set_peer(2, b.local_addr());
    assert!(stranger.call(2, &Req::WhoAmI, T).await.is_err());

    // A client that trusts b's CA but presents a certificate from another CA: the handshake
    // completes on the client's side, then b refuses it.
    let (endpoint, client) = raw_client(rustls_client(&ca, Some(&identity(&other, 4)), ALPN));
    let conn = endpoint
        .connect_with(client, b.local_addr(), &pki::server_name(2))
        .unwrap()
        .await;
    if let Ok(conn) = conn {
        let answered = async {
            let (mut send, mut recv) = conn.open_bi().await.ok()?;
            let bytes = frame::encode_frame(&Req::WhoAmI, 1024).ok()?;
            send.write_all(&bytes).await.ok()?;
            send.finish().ok()?;
            frame::read_frame::<Reply<Resp>, _>(&mut recv, 1024)
                .await
                .ok()
        };
        assert!(tokio::time::timeout(T, answered).await.unwrap().is_none());
        let reason = tokio::time::timeout(T, conn.closed()).await.unwrap();
        assert!(reason.to_string().contains("UnknownIssuer"), "{reason}");
    }

    // b keeps serving the good member.
    assert_eq!(a.call(2, &Req::WhoAmI, T).await.unwrap(), Resp::You(1));
}

#[tokio::test]
async fn client_without_certificate_is_refused_on_member_alpn() {
    let ca = pki::new_ca("test").unwrap();
    let (a, b) = pair(&ca).await;
    let (endpoint, client) = raw_client(rustls_client(&ca, None, ALPN));
    let conn = endpoint
        .connect_with(client, b.local_addr(), &pki::server_name(2))
        .unwrap()
        .await
        .unwrap();
    let reason = tokio::time::timeout(T, conn.closed()).await.unwrap();
    match reason {
        quinn::ConnectionError::ApplicationClosed(close) => {
            assert_eq!(close.error_code, close::NO_CLIENT_CERT.into());
        }
        other => panic!("unexpected close: {other}"),
    }
    assert_eq!(a.call(2, &Req::WhoAmI, T).await.unwrap(), Resp::You(1));
}

#[tokio::test]
async fn join_pins_the_ca_fingerprint() {
    let ca = pki::new_ca("test").unwrap();
    let seed = start(&ca, 1).await;
    let addr = seed.local_addr().to_string();
    let fp = pki::fingerprint(&ca.cert_pem).unwrap();
    let good = JoinReq {
        token: "good".into(),
    };

    let (resp, ca_pem): (JoinResp, String) = join(&addr, &fp, &good, T).await.unwrap();
    assert_eq!(resp.node_id, 99);
    assert_ne!(resp.remote_port, 0);
    assert_eq!(pki::fingerprint(&ca_pem).unwrap(), fp);
    assert_eq!(ca_pem, ca.cert_pem);

    // Upper-case and bare-hex fingerprints mean the same pin.
    let bare = fp.trim_start_matches("sha256:").to_uppercase();
    assert!(join::<_, JoinResp>(&addr, &bare, &good, T).await.is_ok());

    let other = pki::fingerprint(&pki::new_ca("other").unwrap().cert_pem).unwrap();
    let err = join::<_, JoinResp>(&addr, &other, &good, T)
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Refused(_)), "{err}");

    let bad = JoinReq {
        token: "stolen".into(),
    };
    match join::<_, JoinResp>(&addr, &fp, &bad, T).await {
        Err(CallError::Refused(why)) => assert_eq!(why, "bad token"),
        other => panic!("unexpected: {other:?}"),
    }

    // Nothing listening: not a refusal.
    let err = join::<_, JoinResp>("127.0.0.1:1", &fp, &good, Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(
        matches!(err, CallError::Timeout(_) | CallError::Unreachable(_)),
        "{err}"
    );
}

/// Sends raw bytes as one request on a new stream and reads the reply.
async fn raw_request(conn: &quinn::Connection, bytes: &[u8]) -> Reply<Resp> {
    let (mut send, mut recv) = conn.open_bi().await.unwrap();
    // The server may stop the stream before everything is written; that is fine.
    let _ = send.write_all(bytes).await;
    let _ = send.finish();
    tokio::time::timeout(
        T,
        frame::read_frame::<Reply<Resp>, _>(&mut recv, 1024 * 1024),
    )
    .await
    .unwrap()
    .unwrap()
}

#[tokio::test]
async fn bad_frames_cost_only_their_stream() {
    let ca = pki::new_ca("test").unwrap();
    let (a, b) = pair(&ca).await;
    let member = identity(&ca, 5);
    let (endpoint, client) = raw_client(rustls_client(&ca, Some(&member), ALPN));
    let conn = endpoint
        .connect_with(client, b.local_addr(), &pki::server_name(2))
        .unwrap()
        .await
        .unwrap();

    let cases: [(&[u8], &str); 4] = [
        (&[0, 0, 0, 5, 9, 1, 2, 3, 4], "version"),
        (&[0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0], "exceeds the cap"),
        (&[0, 0, 0, 3, 1, 0xff, 0xff], "decode"),
        (&[0, 0, 0, 9, 1, 0], "ended"),
    ];
    for (bytes, expect) in cases {
        match raw_request(&conn, bytes).await {
            Reply::Err(why) => assert!(why.contains(expect), "{why:?} lacks {expect:?}"),
            Reply::Ok(resp) => panic!("garbage answered with {resp:?}"),
        }
    }

    // The same connection and the node keep serving.
    let good = frame::encode_frame(&Req::WhoAmI, 1024).unwrap();
    assert!(matches!(
        raw_request(&conn, &good).await,
        Reply::Ok(Resp::You(5))
    ));
    assert_eq!(a.call(2, &Req::WhoAmI, T).await.unwrap(), Resp::You(1));
}

#[tokio::test]
async fn faults_drop_delay_and_clear() {
    let ca = pki::new_ca("test").unwrap();
    let mut cfg = config(localhost());
    cfg.fault_injection = true;
    let a = start_with(identity(&ca, 1), cfg.clone()).await;
    let b = start_with(identity(&ca, 2), cfg).await;
    a.set_peer(2, b.local_addr());
    b.set_peer(1, a.local_addr());
    let faults = a.faults().unwrap();
    assert!(a.call(2, &Req::WhoAmI, T).await.is_ok());

    // Outgoing drop fails fast.
    let drop = LinkFault {
        drop: true,
        ..Default::default()
    };
    faults.set(2, drop);
    let started = Instant::now();
    assert!(matches!(
        a.call(2, &Req::WhoAmI, T).await,
        Err(CallError::Injected)
    ));
    assert!(started.elapsed() < Duration::from_millis(100));
    assert_eq!(faults.all().get(&2), Some(&drop));

    // Outgoing delay.
    faults.set(
        2,
        LinkFault {
            delay_ms: 300,
            ..Default::default()
        },
    );
    let started = Instant::now();
    assert!(a.call(2, &Req::WhoAmI, T).await.is_ok());
    assert!(started.elapsed() >= Duration::from_millis(300));
    // The delay counts against the call's timeout.
    assert!(matches!(
        a.call(2, &Req::WhoAmI, Duration::from_millis(100)).await,
        Err(CallError::Timeout(_))
    ));

    // Total loss.
    faults.set(
        2,
        LinkFault {
            loss: 1.0,
            ..Default::default()
        },
    );
    assert!(matches!(
        a.call(2, &Req::WhoAmI, T).await,
        Err(CallError::Injected)
    ));

    faults.clear(2);
    let started = Instant::now();
    assert!(a.call(2, &Req::WhoAmI, T).await.is_ok());
    assert!(started.elapsed() < Duration::from_millis(300));

    // Incoming drop on b: a's request is reset unanswered.
    b.faults().unwrap().set(1, drop);
    let err = a.call(2, &Req::WhoAmI, T).await.unwrap_err();
    assert!(matches!(err, CallError::Closed(_)), "{err}");
    // Incoming delay on b.
    b.faults().unwrap().set(
        1,
        LinkFault {
            delay_ms: 300,
            ..Default::default()
        },
    );
    let started = Instant::now();
    assert!(a.call(2, &Req::WhoAmI, T).await.is_ok());
    assert!(started.elapsed() >= Duration::from_millis(300));
    b.faults().unwrap().clear_all();
    assert!(b.faults().unwrap().all().is_empty());
    assert!(a.call(2, &Req::WhoAmI, T).await.is_ok());

    // Off unless configured.
    let plain = start(&ca, 3).await;
    assert!(plain.faults().is_none());
}

#[tokio::test]
async fn reconnects_after_peer_restarts() {
    let ca = pki::new_ca("test").unwrap();
    let a = start(&ca, 1).await;
    let b_identity = identity(&ca, 2);
    let b = start_with(b_identity.clone(), config(localhost())).await;
    let b_addr = b.local_addr();
    a.set_peer(2, b_addr);
    assert!(a.call(2, &Req::WhoAmI, T).await.is_ok());

    b.shutdown().await;
    drop(b);
    assert!(a.call(2, &Req::WhoAmI, T).await.is_err());
    // The failed dial starts a backoff: the next call fails fast.
    let started = Instant::now();
    let err = a.call(2, &Req::WhoAmI, T).await.unwrap_err();
    assert!(matches!(err, CallError::Unreachable(_)), "{err}");
    assert!(started.elapsed() < Duration::from_millis(100));
    let stats = a.peers();
    assert!(!stats[0].connected);
    assert!(stats[0].last_error.is_some());

    // Same port, same identity. The old socket may take a moment to be released.
    let deadline = Instant::now() + T;
    let b2 = loop {
        match Mesh::start(config(b_addr), b_identity.clone(), Arc::new(Echo)).await {
            Ok(m) => break m,
            Err(e) if Instant::now() < deadline => {
                eprintln!("rebinding {b_addr}: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("cannot rebind {b_addr}: {e}"),
        }
    };

    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match a.call(2, &Req::WhoAmI, Duration::from_secs(1)).await {
            Ok(resp) => {
                assert_eq!(resp, Resp::You(1));
                break;
            }
            Err(e) if Instant::now() < deadline => {
                eprintln!("waiting for reconnect: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("no reconnect: {e}"),
        }
    }
    assert!(a.peers()[0].connected);
    b2.shutdown().await;
}

#[tokio::test]
async fn address_change_and_removal() {
    let ca = pki::new_ca("test").unwrap();
    let (a, b) = pair(&ca).await;
    assert!(a.call(2, &Req::WhoAmI, T).await.is_ok());
    // Point node 2 at node 3's address: the server name check catches the mix-up.
    let c = start(&ca, 3).await;
    a.set_peer(2, c.local_addr());
    assert!(!a.peers()[0].connected);
    assert!(a.call(2, &Req::WhoAmI, T).await.is_err());
    a.set_peer(2, b.local_addr());
    assert!(a.call(2, &Req::WhoAmI, T).await.is_ok());
    a.remove_peer(2);
    assert!(a.peers().is_empty());
    assert!(matches!(
        a.call(2, &Req::WhoAmI, T).await,
        Err(CallError::Unreachable(_))
    ));
}
