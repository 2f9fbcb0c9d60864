//! Errors of the endpoint and of calls.

use std::time::Duration;

use crate::frame::FrameError;
use crate::pki::PkiError;

/// Why the endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum MeshError {
    /// The settings are inconsistent.
    #[error("invalid mesh config: {0}")]
    Config(String),
    /// The identity's certificates or key are unusable.
    #[error(transparent)]
    Pki(#[from] PkiError),
    /// TLS could not be set up with the identity.
    #[error("TLS setup: {0}")]
    Tls(String),
    /// The UDP socket could not be bound.
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Why a call (or a join) failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// No connection to the peer: unknown, connect failed, or backing off after a failure.
    #[error("peer unreachable: {0}")]
    Unreachable(String),
    /// No answer within the call's timeout (connect + send + receive).
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// Dropped by fault injection.
    #[error("dropped by fault injection")]
    Injected,
    /// The remote answered with an error (bad frame, join refused), or the joiner refused the
    /// seed's certificate.
    #[error("refused: {0}")]
    Refused(String),
    /// A frame could not be encoded, or the answer could not be decoded.
    #[error(transparent)]
    Frame(FrameError),
    /// The connection or stream closed before an answer came.
    #[error("connection closed: {0}")]
    Closed(String),
}

impl From<FrameError> for CallError {
    fn from(e: FrameError) -> Self {
        match e {
            // A broken stream is a transport failure, not a bad frame.
            FrameError::Stream(msg) => CallError::Closed(msg),
            other => CallError::Frame(other),
        }
    }
}
