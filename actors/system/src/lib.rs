//! System actor (f00): holds the bundle manifest *data* CID, which the FVM reads on start-up to
//! learn every actor's code CID.
//!
//! The FVM lets an actor link only blocks reachable from its own state, and links in message
//! params are never reachable, so no actor can write a link to the bundle's code. Genesis
//! therefore writes this state (as Lotus and fendermint do), then runs the constructor, which
//! reads the manifest through its own state and checks it names the actors the FVM needs.

use cid::Cid;
use cloudless_runtime::{ActorError, ActorResult, AsActorError, Fields, Runtime};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::CborStore;

/// Actor names the FVM requires in every manifest.
pub const REQUIRED_ACTORS: [&str; 6] = ["system", "init", "account", "placeholder", "ethaccount", "eam"];

/// The state layout the FVM itself decodes (`fvm::system_actor::State`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    /// The manifest data: a DAG-CBOR list of `[name, code CID]`.
    pub builtin_actors: Cid,
}

/// Checks a decoded manifest: the FVM's required actors present, no name or code twice.
pub fn validate_manifest(entries: &[(String, Cid)]) -> Result<(), String> {
    for required in REQUIRED_ACTORS {
        if !entries.iter().any(|(name, _)| name == required) {
            return Err(format!("manifest has no {required:?} actor"));
        }
    }
    for (i, (name, code)) in entries.iter().enumerate() {
        if entries[..i].iter().any(|(n, c)| n == name || c == code) {
            return Err(format!("manifest lists {name:?} ({}) twice", cloudless_runtime::text::cid(code)));
        }
    }
    Ok(())
}

/// No clocks to advance.
impl cloudless_runtime::ActorState for State {}

impl cloudless_runtime::Invariants for State {
    /// The manifest data is in the store and names the FVM's required actors, each once.
    fn check_state_invariants<BS: Blockstore>(
        &self,
        store: &BS,
        _balance: &fvm_shared::econ::TokenAmount,
    ) -> Vec<String> {
        match store.get_cbor::<Vec<(String, Cid)>>(&self.builtin_actors) {
            Ok(Some(entries)) => validate_manifest(&entries).err().into_iter().collect(),
            Ok(None) => vec![format!("manifest data {} is not in the store", self.builtin_actors)],
            Err(e) => vec![format!("manifest data {}: {e}", self.builtin_actors)],
        }
    }
}

cloudless_runtime::actor! {
    /// The system actor (bundle name `system`, ID f00).
    pub struct SystemActor = "system";
    state: State, view: StateView = state_view;
    events: [];
    constructor => constructor;
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(SystemActor);

/// Checks the manifest genesis wrote into this actor's state.
fn constructor<R: Runtime>(rt: &R) -> ActorResult<()> {
    let st: State = rt.state().map_err(|e| e.wrap("genesis must write the system state first"))?;
    validate_manifest(&load_manifest(rt.store(), &st)?).map_err(ActorError::illegal_state)
}

fn load_manifest<BS: Blockstore>(store: &BS, st: &State) -> ActorResult<Vec<(String, Cid)>> {
    store
        .get_cbor(&st.builtin_actors)
        .or_illegal_state("loading manifest")?
        .ok_or_else(|| ActorError::illegal_state("manifest data missing"))
}

/// What `cloudless state` shows: the manifest data CID and the manifest it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct StateView {
    pub manifest_data: Cid,
    pub manifest: Vec<ManifestEntry>,
}

/// One actor of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ManifestEntry {
    pub name: String,
    pub code: Cid,
}

fn state_view<BS: Blockstore>(st: &State, store: &BS) -> ActorResult<StateView> {
    let manifest = load_manifest(store, st)?.into_iter().map(|(name, code)| ManifestEntry { name, code }).collect();
    Ok(StateView { manifest_data: st.builtin_actors, manifest })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cid::multihash::Multihash;

    fn cid(n: u8) -> Cid {
        Cid::new_v1(0x55, Multihash::wrap(0, &[n]).unwrap())
    }

    #[test]
    fn manifest_needs_required_actors_once() {
        let mut entries: Vec<(String, Cid)> =
            REQUIRED_ACTORS.iter().enumerate().map(|(i, n)| (n.to_string(), cid(i as u8))).collect();
        assert!(validate_manifest(&entries).is_ok());
        entries.push(("oracle".into(), cid(0)));
        assert!(validate_manifest(&entries).unwrap_err().contains("twice"));
        entries.pop();
        entries.remove(2);
        assert!(validate_manifest(&entries).unwrap_err().contains("account"));
    }
}

#[cfg(test)]
mod method_tests {
    use cid::multihash::Multihash;
    use cloudless_runtime::mock::MockRuntime;
    use cloudless_runtime::{Runtime, METHOD_CONSTRUCTOR};
    use fvm_ipld_encoding::CborStore;
    use fvm_shared::error::ExitCode;
    use multihash_codetable::Code;

    use super::*;

    #[test]
    fn constructor_checks_the_manifest_genesis_wrote() {
        let rt = MockRuntime::new::<SystemActor>(0);
        rt.refused(0, METHOD_CONSTRUCTOR, &(), ExitCode::USR_ILLEGAL_STATE);
        let mut entries: Vec<(String, Cid)> = REQUIRED_ACTORS
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), Cid::new_v1(0x55, Multihash::wrap(0, &[i as u8]).unwrap())))
            .collect();
        let write = |entries: &Vec<(String, Cid)>| {
            let data = rt.store().put_cbor(entries, Code::Blake2b256).unwrap();
            rt.put_state(&State { builtin_actors: data });
        };
        let eam = entries.pop().unwrap();
        write(&entries);
        rt.refused(0, METHOD_CONSTRUCTOR, &(), ExitCode::USR_ILLEGAL_STATE);
        entries.push(eam);
        write(&entries);
        rt.refused(5, METHOD_CONSTRUCTOR, &(), ExitCode::USR_FORBIDDEN);
        rt.construct(&()).unwrap();
        let view = state_view(&rt.state().unwrap(), rt.store()).unwrap();
        assert_eq!(view.manifest.len(), REQUIRED_ACTORS.len());
    }
}
