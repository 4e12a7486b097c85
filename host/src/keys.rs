//! secp256k1 keys, message signing and the dev key store.
//!
//! Messages are signed as Filecoin signs them: a recoverable secp256k1 signature (r, s, v; 65
//! bytes) over blake2b-256 of the message CID's bytes. Dev keys are derived from an account's
//! name, so a dev network is reproducible; they are public knowledge and for dev networks only.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use anyhow::{anyhow, Context};
use cid::Cid;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::{to_vec, DAG_CBOR};
use fvm_shared::address::Address;
use fvm_shared::crypto::signature::Signature;
use fvm_shared::message::Message;
use multihash_codetable::{Code, MultihashDigest};
use serde::{Deserialize, Serialize};

use crate::blake2b256;

/// A secp256k1 private key.
#[derive(Clone)]
pub struct Key {
    secret: libsecp256k1::SecretKey,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({})", self.address())
    }
}

impl Key {
    pub fn from_bytes(secret: &[u8]) -> anyhow::Result<Self> {
        let bytes: [u8; 32] =
            secret.try_into().map_err(|_| anyhow!("a secp256k1 key is 32 bytes, got {}", secret.len()))?;
        let secret = libsecp256k1::SecretKey::parse(&bytes).map_err(|e| anyhow!("invalid secp256k1 key: {e:?}"))?;
        Ok(Self { secret })
    }

    pub fn from_hex(hex_text: &str) -> anyhow::Result<Self> {
        let bytes = hex::decode(hex_text.trim()).context("private key is not hex")?;
        Self::from_bytes(&bytes)
    }

    /// The deterministic dev key of an account name.
    pub fn dev(name: &str) -> Self {
        let mut seed = blake2b256(format!("cloudless/dev-key/{name}").as_bytes());
        loop {
            if let Ok(key) = Self::from_bytes(&seed) {
                return key;
            }
            seed = blake2b256(&seed);
        }
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.secret.serialize())
    }

    pub fn address(&self) -> Address {
        let public = libsecp256k1::PublicKey::from_secret_key(&self.secret);
        Address::new_secp256k1(&public.serialize()).expect("uncompressed key is 65 bytes")
    }

    /// Signs `data` (hashed with blake2b-256) as Filecoin does.
    pub fn sign(&self, data: &[u8]) -> Signature {
        let digest = libsecp256k1::Message::parse(&blake2b256(data));
        let (sig, recovery) = libsecp256k1::sign(&digest, &self.secret);
        let mut bytes = sig.serialize().to_vec();
        bytes.push(recovery.serialize());
        Signature::new_secp256k1(bytes)
    }

    pub fn sign_message(&self, message: Message) -> SignedMessage {
        let signature = self.sign(&message_cid(&message).to_bytes());
        SignedMessage { message, signature }
    }
}

/// The CID of a message: DAG-CBOR, blake2b-256.
pub fn message_cid(message: &Message) -> Cid {
    let bytes = to_vec(message).expect("messages always encode");
    Cid::new_v1(DAG_CBOR, Code::Blake2b256.digest(&bytes))
}

/// A message with its sender's signature.
#[derive(Debug, Clone, PartialEq, Serialize_tuple, Deserialize_tuple)]
pub struct SignedMessage {
    pub message: Message,
    pub signature: Signature,
}

impl SignedMessage {
    /// Checks the signature against `signer`, the sender's key address.
    pub fn verify(&self, signer: &Address) -> anyhow::Result<()> {
        self.signature
            .verify(&message_cid(&self.message).to_bytes(), signer)
            .map_err(|e| anyhow!("invalid signature for {signer}: {e}"))
    }

    /// The on-chain size, charged as message inclusion gas.
    pub fn chain_length(&self) -> usize {
        to_vec(self).map(|b| b.len()).unwrap_or(0)
    }
}

/// One account in the key store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyEntry {
    pub address: String,
    pub private_key: String,
}

/// Named keys of a dev network and the names of its singleton actors, written next to its
/// state CAR (`keys.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyStore {
    pub keys: BTreeMap<String, KeyEntry>,
    /// Actor name → ID address (accounts and singletons created at genesis).
    #[serde(default)]
    pub actors: BTreeMap<String, String>,
}

impl KeyStore {
    pub fn insert(&mut self, name: &str, key: &Key) {
        self.keys.insert(name.to_string(), KeyEntry { address: key.address().to_string(), private_key: key.to_hex() });
    }

    pub fn key(&self, name: &str) -> anyhow::Result<Key> {
        let entry = self.keys.get(name).ok_or_else(|| {
            let known: Vec<_> = self.keys.keys().map(String::as_str).collect();
            anyhow!("no key named {name:?} in the key store (known: {})", known.join(", "))
        })?;
        Key::from_hex(&entry.private_key).with_context(|| format!("key {name:?}"))
    }

    /// An address for a name in the store (key or actor), or an address literal.
    pub fn address_of(&self, name_or_address: &str) -> anyhow::Result<Address> {
        if let Some(entry) = self.keys.get(name_or_address) {
            return Ok(Address::from_str(&entry.address)?);
        }
        if let Some(addr) = self.actors.get(name_or_address) {
            return Ok(Address::from_str(addr)?);
        }
        Address::from_str(name_or_address)
            .map_err(|_| anyhow!("{name_or_address:?} is neither a name in the key store nor an address"))
    }

    /// The key whose address is `addr`, if the store holds it.
    pub fn key_for_address(&self, addr: &Address) -> Option<Key> {
        let text = addr.to_string();
        self.keys.values().find(|e| e.address == text).and_then(|e| Key::from_hex(&e.private_key).ok())
    }

    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading key store {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("parsing key store {}", path.display()))
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        std::fs::write(path, serde_json::to_string_pretty(self)? + "\n")
            .with_context(|| format!("writing key store {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_shared::econ::TokenAmount;

    fn msg(from: Address) -> Message {
        Message {
            version: 0,
            from,
            to: Address::new_id(83),
            sequence: 4,
            value: TokenAmount::from_atto(5),
            method_num: 2,
            params: vec![1, 2, 3].into(),
            gas_limit: 1_000_000,
            gas_fee_cap: TokenAmount::from_atto(100),
            gas_premium: TokenAmount::from_atto(1),
        }
    }

    #[test]
    fn dev_keys_are_deterministic_and_distinct() {
        assert_eq!(Key::dev("alice").address(), Key::dev("alice").address());
        assert_ne!(Key::dev("alice").address(), Key::dev("bob").address());
        let k = Key::dev("alice");
        assert_eq!(Key::from_hex(&k.to_hex()).unwrap().address(), k.address());
    }

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let key = Key::dev("alice");
        let signed = key.sign_message(msg(key.address()));
        signed.verify(&key.address()).unwrap();
        assert!(signed.verify(&Key::dev("bob").address()).is_err());
        let mut tampered = signed.clone();
        tampered.message.sequence += 1;
        assert!(tampered.verify(&key.address()).is_err());
    }

    #[test]
    fn key_store_round_trips() {
        let mut ks = KeyStore::default();
        ks.insert("alice", &Key::dev("alice"));
        let dir = std::env::temp_dir().join(format!("cloudless-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("keys.json");
        ks.save(&path).unwrap();
        let loaded = KeyStore::load(&path).unwrap();
        assert_eq!(loaded, ks);
        assert_eq!(loaded.key("alice").unwrap().address(), Key::dev("alice").address());
        assert!(loaded.key("carol").unwrap_err().to_string().contains("alice"));
        assert!(Key::from_hex("zz").is_err());
        assert!(Key::from_bytes(&[0; 32]).is_err());
    }
}
