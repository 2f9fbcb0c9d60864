//! Encoding of everything kept in sled: bincode (serde mode) behind a format version byte, so
//! a later release can read what an earlier one wrote or refuse it clearly.

use serde::{Serialize, de::DeserializeOwned};

/// The on-disk format of every value this node writes. 2: sources, assets, profiles and
/// scan jobs gained discovery metadata, fingerprints and sealed credentials. 3: explained
/// classifications. 4: scan jobs carry leases, attempts and placements; sources a residency.
const FORMAT_VERSION: u8 = 4;

/// Why a stored value could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("encoding failed: {0}")]
    Encode(#[from] bincode::error::EncodeError),
    #[error("decoding failed: {0}")]
    Decode(#[from] bincode::error::DecodeError),
    #[error(
        "stored value has format version {found}, this build reads {FORMAT_VERSION}: the data folder was written by another pursight version (export what you need with it, then start this one on a fresh folder)"
    )]
    Version { found: u8 },
    #[error("stored value is empty")]
    Empty,
}

/// Encodes a value with the version byte in front.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, CodecError> {
    let mut out = vec![FORMAT_VERSION];
    out.extend(bincode::serde::encode_to_vec(
        value,
        bincode::config::standard(),
    )?);
    Ok(out)
}

/// How many bytes [`encode`] would write, without writing them.
pub fn encoded_len<T: Serialize>(value: &T) -> Result<usize, CodecError> {
    let mut size = bincode::enc::write::SizeWriter::default();
    bincode::serde::encode_into_writer(value, &mut size, bincode::config::standard())?;
    Ok(1 + size.bytes_written)
}

/// Decodes a value written by [`encode`].
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    if version != FORMAT_VERSION {
        return Err(CodecError::Version { found: version });
    }
    let (value, _) = bincode::serde::decode_from_slice(body, bincode::config::standard())?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejects_garbage() {
        let v = (42u64, "héllo".to_string());
        let bytes = encode(&v).expect("encode");
        assert_eq!(encoded_len(&v).expect("size"), bytes.len());
        assert_eq!(decode::<(u64, String)>(&bytes).expect("decode"), v);
        assert!(matches!(
            decode::<(u64, String)>(&[]),
            Err(CodecError::Empty)
        ));
        assert!(matches!(
            decode::<(u64, String)>(&[9, 1, 2]),
            Err(CodecError::Version { found: 9 })
        ));
        assert!(decode::<(u64, String)>(&[FORMAT_VERSION, 0xff, 0xff]).is_err());
    }
}
