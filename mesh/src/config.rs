//! Endpoint settings and the QUIC transport built from them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::error::MeshError;

/// Concurrent request streams a peer may have open on one connection.
const MAX_CONCURRENT_STREAMS: u32 = 1024;

/// Settings of a mesh endpoint.
#[derive(Clone, Debug)]
pub struct MeshConfig {
    /// UDP address to bind (port 0 picks one).
    pub listen: SocketAddr,
    /// Largest frame (version byte + payload) read or written, in bytes.
    pub max_frame_bytes: usize,
    /// QUIC keep-alive interval; must be shorter than `idle_timeout`.
    pub keep_alive: Duration,
    /// A connection with no traffic for this long is closed.
    pub idle_timeout: Duration,
    /// Longest a connection attempt to a peer may take.
    pub connect_timeout: Duration,
    /// Enables [`crate::Faults`] (tests and the chaos harness only).
    pub fault_injection: bool,
}

impl MeshConfig {
    /// Defaults: 16 MiB frames, 1 s keep-alive, 10 s idle timeout, 3 s connect timeout, no fault injection.
    pub fn new(listen: SocketAddr) -> Self {
        MeshConfig {
            listen,
            max_frame_bytes: 16 * 1024 * 1024,
            keep_alive: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(3),
            fault_injection: false,
        }
    }

    pub(crate) fn transport(&self) -> Result<Arc<quinn::TransportConfig>, MeshError> {
        if self.keep_alive >= self.idle_timeout {
            return Err(MeshError::Config(format!(
                "keep_alive ({:?}) must be shorter than idle_timeout ({:?})",
                self.keep_alive, self.idle_timeout
            )));
        }
        if self.max_frame_bytes == 0 || u32::try_from(self.max_frame_bytes).is_err() {
            return Err(MeshError::Config(format!(
                "max_frame_bytes must be between 1 and {}",
                u32::MAX
            )));
        }
        let idle = quinn::IdleTimeout::try_from(self.idle_timeout)
            .map_err(|e| MeshError::Config(format!("idle_timeout: {e}")))?;
        let mut t = quinn::TransportConfig::default();
        t.keep_alive_interval(Some(self.keep_alive))
            .max_idle_timeout(Some(idle))
            .max_concurrent_bidi_streams(MAX_CONCURRENT_STREAMS.into())
            // Requests are bidirectional streams only.
            .max_concurrent_uni_streams(0u32.into());
        Ok(Arc::new(t))
    }
}
