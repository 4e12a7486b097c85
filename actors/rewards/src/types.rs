//! Parameters, returns, limits and method numbers of the rewards actor.

use cloudless_runtime::{address, amount, Fields};
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

/// Most parts one period's reward vests in. A commitment holds at most this many pending
/// tranches, which bounds every message's work.
pub const MAX_VESTING_PARTS: u64 = 64;
/// Longest spacing of vesting parts, in periods.
pub const MAX_VESTING_DURATION: u64 = 1_000_000;
/// Longest oracle asset symbol, in bytes (the oracle's own limit).
pub const MAX_SYMBOL_LEN: usize = 32;

pub use cloudless_runtime::admin::TransferAdminParams;

/// The pool rule's parameters (docs/protocol.md §3), changeable by the admin with `SetPoolConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct PoolConfig {
    #[serde(with = "amount")]
    pub min_pool: TokenAmount,
    #[serde(with = "amount")]
    pub max_pool: TokenAmount,
    /// USD (×10^18) one successful unit should earn per period: above it the pool shrinks 10%,
    /// otherwise it grows 10%.
    #[serde(with = "amount")]
    pub usd_target_revenue_per_unit_period: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Config {
    /// Period arithmetic: `period(e) = (e - genesis_epoch) / period_length` (as the capacity actor).
    pub genesis_epoch: ChainEpoch,
    pub period_length: ChainEpoch,
    /// The only caller of `RecordProofs`.
    pub capacity: ActorID,
    /// The oracle and the asset giving FLT/USD (none: the pool never changes but by clamping).
    pub oracle: Option<ActorID>,
    pub oracle_asset: String,
    /// The pool of the genesis period.
    #[serde(with = "amount")]
    pub initial_pool: TokenAmount,
    pub pool: PoolConfig,
    /// Each period's reward unlocks in this many equal parts …
    pub vesting_period_count: u64,
    /// … one every this many periods, from the first multiple of it after the period.
    pub vesting_period_duration: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ConstructorParams {
    #[serde(with = "address")]
    pub admin: Address,
    pub config: Config,
}

/// The capacity actor's report (restated there as `RecordProofsParams`): reward-eligible proofs
/// a commitment gained in the current period, how many of its units became successful
/// unit-periods with them, and the commitment's reward parties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct RecordProofsParams {
    pub period: i64,
    pub commitment: u64,
    pub count: u64,
    pub units: u64,
    pub provider: ActorID,
    pub delegator: ActorID,
    pub delegator_reward_rate: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct CommitmentQuery {
    pub id: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct PeriodQuery {
    pub period: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ConfigReturn {
    pub admin: ActorID,
    pub config: Config,
}

/// What `Withdraw` paid (either amount may be zero, not both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct WithdrawReturn {
    pub delegator: ActorID,
    #[serde(with = "amount")]
    pub delegator_amount: TokenAmount,
    pub provider: ActorID,
    #[serde(with = "amount")]
    pub provider_amount: TokenAmount,
}

/// The ledger: `funded = paid + vested_unpaid + unvested + unallocated + dust`. The per-commitment
/// terms are only known by walking every commitment, so `GetTotals` returns the stored
/// aggregates and the invariant check computes the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Totals {
    /// Genesis funding plus every `Fund`.
    #[serde(with = "amount")]
    pub funded: TokenAmount,
    /// Given to closed periods that had proofs: min(pool, unallocated) each.
    #[serde(with = "amount")]
    pub allocated: TokenAmount,
    #[serde(with = "amount")]
    pub unallocated: TokenAmount,
    /// Withdrawn by providers and delegators.
    #[serde(with = "amount")]
    pub paid: TokenAmount,
    /// Commitments with a reward record.
    pub commitments: u64,
}

/// A period's pool and proof counts; `allocated` is set when the period closes (its first
/// touch after it ends) and zero while it is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct PeriodInfo {
    pub period: i64,
    #[serde(with = "amount")]
    pub pool: TokenAmount,
    pub total_count: u64,
    pub units: u64,
    pub closed: bool,
    #[serde(with = "amount")]
    pub allocated: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct TotalsReturn {
    pub totals: Totals,
    /// The open period (the last touched; a later period opens on its first touch).
    pub current: PeriodInfo,
}

/// A commitment's rewards as of the current epoch (settled in the view, nothing written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct CommitmentRewardsInfo {
    pub id: u64,
    pub provider: ActorID,
    pub delegator: ActorID,
    pub delegator_reward_rate: u64,
    /// Everything settled to the commitment so far (vested + unvested).
    #[serde(with = "amount")]
    pub earned: TokenAmount,
    #[serde(with = "amount")]
    pub vested: TokenAmount,
    #[serde(with = "amount")]
    pub unvested: TokenAmount,
    #[serde(with = "amount")]
    pub delegator_withdrawn: TokenAmount,
    #[serde(with = "amount")]
    pub provider_withdrawn: TokenAmount,
    #[serde(with = "amount")]
    pub delegator_withdrawable: TokenAmount,
    #[serde(with = "amount")]
    pub provider_withdrawable: TokenAmount,
    /// Proofs recorded for the open period (not yet rewarded).
    pub open_period: i64,
    pub open_count: u64,
    /// Pending parts, earliest first.
    pub vesting: Vec<Tranche>,
}

/// A part of a reward that unlocks at the start of `period`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Tranche {
    pub period: i64,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
}
