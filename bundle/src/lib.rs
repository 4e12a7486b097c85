//! The Cloudless actor bundle, built by `build.rs` and embedded here.
//!
//! [`BUNDLE_CAR`] is the production bundle (core actors + Cloudless actors); [`TEST_BUNDLE_CAR`]
//! adds test-only actors. [`inspect`] reads any bundle CAR (ours or an official builtin-actors
//! one) into its manifest.

mod actors;

pub use actors::{ActorSpec, ACTORS, TEST_ACTORS};

use anyhow::{anyhow, Context};
use cid::Cid;
use fvm_ipld_blockstore::{Blockstore, MemoryBlockstore};
use fvm_ipld_encoding::CborStore;

/// The production bundle CAR.
pub const BUNDLE_CAR: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/bundle.car"));
/// The production bundle plus test-only actors (`test-syscall`).
pub const TEST_BUNDLE_CAR: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/test-bundle.car"));

/// One manifest entry with the size of its Wasm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorInfo {
    pub name: String,
    pub code: Cid,
    pub wasm_size: usize,
}

/// A loaded bundle: CAR root (the versioned manifest), manifest data and actors in order.
#[derive(Debug, Clone)]
pub struct BundleInfo {
    pub root: Cid,
    pub manifest_data: Cid,
    pub actors: Vec<ActorInfo>,
}

impl BundleInfo {
    pub fn code_of(&self, name: &str) -> Option<Cid> {
        self.actors.iter().find(|a| a.name == name).map(|a| a.code)
    }
}

/// Loads a bundle CAR into `store`, checks its manifest and every code block are present, and
/// returns its manifest.
pub fn load(store: &impl Blockstore, car: &[u8]) -> anyhow::Result<BundleInfo> {
    let roots = fvm_ipld_car::load_car(store, car)
        .context("bundle is not a valid CARv1")?;
    let [root] = roots[..] else {
        return Err(anyhow!("bundle CAR must have exactly one root, found {}", roots.len()));
    };
    let (version, manifest_data): (u32, Cid) = store
        .get_cbor(&root)?
        .ok_or_else(|| anyhow!("bundle root {root} missing"))?;
    if version != 1 {
        return Err(anyhow!("unsupported manifest version {version} (expected 1)"));
    }
    let entries: Vec<(String, Cid)> = store
        .get_cbor(&manifest_data)?
        .ok_or_else(|| anyhow!("manifest data {manifest_data} missing"))?;
    let actors = entries
        .into_iter()
        .map(|(name, code)| {
            let wasm = store.get(&code)?.ok_or_else(|| anyhow!("code of {name} ({code}) missing from the CAR"))?;
            Ok(ActorInfo { name, code, wasm_size: wasm.len() })
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(BundleInfo { root, manifest_data, actors })
}

/// Reads a bundle CAR's manifest without keeping its blocks.
pub fn inspect(car: &[u8]) -> anyhow::Result<BundleInfo> {
    load(&MemoryBlockstore::new(), car)
}

/// The table `make bundle` and `cloudless bundle inspect` print.
pub fn format_table(info: &BundleInfo) -> String {
    let mut out = format!("{:<14} {:<64} {:>10}\n", "ACTOR", "CODE CID", "WASM BYTES");
    for a in &info.actors {
        out += &format!("{:<14} {:<64} {:>10}\n", a.name, a.code.to_string(), a.wasm_size);
    }
    let total: usize = info.actors.iter().map(|a| a.wasm_size).sum();
    out += &format!("{:<14} {:<64} {:>10}\n", "total", "", total);
    out += &format!("manifest (CAR root): {}\nmanifest data:       {}\n", info.root, info.manifest_data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_bundles_list_every_actor_in_order() {
        let prod = inspect(BUNDLE_CAR).unwrap();
        let names: Vec<_> = prod.actors.iter().map(|a| a.name.as_str()).collect();
        let expected: Vec<_> = ACTORS.iter().map(|a| a.name).collect();
        assert_eq!(names, expected);
        assert!(prod.actors.iter().all(|a| a.wasm_size > 0));

        let test = inspect(TEST_BUNDLE_CAR).unwrap();
        assert_eq!(test.actors.len(), ACTORS.len() + TEST_ACTORS.len());
        // Test actors never change production code CIDs.
        assert_eq!(&test.actors[..ACTORS.len()], &prod.actors[..]);
    }

    #[test]
    fn rejects_garbage() {
        assert!(inspect(b"not a car").is_err());
    }
}
