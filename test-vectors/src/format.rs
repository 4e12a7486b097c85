//! The vector file: the FVM "message" class layout (as filecoin-project/test-vectors) with a
//! `bundle` field naming the manifest the vector was generated against.
//!
//! - `car`: gzip + base64 of the precondition state CAR (roots `[state root, chain meta]`),
//!   without actor code: a runner loads the code from the bundle.
//! - `apply_messages[i].bytes`: base64 of the DAG-CBOR unsigned message; `epoch_offset` is
//!   relative to the precondition epoch; `signature`, when present, is the message's signature
//!   and the runner applies it signed (`cloudless devnet` writes such vectors).
//! - `postconditions.receipts[i]`: exit code, base64 return bytes, gas used, and the root of
//!   the message's events (the AMT the FVM builds from them; `null` when it emitted none).

use std::io::{Read, Write};

use anyhow::Context;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vector {
    pub class: String,
    #[serde(rename = "_meta")]
    pub meta: Meta,
    pub bundle: BundleRef,
    pub car: String,
    pub preconditions: Preconditions,
    pub apply_messages: Vec<ApplyMessage>,
    pub postconditions: Postconditions,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub id: String,
    pub description: String,
    pub gen: Vec<Generator>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generator {
    pub source: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleRef {
    /// The bundle CAR root (versioned manifest) the vector was generated against.
    pub manifest: String,
    /// The test actors that bundle adds to the production bundle (`cloudless_bundle::with_test_actors`);
    /// none for a vector of the production bundle.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test_actors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preconditions {
    pub variants: Vec<Variant>,
    /// Base fee in atto.
    pub basefee: String,
    pub state_tree: StateTree,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub id: String,
    pub epoch: i64,
    pub nv: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateTree {
    pub root_cid: CidJson,
}

/// A CID as DAG-JSON: `{"/": "bafy..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CidJson {
    #[serde(rename = "/")]
    pub cid: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyMessage {
    pub bytes: String,
    pub epoch_offset: i64,
    /// base64 of the DAG-CBOR signature when the message was applied signed (as a block
    /// carries it: inclusion gas counts the signed message's length); absent for messages
    /// applied as authenticated elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Postconditions {
    pub state_tree: StateTree,
    pub receipts: Vec<Receipt>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub exit_code: u32,
    #[serde(rename = "return")]
    pub return_data: String,
    pub gas_used: u64,
    /// The events root of the receipt: every event's emitter, keys, codecs and values, frozen.
    pub events_root: Option<CidJson>,
}

pub fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

pub fn unb64(text: &str) -> anyhow::Result<Vec<u8>> {
    B64.decode(text).context("invalid base64")
}

/// gzip (fixed level, no timestamp: the same bytes every time) then base64.
pub fn gzip_b64(bytes: &[u8]) -> anyhow::Result<String> {
    let mut enc = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::new(9));
    enc.write_all(bytes)?;
    Ok(b64(&enc.finish()?))
}

pub fn gunzip_b64(text: &str) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&unb64(text)?[..]).read_to_end(&mut out).context("invalid gzip")?;
    Ok(out)
}

impl Vector {
    pub fn load(path: &std::path::Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// The file text: pretty JSON with a trailing newline (byte-identical for equal vectors).
    pub fn to_text(&self) -> anyhow::Result<String> {
        Ok(serde_json::to_string_pretty(self)? + "\n")
    }
}

/// A vector of messages applied signed through a harness journal (e.g. a `cloudless devnet`
/// run on the production bundle `bundle_car`): `genesis_car` (state without actor code) is the
/// precondition and `final_root` the expected state root.
pub fn from_journal(
    id: &str,
    description: &str,
    bundle_car: &[u8],
    genesis_car: &[u8],
    journal: &[cloudless_testing::Journaled],
    final_root: &cid::Cid,
) -> anyhow::Result<Vector> {
    let genesis = cloudless_host::Node::from_car_with_bundle(genesis_car, bundle_car)?;
    let pre_epoch = genesis.epoch();
    let mut apply_messages = Vec::new();
    let mut receipts = Vec::new();
    for j in journal {
        apply_messages.push(ApplyMessage {
            bytes: b64(&fvm_ipld_encoding::to_vec(&j.signed.message)?),
            epoch_offset: j.epoch - pre_epoch,
            signature: Some(b64(&fvm_ipld_encoding::to_vec(&j.signed.signature)?)),
        });
        receipts.push(Receipt {
            exit_code: j.exit_code.value(),
            return_data: b64(&j.return_data),
            gas_used: j.gas_used,
            events_root: j.events_root.map(|c| CidJson { cid: c.to_string() }),
        });
    }
    Ok(Vector {
        class: "message".into(),
        meta: Meta { id: id.into(), description: description.into(), gen: vec![crate::generate::generator()] },
        bundle: BundleRef {
            manifest: cloudless_bundle::inspect(bundle_car)?.root.to_string(),
            test_actors: Vec::new(),
        },
        car: gzip_b64(genesis_car)?,
        preconditions: Preconditions::of(&genesis, &genesis.state_root()),
        apply_messages,
        postconditions: Postconditions {
            state_tree: StateTree { root_cid: CidJson { cid: final_root.to_string() } },
            receipts,
        },
    })
}

impl Preconditions {
    /// The preconditions of messages applied from `node`'s epoch and base fee on `root`.
    pub fn of(node: &cloudless_host::Node, root: &cid::Cid) -> Self {
        Preconditions {
            variants: vec![Variant { id: "cloudless".into(), epoch: node.epoch(), nv: node.meta().network_version }],
            basefee: node.meta().base_fee.atto().to_string(),
            state_tree: StateTree { root_cid: CidJson { cid: root.to_string() } },
        }
    }
}
