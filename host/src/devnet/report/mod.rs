//! What a run reports: the figures (`report.json`, the same on every machine) and the
//! wall-clock measurements (`timings.json`, machine-dependent), as plain types; [`build`] makes
//! them from a [`Snapshot`] of the run, [`html`] shows both as `report.html`.

use cloudless_runtime::amount::{self, format_decimal};
use fvm_shared::econ::TokenAmount;
use serde::{Deserialize, Serialize};

mod build;
mod html;
mod svg;

pub use build::{build, period_figures, Snapshot};
pub use html::html;

/// Everything `report.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub scenario: String,
    /// `complete`, `interrupted` or `failed: <why>`.
    pub end: String,
    pub periods_planned: u32,
    pub periods_run: u32,
    pub state_root: String,
    pub network: NetworkFigures,
    pub messages: u64,
    pub failed_messages: u64,
    pub periods: Vec<PeriodFigures>,
    /// The rewards actor's periods as the final state has them (closed ones allocated).
    pub reward_periods: Vec<RewardPeriod>,
    pub gas_by_kind: Vec<KindGas>,
    pub randomx: Vec<RandomxMessage>,
    pub ceiling: Ceiling,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkFigures {
    pub period_length: i64,
    pub block_gas_limit: u64,
    #[serde(with = "amount")]
    pub base_fee: TokenAmount,
    pub min_proofs: u32,
    pub proofs_per_unit: u32,
    pub difficulty: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodFigures {
    pub period: u32,
    pub first_epoch: i64,
    pub messages: u64,
    pub gas: u64,
    /// The oracle's median and TWAP at the period's end (none without a fresh quorum).
    #[serde(with = "amount::option")]
    pub flt_price: Option<TokenAmount>,
    #[serde(with = "amount::option")]
    pub flt_twap: Option<TokenAmount>,
    /// The rewards pool of this period (none before the rewards actor opened it).
    #[serde(with = "amount::option")]
    pub pool: Option<TokenAmount>,
    pub proving_units: u32,
    pub proofs: u64,
    pub rewards: RewardTotals,
    pub commitments: Vec<CommitmentFigures>,
    pub parties: Vec<PartyFigures>,
    pub deals: Vec<DealFigures>,
    pub usdc: UsdcFigures,
    #[serde(with = "amount")]
    pub collateral: TokenAmount,
    #[serde(with = "amount")]
    pub slashed: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardTotals {
    #[serde(with = "amount")]
    pub funded: TokenAmount,
    #[serde(with = "amount")]
    pub allocated: TokenAmount,
    #[serde(with = "amount")]
    pub unallocated: TokenAmount,
    #[serde(with = "amount")]
    pub paid: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentFigures {
    pub id: u64,
    pub provider: String,
    pub peer: usize,
    pub status: String,
    #[serde(with = "amount")]
    pub collateral: TokenAmount,
    #[serde(with = "amount")]
    pub slashed: TokenAmount,
    pub failures: u64,
    #[serde(with = "amount")]
    pub earned: TokenAmount,
    #[serde(with = "amount")]
    pub vested: TokenAmount,
    #[serde(with = "amount")]
    pub unvested: TokenAmount,
}

/// A provider's or a delegator's share over all its commitments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyFigures {
    pub account: String,
    /// `provider` or `delegator`.
    pub role: String,
    /// Its share of what has vested (withdrawn + withdrawable).
    #[serde(with = "amount")]
    pub vested: TokenAmount,
    #[serde(with = "amount")]
    pub withdrawn: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealFigures {
    pub name: String,
    pub id: u64,
    pub status: String,
    #[serde(with = "amount")]
    pub balance: TokenAmount,
    #[serde(with = "amount")]
    pub deposited: TokenAmount,
    /// Paid to its units so far.
    #[serde(with = "amount")]
    pub spent: TokenAmount,
    pub paid_periods: u64,
    pub gaps: u64,
    pub units: usize,
    pub workers: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsdcFigures {
    /// Held by parent accounts (not locked, not in escrow).
    #[serde(with = "amount")]
    pub parent_accounts: TokenAmount,
    /// Locked by the bridge for the subnet.
    #[serde(with = "amount")]
    pub parent_locked: TokenAmount,
    /// Fast-fill payments awaiting the subnet's verdict.
    #[serde(with = "amount")]
    pub parent_escrow: TokenAmount,
    #[serde(with = "amount")]
    pub subnet_supply: TokenAmount,
    /// Held by the market (deal balances and unclaimed earnings).
    #[serde(with = "amount")]
    pub market_held: TokenAmount,
    /// Deposits not yet delivered and withdrawals not yet paid.
    #[serde(with = "amount")]
    pub in_flight: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardPeriod {
    pub period: i64,
    #[serde(with = "amount")]
    pub pool: TokenAmount,
    pub proofs: u64,
    pub successful_units: u64,
    pub closed: bool,
    #[serde(with = "amount")]
    pub allocated: TokenAmount,
}

/// Gas by message kind (`actor.Method`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindGas {
    pub kind: String,
    pub messages: u64,
    pub failed: u64,
    pub total: u64,
    pub mean: u64,
    pub max: u64,
}

/// One `SubmitProofs`: the gas its RandomX verification is priced at, and the verification time
/// on the reference validator that price stands for (10 gas per ns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RandomxMessage {
    /// Index into the run's messages.
    pub message: usize,
    pub period: u32,
    pub proofs: usize,
    pub keys: usize,
    pub gas_used: u64,
    pub randomx_gas: u64,
    pub reference_us: u64,
}

/// How many units this subnet's proofs leave room for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ceiling {
    /// Unit-periods proved during the run (every owed proof accepted: a full period's, or the
    /// in-deal rate for a unit serving a deal).
    pub unit_periods: u64,
    pub proofs_per_unit: u32,
    /// SubmitProofs messages that carried them (packed per owner, see docs/devnet.md).
    pub proof_messages: u64,
    /// Σ gas of every SubmitProofs / unit-periods (0 when nothing was proved).
    pub gas_per_unit_period: u64,
    pub block_gas_limit: u64,
    /// One block per epoch.
    pub blocks_per_period: i64,
    /// block_gas_limit × blocks_per_period / gas_per_unit_period: units whose proofs alone
    /// would fill every block.
    pub units_per_subnet: u64,
}

/// Wall-clock measurements of this machine (`timings.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
    pub total_ms: u64,
    pub mining: Vec<MiningTiming>,
    pub submit_proofs: Vec<MessageTiming>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MiningTiming {
    pub period: u32,
    pub unit: String,
    pub proofs: u32,
    pub ms: u64,
}

/// A message applied (gas estimation included: it runs the message once more on a copy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageTiming {
    pub message: usize,
    pub ms: u64,
}

/// The unit ceiling (docs/capacity.md): units whose proofs alone would fill every block,
/// `block_gas_limit × blocks_per_period ÷ gas_per_unit_period` (0 when nothing was proved).
pub fn units_per_subnet(block_gas_limit: u64, blocks_per_period: i64, gas_per_unit_period: u64) -> u64 {
    if gas_per_unit_period == 0 || blocks_per_period <= 0 {
        return 0;
    }
    (u128::from(block_gas_limit) * blocks_per_period as u128 / u128::from(gas_per_unit_period)) as u64
}

/// Gas in billions, for the terminal and the page.
pub(crate) fn giga(gas: u64) -> String {
    format!("{:.3} G", gas as f64 / 1e9)
}

/// `n` with thousands separated by commas (reports and benches).
pub fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One line per period for the terminal.
pub fn summary_line(p: &PeriodFigures) -> String {
    let paid: TokenAmount = p.deals.iter().map(|d| d.spent.clone()).sum();
    format!(
        "period {:>3}: {:>3} messages {:>9}  price {:>6}  pool {:>6} FLT  {} units proved {:>4} proofs  rewards paid {} FLT  deals paid {} USDC  slashed {} FLT",
        p.period,
        p.messages,
        giga(p.gas),
        p.flt_price.as_ref().map_or("-".into(), format_decimal),
        p.pool.as_ref().map_or("-".into(), format_decimal),
        p.proving_units,
        p.proofs,
        format_decimal(&p.rewards.paid),
        format_decimal(&paid),
        format_decimal(&p.slashed),
    )
}
