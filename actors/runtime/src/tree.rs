//! A fixed-depth Merkle tree keyed by integers: the same gas for every access whether it holds
//! one record or millions.
//!
//! The FVM charges ~3 340 gas per byte for every block an actor writes, so the cost of updating a
//! HAMT grows with its size (more levels, fuller nodes). This tree has [`HEIGHT`] levels of
//! nodes that always hold [`FANOUT`] links — an absent subtree is a link to the canonical empty
//! subtree of its height, built once by [`Tree::empty`] — and each record is its own block
//! below the last level (an absent record is the block `null`). Every `get` opens the same
//! number of blocks, every `set` writes the same number of the same sizes; only the record's own
//! size varies. Keys are below [`CAPACITY`] (2^27, about 134 million), like the deposit tree of
//! Ethereum's beacon-chain deposit contract, which is fixed-depth for the same reason.

use std::marker::PhantomData;

use cid::Cid;
use fvm_ipld_blockstore::Blockstore;
use multihash_codetable::Code;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{actor_error, ActorResult, AsActorError};

/// Links per node.
pub const FANOUT: usize = 8;
const BITS: u32 = FANOUT.trailing_zeros();
/// Levels of nodes above the records (the default height).
pub const HEIGHT: usize = 9;
/// Keys of a default-height tree are `0..CAPACITY`.
pub const CAPACITY: u64 = capacity(HEIGHT);
/// The height whose capacity (2^33, about 8.6 billion) outlasts any clock-driven key: one key
/// per epoch of 1-second blocks lasts 272 years (the rewards actor's periods, whatever the
/// genesis period length).
pub const TALL: usize = 11;

/// Keys of a tree of `height` levels are `0..capacity(height)`.
pub const fn capacity(height: usize) -> u64 {
    1 << (BITS as usize * height)
}

type Node = [Cid; FANOUT];

/// A tree of `V` records with `H` levels of nodes; `name` labels its errors.
pub struct Tree<'s, BS: Blockstore, V, const H: usize = HEIGHT> {
    store: &'s BS,
    root: Cid,
    name: &'static str,
    _v: PhantomData<V>,
}

impl<'s, BS: Blockstore, V: Serialize + DeserializeOwned, const H: usize> Tree<'s, BS, V, H> {
    /// Keys are `0..Self::CAPACITY`.
    pub const CAPACITY: u64 = capacity(H);

    /// Writes the canonical empty tree (one block per level) and returns its root.
    pub fn empty(store: &'s BS, name: &'static str) -> ActorResult<Cid> {
        let mut cid = put(store, &None::<V>, name)?;
        for _ in 0..H {
            cid = put(store, &[cid; FANOUT], name)?;
        }
        Ok(cid)
    }

    pub fn load(store: &'s BS, root: &Cid, name: &'static str) -> Self {
        Self { store, root: *root, name, _v: PhantomData }
    }

    pub fn root(&self) -> Cid {
        self.root
    }

    /// The link index of `key` at every level, root first.
    fn digits(&self, key: u64) -> ActorResult<[usize; H]> {
        if key >= Self::CAPACITY {
            return Err(actor_error!(
                illegal_argument;
                "{} key {key} is beyond the tree's capacity {}", self.name, Self::CAPACITY
            ));
        }
        let mut out = [0; H];
        for (level, d) in out.iter_mut().enumerate() {
            *d = ((key >> (BITS as usize * (H - 1 - level))) & (FANOUT as u64 - 1)) as usize;
        }
        Ok(out)
    }

    fn node(&self, cid: &Cid) -> ActorResult<Node> {
        get(self.store, cid, self.name)
    }

    pub fn get(&self, key: u64) -> ActorResult<Option<V>> {
        let mut cid = self.root;
        for d in self.digits(key)? {
            cid = self.node(&cid)?[d];
        }
        get(self.store, &cid, self.name)
    }

    /// Stores `value` at `key` (replacing any record there).
    pub fn set(&mut self, key: u64, value: &V) -> ActorResult<()> {
        self.write(key, &Some(value))
    }

    /// Removes the record at `key`: its leaf is the empty record again, so a tree whose records
    /// are all deleted has the empty tree's root.
    pub fn delete(&mut self, key: u64) -> ActorResult<()> {
        self.write(key, &None::<&V>)
    }

    fn write(&mut self, key: u64, leaf: &Option<&V>) -> ActorResult<()> {
        let digits = self.digits(key)?;
        let mut path = Vec::with_capacity(H);
        let mut cid = self.root;
        for d in digits {
            let node = self.node(&cid)?;
            cid = node[d];
            path.push(node);
        }
        let mut child = put(self.store, leaf, self.name)?;
        for (mut node, d) in path.into_iter().zip(digits).rev() {
            node[d] = child;
            child = put(self.store, &node, self.name)?;
        }
        self.root = child;
        Ok(())
    }

