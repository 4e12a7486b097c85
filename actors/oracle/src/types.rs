//! Parameters, returns, limits and method numbers of the price oracle.

use cloudless_runtime::{address, amount};
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

use frc42_dispatch::method_hash;

/// Most reporters one asset may have (SPEC §4).
pub const MAX_REPORTERS: usize = 64;
/// Capacity of the per-asset ring of (epoch, median) samples the TWAP is computed from.
pub const MAX_TWAP_SAMPLES: usize = 64;
/// Longest asset symbol, in bytes.
pub const MAX_SYMBOL_LEN: usize = 32;

pub const METHOD_REPORT: u64 = method_hash!("Report");
/// The price query every consumer uses: one definition, in the runtime (`GetPrice` params and
/// result, and `AssetQuery` also for `GetAsset`).
pub use cloudless_runtime::oracle::{AssetQuery, PriceInfo, METHOD_GET_PRICE};
pub const METHOD_GET_ASSET: u64 = method_hash!("GetAsset");
pub const METHOD_GET_ADMIN: u64 = method_hash!("GetAdmin");
pub const METHOD_ADD_ASSET: u64 = method_hash!("AddAsset");
pub const METHOD_SET_ASSET_CONFIG: u64 = method_hash!("SetAssetConfig");
pub const METHOD_ADD_REPORTER: u64 = method_hash!("AddReporter");
pub const METHOD_REMOVE_REPORTER: u64 = method_hash!("RemoveReporter");
pub const METHOD_TRANSFER_ADMIN: u64 = method_hash!("TransferAdmin");

/// Every method by name, for the CLI and the docs.
pub const METHODS: &[(&str, u64)] = &[
    ("Constructor", 1),
    ("Report", METHOD_REPORT),
    ("GetPrice", METHOD_GET_PRICE),
    ("GetAsset", METHOD_GET_ASSET),
    ("GetAdmin", METHOD_GET_ADMIN),
    ("AddAsset", METHOD_ADD_ASSET),
    ("SetAssetConfig", METHOD_SET_ASSET_CONFIG),
    ("AddReporter", METHOD_ADD_REPORTER),
    ("RemoveReporter", METHOD_REMOVE_REPORTER),
    ("TransferAdmin", METHOD_TRANSFER_ADMIN),
];

/// How an asset's price is aggregated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct AssetParams {
    pub symbol: String,
    pub config: AssetConfig,
    #[serde(with = "address::vec")]
    pub reporters: Vec<Address>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ConstructorParams {
    #[serde(with = "address")]
    pub admin: Address,
    pub assets: Vec<AssetParams>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ReportParams {
    pub asset: String,
    /// USD per whole token, scaled by 10^18 (decimal text in JSON).
    #[serde(with = "amount")]
    pub price: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SetAssetConfigParams {
    pub asset: String,
    pub config: AssetConfig,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ReporterParams {
    pub asset: String,
    #[serde(with = "address")]
    pub reporter: Address,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct TransferAdminParams {
    #[serde(with = "address")]
    pub new_admin: Address,
}

/// `GetAdmin` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct AdminReturn {
    pub admin: ActorID,
}
