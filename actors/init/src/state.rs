//! Init state: exactly the tuple `fvm::init_actor::State` decodes (address map HAMT with bit
//! width 5, next ID, network name). Keep the field order and types in step with the FVM.

use cid::Cid;
use cloudless_runtime::{actor_error, ActorResult, AsActorError};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_hamt::{BytesKey, Hamt};
use fvm_shared::address::Address;
use fvm_shared::{ActorID, HAMT_BIT_WIDTH};

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    pub address_map: Cid,
    pub next_id: ActorID,
    pub network_name: String,
}

impl State {
    pub fn new<BS: Blockstore>(store: &BS, network_name: String, next_id: ActorID) -> ActorResult<Self> {
        let address_map = Hamt::<_, ActorID>::new_with_bit_width(store, HAMT_BIT_WIDTH)
            .flush()
            .or_illegal_state("creating address map")?;
        Ok(Self { address_map, next_id, network_name })
    }

    /// Assigns the next ID to a new robust address; an address mapped already is an error.
    pub fn map_address_to_new_id<BS: Blockstore>(&mut self, store: &BS, addr: &Address) -> ActorResult<ActorID> {
        let mut map = self.load_map(store)?;
        let id = self.next_id;
        let previous = map.set_if_absent(BytesKey(addr.to_bytes()), id).or_illegal_state("updating address map")?;
        if !previous {
            return Err(
                actor_error!(illegal_argument; "address {} is already mapped", cloudless_runtime::text::address(addr)),
            );
        }
        self.next_id = id.checked_add(1).ok_or_else(|| actor_error!(illegal_state; "actor IDs exhausted"))?;
        self.address_map = map.flush().or_illegal_state("flushing address map")?;
        Ok(id)
    }

    /// Maps `addr` to an ID chosen outside (a genesis giving a fixed-ID actor an address); an
    /// address mapped already is an error.
    pub fn map_address_to_id<BS: Blockstore>(&mut self, store: &BS, addr: &Address, id: ActorID) -> ActorResult<()> {
        let mut map = self.load_map(store)?;
        if !map.set_if_absent(BytesKey(addr.to_bytes()), id).or_illegal_state("updating address map")? {
            return Err(
                actor_error!(illegal_argument; "address {} is already mapped", cloudless_runtime::text::address(addr)),
            );
        }
        self.address_map = map.flush().or_illegal_state("flushing address map")?;
        Ok(())
    }

    /// The ID a robust address maps to, if any.
    pub fn resolve_address<BS: Blockstore>(&self, store: &BS, addr: &Address) -> ActorResult<Option<ActorID>> {
        if let Ok(id) = addr.id() {
            return Ok(Some(id));
        }
        let map = self.load_map(store)?;
        Ok(map.get(&BytesKey(addr.to_bytes())).or_illegal_state("reading address map")?.copied())
    }

    fn load_map<'s, BS: Blockstore>(&self, store: &'s BS) -> ActorResult<Hamt<&'s BS, ActorID>> {
        Hamt::load_with_bit_width(&self.address_map, store, HAMT_BIT_WIDTH).or_illegal_state("loading address map")
    }
}

/// What `cloudless state` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, cloudless_runtime::Fields)]
pub struct StateView {
    pub network_name: String,
    pub next_id: u64,
    pub address_map: Cid,
}

pub fn state_view<BS: Blockstore>(st: &State, _store: &BS) -> ActorResult<StateView> {
    Ok(StateView { network_name: st.network_name.clone(), next_id: st.next_id, address_map: st.address_map })
}

/// No clocks to advance.
impl cloudless_runtime::ActorState for State {}

impl cloudless_runtime::Invariants for State {
    /// Every mapped ID is below `next_id`, and no ID is mapped twice.
    fn check_state_invariants<BS: Blockstore>(
        &self,
        store: &BS,
        _balance: &fvm_shared::econ::TokenAmount,
    ) -> Vec<String> {
        let map = match self.load_map(store) {
            Ok(map) => map,
            Err(e) => return vec![e.to_string()],
        };
        let mut seen = std::collections::BTreeSet::new();
        let mut errors = Vec::new();
        let walked = map.for_each(|key, id| {
            if *id >= self.next_id {
                errors.push(format!("address {:?} maps to f0{id} >= next_id {}", key.0, self.next_id));
            }
            if !seen.insert(*id) {
                errors.push(format!("f0{id} is mapped twice"));
            }
            Ok(())
        });
        if let Err(e) = walked {
            errors.push(format!("walking the address map: {e}"));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_blockstore::MemoryBlockstore;
    use fvm_shared::error::ExitCode;

    #[test]
    fn maps_addresses_to_sequential_ids() {
        let store = MemoryBlockstore::new();
        let mut st = State::new(&store, "test".into(), 100).unwrap();
        let a = Address::new_actor(b"a");
        let b = Address::new_actor(b"b");
        assert_eq!(st.map_address_to_new_id(&store, &a).unwrap(), 100);
        assert_eq!(st.map_address_to_new_id(&store, &b).unwrap(), 101);
        assert_eq!(st.resolve_address(&store, &b).unwrap(), Some(101));
        assert_eq!(st.resolve_address(&store, &Address::new_id(7)).unwrap(), Some(7));
        assert_eq!(st.resolve_address(&store, &Address::new_actor(b"c")).unwrap(), None);
        let err = st.map_address_to_new_id(&store, &a).unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_ILLEGAL_ARGUMENT);
        assert_eq!(st.next_id, 102);
        assert!(cloudless_runtime::Invariants::check_state_invariants(&st, &store, &Default::default()).is_empty());
    }
}
