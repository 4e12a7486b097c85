//! Serde for addresses: bytes on chain (the FVM's own encoding), `f0…`/`f1…` text in JSON.
//!
//! `#[serde(with = "cloudless_runtime::address")]` on an `Address`, `address::vec` on a
//! `Vec<Address>`.

use std::str::FromStr;

use fvm_shared::address::Address;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

pub fn serialize<S: Serializer>(addr: &Address, s: S) -> Result<S::Ok, S::Error> {
    if crate::TEXT_FORMS && s.is_human_readable() {
        s.serialize_str(&addr.to_string())
    } else {
        addr.serialize(s)
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Address, D::Error> {
    if crate::TEXT_FORMS && d.is_human_readable() {
        let text = String::deserialize(d)?;
        Address::from_str(&text).map_err(|e| de::Error::custom(format!("{text:?} is not an address: {e}")))
    } else {
        Address::deserialize(d)
    }
}

/// The same for a list of addresses.
pub mod vec {
    use super::*;

    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    struct Wrapped(#[serde(with = "super")] Address);

    pub fn serialize<S: Serializer>(addrs: &[Address], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(addrs.iter().map(|a| Wrapped(*a)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Address>, D::Error> {
        Ok(Vec::<Wrapped>::deserialize(d)?.into_iter().map(|w| w.0).collect())
    }
}

/// The same for an optional address (`null` in JSON).
pub mod option {
    use super::*;

    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    struct Wrapped(#[serde(with = "super")] Address);

    pub fn serialize<S: Serializer>(addr: &Option<Address>, s: S) -> Result<S::Ok, S::Error> {
        addr.map(Wrapped).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Address>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
    }
}
