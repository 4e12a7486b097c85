//! The Cloudless actors as a fendermint *custom-actors* bundle (issue 19, first part).
//!
//! fendermint (consensus-shipyard/ipc) runs the official builtin-actors bundle as its core set
//! and loads one more CAR of custom actors at genesis (`fendermint/actors-custom-car`). Its loader
//! reads the CAR root as `(version, manifest data CID)`, accepts version 1 only, decodes the
//! manifest data as a list of `(name, code CID)`, keys the actors by name (a repeated name keeps
//! the last entry) and requires three of its own actors to be present: `chainmetadata`, `eam`
//! (its IPC EAM, which replaces builtin-actors' EAM) and `gas_market_eip1559`. Custom actors are
//! then created by name with `create_custom_actor(name, id, state, ...)`.
//!
//! [`custom_car`] packs only the Cloudless actors (no core actor, so none of our names collides
//! with fendermint's); [`merge_custom`] appends them to fendermint's own custom CAR, which is the
//! single CAR fendermint loads; [`check_custom_manifest`] applies fendermint's rules as its
//! source states them, so tests hold our CARs to them without building fendermint.

use std::collections::BTreeMap;

use anyhow::{anyhow, Context};
use cid::Cid;
use fvm_ipld_blockstore::{Blockstore, MemoryBlockstore};
use fvm_ipld_encoding::CborStore;

use crate::{load, pack, BUNDLE_CAR};

/// Actor IDs fendermint's genesis gives its own actors (`fendermint/vm/actor_interface`: system 0,
/// init 1, reward 2, cron 3, EAM 10, chain metadata 48, IPC gateway 64, subnet registry 65, gas
/// market 98, burnt funds and activity tracker 99, F3 light client 1000). Cloudless singletons must
/// take other IDs.
pub const RESERVED_IDS: [u64; 11] = [0, 1, 2, 3, 10, 48, 64, 65, 98, 99, 1000];
/// fendermint's init hands out IDs from here (`FIRST_NON_SINGLETON_ADDR`): accounts and the IPC
/// contracts take them, so singletons stay below.
pub const FIRST_NON_SINGLETON_ID: u64 = 100;

/// The actors fendermint's custom manifest must hold (`actors-custom-car/src/manifest.rs`,
/// `REQUIRED_ACTORS`).
pub const REQUIRED_ACTORS: [&str; 3] = ["chainmetadata", "eam", "gas_market_eip1559"];

/// The Cloudless actors of the production bundle, in manifest order (its core actors are not
/// among them: a fendermint subnet takes those from the official builtin-actors bundle).
pub fn custom_actor_names() -> Vec<&'static str> {
    crate::ACTORS.iter().filter(|a| a.kind == "product").map(|a| a.name).collect()
}

