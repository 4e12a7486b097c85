//! The scenario file of `cloudless devnet` (docs/devnet.md): who takes part, what they do in
//! which period, and how many periods to run, next to the genesis config it rehearses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use cloudless_runtime::amount;
use fvm_shared::econ::TokenAmount;
use serde::{Deserialize, Serialize};

use crate::genesis::{AccountConfig, GenesisConfig};

/// The default scenario (`cloudless devnet` with no argument, `make devnet`) and its genesis.
pub const DEFAULT_SCENARIO: &str = include_str!("../../../examples/devnet-scenario.toml");
pub const DEFAULT_GENESIS: &str = include_str!("../../../examples/devnet.toml");
/// The `genesis` key of the default scenario.
const DEFAULT_GENESIS_NAME: &str = "devnet.toml";

/// A decimal amount (FLT, USDC or USD): `"2.5"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Amount(#[serde(with = "amount")] pub TokenAmount);

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default = "default_name")]
    pub name: String,
    /// The genesis config, relative to the scenario file.
    pub genesis: String,
    /// Periods to run, from the genesis period.
    pub periods: u32,
    /// Proofs each proving unit submits per period (default: the capacity actor's min_proofs).
    #[serde(default)]
    pub proofs_per_unit: Option<u32>,
    /// Accounts added to the genesis's (the rehearsal's providers, users and delegators).
    #[serde(default)]
    pub accounts: Vec<AccountConfig>,
    /// USDC on the parent chain at the start, by account name.
    #[serde(default)]
    pub parent: BTreeMap<String, Amount>,
    #[serde(default)]
    pub providers: Vec<ProviderPlan>,
    #[serde(default)]
    pub prices: Vec<PricePoint>,
    #[serde(default)]
    pub deposits: Vec<DepositPlan>,
    #[serde(default)]
    pub deals: Vec<DealPlan>,
    #[serde(default)]
    pub withdrawals: Vec<WithdrawalPlan>,
}

fn default_name() -> String {
    "devnet".into()
}

/// A provider: registered, approved and committed in period 0; its commitments start in
/// period 1.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderPlan {
    /// The provider's account.
    pub account: String,
    /// Its registered name (default: the account name).
    #[serde(default)]
    pub name: Option<String>,
    pub peers: Vec<PeerPlan>,
    /// Commitment duration in periods (each peer has one commitment).
    #[serde(default = "default_duration")]
    pub duration: u64,
    /// Who deposits the collateral and shares the rewards (default: the provider itself).
    #[serde(default)]
    pub delegator: Option<String>,
    /// The delegator's share of rewards, in 10^-7 (default 2,000,000: 20%).
    #[serde(default = "default_rate")]
    pub delegator_reward_rate: u64,
    /// USDC per unit and period; with it, the provider's peers are offered to the market.
    #[serde(default)]
    pub offer_price: Option<Amount>,
    /// Units that stop proving (a failure: slashing, then the commitment may fail).
    #[serde(default)]
    pub stops_proving: Vec<StopPlan>,
}

fn default_duration() -> u64 {
    20
}
fn default_rate() -> u64 {
    2_000_000
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PeerPlan {
    /// The peer's owner account: it submits the proofs, sets workers and results.
    pub owner: String,
    /// Compute units of the peer.
    pub units: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StopPlan {
    /// Index into the provider's `peers`.
    pub peer: usize,
    /// Index of the unit within the peer.
    pub unit: usize,
    /// The first period without proofs.
    pub from_period: u32,
}

/// Every reporter of the oracle's asset reports `price` (USD per FLT) from `period` on, each
/// period, until the next point.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PricePoint {
    pub period: u32,
    pub price: Amount,
}

/// A parent account locks USDC for a subnet recipient; the relayer delivers it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DepositPlan {
    pub period: u32,
    pub from: String,
    /// The subnet recipient (default: `from`).
    #[serde(default)]
    pub to: Option<String>,
    pub amount: Amount,
}

/// A deal: created, funded and matched in `period`; matching is retried each period while it
/// has fewer than `workers` units.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DealPlan {
    pub name: String,
    pub owner: String,
    pub period: u32,
    /// USDC per unit and period.
    pub price: Amount,
    /// Target workers.
    pub workers: u32,
    #[serde(default = "one")]
    pub min_workers: u32,
    /// Default: `workers`.
    #[serde(default)]
    pub max_workers_per_provider: Option<u32>,
    /// USDC paid into the deal at creation (a small deposit makes a deal that runs dry).
    pub deposit: Amount,
    /// Pays only for results proved with Groth16, one per unit and period.
    #[serde(default)]
    pub verified: bool,
}

fn one() -> u32 {
    1
}

