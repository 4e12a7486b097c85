//! The Cloudless actor bundle, built by `build.rs` and embedded here.
//!
//! [`BUNDLE_CAR`] is the production bundle (core actors + Cloudless actors); [`TEST_BUNDLE_CAR`]
//! adds test-only actors. [`inspect`] reads any bundle CAR (ours or an official builtin-actors
//! one) into its manifest.

mod actors;
pub mod fendermint;

pub use actors::{ActorSpec, ACTORS, TEST_ACTORS};

use anyhow::{anyhow, Context};
use cid::Cid;
use fvm_ipld_blockstore::{Blockstore, MemoryBlockstore};
use fvm_ipld_encoding::CborStore;

/// The production bundle CAR.
pub const BUNDLE_CAR: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/bundle.car"));
/// The production bundle plus every test actor (`test-syscall`, `test-receiver`, ...).
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

/// Packs `(name, wasm)` pairs, in manifest order, into a bundle CAR.
pub fn pack<'a>(actors: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> anyhow::Result<Vec<u8>> {
    let dir =
        std::env::temp_dir().join(format!("cloudless-pack-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("bundle.car");
    let mut bundler = fil_actor_bundler::Bundler::new(&path);
    for ((name, wasm), id) in actors.into_iter().zip(1u32..) {
        bundler.add_from_bytes(id, name.to_string(), None, wasm)?;
    }
    bundler.finish()?;
    let bytes = std::fs::read(&path)?;
    std::fs::remove_dir_all(&dir)?;
    Ok(bytes)
}

/// The production bundle plus the named test actors (in the list's order): the bundle of a
/// conformance vector that installs them, so a test actor added to the list changes no vector
/// that does not use it.
pub fn with_test_actors(names: &[&str]) -> anyhow::Result<Vec<u8>> {
    if let Some(unknown) = names.iter().find(|n| !TEST_ACTORS.iter().any(|t| t.name == **n)) {
        let known: Vec<&str> = TEST_ACTORS.iter().map(|t| t.name).collect();
        return Err(anyhow!("{unknown:?} is not a test actor (test actors: {})", known.join(", ")));
    }
    let store = MemoryBlockstore::new();
    let test = load(&store, TEST_BUNDLE_CAR)?;
    let chosen = ACTORS.iter().chain(TEST_ACTORS.iter().filter(|t| names.contains(&t.name)));
    let entries = chosen
        .map(|a| {
            let code = test.code_of(a.name).ok_or_else(|| anyhow!("the test bundle has no {}", a.name))?;
            Ok((a.name, store.get(&code)?.ok_or_else(|| anyhow!("code of {} missing", a.name))?))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    pack(entries.iter().map(|(n, w)| (*n, w.as_slice())))
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
    let entries = core
        .actors
        .iter()
        .chain(extra)
        .map(|a| Ok((a.name.as_str(), store.get(&a.code)?.ok_or_else(|| anyhow!("code of {} missing", a.name))?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    pack(entries.iter().map(|(n, w)| (*n, w.as_slice())))
}

/// The official builtin-actors v17 bundle (mainnet build of its v17.0.0 sources, the core set
/// fendermint uses), for tests: `bundle/fixtures/builtin-actors-v17.car.gz`, checked against the
/// SHA-256 of the original CAR (bundle/fixtures/README.md).
#[doc(hidden)]
pub fn official_v17() -> anyhow::Result<Vec<u8>> {
    use multihash_codetable::{Code, MultihashDigest};
    use std::io::Read;
    const SHA256: &str = "af3c6dc9849cc37db70edd5037f013cf3c4b1d7c8eea66cb0969616c6c78a2e6";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/builtin-actors-v17.car.gz");
    let gz = std::fs::read(path).with_context(|| format!("reading {path}"))?;
    let mut car = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice()).read_to_end(&mut car).with_context(|| format!("unpacking {path}"))?;
    let digest = Code::Sha2_256.digest(&car);
    let hex: String = digest.digest().iter().map(|b| format!("{b:02x}")).collect();
    if hex != SHA256 {
        return Err(anyhow!("{path} unpacks to SHA-256 {hex}, not the official build's {SHA256}"));
    }
    Ok(car)
}

/// A stand-in for an official core bundle, for tests: our core actors in builtin-actors' order
/// (system, init, cron, account, ..., placeholder, eam, ethaccount), including an actor (`cron`)
/// the Cloudless bundle does not ship.
#[doc(hidden)]
pub fn stand_in_official_core() -> anyhow::Result<Vec<u8>> {
    let store = MemoryBlockstore::new();
    let ours = load(&store, TEST_BUNDLE_CAR)?;
    let wasm = |name: &str| -> anyhow::Result<Vec<u8>> {
        let code = ours.code_of(name).ok_or_else(|| anyhow!("no {name}"))?;
        store.get(&code)?.ok_or_else(|| anyhow!("code of {name} missing"))
    };
    let actors = [
        ("system", wasm("system")?),
        ("init", wasm("init")?),
        // Any valid Wasm with a code CID of its own stands in for builtin-actors' cron.
        ("cron", wasm("test-syscall")?),
        ("account", wasm("account")?),
        ("reward", wasm("reward")?),
        ("placeholder", wasm("placeholder")?),
        ("eam", wasm("eam")?),
        ("ethaccount", wasm("ethaccount")?),
    ];
    pack(actors.iter().map(|(n, w)| (*n, w.as_slice())))
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
        let core = stand_in_official_core().unwrap();
        let composed = inspect(&compose(&core, BUNDLE_CAR).unwrap()).unwrap();
        let names: Vec<_> = composed.actors.iter().map(|a| a.name.as_str()).collect();
        // The core set in its own order, then every Cloudless actor it lacks, in ours.
        let core_names = ["system", "init", "cron", "account", "reward", "placeholder", "eam", "ethaccount"];
        let ours = ACTORS.iter().map(|a| a.name).filter(|n| !core_names.contains(n));
        let expected: Vec<&str> = core_names.into_iter().chain(ours).collect();
        assert!(expected.contains(&"oracle") && expected.contains(&"market"));
        assert_eq!(names, expected);
        assert_eq!(composed.code_of("oracle"), inspect(BUNDLE_CAR).unwrap().code_of("oracle"));
        assert!(compose(BUNDLE_CAR, b"junk").is_err());
        let no_init = pack([("system", &b"x"[..])]).unwrap();
        assert!(compose(&no_init, BUNDLE_CAR).unwrap_err().to_string().contains("init"));
    }

    /// The README shows the table `make bundle` prints; it must be this build's.
    /// `CLOUDLESS_BLESS=1 cargo test -p cloudless-bundle` rewrites it.
    #[test]
    fn readme_table_is_this_build() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
        let readme = std::fs::read_to_string(&path).unwrap();
        let (open, close) = ("<!-- bundle-table -->\n```text\n", "```\n<!-- /bundle-table -->");
        let start = readme.find(open).expect("the README's bundle-table markers") + open.len();
        let end = start + readme[start..].find(close).expect("the closing marker");
        let table = format_table(&inspect(BUNDLE_CAR).unwrap());
        if std::env::var_os("CLOUDLESS_BLESS").is_some() {
            std::fs::write(&path, format!("{}{table}{}", &readme[..start], &readme[end..])).unwrap();
            return;
        }
        assert_eq!(
            readme[start..end],
            table,
            "README.md's bundle table is stale; run CLOUDLESS_BLESS=1 cargo test -p cloudless-bundle"
        );
    }

    #[test]
    fn rejects_garbage() {
        assert!(inspect(b"not a car").is_err());
    }
}