    /// Visits every record in key order, skipping empty subtrees (for invariant checks: this
    /// reads the whole tree).
    pub fn for_each(&self, mut f: impl FnMut(u64, &V)) -> ActorResult<()> {
        // The empty subtree of each height, found by hashing (nothing is written).
        let mut empties = vec![Cid::new_v1(fvm_ipld_encoding::DAG_CBOR, hash(&None::<V>, self.name)?)];
        for h in 0..H {
            empties.push(Cid::new_v1(fvm_ipld_encoding::DAG_CBOR, hash(&[empties[h]; FANOUT], self.name)?));
        }
        self.walk(&self.root, H, 0, &empties, &mut f)
    }

    fn walk(
        &self,
        cid: &Cid,
        height: usize,
        prefix: u64,
        empties: &[Cid],
        f: &mut impl FnMut(u64, &V),
    ) -> ActorResult<()> {
        if *cid == empties[height] {
            return Ok(());
        }
        if height == 0 {
            if let Some(v) = get::<_, Option<V>>(self.store, cid, self.name)? {
                f(prefix, &v);
            }
            return Ok(());
        }
        for (i, child) in self.node(cid)?.iter().enumerate() {
            self.walk(child, height - 1, (prefix << BITS) | i as u64, empties, f)?;
        }
        Ok(())
    }
}

fn put<BS: Blockstore, T: Serialize>(store: &BS, value: &T, name: &str) -> ActorResult<Cid> {
    crate::blocks::put(store, value, format_args!("the {name} tree"))
}

fn get<BS: Blockstore, T: DeserializeOwned>(store: &BS, cid: &Cid, name: &str) -> ActorResult<T> {
    crate::blocks::get(store, cid, format_args!("the {name} tree"))
}

fn hash<T: Serialize>(value: &T, name: &str) -> ActorResult<multihash_codetable::Multihash> {
    use multihash_codetable::MultihashDigest;
    let bytes = fvm_ipld_encoding::to_vec(value).or_illegal_state(format_args!("encoding a {name} tree node"))?;
    Ok(Code::Blake2b256.digest(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_blockstore::MemoryBlockstore;

    #[test]
    fn stores_reads_and_walks_in_key_order_with_constant_block_counts() {
        let store = MemoryBlockstore::new();
        let root = Tree::<_, String>::empty(&store, "test").unwrap();
        let mut t = Tree::<_, String>::load(&store, &root, "test");
        assert_eq!(t.get(5).unwrap(), None);
        for key in [CAPACITY - 1, 0, 77, 5, 77] {
            t.set(key, &format!("v{key}")).unwrap();
        }
        assert_eq!(t.get(77).unwrap().as_deref(), Some("v77"));
        assert_eq!(t.get(6).unwrap(), None);
        assert!(t.get(CAPACITY).is_err());
        let mut seen = Vec::new();
        t.for_each(|k, v| seen.push((k, v.clone()))).unwrap();
        let expected: Vec<_> = [0, 5, 77, CAPACITY - 1].iter().map(|k| (*k, format!("v{k}"))).collect();
        assert_eq!(seen, expected);
        // Same contents, same root, whatever the order of writes.
        let mut u = Tree::<_, String>::load(&store, &root, "test");
        for key in [77, 5, CAPACITY - 1, 0] {
            u.set(key, &format!("v{key}")).unwrap();
        }
        assert_eq!(u.root(), t.root());
        // Deleting every record gives the empty tree back.
        for key in [77, 5, CAPACITY - 1, 0] {
            u.delete(key).unwrap();
        }
        assert_eq!(u.root(), root);
        assert_eq!(u.get(5).unwrap(), None);
    }

    #[test]
    fn a_tall_tree_takes_keys_a_default_one_refuses() {
        let store = MemoryBlockstore::new();
        let root = Tree::<_, u64, TALL>::empty(&store, "tall").unwrap();
        let mut t = Tree::<_, u64, TALL>::load(&store, &root, "tall");
        assert_eq!(Tree::<MemoryBlockstore, u64, TALL>::CAPACITY, 1 << 33);
        for key in [CAPACITY, capacity(TALL) - 1] {
            t.set(key, &key).unwrap();
            assert_eq!(t.get(key).unwrap(), Some(key));
        }
        assert!(t.set(capacity(TALL), &0).is_err());
    }
}