/// USDC back to the parent chain.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalPlan {
    pub period: u32,
    pub from: String,
    /// The parent recipient (default: `from`).
    #[serde(default)]
    pub to: Option<String>,
    pub amount: Amount,
    /// A fast withdrawal: a liquidity provider pays the recipient at once for a fee.
    #[serde(default)]
    pub fast: Option<FastPlan>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FastPlan {
    pub fee: Amount,
    /// The liquidity provider (a parent account with USDC).
    pub lp: String,
    /// Epochs the fill stays open (the gateway's `max_fast_window` bounds it).
    #[serde(default = "default_window")]
    pub window: i64,
}

fn default_window() -> i64 {
    50
}

/// A scenario with its genesis, ready to run.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    /// The genesis config with the scenario's accounts appended.
    pub genesis: GenesisConfig,
    /// Where the scenario came from (`<default>` for the embedded one).
    pub source: String,
}

/// The most periods one run may have.
pub const MAX_PERIODS: u32 = 1_000;

impl Loaded {
    /// The embedded default scenario.
    pub fn default_scenario() -> anyhow::Result<Self> {
        let scenario = Scenario::parse(DEFAULT_SCENARIO).context("in the default scenario")?;
        if scenario.genesis != DEFAULT_GENESIS_NAME {
            bail!("the default scenario must name {DEFAULT_GENESIS_NAME}");
        }
        Self::new(scenario, GenesisConfig::parse(DEFAULT_GENESIS)?, "<default>".into())
    }

    /// A scenario file and the genesis it names (relative to the file).
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let scenario = Scenario::parse(&text).with_context(|| format!("in {}", path.display()))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let genesis_path = dir.join(&scenario.genesis);
        let genesis = GenesisConfig::load(&genesis_path)
            .with_context(|| format!("{}: genesis = {:?}", path.display(), scenario.genesis))?;
        Self::new(scenario, genesis, path.display().to_string()).with_context(|| format!("in {}", path.display()))
    }

    fn new(scenario: Scenario, mut genesis: GenesisConfig, source: String) -> anyhow::Result<Self> {
        for (i, a) in scenario.accounts.iter().enumerate() {
            if genesis.accounts.iter().any(|g| g.name == a.name) {
                bail!("accounts[{i}].name: {:?} is already an account of the genesis", a.name);
            }
        }
        genesis.accounts.extend(scenario.accounts.iter().cloned());
        genesis.validate()?;
        scenario.validate(&genesis)?;
        Ok(Self { scenario, genesis, source })
    }
}