/// A version-1 bundle CAR with only the Cloudless actors (the code CIDs of the production bundle).
pub fn custom_car() -> anyhow::Result<Vec<u8>> {
    let store = MemoryBlockstore::new();
    let ours = load(&store, BUNDLE_CAR)?;
    let entries = custom_actor_names()
        .into_iter()
        .map(|name| {
            let code = ours.code_of(name).ok_or_else(|| anyhow!("the production bundle has no {name}"))?;
            Ok((name, store.get(&code)?.ok_or_else(|| anyhow!("code of {name} missing"))?))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    pack(entries.iter().map(|(n, w)| (*n, w.as_slice())))
}

/// fendermint's custom-manifest rules applied to `car`: the root names version 1 and a manifest
/// data block that decodes as `[(name, code CID)]`; actors are keyed by name (the last of a
/// repeated name wins, as in its `HashMap`); with `require`, [`REQUIRED_ACTORS`] must be there.
/// Returns the name → code map fendermint would build.
pub fn check_custom_manifest(car: &[u8], require: bool) -> anyhow::Result<BTreeMap<String, Cid>> {
    let store = MemoryBlockstore::new();
    let roots = fvm_ipld_car::load_car(&store, car).context("not a valid CARv1")?;
    let root = *roots.first().ok_or_else(|| anyhow!("the CAR has no root"))?;
    let (version, data): (u32, Cid) = store.get_cbor(&root)?.ok_or_else(|| anyhow!("root {root} is not in the CAR"))?;
    if version != 1 {
        return Err(anyhow!("unsupported manifest version {version}"));
    }
    let entries: Vec<(String, Cid)> =
        store.get_cbor(&data)?.ok_or_else(|| anyhow!("cannot find manifest root cid {data}"))?;
    let by_name: BTreeMap<String, Cid> = entries.into_iter().collect();
    if require {
        for name in REQUIRED_ACTORS {
            if !by_name.contains_key(name) {
                return Err(anyhow!("manifest missing required actor {name}"));
            }
        }
    }
    for (name, code) in &by_name {
        if !store.has(code)? {
            return Err(anyhow!("the code of {name} ({code}) is not in the CAR"));
        }
    }
    Ok(by_name)
}

/// fendermint's custom CAR with the Cloudless actors appended: its actors in its order, then ours.
/// Refuses a name both have (fendermint would silently keep one of the two).
pub fn merge_custom(fendermint_car: &[u8], ours_car: &[u8]) -> anyhow::Result<Vec<u8>> {
    check_custom_manifest(fendermint_car, true).context("fendermint's custom-actors CAR")?;
    let store = MemoryBlockstore::new();
    let theirs = load(&store, fendermint_car).context("fendermint's custom-actors CAR")?;
    let ours = load(&store, ours_car).context("the Cloudless custom-actors CAR")?;
    if let Some(clash) = ours.actors.iter().find(|a| theirs.code_of(&a.name).is_some()) {
        return Err(anyhow!("both CARs have an actor named {:?}", clash.name));
    }
    let entries = theirs
        .actors
        .iter()
        .chain(&ours.actors)
        .map(|a| Ok((a.name.as_str(), store.get(&a.code)?.ok_or_else(|| anyhow!("code of {} missing", a.name))?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    pack(entries.iter().map(|(n, w)| (*n, w.as_slice())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect;
    use multihash_codetable::MultihashDigest;

    /// A stand-in for fendermint's custom CAR: its three required names on valid Wasm of ours.
    fn stand_in_fendermint() -> Vec<u8> {
        let store = MemoryBlockstore::new();
        let ours = load(&store, crate::TEST_BUNDLE_CAR).unwrap();
        let wasm = |n: &str| store.get(&ours.code_of(n).unwrap()).unwrap().unwrap();
        let actors = [
            ("chainmetadata", wasm("test-receiver")),
            ("eam", wasm("eam")),
            ("gas_market_eip1559", wasm("test-syscall")),
        ];
        pack(actors.iter().map(|(n, w)| (*n, w.as_slice()))).unwrap()
    }

    #[test]
    fn the_custom_car_holds_only_the_cloudless_actors_under_fendermint_rules() {
        let car = custom_car().unwrap();
        assert_eq!(car, custom_car().unwrap(), "reproducible");
        let names = custom_actor_names();
        assert_eq!(names, ["oracle", "capacity", "rewards", "gateway", "market"]);
        let manifest = check_custom_manifest(&car, false).unwrap();
        let prod = inspect(BUNDLE_CAR).unwrap();
        assert_eq!(manifest.len(), names.len());
        for name in &names {
            assert_eq!(manifest.get(*name), prod.code_of(name).as_ref(), "{name}: the production code CID");
        }
        // Alone it lacks fendermint's own actors; merged into its custom CAR it passes.
        let missing = check_custom_manifest(&car, true).unwrap_err().to_string();
        assert!(missing.contains("manifest missing required actor chainmetadata"), "{missing}");
        let merged = merge_custom(&stand_in_fendermint(), &car).unwrap();
        let manifest = check_custom_manifest(&merged, true).unwrap();
        assert_eq!(manifest.len(), REQUIRED_ACTORS.len() + names.len());
        let order: Vec<String> = inspect(&merged).unwrap().actors.into_iter().map(|a| a.name).collect();
        assert_eq!(order[..3], REQUIRED_ACTORS.map(String::from));
        assert_eq!(order[3..], names.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn fendermint_rules_refuse_what_its_loader_refuses() {
        // Version 2, a manifest that is not a list of pairs, a missing required actor, junk.
        let store = MemoryBlockstore::new();
        let code = Cid::new_v1(0x55, multihash_codetable::Code::Blake2b256.digest(b"wasm"));
        let data = store.put_cbor(&vec![("oracle".to_string(), code)], multihash_codetable::Code::Blake2b256).unwrap();
        // A CAR of `root` and the manifest data (no code block).
        let write = |root: Cid, store: &MemoryBlockstore| {
            let mut out = Vec::new();
            let mut writer = fvm_ipld_car::CarWriter::new(vec![root].into(), &mut out).unwrap();
            for cid in [root, data] {
                if let Some(bytes) = store.get(&cid).unwrap() {
                    writer.write(fvm_ipld_car::Block { cid, data: bytes }).unwrap();
                }
            }
            writer.flush().unwrap();
            drop(writer);
            out
        };
        let v2 = store.put_cbor(&(2u32, data), multihash_codetable::Code::Blake2b256).unwrap();
        let err = check_custom_manifest(&write(v2, &store), false).unwrap_err().to_string();
        assert!(err.contains("unsupported manifest version 2"), "{err}");
        let not_pairs = store.put_cbor(&(1u32, v2), multihash_codetable::Code::Blake2b256).unwrap();
        assert!(check_custom_manifest(&write(not_pairs, &store), false).is_err());
        assert!(check_custom_manifest(b"junk", false).is_err());
        // A code block missing from the CAR.
        let v1 = store.put_cbor(&(1u32, data), multihash_codetable::Code::Blake2b256).unwrap();
        let err = check_custom_manifest(&write(v1, &store), false).unwrap_err().to_string();
        assert!(err.contains("is not in the CAR"), "{err}");
        // A name both CARs have is refused by the merge.
        let fendermint = stand_in_fendermint();
        let err = merge_custom(&fendermint, &fendermint).unwrap_err().to_string();
        assert!(err.contains("both CARs have an actor named \"chainmetadata\""), "{err}");
        let err = merge_custom(&custom_car().unwrap(), &custom_car().unwrap()).unwrap_err();
        assert!(format!("{err:#}").contains("manifest missing required actor"), "{err:#}");
    }
}
