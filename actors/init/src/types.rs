//! Parameters and returns of the init actor.

use cid::Cid;
use cloudless_runtime::Fields;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::ActorID;

/// IDs below this are reserved for singletons placed at genesis (docs/protocol.md §0 defaults f080..f084,
/// f099 burnt funds); init never hands them out.
pub const DEFAULT_FIRST_ACTOR_ID: ActorID = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ConstructorParams {
    pub network_name: String,
    /// The first ID `Exec` and account creation hand out; every fixed genesis ID is below it.
    pub first_actor_id: ActorID,
}

/// In JSON: `[code CID, constructor params as hex CBOR]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ExecParams {
    pub code_cid: Cid,
    #[serde(with = "cloudless_runtime::bytes::hex")]
    pub constructor_params: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ExecReturn {
    #[serde(with = "cloudless_runtime::address")]
    pub id_address: Address,
    #[serde(with = "cloudless_runtime::address")]
    pub robust_address: Address,
}
