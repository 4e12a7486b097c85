//! The rewards actor's events, declared in its interface (the CLI decodes them by these types).

use cloudless_runtime::{amount, Event, Fields};
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use serde::{Deserialize, Serialize};

use crate::types::Tranche;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("period-opened")]
pub struct PeriodOpened {
    pub period: i64,
    #[serde(with = "amount")]
    pub pool: TokenAmount,
    /// The FLT/USD TWAP the pool was fixed with (none: no price, or no unit last period).
    #[serde(with = "amount::option")]
    pub price: Option<TokenAmount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("period-closed")]
pub struct PeriodClosed {
    pub period: i64,
    #[serde(with = "amount")]
    pub pool: TokenAmount,
    pub total: u64,
    pub units: u64,
    #[serde(with = "amount")]
    pub allocated: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("funded")]
pub struct Funded {
    pub from: ActorID,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
    #[serde(with = "amount")]
    pub unallocated: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("reward-settled")]
pub struct RewardSettled {
    pub commitment: u64,
    pub period: i64,
    #[serde(with = "amount")]
    pub reward: TokenAmount,
    /// The tranches the reward adds to the commitment's vesting schedule.
    pub vesting: Vec<Tranche>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("commitment-added")]
pub struct CommitmentAdded {
    pub commitment: u64,
    pub provider: ActorID,
    pub delegator: ActorID,
    pub delegator_reward_rate: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("proofs-recorded")]
pub struct ProofsRecorded {
    pub commitment: u64,
    pub period: i64,
    pub count: u64,
    pub units: u64,
    /// The commitment's proofs in the period so far.
    pub commitment_count: u64,
    /// Every commitment's proofs in the period so far.
    pub period_total: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("withdrawn")]
pub struct Withdrawn {
    pub commitment: u64,
    pub delegator: ActorID,
    #[serde(with = "amount")]
    pub delegator_amount: TokenAmount,
    pub provider: ActorID,
    #[serde(with = "amount")]
    pub provider_amount: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("pool-config-set")]
pub struct PoolConfigSet {
    #[serde(with = "amount")]
    pub min_pool: TokenAmount,
    #[serde(with = "amount")]
    pub max_pool: TokenAmount,
    #[serde(with = "amount")]
    pub usd_target: TokenAmount,
}
