//! The price oracle's read interface (docs/protocol.md §4): defined here, once, and used by the oracle actor
//! itself and by the actors that consume prices (capacity: collateral; rewards: the pool rule),
//! since an actor crate never links another actor crate.

use fvm_ipld_encoding::tuple::*;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;

use crate::amount;

pub const METHOD_GET_PRICE: u64 = frc42_dispatch::method_hash!("GetPrice");

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, crate::Fields)]
pub struct AssetQuery {
    pub asset: String,
}

/// `GetPrice` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, crate::Fields)]
pub struct PriceInfo {
    #[serde(with = "amount")]
    pub median: TokenAmount,
    /// The epoch of the newest fresh report (the median can only change when reports change).
    pub updated_epoch: ChainEpoch,
    pub fresh_reports: u32,
    #[serde(with = "amount")]
    pub twap: TokenAmount,
}

/// Asks `oracle` for `asset`'s price in a read-only call. Never fails: a consumer must keep
/// working when the oracle cannot answer, so every failure — no fresh price (the oracle's
/// USR_ILLEGAL_STATE), an unknown asset, an aborted or missing oracle, an undecodable answer —
/// is `None`, and the consumer applies its documented fallback (rewards: the pool unchanged;
/// capacity: the genesis FLT collateral). Genesis checks that the oracle and the asset exist, so
/// only a runtime fault reaches the fallback.
pub fn price<R: crate::Runtime>(rt: &R, oracle: fvm_shared::ActorID, asset: &str) -> Option<PriceInfo> {
    let query = AssetQuery { asset: asset.to_string() };
    match rt.call(oracle, METHOD_GET_PRICE, Some(&query), TokenAmount::default(), true) {
        Ok(Some(block)) => block.deserialize().ok(),
        Ok(None) | Err(_) => None,
    }
}
