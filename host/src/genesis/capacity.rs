//! `[actors.capacity]`: providers, commitments and proofs (docs/protocol.md §2), with the protocol's defaults.
//! Other actors are named by account name, address, or (for singletons) their section name.

use anyhow::{anyhow, Context};
use cloudless_actor_capacity::{CapacityActor, Config, ConstructorParams};
use cloudless_runtime::amount;
use cloudless_runtime::bytes::Bytes32;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use serde::{Deserialize, Serialize};

use super::{Refs, Section};

fn default_id() -> ActorID {
    80
}
fn default_true() -> bool {
    true
}
fn default_min_duration() -> u64 {
    5
}
fn default_max_failed_ratio() -> u64 {
    4
}
fn default_min_proofs() -> u32 {
    30
}
fn default_max_proofs() -> u32 {
    50
}
fn default_min_proofs_in_deal() -> u32 {
    1
}
pub(super) fn default_oracle_asset() -> String {
    "FLT/USD".into()
}
fn default_difficulty() -> String {
    format!("0000241f{}", "ff".repeat(28))
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityConfig {
    #[serde(default = "default_id")]
    pub id: ActorID,
    #[serde(default, with = "amount")]
    pub balance: TokenAmount,
    pub admin: String,
    #[serde(default = "default_true")]
    pub whitelist: bool,
    #[serde(default = "default_min_duration")]
    pub min_duration: u64,
    #[serde(default = "default_max_failed_ratio")]
    pub max_failed_ratio: u64,
    #[serde(default = "default_min_proofs")]
    pub min_proofs: u32,
    #[serde(default = "default_max_proofs")]
    pub max_proofs: u32,
    /// Proofs a unit serving a deal still needs each period (default 1; 0 trusts every deal).
    #[serde(default = "default_min_proofs_in_deal")]
    pub min_proofs_in_deal: u32,
    /// PRECISION-scaled share of a unit's collateral slashed per failure (default 0).
    #[serde(default)]
    pub slashing_rate: u64,
    #[serde(default)]
    pub withdraw_periods_after_failed: u64,
    /// USD (decimal) per unit, converted at the oracle's FLT/USD median.
    #[serde(default, with = "amount")]
    pub usd_collateral_per_unit: TokenAmount,
    /// FLT (decimal) per unit when no fresh price exists.
    #[serde(with = "amount")]
    pub flt_collateral_per_unit: TokenAmount,
    /// The oracle actor: `"oracle"` or its address. Default: the configured oracle, if any;
    /// `"none"`: no oracle (always the FLT collateral).
    #[serde(default)]
    pub oracle: Option<String>,
    /// Must be one of the oracle's assets.
    #[serde(default = "default_oracle_asset")]
    pub oracle_asset: String,
    /// The rewards actor told every proof count. Default: the configured rewards actor, if any;
    /// `"none"`: proofs earn no rewards.
    #[serde(default)]
    pub rewards: Option<String>,
    /// The only caller of the market hooks (the market actor, or an account standing in for it).
    /// Default: the configured market, if any; `"none"`: no market.
    #[serde(default)]
    pub market: Option<String>,
    #[serde(default)]
    pub treasury: Option<String>,
    /// 32-byte hex; default 32 zero bytes.
    #[serde(default)]
    pub genesis_nonce: Option<String>,
    /// 32-byte hex, big-endian (default 0x0000241f ff…ff).
    #[serde(default = "default_difficulty")]
    pub difficulty: String,
}

impl Section for CapacityConfig {
    type Actor = CapacityActor;

    fn id(&self) -> ActorID {
        self.id
    }

    fn balance(&self) -> TokenAmount {
        self.balance.clone()
    }

    fn constructor_params(&self, refs: &Refs) -> anyhow::Result<RawBytes> {
        Ok(RawBytes::serialize(self.params(refs).context("actors.capacity")?)?)
    }
}

impl CapacityConfig {
    fn params(&self, refs: &Refs) -> anyhow::Result<ConstructorParams> {
        let network = &refs.config.network;
        let bytes32 = |key: &str, text: &str| Bytes32::from_hex(text).map_err(|e| anyhow!("{key}: {e}"));
        let params = ConstructorParams {
            admin: refs.address(&self.admin).context("admin")?,
            config: Config {
                genesis_epoch: network.genesis_epoch,
                period_length: network.period_length,
                whitelist: self.whitelist,
                min_duration: self.min_duration,
                max_failed_ratio: self.max_failed_ratio,
                min_proofs: self.min_proofs,
                max_proofs: self.max_proofs,
                min_proofs_in_deal: self.min_proofs_in_deal,
                slashing_rate: self.slashing_rate,
                withdraw_periods_after_failed: self.withdraw_periods_after_failed,
                usd_collateral_per_unit: self.usd_collateral_per_unit.clone(),
                flt_collateral_per_unit: self.flt_collateral_per_unit.clone(),
                oracle: refs.optional_actor("oracle", &self.oracle, "oracle", false)?,
                oracle_asset: self.oracle_asset.clone(),
                rewards: refs.optional_actor("rewards", &self.rewards, "rewards", false)?,
                market: refs.optional_actor("market", &self.market, "market", true)?,
                treasury: refs.optional_id("treasury", &self.treasury)?,
            },
            genesis_nonce: self
                .genesis_nonce
                .as_deref()
                .map(|t| bytes32("genesis_nonce", t))
                .transpose()?
                .unwrap_or_default(),
            difficulty: bytes32("difficulty", &self.difficulty)?,
        };
        refs.oracle_asset("oracle_asset", params.config.oracle, &self.oracle_asset)?;
        cloudless_actor_capacity::state::validate_config(&params.config).map_err(|e| anyhow!("{}", e.msg()))?;
        Ok(params)
    }
}
