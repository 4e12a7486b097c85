//! The oracle's events, declared in its interface (the CLI decodes them by these types).

use cloudless_runtime::{amount, Event, Fields};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use serde::{Deserialize, Serialize};

use crate::types::Asset;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("price-reported")]
pub struct PriceReported {
    pub asset: String,
    pub reporter: ActorID,
    #[serde(with = "amount")]
    pub price: TokenAmount,
    pub epoch: ChainEpoch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("median-updated")]
pub struct MedianUpdated {
    pub asset: String,
    #[serde(with = "amount")]
    pub median: TokenAmount,
    pub epoch: ChainEpoch,
}

/// An asset with its configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("asset-added", "asset-config-set")]
pub struct AssetChanged {
    pub asset: String,
    pub quorum: u32,
    pub report_expiry: ChainEpoch,
    pub max_deviation: u64,
    pub twap_window: ChainEpoch,
}

impl AssetChanged {
    pub fn of(asset: &Asset) -> Self {
        let c = &asset.config;
        AssetChanged {
            asset: asset.symbol.clone(),
            quorum: c.quorum,
            report_expiry: c.report_expiry,
            max_deviation: c.max_deviation,
            twap_window: c.twap_window,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("reporter-added", "reporter-removed")]
pub struct ReporterChanged {
    pub asset: String,
    pub reporter: ActorID,
}
