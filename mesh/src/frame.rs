//! Length-prefixed frames: a `u32` big-endian length of (version byte + payload), the version
//! byte [`FRAME_VERSION`], then the payload as bincode (serde, standard config).
//!
//! Frames come from the network, so reading never trusts them: the length is checked against
//! the cap before anything is allocated, and every malformed input is a [`FrameError`].

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The frame format version this build writes and accepts.
pub const FRAME_VERSION: u8 = 1;

const HEADER_LEN: usize = 4;

/// A frame that could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The frame's length is above the cap; nothing was allocated for it.
    #[error("frame of {len} bytes exceeds the cap of {max} bytes")]
    TooLarge {
        /// Length announced by (or computed for) the frame.
        len: u64,
        /// The cap in force.
        max: usize,
    },
    /// The frame's length is zero, so it lacks even the version byte.
    #[error("empty frame")]
    Empty,
    /// The version byte is not [`FRAME_VERSION`].
    #[error("unsupported frame version {0} (expected {FRAME_VERSION})")]
    Version(u8),
    /// The stream ended inside a frame.
    #[error("stream ended inside a frame")]
    Truncated,
    /// The payload is not a valid encoding of the expected type.
    #[error("cannot decode frame payload: {0}")]
    Decode(String),
    /// The value could not be encoded.
    #[error("cannot encode frame payload: {0}")]
    Encode(String),
    /// The stream failed (reset, stopped, connection lost).
    #[error("stream error: {0}")]
    Stream(String),
}

/// The answer envelope on every request stream.
#[derive(Debug, Serialize, serde::Deserialize)]
pub(crate) enum Reply<T> {
    Ok(T),
    Err(String),
}

/// Encodes `value` as one complete frame (header included), refusing one above `max` bytes.
pub fn encode_frame<T: Serialize + ?Sized>(value: &T, max: usize) -> Result<Vec<u8>, FrameError> {
    // Header placeholder and version byte first, then the payload appended in place.
    let mut buf = vec![0u8; HEADER_LEN];
    buf.push(FRAME_VERSION);
    bincode::serde::encode_into_std_write(value, &mut buf, bincode::config::standard())
        .map_err(|e| FrameError::Encode(e.to_string()))?;
    let len = buf.len() - HEADER_LEN;
    let Some(len32) = u32::try_from(len).ok().filter(|_| len <= max) else {
        return Err(FrameError::TooLarge {
            len: len as u64,
            max,
        });
    };
    buf[..HEADER_LEN].copy_from_slice(&len32.to_be_bytes());
    Ok(buf)
}

/// Writes `value` as one frame.
pub async fn write_frame<T, W>(w: &mut W, value: &T, max: usize) -> Result<(), FrameError>
where
    T: Serialize + ?Sized,
    W: AsyncWrite + Unpin,
{
    let buf = encode_frame(value, max)?;
    w.write_all(&buf).await.map_err(stream_error)
}

/// Reads one frame and decodes its payload, refusing frames above `max` bytes before
/// allocating for them.
pub async fn read_frame<T, R>(r: &mut R, max: usize) -> Result<T, FrameError>
where
    T: DeserializeOwned,
    R: AsyncRead + Unpin,
{
    let mut header = [0u8; HEADER_LEN];
    r.read_exact(&mut header).await.map_err(stream_error)?;
    let len = u32::from_be_bytes(header) as usize;
    if len == 0 {
        return Err(FrameError::Empty);
    }
    if len > max {
        return Err(FrameError::TooLarge {
            len: len as u64,
            max,
        });
    }
    let mut version = [0u8; 1];
    r.read_exact(&mut version).await.map_err(stream_error)?;
    if version[0] != FRAME_VERSION {
        return Err(FrameError::Version(version[0]));
    }
    let mut payload = vec![0u8; len - 1];
    r.read_exact(&mut payload).await.map_err(stream_error)?;
    decode_payload(&payload)
}

