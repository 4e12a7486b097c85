//! System actor (f00): holds the bundle manifest *data* CID, which the FVM reads on start-up to
//! learn every actor's code CID.
//!
//! The FVM lets an actor link only blocks reachable from its own state, and links in message
//! params are never reachable, so no actor can write a link to the bundle's code. Genesis
//! therefore writes this state (as Lotus and fendermint do), then runs the constructor, which
//! reads the manifest through its own state and checks it names the actors the FVM needs.

use cid::Cid;
use fvm_ipld_encoding::tuple::*;

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

impl cloudless_runtime::Invariants for State {
    /// The manifest data is in the store and names the FVM's required actors, each once.
    fn check_state_invariants<BS: fvm_ipld_blockstore::Blockstore>(
        &self,
        store: &BS,
        _balance: &fvm_shared::econ::TokenAmount,
    ) -> Vec<String> {
        use fvm_ipld_encoding::CborStore;
        match store.get_cbor::<Vec<(String, Cid)>>(&self.builtin_actors) {
            Ok(Some(entries)) => validate_manifest(&entries).err().into_iter().collect(),
            Ok(None) => vec![format!("manifest data {} is not in the store", self.builtin_actors)],
            Err(e) => vec![format!("manifest data {}: {e}", self.builtin_actors)],
        }
    }
}

#[cfg(feature = "fil-actor")]
mod actor {
    use cloudless_runtime::sdk::SdkRuntime;
    use cloudless_runtime::{unhandled, ActorError, ActorResult, AsActorError, Params, Runtime, METHOD_CONSTRUCTOR};
    use fvm_ipld_encoding::ipld_block::IpldBlock;
    use fvm_ipld_encoding::CborStore;
    use fvm_shared::MethodNum;

    use super::*;

    cloudless_runtime::wasm_entry!(fn dispatch);

    fn dispatch(rt: &SdkRuntime, method: MethodNum, _params: Params) -> ActorResult<Option<IpldBlock>> {
        match method {
            METHOD_CONSTRUCTOR => constructor(rt),
            _ => unhandled(method),
        }
    }

    fn constructor(rt: &SdkRuntime) -> ActorResult<Option<IpldBlock>> {
        rt.require_system_caller()?;
        let st: State = rt.state().map_err(|e| e.wrap("genesis must write the system state first"))?;
        let entries: Vec<(String, Cid)> = rt
            .store()
            .get_cbor(&st.builtin_actors)
            .or_illegal_state("loading manifest")?
            .ok_or_else(|| ActorError::illegal_state("manifest data missing"))?;
        validate_manifest(&entries).map_err(ActorError::illegal_state)?;
        Ok(None)
    }
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
