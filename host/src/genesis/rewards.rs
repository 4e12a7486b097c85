//! `[actors.rewards]`: the FLT reward pool (docs/protocol.md §3) with the protocol's defaults; `balance` is the
//! genesis funding.

use anyhow::{anyhow, Context};
use cloudless_actor_rewards::{Config, ConstructorParams, PoolConfig, RewardsActor};
use cloudless_runtime::amount;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use serde::{Deserialize, Serialize};

use super::capacity::default_oracle_asset;
use super::{Refs, Section};

fn default_id() -> ActorID {
    82
}
fn default_capacity_ref() -> String {
    "capacity".into()
}
fn flt(whole: u64) -> TokenAmount {
    TokenAmount::from_whole(whole)
}
fn default_initial_pool() -> TokenAmount {
    flt(500)
}
fn default_min_pool() -> TokenAmount {
    flt(100)
}
fn default_max_pool() -> TokenAmount {
    flt(1000)
}
fn default_usd_target() -> TokenAmount {
    flt(1)
}
fn default_vesting_period_count() -> u64 {
    6
}
fn default_vesting_period_duration() -> u64 {
    2
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RewardsConfig {
    #[serde(default = "default_id")]
    pub id: ActorID,
    /// Genesis funding of the reward pool (FLT, decimal).
    #[serde(default, with = "amount")]
    pub balance: TokenAmount,
    pub admin: String,
    /// The only reporter of proofs: `"capacity"` (the configured capacity actor), its address,
    /// or an account standing in for it.
    #[serde(default = "default_capacity_ref")]
    pub capacity: String,
    /// The oracle for the pool rule: `"oracle"` or its address. Default: the configured oracle,
    /// if any; `"none"`: the pool never moves.
    #[serde(default)]
    pub oracle: Option<String>,
    /// Must be one of the oracle's assets.
    #[serde(default = "default_oracle_asset")]
    pub oracle_asset: String,
    #[serde(default = "default_initial_pool", with = "amount")]
    pub initial_pool: TokenAmount,
    #[serde(default = "default_min_pool", with = "amount")]
    pub min_pool: TokenAmount,
    #[serde(default = "default_max_pool", with = "amount")]
    pub max_pool: TokenAmount,
    /// USD (decimal) one successful unit should earn per period.
    #[serde(default = "default_usd_target", with = "amount")]
    pub usd_target_revenue_per_unit_period: TokenAmount,
    #[serde(default = "default_vesting_period_count")]
    pub vesting_period_count: u64,
    #[serde(default = "default_vesting_period_duration")]
    pub vesting_period_duration: u64,
}

impl Section for RewardsConfig {
    type Actor = RewardsActor;

    fn id(&self) -> ActorID {
        self.id
    }

    fn balance(&self) -> TokenAmount {
        self.balance.clone()
    }

    fn constructor_params(&self, refs: &Refs) -> anyhow::Result<RawBytes> {
        Ok(RawBytes::serialize(self.params(refs).context("actors.rewards")?)?)
    }
}

impl RewardsConfig {
    fn params(&self, refs: &Refs) -> anyhow::Result<ConstructorParams> {
        let network = &refs.config.network;
        let params = ConstructorParams {
            admin: refs.address(&self.admin).context("admin")?,
            config: Config {
                genesis_epoch: network.genesis_epoch,
                period_length: network.period_length,
                capacity: refs.actor("capacity", &self.capacity, "capacity", true)?,
                oracle: refs.optional_actor("oracle", &self.oracle, "oracle", false)?,
                oracle_asset: self.oracle_asset.clone(),
                initial_pool: self.initial_pool.clone(),
                pool: PoolConfig {
                    min_pool: self.min_pool.clone(),
                    max_pool: self.max_pool.clone(),
                    usd_target_revenue_per_unit_period: self.usd_target_revenue_per_unit_period.clone(),
                },
                vesting_period_count: self.vesting_period_count,
                vesting_period_duration: self.vesting_period_duration,
            },
        };
        refs.oracle_asset("oracle_asset", params.config.oracle, &self.oracle_asset)?;
        cloudless_actor_rewards::state::validate_config(&params.config).map_err(|e| anyhow!("{}", e.msg()))?;
        Ok(params)
    }
}
