//! Parameters and returns of the init actor.

use cid::Cid;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::ActorID;

/// `Exec` is method 2, as in builtin-actors.
pub const METHOD_EXEC: u64 = 2;

/// IDs below this are reserved for singletons placed at genesis (docs/protocol.md §0 defaults f080..f084,
/// f099 burnt funds); init never hands them out.
pub const DEFAULT_FIRST_ACTOR_ID: ActorID = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ConstructorParams {
    pub network_name: String,
    /// The first ID `Exec` and account creation hand out; every fixed genesis ID is below it.
    pub first_actor_id: ActorID,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ExecParams {
    pub code_cid: Cid,
    pub constructor_params: RawBytes,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ExecReturn {
    pub id_address: Address,
    pub robust_address: Address,
}
