//! Parameters, returns, limits and method numbers of the price oracle.

use cloudless_runtime::{address, amount, Fields};
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

/// Most reporters one asset may have (docs/protocol.md §4).
pub const MAX_REPORTERS: usize = 64;
/// Capacity of the per-asset ring of (epoch, median) samples the TWAP is computed from.
pub const MAX_TWAP_SAMPLES: usize = 64;
/// Longest asset symbol, in bytes.
pub const MAX_SYMBOL_LEN: usize = 32;

pub use cloudless_runtime::admin::TransferAdminParams;
/// The price query every consumer uses: one definition, in the runtime (`GetPrice` params and
/// result, and `AssetQuery` also for `GetAsset`).
pub use cloudless_runtime::oracle::{AssetQuery, PriceInfo};

/// How an asset's price is aggregated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct AssetConfig {
    /// Fewest fresh reports for a price to exist.
    pub quorum: u32,
    /// A report is fresh for this many epochs after the epoch it was made in.
    pub report_expiry: ChainEpoch,
    /// Largest accepted distance of a report from the current median, PRECISION-scaled (0 = off).
    pub max_deviation: u64,
    /// Epochs the TWAP averages over (0 = TWAP equals the median).
    pub twap_window: ChainEpoch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct AssetParams {
    pub symbol: String,
    pub config: AssetConfig,
    #[serde(with = "address::vec")]
    pub reporters: Vec<Address>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ConstructorParams {
    #[serde(with = "address")]
    pub admin: Address,
    pub assets: Vec<AssetParams>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ReportParams {
    pub asset: String,
    /// USD per whole token, scaled by 10^18 (decimal text in JSON).
    #[serde(with = "amount")]
    pub price: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct SetAssetConfigParams {
    pub asset: String,
    pub config: AssetConfig,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ReporterParams {
    pub asset: String,
    #[serde(with = "address")]
    pub reporter: Address,
}

/// `GetAdmin` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct AdminReturn {
    pub admin: ActorID,
}

// --- stored records ---------------------------------------------------------------------------

/// A reporter's latest price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Report {
    pub reporter: ActorID,
    #[serde(with = "amount")]
    pub price: TokenAmount,
    pub epoch: ChainEpoch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Sample {
    pub epoch: ChainEpoch,
    #[serde(with = "amount")]
    pub median: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Asset {
    pub symbol: String,
    pub config: AssetConfig,
    /// Sorted ascending, unique, at most [`MAX_REPORTERS`].
    pub reporters: Vec<ActorID>,
    /// At most one per reporter, sorted by reporter.
    pub reports: Vec<Report>,
    /// Ascending by epoch, at most [`MAX_TWAP_SAMPLES`].
    pub samples: Vec<Sample>,
}
