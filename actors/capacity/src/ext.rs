//! The interfaces of the actors the capacity actor calls, restated here as builtin-actors do
//! (`ext` modules): an actor crate never links another actor crate, whose Wasm entry point would
//! collide with its own. Host tests check these against the real actors' types.

pub mod oracle {
    use cloudless_runtime::amount;
    use fvm_ipld_encoding::tuple::*;
    use fvm_shared::clock::ChainEpoch;
    use fvm_shared::econ::TokenAmount;

    pub const METHOD_GET_PRICE: u64 = frc42_dispatch::method_hash!("GetPrice");

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct AssetQuery {
        pub asset: String,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct PriceInfo {
        #[serde(with = "amount")]
        pub median: TokenAmount,
        pub updated_epoch: ChainEpoch,
        pub fresh_reports: u32,
        #[serde(with = "amount")]
        pub twap: TokenAmount,
    }
}

pub mod rewards {
    /// `RecordProofs` takes [`crate::RecordProofsParams`].
    pub const METHOD_RECORD_PROOFS: u64 = frc42_dispatch::method_hash!("RecordProofs");
}
