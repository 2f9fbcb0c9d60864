//! Known peers and one cached outgoing connection per peer: reused by concurrent calls,
//! redialled when closed, with deduplicated dials and exponential backoff after failures.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;
use tracing::{debug, info, warn};

use crate::error::CallError;
use crate::pki::server_name;

const BACKOFF_FIRST: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(5);

/// What this node knows about one peer.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PeerStats {
    /// The peer's node id.
    pub id: u64,
    /// The address it is dialled at.
    pub addr: SocketAddr,
    /// Whether an outgoing connection to it is open.
    pub connected: bool,
    /// Smoothed round-trip time of that connection.
    pub rtt: Option<Duration>,
    /// The last connection failure since the last successful connect.
    pub last_error: Option<String>,
}

struct Peer {
    addr: SocketAddr,
    /// Bumped on address change, so a dial to the old address does not land in the cache.
    generation: u64,
    conn: Option<quinn::Connection>,
    /// Held while dialling, so concurrent calls wait for one dial instead of each dialling.
    dial: Arc<tokio::sync::Mutex<()>>,
    backoff: Duration,
    retry_at: Option<Instant>,
    last_error: Option<String>,
}

impl Peer {
    fn live_conn(&self) -> Option<quinn::Connection> {
        self.conn
            .as_ref()
            .filter(|c| c.close_reason().is_none())
            .cloned()
    }
}

pub(crate) struct Peers {
    endpoint: quinn::Endpoint,
    client: quinn::ClientConfig,
    connect_timeout: Duration,
    map: Mutex<HashMap<u64, Peer>>,
}

impl Peers {
    pub(crate) fn new(
        endpoint: quinn::Endpoint,
        client: quinn::ClientConfig,
        connect_timeout: Duration,
    ) -> Self {
        Peers {
            endpoint,
            client,
            connect_timeout,
            map: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Peer>> {
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn set(&self, id: u64, addr: SocketAddr) {
        let mut map = self.lock();
        match map.get_mut(&id) {
            Some(peer) if peer.addr == addr => {}
            Some(peer) => {
                info!(peer = id, old = %peer.addr, new = %addr, "peer address changed");
                if let Some(conn) = peer.conn.take() {
                    conn.close(0u32.into(), b"peer address changed");
                }
                peer.addr = addr;
                peer.generation += 1;
                peer.backoff = Duration::ZERO;
                peer.retry_at = None;
                peer.last_error = None;
            }
            None => {
                debug!(peer = id, %addr, "peer added");
                map.insert(
                    id,
                    Peer {
                        addr,
                        generation: 0,
                        conn: None,
                        dial: Arc::default(),
                        backoff: Duration::ZERO,
                        retry_at: None,
                        last_error: None,
                    },
                );
            }
        }
    }

    pub(crate) fn remove(&self, id: u64) {
        if let Some(peer) = self.lock().remove(&id) {
            debug!(peer = id, "peer removed");
            if let Some(conn) = peer.conn {
                conn.close(0u32.into(), b"peer removed");
            }
        }
    }

    pub(crate) fn stats(&self) -> Vec<PeerStats> {
        let mut out: Vec<PeerStats> = self
            .lock()
            .iter()
            .map(|(&id, peer)| {
                let conn = peer.live_conn();
                PeerStats {
                    id,
                    addr: peer.addr,
                    connected: conn.is_some(),
                    rtt: conn.map(|c| c.rtt()),
                    last_error: peer.last_error.clone(),
                }
            })
            .collect();
        out.sort_by_key(|p| p.id);
        out
    }

    /// Records a failure on an established connection (shown in `peers()`).
    pub(crate) fn note_error(&self, id: u64, error: &str) {
        if let Some(peer) = self.lock().get_mut(&id) {
            peer.last_error = Some(error.to_string());
        }
    }

    /// The open connection to `id`, dialling it if needed.
    pub(crate) async fn connection(&self, id: u64) -> Result<quinn::Connection, CallError> {
        let dial = {
            let map = self.lock();
            let peer = map
                .get(&id)
                .ok_or_else(|| CallError::Unreachable(format!("unknown peer {id}")))?;
            if let Some(conn) = peer.live_conn() {
                return Ok(conn);
            }
            peer.dial.clone()
        };
        let _dialling = dial.lock().await;

        // Another call may have dialled (or failed) while this one waited.
        let (addr, generation) = {
            let map = self.lock();
            let peer = map
                .get(&id)
                .ok_or_else(|| CallError::Unreachable(format!("unknown peer {id}")))?;
            if let Some(conn) = peer.live_conn() {
                return Ok(conn);
            }
            if let Some(at) = peer.retry_at.filter(|&at| Instant::now() < at) {
                return Err(CallError::Unreachable(format!(
                    "peer {id} at {}: backing off for {:?} after: {}",
                    peer.addr,
                    at - Instant::now(),
                    peer.last_error.as_deref().unwrap_or("connect failure")
                )));
            }
            (peer.addr, peer.generation)
        };

        let result = self.dial(id, addr).await;

        let mut map = self.lock();
        let Some(peer) = map.get_mut(&id).filter(|p| p.generation == generation) else {
            if let Ok(conn) = result {
                conn.close(0u32.into(), b"peer changed");
            }
            return Err(CallError::Unreachable(format!(
                "peer {id} was removed or moved while connecting"
            )));
        };
        match result {
            Ok(conn) => {
                info!(peer = id, %addr, "connected to peer");
                peer.conn = Some(conn.clone());
                peer.backoff = Duration::ZERO;
                peer.retry_at = None;
                peer.last_error = None;
                Ok(conn)
            }
            Err(e) => {
                peer.backoff = if peer.backoff.is_zero() {
                    BACKOFF_FIRST
                } else {
                    (peer.backoff * 2).min(BACKOFF_MAX)
                };
                peer.retry_at = Some(Instant::now() + peer.backoff);
                peer.last_error = Some(e.clone());
                warn!(peer = id, %addr, error = %e, retry_in = ?peer.backoff, "cannot connect to peer");
                Err(CallError::Unreachable(format!("peer {id} at {addr}: {e}")))
            }
        }
    }

    async fn dial(&self, id: u64, addr: SocketAddr) -> Result<quinn::Connection, String> {
        let connecting = self
            .endpoint
            .connect_with(self.client.clone(), addr, &server_name(id))
            .map_err(|e| e.to_string())?;
        match tokio::time::timeout(self.connect_timeout, connecting).await {
            Ok(Ok(conn)) => Ok(conn),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!(
                "connect timed out after {:?}",
                self.connect_timeout
            )),
        }
    }

    /// Closes every cached connection.
    pub(crate) fn close_all(&self) {
        for peer in self.lock().values_mut() {
            if let Some(conn) = peer.conn.take() {
                conn.close(0u32.into(), b"shutdown");
            }
        }
    }
}
