//! The mesh endpoint: one QUIC endpoint that serves the [`Service`] to members and joiners and
//! calls peers with typed requests.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::info;

use crate::config::MeshConfig;
use crate::error::{CallError, MeshError};
use crate::faults::{Faults, Verdict};
use crate::frame::{self, Reply};
use crate::identity::Identity;
use crate::peers::{PeerStats, Peers};
use crate::server::{self, Shared};
use crate::tls;

/// How long `shutdown` waits for connections to close cleanly.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// What a node serves over the mesh.
pub trait Service: Send + Sync + 'static {
    /// A request between members.
    type Request: Serialize + DeserializeOwned + Send + Sync + 'static;
    /// The answer to a [`Service::Request`].
    type Response: Serialize + DeserializeOwned + Send + 'static;
    /// What a joiner sends (it has no certificate yet).
    type JoinRequest: Serialize + DeserializeOwned + Send + 'static;
    /// The answer to a join.
    type JoinResponse: Serialize + DeserializeOwned + Send + 'static;

    /// A request from an authenticated member; `from` is the node id in its certificate.
    fn handle(&self, from: u64, req: Self::Request) -> impl Future<Output = Self::Response> + Send;

    /// A join request from a peer without certificate (the service checks the token).
    /// An `Err` is sent back to the joiner as the reason.
    fn join(
        &self,
        remote: SocketAddr,
        req: Self::JoinRequest,
    ) -> impl Future<Output = Result<Self::JoinResponse, String>> + Send;
}

/// A running mesh endpoint. Cheap to clone; the endpoint closes when the last clone is dropped
/// or on [`Mesh::shutdown`].
pub struct Mesh<S: Service> {
    inner: Arc<Inner<S>>,
}

impl<S: Service> Clone for Mesh<S> {
    fn clone(&self) -> Self {
        Mesh {
            inner: self.inner.clone(),
        }
    }
}

struct Inner<S> {
    node_id: u64,
    local_addr: SocketAddr,
    max_frame_bytes: usize,
    endpoint: quinn::Endpoint,
    peers: Peers,
    shared: Arc<Shared<S>>,
    accept_task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl<S> Drop for Inner<S> {
    fn drop(&mut self) {
        // The accept loop holds the endpoint; without this it would serve forever.
        self.endpoint.close(0u32.into(), b"shutdown");
        if let Some(task) = self
            .accept_task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            task.abort();
        }
    }
}

impl<S: Service> Mesh<S> {
    /// Binds the UDP socket and starts accepting members and joiners.
    pub async fn start(
        config: MeshConfig,
        identity: Identity,
        service: Arc<S>,
    ) -> Result<Self, MeshError> {
        let transport = config.transport()?;
        let tls = tls::member_tls(&identity, transport)?;
        let endpoint = quinn::Endpoint::server(tls.server, config.listen).map_err(|source| {
            MeshError::Bind {
                addr: config.listen,
                source,
            }
        })?;
        let local_addr = endpoint.local_addr().map_err(|source| MeshError::Bind {
            addr: config.listen,
            source,
        })?;
        let shared = Arc::new(Shared {
            service,
            faults: config.fault_injection.then(Faults::default),
            max_frame_bytes: config.max_frame_bytes,
        });
        let accept_task = tokio::spawn(server::accept_loop(endpoint.clone(), shared.clone()));
        info!(node = identity.node_id, %local_addr, "mesh listening");
        Ok(Mesh {
            inner: Arc::new(Inner {
                node_id: identity.node_id,
                local_addr,
                max_frame_bytes: config.max_frame_bytes,
                peers: Peers::new(endpoint.clone(), tls.client, config.connect_timeout),
                endpoint,
                shared,
                accept_task: Mutex::new(Some(accept_task)),
            }),
        })
    }

    /// The bound UDP address.
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.local_addr
    }

    /// This node's id.
    pub fn node_id(&self) -> u64 {
        self.inner.node_id
    }

    /// Adds a peer or updates its address; an address change drops the cached connection.
    pub fn set_peer(&self, id: u64, addr: SocketAddr) {
        self.inner.peers.set(id, addr);
    }

    /// Forgets a peer and closes the connection to it.
    pub fn remove_peer(&self, id: u64) {
        self.inner.peers.remove(id);
    }

    /// Known peers, by id.
    pub fn peers(&self) -> Vec<PeerStats> {
        self.inner.peers.stats()
    }

    /// The fault injector, when `MeshConfig::fault_injection` is set.
    pub fn faults(&self) -> Option<&Faults> {
        self.inner.shared.faults.as_ref()
    }

    /// Sends `req` to node `to` and waits for its answer. `timeout` covers connecting, sending
    /// and receiving.
    pub async fn call(
        &self,
        to: u64,
        req: &S::Request,
        timeout: Duration,
    ) -> Result<S::Response, CallError> {
        let mut delay = None;
        if let Some(faults) = self.faults() {
            match faults.verdict(to) {
                Verdict::Drop => return Err(CallError::Injected),
                Verdict::Delay(d) => delay = Some(d),
                Verdict::Pass => {}
            }
        }
        tokio::time::timeout(timeout, self.call_inner(to, req, delay))
            .await
            .unwrap_or(Err(CallError::Timeout(timeout)))
    }

    async fn call_inner(
        &self,
        to: u64,
        req: &S::Request,
        delay: Option<Duration>,
    ) -> Result<S::Response, CallError> {
        // Encode first: a request above the cap fails without touching the network.
        let bytes = frame::encode_frame(req, self.inner.max_frame_bytes)?;
        if let Some(d) = delay {
            tokio::time::sleep(d).await;
        }
        let conn = self.inner.peers.connection(to).await?;
        let result = async {
            let (mut send, recv) = conn.open_bi().await.map_err(|e| e.to_string())?;
            send.write_all(&bytes).await.map_err(|e| e.to_string())?;
            let _ = send.finish();
            Ok::<_, String>(recv)
        }
        .await;
        let mut recv = result.map_err(|e| {
            self.inner.peers.note_error(to, &e);
            CallError::Closed(e)
        })?;
        let reply: Reply<S::Response> =
            frame::read_frame(&mut recv, self.inner.max_frame_bytes).await?;
        match reply {
            Reply::Ok(resp) => Ok(resp),
            Reply::Err(why) => Err(CallError::Refused(why)),
        }
    }

    /// Closes the endpoint (peers are told) and waits, bounded, for connections to finish closing.
    pub async fn shutdown(&self) {
        info!(node = self.inner.node_id, "mesh shutting down");
        self.inner.peers.close_all();
        self.inner.endpoint.close(0u32.into(), b"shutdown");
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, self.inner.endpoint.wait_idle()).await;
        let task = self
            .inner
            .accept_task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests;
