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

/// Asks `oracle` for `asset`'s price in a read-only call. "No fresh price" (the oracle's
/// USR_ILLEGAL_STATE) is `None`; any other failure is USR_ILLEGAL_STATE naming the asset.
pub fn price<R: crate::Runtime>(
    rt: &R,
    oracle: fvm_shared::ActorID,
    asset: &str,
) -> crate::ActorResult<Option<PriceInfo>> {
    use fvm_shared::error::ExitCode;
    let query = AssetQuery { asset: asset.to_string() };
    match rt.call(oracle, METHOD_GET_PRICE, Some(&query), TokenAmount::default(), true) {
        Ok(Some(block)) => block
            .deserialize()
            .map(Some)
            .map_err(|e| crate::actor_error!(illegal_state; "decoding the oracle's {asset} price: {e}")),
        Ok(None) => Err(crate::actor_error!(illegal_state; "the oracle returned no {asset} price")),
        Err(e) if e.exit_code() == ExitCode::USR_ILLEGAL_STATE => Ok(None),
        Err(e) => Err(crate::ActorError::illegal_state(format!("asking the oracle for {asset}: {}", e.msg()))),
    }
}
