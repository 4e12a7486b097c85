//! `[actors.market]`: the compute market (docs/protocol.md §6) with the protocol's defaults. Other actors are
//! named by account name, address, or (for singletons) their section name.

use anyhow::{anyhow, Context};
use cloudless_actor_market::{Config, ConstructorParams, MarketActor};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::ActorID;
use serde::{Deserialize, Serialize};

use super::{Refs, Section};

fn default_id() -> ActorID {
    81
}
fn default_capacity() -> String {
    "capacity".into()
}
fn default_token() -> String {
    "gateway".into()
}
fn default_periods() -> u64 {
    2
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarketConfig {
    #[serde(default = "default_id")]
    pub id: ActorID,
    pub admin: String,
    /// The capacity actor whose units are rented: `"capacity"` (the configured one) or an address.
    #[serde(default = "default_capacity")]
    pub capacity: String,
    /// The payment token of offers and deals that name none: `"gateway"` (USDC) or an address.
    #[serde(default = "default_token")]
    pub default_token: String,
    /// A deal must hold price × target × this many periods to be matched (its reserve).
    #[serde(default = "default_periods")]
    pub min_deposited_periods: u64,
    /// Periods between two matches of one deal.
    #[serde(default = "default_periods")]
    pub min_rematching_periods: u64,
}

impl Section for MarketConfig {
    type Actor = MarketActor;

    fn id(&self) -> ActorID {
        self.id
    }

    fn constructor_params(&self, refs: &Refs) -> anyhow::Result<RawBytes> {
        let params = || -> anyhow::Result<ConstructorParams> {
            let network = &refs.config.network;
            let config = Config {
                genesis_epoch: network.genesis_epoch,
                period_length: network.period_length,
                capacity: refs.actor("capacity", &self.capacity, "capacity", false)?,
                default_token: refs.actor("default_token", &self.default_token, "gateway", false)?,
                min_deposited_periods: self.min_deposited_periods,
                min_rematching_periods: self.min_rematching_periods,
            };
            cloudless_actor_market::state::validate_config(&config).map_err(|e| anyhow!("{}", e.msg()))?;
            Ok(ConstructorParams { admin: refs.address(&self.admin).context("admin")?, config })
        };
        Ok(RawBytes::serialize(params().context("actors.market")?)?)
    }
}
