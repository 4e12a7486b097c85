//! A HAMT keyed by bytes whose errors are actor errors: the one way actors keep keyed records.

use cid::Cid;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_hamt::{BytesKey, Hamt};
use fvm_shared::HAMT_BIT_WIDTH;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{ActorResult, AsActorError};

/// A HAMT of `V` keyed by byte strings; `name` labels its errors.
pub struct Map<'s, BS: Blockstore, V> {
    hamt: Hamt<&'s BS, V>,
    name: &'static str,
}

impl<'s, BS: Blockstore, V: Serialize + DeserializeOwned + Clone + PartialEq> Map<'s, BS, V> {
    pub fn empty(store: &'s BS, name: &'static str) -> Self {
        Self { hamt: Hamt::new_with_bit_width(store, HAMT_BIT_WIDTH), name }
    }

    pub fn load(store: &'s BS, root: &Cid, name: &'static str) -> ActorResult<Self> {
        let hamt = Hamt::load_with_bit_width(root, store, HAMT_BIT_WIDTH)
            .or_illegal_state(format_args!("loading the {name} map"))?;
        Ok(Self { hamt, name })
    }

    pub fn get(&self, key: &[u8]) -> ActorResult<Option<V>> {
        Ok(self.hamt.get(key).or_illegal_state(format_args!("reading the {} map", self.name))?.cloned())
    }

    pub fn set(&mut self, key: &[u8], value: V) -> ActorResult<()> {
        self.hamt.set(BytesKey(key.to_vec()), value).or_illegal_state(format_args!("writing the {} map", self.name))?;
        Ok(())
    }

    /// Sets only when absent; returns whether it was set.
    pub fn set_if_absent(&mut self, key: &[u8], value: V) -> ActorResult<bool> {
        self.hamt
            .set_if_absent(BytesKey(key.to_vec()), value)
            .or_illegal_state(format_args!("writing the {} map", self.name))
    }

    pub fn delete(&mut self, key: &[u8]) -> ActorResult<Option<V>> {
        Ok(self.hamt.delete(key).or_illegal_state(format_args!("deleting from the {} map", self.name))?.map(|(_, v)| v))
    }

    pub fn flush(&mut self) -> ActorResult<Cid> {
        self.hamt.flush().or_illegal_state(format_args!("flushing the {} map", self.name))
    }

    /// Visits every entry in key order of the HAMT (deterministic).
    pub fn for_each(&self, mut f: impl FnMut(&[u8], &V)) -> ActorResult<()> {
        self.hamt
            .for_each(|k, v| {
                f(&k.0, v);
                Ok(())
            })
            .or_illegal_state(format_args!("walking the {} map", self.name))
    }
}
