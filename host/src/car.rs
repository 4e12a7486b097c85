//! State CARs: a CARv1 holding every block reachable from its roots, written in a deterministic
//! depth-first order so the same state always gives the same file.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::{anyhow, Context};
use cid::Cid;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_car::{Block, CarWriter};
use fvm_ipld_encoding::{CBOR, DAG_CBOR};
use fvm_shared::IDENTITY_HASH;
use ipld_core::ipld::Ipld;

/// Reads a CAR into `store`, returning its roots.
pub fn import(store: &impl Blockstore, bytes: &[u8]) -> anyhow::Result<Vec<Cid>> {
    fvm_ipld_car::load_car(store, bytes).map_err(|e| {
        // The CAR reader's errors repeat their cause in their own text: show the cause once.
        let mut cause: &dyn std::error::Error = &e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        anyhow!("not a valid CARv1 (truncated or corrupt?): {cause}")
    })
}

/// Writes every block reachable from `roots` (following links in DAG-CBOR/CBOR blocks).
pub fn export(store: &impl Blockstore, roots: &[Cid], out: impl Write) -> anyhow::Result<()> {
    export_without(store, roots, &BTreeSet::new(), out)
}

/// As [`export`], leaving out the blocks in `exclude` (e.g. actor code a reader loads from the
/// bundle itself).
pub fn export_without(
    store: &impl Blockstore,
    roots: &[Cid],
    exclude: &BTreeSet<Cid>,
    out: impl Write,
) -> anyhow::Result<()> {
    let mut writer = CarWriter::new(roots.to_vec().into(), out)?;
    let mut seen = exclude.clone();
    let mut stack: Vec<Cid> = roots.iter().rev().copied().collect();
    while let Some(cid) = stack.pop() {
        if cid.hash().code() == IDENTITY_HASH || !seen.insert(cid) {
            continue;
        }
        let data = store.get(&cid)?.ok_or_else(|| anyhow!("block {cid} missing from the store"))?;
        if cid.codec() == DAG_CBOR || cid.codec() == CBOR {
            let node: Ipld = fvm_ipld_encoding::from_slice(&data).with_context(|| format!("decoding {cid}"))?;
            let mut links = Vec::new();
            collect_links(&node, &mut links);
            stack.extend(links.into_iter().rev());
        }
        writer.write(Block { cid, data })?;
    }
    writer.flush()?;
    Ok(())
}

fn collect_links(node: &Ipld, out: &mut Vec<Cid>) {
    match node {
        Ipld::Link(cid) => out.push(*cid),
        Ipld::List(items) => items.iter().for_each(|i| collect_links(i, out)),
        Ipld::Map(map) => map.values().for_each(|v| collect_links(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_blockstore::MemoryBlockstore;
    use fvm_ipld_encoding::CborStore;
    use multihash_codetable::Code;

    #[test]
    fn exports_only_reachable_blocks_deterministically() {
        let store = MemoryBlockstore::new();
        let leaf = store.put_cbor(&"leaf", Code::Blake2b256).unwrap();
        let _orphan = store.put_cbor(&"orphan", Code::Blake2b256).unwrap();
        let root = store.put_cbor(&(leaf, leaf, 7u8), Code::Blake2b256).unwrap();

        let (mut a, mut b) = (Vec::new(), Vec::new());
        export(&store, &[root], &mut a).unwrap();
        export(&store, &[root], &mut b).unwrap();
        assert_eq!(a, b);

        let copy = MemoryBlockstore::new();
        assert_eq!(import(&copy, &a).unwrap(), vec![root]);
        assert!(copy.has(&leaf).unwrap());
        assert_eq!(copy.get_cbor::<String>(&leaf).unwrap().as_deref(), Some("leaf"));
        assert!(!copy.has(&_orphan).unwrap());
    }

    #[test]
    fn missing_block_is_an_error() {
        let store = MemoryBlockstore::new();
        let other = MemoryBlockstore::new();
        let leaf = other.put_cbor(&1u8, Code::Blake2b256).unwrap();
        let root = store.put_cbor(&vec![leaf], Code::Blake2b256).unwrap();
        assert!(export(&store, &[root], Vec::new()).unwrap_err().to_string().contains("missing"));
    }
}
