//! The interfaces of the actors the market calls, restated as builtin-actors do (`ext`
//! modules): an actor crate never links another actor crate. `actors/registry/tests/ext.rs`
//! checks every one against the callee's declaration (number, name, field shapes, wire).

/// The capacity actor: the registry the market reads and the hooks that move units.
pub mod capacity {
    use cloudless_runtime::bytes::{self, Bytes32};
    use cloudless_runtime::{address, Fields};
    use fvm_ipld_encoding::tuple::*;
    use fvm_shared::address::Address;
    use fvm_shared::ActorID;

    pub const METHOD_GET_PROVIDER: u64 = frc42_dispatch::method_hash!("GetProvider");
    pub const METHOD_GET_UNITS_INFO: u64 = frc42_dispatch::method_hash!("GetUnitsInfo");
    pub const METHOD_GET_PEERS_INFO: u64 = frc42_dispatch::method_hash!("GetPeersInfo");
    pub const METHOD_MOVE_UNIT_TO_DEAL: u64 = frc42_dispatch::method_hash!("MoveUnitToDeal");
    pub const METHOD_RETURN_UNIT_FROM_DEAL: u64 = frc42_dispatch::method_hash!("ReturnUnitFromDeal");

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
    pub struct ProviderQuery {
        #[serde(with = "address")]
        pub provider: Address,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
    pub struct Provider {
        pub id: ActorID,
        pub name: String,
        #[serde(with = "bytes::hex")]
        pub metadata: Vec<u8>,
        pub approved: bool,
        pub peers: u32,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
    pub struct UnitsQuery {
        pub units: Vec<Bytes32>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
    pub struct PeersQuery {
        #[serde(with = "bytes::hex_vec")]
        pub peers: Vec<Vec<u8>>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
    pub struct UnitInfo {
        pub unit_id: Bytes32,
        #[serde(with = "bytes::hex")]
        pub peer_id: Vec<u8>,
        pub provider: ActorID,
        pub owner: ActorID,
        pub deal: Option<u64>,
        pub commitment_active: bool,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
    pub struct PeerInfo {
        #[serde(with = "bytes::hex")]
        pub peer_id: Vec<u8>,
        pub provider: ActorID,
        pub owner: ActorID,
        pub commitment_active: bool,
        pub units: Vec<UnitInfo>,
    }

    impl PeerInfo {
        /// Units the matcher may use now: free, under an Active commitment.
        pub fn free_units(&self) -> u32 {
            if self.commitment_active {
                self.units.iter().filter(|u| u.deal.is_none()).count() as u32
            } else {
                0
            }
        }
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
    pub struct MoveUnitParams {
        pub unit_id: Bytes32,
        pub deal: u64,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
    pub struct UnitQuery {
        pub unit_id: Bytes32,
    }
}

/// An FRC-46 token: the market pays out with `Transfer` and is paid through its `Receive` hook.
pub mod token {
    pub use frc46_token::receiver::{FRC46TokenReceived, FRC46_TOKEN_TYPE};
    pub use frc46_token::token::types::TransferParams;

    pub const METHOD_TRANSFER: u64 = frc42_dispatch::method_hash!("Transfer");
    /// The universal receiver hook (FRC-46).
    pub const METHOD_RECEIVE: u64 = frc42_dispatch::method_hash!("Receive");
}
