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
    let roots = fvm_ipld_car::load_car(store, car).context("bundle is not a valid CARv1")?;
    let [root] = roots[..] else {
        return Err(anyhow!("bundle CAR must have exactly one root, found {}", roots.len()));
    };
    let (version, manifest_data): (u32, Cid) =
        store.get_cbor(&root)?.ok_or_else(|| anyhow!("bundle root {root} missing"))?;
    if version != 1 {
        return Err(anyhow!("unsupported manifest version {version} (expected 1)"));
    }
    let entries: Vec<(String, Cid)> =
        store.get_cbor(&manifest_data)?.ok_or_else(|| anyhow!("manifest data {manifest_data} missing"))?;
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

/// A bundle running an official builtin-actors core set with the Cloudless actors, as fendermint
/// runs one: every actor of `core_car` in its own order (the FVM numbers actor types by manifest
/// position, and the official actors expect their positions), then each actor of `ours_car`
/// whose name the core bundle does not have.
pub fn compose(core_car: &[u8], ours_car: &[u8]) -> anyhow::Result<Vec<u8>> {
    let store = MemoryBlockstore::new();
    let core = load(&store, core_car).context("core bundle")?;
    let ours = load(&store, ours_car).context("Cloudless bundle")?;
    for required in ["system", "init", "account", "placeholder", "ethaccount", "eam"] {
        if core.code_of(required).is_none() {
            return Err(anyhow!("core bundle has no {required:?} actor"));
        }
    }
    let extra = ours.actors.iter().filter(|a| core.code_of(&a.name).is_none());
    let dir = std::env::temp_dir().join(format!("cloudless-compose-{}-{}", std::process::id(), core.root));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("bundle.car");
    let mut bundler = fil_actor_bundler::Bundler::new(&path);
    for (actor, id) in core.actors.iter().chain(extra).zip(1u32..) {
        let wasm = store.get(&actor.code)?.ok_or_else(|| anyhow!("code of {} missing", actor.name))?;
        bundler.add_from_bytes(id, actor.name.clone(), Some(&actor.code), &wasm)?;
    }
    bundler.finish()?;
    let bytes = std::fs::read(&path)?;
    std::fs::remove_dir_all(&dir)?;
    Ok(bytes)
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
    fn compose_keeps_core_order_and_appends_ours() {
        // A stand-in "official" core bundle: our core actors in another order plus an actor we
        // do not have, and without our product actors.
        let prod = inspect(BUNDLE_CAR).unwrap();
        let store = MemoryBlockstore::new();
        load(&store, BUNDLE_CAR).unwrap();
        let order = ["system", "init", "reward", "account", "placeholder", "eam", "ethaccount"];
        let dir = std::env::temp_dir().join(format!("cloudless-core-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("core.car");
        let mut bundler = fil_actor_bundler::Bundler::new(&path);
        for (name, id) in order.iter().chain(&["cron"]).zip(1u32..) {
            let source = if *name == "cron" { "reward" } else { name };
            let wasm = store.get(&prod.code_of(source).unwrap()).unwrap().unwrap();
            let mut bytes = wasm.clone();
            if *name == "cron" {
                bytes.extend_from_slice(b"\0"); // distinct code, still a valid CAR entry
            }
            bundler.add_from_bytes(id, name.to_string(), None, &bytes).unwrap();
        }
        bundler.finish().unwrap();
        let core_car = std::fs::read(&path).unwrap();

        let composed = inspect(&compose(&core_car, BUNDLE_CAR).unwrap()).unwrap();
        let names: Vec<_> = composed.actors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, [&order[..], &["cron", "oracle"]].concat());
        assert_eq!(composed.code_of("oracle"), prod.code_of("oracle"));
        assert!(compose(BUNDLE_CAR, b"junk").is_err());
    }

    #[test]
    fn rejects_garbage() {
        assert!(inspect(b"not a car").is_err());
    }
}
