//! The capacity actor's events, declared in its interface (the CLI decodes them by these types).

use cloudless_runtime::bytes::{self, Bytes32};
use cloudless_runtime::{amount, Event, Fields};
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use serde::{Deserialize, Serialize};

use crate::types::Provider;

/// A provider as registered, updated or approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("provider-registered", "provider-updated", "provider-approved")]
pub struct ProviderChanged {
    pub provider: ActorID,
    pub name: String,
    #[serde(with = "bytes::cid_bytes")]
    pub metadata: Vec<u8>,
    pub approved: bool,
}

impl ProviderChanged {
    pub fn of(p: &Provider) -> Self {
        ProviderChanged { provider: p.id, name: p.name.clone(), metadata: p.metadata.clone(), approved: p.approved }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("peer-registered")]
pub struct PeerRegistered {
    #[serde(with = "bytes::hex")]
    pub peer: Vec<u8>,
    pub provider: ActorID,
    pub owner: ActorID,
    pub units: Vec<Bytes32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("units-added", "units-removed")]
pub struct UnitsChanged {
    #[serde(with = "bytes::hex")]
    pub peer: Vec<u8>,
    pub units: Vec<Bytes32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("commitment-created")]
pub struct CommitmentCreated {
    pub id: u64,
    #[serde(with = "bytes::hex")]
    pub peer: Vec<u8>,
    pub provider: ActorID,
    pub delegator: Option<ActorID>,
    pub delegator_reward_rate: u64,
    pub unit_count: u32,
    pub duration: u64,
    #[serde(with = "amount")]
    pub collateral_per_unit: TokenAmount,
    /// The oracle's FLT/USD median the collateral was priced at (none: the FLT fallback).
    #[serde(with = "amount::option")]
    pub price: Option<TokenAmount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("commitment-removed")]
pub struct CommitmentRemoved {
    pub id: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("collateral-deposited")]
pub struct CollateralDeposited {
    pub id: u64,
    pub delegator: ActorID,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
    pub start_period: i64,
    pub end_period: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("commitment-finished")]
pub struct CommitmentFinished {
    pub id: u64,
    pub delegator: ActorID,
    #[serde(with = "amount")]
    pub returned: TokenAmount,
    #[serde(with = "amount")]
    pub slashed: TokenAmount,
    pub slashed_to: ActorID,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("commitment-settled")]
pub struct CommitmentSettled {
    pub id: u64,
    pub settled_through: i64,
    pub failures: u64,
    #[serde(with = "amount")]
    pub slashed: TokenAmount,
    pub status: String,
    /// Failures per unit so far (the peer's unit order), after this settlement.
    pub unit_failures: Vec<u32>,
}

/// A unit entering a deal or coming back from one, with its commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("unit-moved-to-deal", "unit-returned-from-deal")]
pub struct UnitDealChanged {
    pub unit: Bytes32,
    pub deal: Option<u64>,
    pub commitment: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("proofs-accepted")]
pub struct ProofsAccepted {
    pub unit: Bytes32,
    pub commitment: u64,
    pub period: i64,
    pub accepted: u32,
    /// The unit's proofs this period.
    pub count: u32,
    /// Proofs this batch made count for rewards.
    pub eligible: u64,
    /// The local nonces accepted for the unit in this batch, in proof order.
    pub nonces: Vec<Bytes32>,
    /// The period's entropy after the whole batch (it seeds the next period's nonce).
    pub entropy: Bytes32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("difficulty-set")]
pub struct DifficultySet {
    pub difficulty: Bytes32,
    pub from_period: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
/// A new period (also at construction, for period 0 and the genesis nonce).
#[event("period-started")]
pub struct PeriodStarted {
    pub period: i64,
    pub nonce: Bytes32,
    pub difficulty: Bytes32,
}
