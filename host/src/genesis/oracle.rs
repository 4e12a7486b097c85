//! `[actors.oracle]`: the price oracle (docs/protocol.md §4) and its assets.

use anyhow::Context;
use cloudless_actor_oracle::{AssetConfig, AssetParams, ConstructorParams, OracleActor};
use cloudless_runtime::amount;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use serde::{Deserialize, Serialize};

use super::{Refs, Section};

fn default_id() -> ActorID {
    83
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OracleConfig {
    #[serde(default = "default_id")]
    pub id: ActorID,
    #[serde(default, with = "amount")]
    pub balance: TokenAmount,
    /// An account name or an address.
    pub admin: String,
    #[serde(default)]
    pub assets: Vec<OracleAssetConfig>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OracleAssetConfig {
    pub symbol: String,
    pub quorum: u32,
    pub report_expiry: ChainEpoch,
    #[serde(default)]
    pub max_deviation: u64,
    #[serde(default)]
    pub twap_window: ChainEpoch,
    /// Account names or addresses.
    #[serde(default)]
    pub reporters: Vec<String>,
}

impl Section for OracleConfig {
    type Actor = OracleActor;

    fn id(&self) -> ActorID {
        self.id
    }

    fn balance(&self) -> TokenAmount {
        self.balance.clone()
    }

    fn constructor_params(&self, refs: &Refs) -> anyhow::Result<RawBytes> {
        let admin = refs.address(&self.admin).context("actors.oracle.admin")?;
        let assets = self
            .assets
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let reporters = a.reporters.iter().enumerate().map(|(j, r)| {
                    refs.address(r).with_context(|| format!("actors.oracle.assets[{i}].reporters[{j}]"))
                });
                Ok(AssetParams {
                    symbol: a.symbol.clone(),
                    config: AssetConfig {
                        quorum: a.quorum,
                        report_expiry: a.report_expiry,
                        max_deviation: a.max_deviation,
                        twap_window: a.twap_window,
                    },
                    reporters: reporters.collect::<anyhow::Result<_>>()?,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(RawBytes::serialize(ConstructorParams { admin, assets })?)
    }
}