impl Scenario {
    /// Parses TOML; errors name the line and key.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        toml::from_str(text).map_err(|e| anyhow!("invalid scenario: {e}"))
    }

    /// Checks what does not need the FVM against the genesis; errors name the offending key.
    pub fn validate(&self, genesis: &GenesisConfig) -> anyhow::Result<()> {
        let accounts: BTreeSet<&str> = genesis.accounts.iter().map(|a| a.name.as_str()).collect();
        let account = |key: &str, name: &str| -> anyhow::Result<()> {
            if accounts.contains(name) {
                Ok(())
            } else {
                bail!("{key}: {name:?} is not an account of the genesis or the scenario")
            }
        };
        let period = |key: &str, p: u32| -> anyhow::Result<()> {
            if p < self.periods {
                Ok(())
            } else {
                bail!("{key}: period {p} is not below periods = {}", self.periods)
            }
        };
        let positive = |key: &str, a: &Amount| -> anyhow::Result<()> {
            if a.0.is_positive() {
                Ok(())
            } else {
                bail!("{key}: must be positive")
            }
        };
        let usdc = |key: &str, a: &Amount| -> anyhow::Result<()> {
            positive(key, a)?;
            if a.0.atto() % cloudless_actor_gateway::GRANULARITY != 0u64.into() {
                bail!("{key}: USDC has 6 decimal places; {} has more", amount::format_decimal(&a.0));
            }
            Ok(())
        };
        if self.periods == 0 || self.periods > MAX_PERIODS {
            bail!("periods: {} is not in 1..={MAX_PERIODS}", self.periods);
        }
        let actors = &genesis.actors;
        let need = |present: bool, key: &str, section: &str| -> anyhow::Result<()> {
            if present {
                Ok(())
            } else {
                bail!("{key}: the genesis has no [actors.{section}]")
            }
        };
        need(actors.capacity.is_some(), "providers", "capacity")?;
        need(actors.rewards.is_some(), "providers", "rewards")?;
        if !self.prices.is_empty() {
            need(actors.oracle.is_some(), "prices", "oracle")?;
        }
        if !self.deposits.is_empty() || !self.withdrawals.is_empty() || !self.parent.is_empty() {
            need(actors.gateway.is_some(), "deposits", "gateway")?;
        }
        if !self.deals.is_empty() {
            need(actors.market.is_some(), "deals", "market")?;
            need(actors.gateway.is_some(), "deals", "gateway")?;
        }
        if let Some(n) = self.proofs_per_unit {
            let max = actors.capacity.as_ref().map_or(0, |c| c.max_proofs);
            if n == 0 || n > max {
                bail!("proofs_per_unit: {n} is not in 1..=max_proofs ({max})");
            }
        }
        for (name, a) in &self.parent {
            account(&format!("parent.{name}"), name)?;
            usdc(&format!("parent.{name}"), a)?;
        }
        let mut provider_accounts = BTreeSet::new();
        for (i, p) in self.providers.iter().enumerate() {
            let key = format!("providers[{i}]");
            account(&format!("{key}.account"), &p.account)?;
            if !provider_accounts.insert(p.account.as_str()) {
                bail!("{key}.account: {:?} is already a provider", p.account);
            }
            if p.peers.is_empty() {
                bail!("{key}.peers: a provider needs at least one peer");
            }
            for (j, peer) in p.peers.iter().enumerate() {
                account(&format!("{key}.peers[{j}].owner"), &peer.owner)?;
                if !(1..=64).contains(&peer.units) {
                    bail!("{key}.peers[{j}].units: {} is not in 1..=64", peer.units);
                }
            }
            if let Some(d) = &p.delegator {
                account(&format!("{key}.delegator"), d)?;
            }
            if !(1..=10_000_000).contains(&p.delegator_reward_rate) {
                bail!("{key}.delegator_reward_rate: {} is not in 1..=10000000 (10^-7)", p.delegator_reward_rate);
            }
            if let Some(price) = &p.offer_price {
                usdc(&format!("{key}.offer_price"), price)?;
                need(actors.market.is_some(), &format!("{key}.offer_price"), "market")?;
            }
            for (j, s) in p.stops_proving.iter().enumerate() {
                let k = format!("{key}.stops_proving[{j}]");
                let peer = p.peers.get(s.peer).ok_or_else(|| anyhow!("{k}.peer: no peer {}", s.peer))?;
                if s.unit >= peer.units as usize {
                    bail!("{k}.unit: peer {} has {} units", s.peer, peer.units);
                }
                period(&format!("{k}.from_period"), s.from_period)?;
            }
        }
        let mut last = None;
        for (i, p) in self.prices.iter().enumerate() {
            let key = format!("prices[{i}]");
            period(&format!("{key}.period"), p.period)?;
            positive(&format!("{key}.price"), &p.price)?;
            if last.is_some_and(|l| l >= p.period) {
                bail!("{key}.period: prices must be in increasing period order");
            }
            last = Some(p.period);
        }
        for (i, d) in self.deposits.iter().enumerate() {
            let key = format!("deposits[{i}]");
            period(&format!("{key}.period"), d.period)?;
            account(&format!("{key}.from"), &d.from)?;
            if !self.parent.contains_key(&d.from) {
                bail!("{key}.from: {:?} has no USDC on the parent (add it to [parent])", d.from);
            }
            if let Some(to) = &d.to {
                account(&format!("{key}.to"), to)?;
            }
            usdc(&format!("{key}.amount"), &d.amount)?;
        }
        let mut names = BTreeSet::new();
        for (i, d) in self.deals.iter().enumerate() {
            let key = format!("deals[{i}]");
            if !names.insert(d.name.as_str()) {
                bail!("{key}.name: {:?} is already a deal", d.name);
            }
            account(&format!("{key}.owner"), &d.owner)?;
            period(&format!("{key}.period"), d.period)?;
            usdc(&format!("{key}.price"), &d.price)?;
            usdc(&format!("{key}.deposit"), &d.deposit)?;
            if !(1..=64).contains(&d.workers) {
                bail!("{key}.workers: {} is not in 1..=64", d.workers);
            }
            if d.min_workers == 0 || d.min_workers > d.workers {
                bail!("{key}.min_workers: {} is not in 1..=workers ({})", d.min_workers, d.workers);
            }
            if d.max_workers_per_provider == Some(0) {
                bail!("{key}.max_workers_per_provider: must be at least 1");
            }
        }
        for (i, w) in self.withdrawals.iter().enumerate() {
            let key = format!("withdrawals[{i}]");
            period(&format!("{key}.period"), w.period)?;
            account(&format!("{key}.from"), &w.from)?;
            if let Some(to) = &w.to {
                account(&format!("{key}.to"), to)?;
            }
            usdc(&format!("{key}.amount"), &w.amount)?;
            if let Some(f) = &w.fast {
                usdc(&format!("{key}.fast.fee"), &f.fee)?;
                account(&format!("{key}.fast.lp"), &f.lp)?;
                if !self.parent.contains_key(&f.lp) {
                    bail!("{key}.fast.lp: {:?} has no USDC on the parent (add it to [parent])", f.lp);
                }
                if f.window < 1 {
                    bail!("{key}.fast.window: must be at least 1 epoch");
                }
                if f.fee.0 >= w.amount.0 {
                    bail!("{key}.fast.fee: must be below the amount");
                }
            }
        }
        Ok(())
    }

    /// The price reported in `period`: the last point at or before it.
    pub fn price_at(&self, period: u32) -> Option<&TokenAmount> {
        self.prices.iter().rev().find(|p| p.period <= period).map(|p| &p.price.0)
    }
}
