//! Byte strings in actor types: a CBOR byte string on chain, lowercase hex text in JSON (the CLI
//! and `state` output), like [`crate::amount`] does for amounts.
//!
//! - [`Bytes32`]: exactly 32 bytes (unit ids, nonces, hashes, difficulty).
//! - [`hex`]: `#[serde(with = "cloudless_runtime::bytes::hex")]` on a `Vec<u8>` field;
//!   [`hex_vec`] on a `Vec<Vec<u8>>`.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Lowercase hex of any byte string (for messages and JSON).
pub fn to_hex(bytes: &[u8]) -> String {
    ::hex::encode(bytes)
}

/// Exactly 32 bytes; ordered as a big-endian number.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Bytes32(pub [u8; 32]);

impl Bytes32 {
    pub const ZERO: Bytes32 = Bytes32([0; 32]);
    pub const MAX: Bytes32 = Bytes32([0xff; 32]);

    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }

    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes = ::hex::decode(text.trim_start_matches("0x")).map_err(|e| format!("{text:?} is not hex: {e}"))?;
        Self::try_from(bytes.as_slice())
    }
}

impl TryFrom<&[u8]> for Bytes32 {
    type Error = String;
    fn try_from(bytes: &[u8]) -> Result<Self, String> {
        bytes.try_into().map(Bytes32).map_err(|_| format!("expected 32 bytes, got {}", bytes.len()))
    }
}

impl From<[u8; 32]> for Bytes32 {
    fn from(b: [u8; 32]) -> Self {
        Bytes32(b)
    }
}

impl AsRef<[u8]> for Bytes32 {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Bytes32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", self.to_hex())
    }
}

impl fmt::Display for Bytes32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", self.to_hex())
    }
}

impl Serialize for Bytes32 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        hex::serialize(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for Bytes32 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes = hex::deserialize(d)?;
        Bytes32::try_from(bytes.as_slice()).map_err(de::Error::custom)
    }
}

/// Serde for `Vec<u8>`: CBOR bytes on chain, hex text in JSON.
pub mod hex {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        if crate::TEXT_FORMS && s.is_human_readable() {
            s.serialize_str(&to_hex(bytes))
        } else {
            s.serialize_bytes(bytes)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        if crate::TEXT_FORMS && d.is_human_readable() {
            let text = String::deserialize(d)?;
            ::hex::decode(text.trim_start_matches("0x"))
                .map_err(|e| de::Error::custom(format!("{text:?} is not hex: {e}")))
        } else {
            d.deserialize_bytes(BytesVisitor)
        }
    }

    struct BytesVisitor;

    impl<'de> de::Visitor<'de> for BytesVisitor {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a byte string")
        }
        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }
        fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }
    }
}

/// A serde module for `Vec<Vec<u8>>` whose items use the serde module `$item`.
macro_rules! list_of {
    ($(#[$doc:meta])* $name:ident, $item:literal) => {
        $(#[$doc])*
        pub mod $name {
            use super::*;

            #[derive(Serialize, Deserialize)]
            #[serde(transparent)]
            struct Wrapped(#[serde(with = $item)] Vec<u8>);

            pub fn serialize<S: Serializer>(items: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(items.iter().map(|b| Wrapped(b.clone())))
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
                Ok(Vec::<Wrapped>::deserialize(d)?.into_iter().map(|w| w.0).collect())
            }
        }
    };
}

list_of!(
    /// The same for a list of byte strings (`Vec<Vec<u8>>`).
    hex_vec,
    "super::hex"
);

/// CID bytes kept as bytes on chain (never a link: the FVM refuses links to blocks an actor
/// cannot reach), shown as the CID's text in JSON (hex when the bytes are not a CID).
pub mod cid_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        if crate::TEXT_FORMS && s.is_human_readable() {
            match cid::Cid::try_from(bytes) {
                Ok(c) => s.serialize_str(&c.to_string()),
                Err(_) => s.serialize_str(&to_hex(bytes)),
            }
        } else {
            s.serialize_bytes(bytes)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        if crate::TEXT_FORMS && d.is_human_readable() {
            let text = String::deserialize(d)?;
            match text.parse::<cid::Cid>() {
                Ok(c) => Ok(c.to_bytes()),
                Err(_) => ::hex::decode(text.trim_start_matches("0x"))
                    .map_err(|_| de::Error::custom(format!("{text:?} is neither a CID nor hex"))),
            }
        } else {
            super::hex::deserialize(d)
        }
    }
}

list_of!(
    /// A list of [`cid_bytes`].
    cid_bytes_vec,
    "super::cid_bytes"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbor_bytes_and_json_hex() {
        let b = Bytes32([0xab; 32]);
        let cbor = fvm_ipld_encoding::to_vec(&b).unwrap();
        assert_eq!(cbor[..2], [0x58, 32], "a 32-byte CBOR byte string");
        assert_eq!(fvm_ipld_encoding::from_slice::<Bytes32>(&cbor).unwrap(), b);
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(json, format!("\"{}\"", "ab".repeat(32)));
        assert_eq!(serde_json::from_str::<Bytes32>(&json).unwrap(), b);
        // Wrong lengths are errors, not truncations.
        let short = fvm_ipld_encoding::to_vec(&serde_bytes_of(&[1u8; 31])).unwrap();
        assert!(fvm_ipld_encoding::from_slice::<Bytes32>(&short).is_err());
        assert!(serde_json::from_str::<Bytes32>("\"abcd\"").is_err());
        let mut a = [0u8; 32];
        a[1] = 1;
        assert!(Bytes32(a) > Bytes32::ZERO && Bytes32(a) < Bytes32::MAX, "big-endian order");
    }

    fn serde_bytes_of(b: &[u8]) -> fvm_ipld_encoding::RawBytes {
        fvm_ipld_encoding::RawBytes::new(b.to_vec())
    }
}