/// Decodes a payload, requiring every byte to be used.
pub fn decode_payload<T: DeserializeOwned>(payload: &[u8]) -> Result<T, FrameError> {
    // bincode allocates a collection's announced length before reading it, and counts what
    // it claims against the limit in *memory* size (length × size of the element), so a few
    // hostile bytes could ask for gigabytes. The limit is a bucket of 16× the payload
    // (a const, hence buckets): legitimate messages decode (a list of small enum values
    // claims far more memory than its compact wire form; Raft batches of log entries are
    // exactly that), and a hostile frame gets at most 16× its own size.
    const KIB: usize = 1024;
    let n = payload.len();
    let decoded = if n <= 4 * KIB {
        decode_limited::<T, { 64 * KIB }>(payload)
    } else if n <= 64 * KIB {
        decode_limited::<T, { KIB * KIB }>(payload)
    } else if n <= KIB * KIB {
        decode_limited::<T, { 16 * KIB * KIB }>(payload)
    } else if n <= 16 * KIB * KIB {
        decode_limited::<T, { 256 * KIB * KIB }>(payload)
    } else {
        decode_limited::<T, { u32::MAX as usize }>(payload)
    };
    let (value, used) = decoded.map_err(|e| FrameError::Decode(e.to_string()))?;
    if used != n {
        return Err(FrameError::Decode(format!(
            "{} trailing bytes after the payload",
            n - used
        )));
    }
    Ok(value)
}

fn decode_limited<T: DeserializeOwned, const LIMIT: usize>(
    payload: &[u8],
) -> Result<(T, usize), bincode::error::DecodeError> {
    bincode::serde::decode_from_slice(payload, bincode::config::standard().with_limit::<LIMIT>())
}

fn stream_error(e: std::io::Error) -> FrameError {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        FrameError::Truncated
    } else {
        FrameError::Stream(e.to_string())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const MAX: usize = 1024;

    #[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
    struct Msg {
        id: u64,
        text: String,
    }

    #[test]
    fn batches_of_small_integers_decode() {
        // bincode counts a u64 as 8 bytes against its limit however few bytes its varint
        // takes: 60,000 small numbers are ~60 KB on the wire but claim 480 KB. Raft batches
        // of log entries (terms, indexes, times) are like this; the chaos harness found
        // catch-up batches refused and the cluster stalled.
        let batch: Vec<u64> = (0..60_000).map(|i| i % 100).collect();
        let bytes = bincode::serde::encode_to_vec(&batch, bincode::config::standard()).unwrap();
        assert!(bytes.len() <= 64 * 1024);
        let back: Vec<u64> = decode_payload(&bytes).unwrap();
        assert_eq!(back, batch);
    }

    async fn read(bytes: &[u8]) -> Result<Msg, FrameError> {
        let mut r = bytes;
        read_frame(&mut r, MAX).await
    }

    #[tokio::test]
    async fn round_trip() {
        let msg = Msg {
            id: 3,
            text: "hello".into(),
        };
        let mut buf = Vec::new();
        write_frame(&mut buf, &msg, MAX).await.unwrap();
        assert_eq!(buf[4], FRAME_VERSION);
        assert_eq!(
            u32::from_be_bytes(buf[..4].try_into().unwrap()) as usize,
            buf.len() - 4
        );
        assert_eq!(read(&buf).await.unwrap(), msg);
    }

    #[tokio::test]
    async fn malformed_frames_are_errors() {
        let good = encode_frame(
            &Msg {
                id: 1,
                text: "x".into(),
            },
            MAX,
        )
        .unwrap();

        let mut wrong_version = good.clone();
        wrong_version[4] = 9;
        assert!(matches!(
            read(&wrong_version).await,
            Err(FrameError::Version(9))
        ));

        assert!(matches!(
            read(&good[..good.len() - 1]).await,
            Err(FrameError::Truncated)
        ));
        assert!(matches!(read(&good[..2]).await, Err(FrameError::Truncated)));
        assert!(matches!(read(&[0, 0, 0, 0]).await, Err(FrameError::Empty)));

        let huge = [0xff, 0xff, 0xff, 0xff, FRAME_VERSION];
        assert!(matches!(
            read(&huge).await,
            Err(FrameError::TooLarge { .. })
        ));

        // A string claiming 2^62 bytes must fail cleanly, not try to allocate it.
        let mut hostile = vec![0, 0, 0, 12, FRAME_VERSION, 1];
        hostile.extend_from_slice(&[253, 0, 0, 0, 0, 0, 0, 0, 0x40]);
        hostile.push(0);
        hostile[3] = (hostile.len() - 4) as u8;
        assert!(matches!(read(&hostile).await, Err(FrameError::Decode(_))));

        let mut trailing = good.clone();
        trailing.push(0);
        let len = (trailing.len() - 4) as u32;
        trailing[..4].copy_from_slice(&len.to_be_bytes());
        assert!(matches!(read(&trailing).await, Err(FrameError::Decode(_))));
    }

    #[test]
    fn encode_refuses_above_cap() {
        let big = Msg {
            id: 0,
            text: "y".repeat(MAX),
        };
        assert!(matches!(
            encode_frame(&big, MAX),
            Err(FrameError::TooLarge { .. })
        ));
    }
}
