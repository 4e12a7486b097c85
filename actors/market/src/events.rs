//! The market's events, declared in its interface (the CLI decodes them by these types).

use cloudless_runtime::bytes::{self, Bytes32};
use cloudless_runtime::{amount, Event, Fields};
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use serde::{Deserialize, Serialize};

use crate::types::{Access, Deal, Offer, PeerUnits};

/// An offer as registered or updated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("offer-registered", "offer-updated")]
pub struct OfferChanged {
    pub offer: u64,
    pub provider: ActorID,
    #[serde(with = "amount")]
    pub min_price: TokenAmount,
    pub token: ActorID,
    #[serde(with = "bytes::cid_bytes_vec")]
    pub effectors: Vec<Vec<u8>>,
    #[serde(with = "bytes::hex_vec")]
    pub peers: Vec<Vec<u8>>,
    /// Each peer's free committed units, as the market knows them (in `peers`' order).
    pub free_units: Vec<u32>,
    pub min_version: u64,
    pub max_version: u64,
}

impl OfferChanged {
    pub fn of(o: &Offer) -> Self {
        OfferChanged {
            offer: o.id,
            provider: o.provider,
            min_price: o.min_price.clone(),
            token: o.token,
            effectors: o.effectors.clone(),
            peers: o.peers.iter().map(|p| p.peer_id.clone()).collect(),
            free_units: o.peers.iter().map(|p| p.free_units).collect(),
            min_version: o.min_version,
            max_version: o.max_version,
        }
    }
}

/// The capacity actor said (in an answer, or by `PeerUnitsChanged`) that these peers of the
/// offer have these free committed units now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("offer-peers-learned")]
pub struct OfferPeersLearned {
    pub offer: u64,
    pub peers: Vec<PeerUnits>,
    /// Whether the offer now has a peer with a free committed unit (its index entry).
    pub usable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("offer-removed")]
pub struct OfferRemoved {
    pub offer: u64,
    pub provider: ActorID,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("deal-created")]
pub struct DealCreated {
    pub deal: u64,
    pub owner: ActorID,
    pub token: ActorID,
    #[serde(with = "bytes::cid_bytes")]
    pub app: Vec<u8>,
    #[serde(with = "bytes::cid_bytes")]
    pub input_data: Vec<u8>,
    pub min_workers: u32,
    pub target_workers: u32,
    pub max_workers_per_provider: u32,
    #[serde(with = "amount")]
    pub price: TokenAmount,
    pub access: Access,
    pub access_list: Vec<ActorID>,
    pub protocol_version: u64,
    pub verified_results: bool,
    pub require_results: bool,
    #[serde(with = "bytes::cid_bytes_vec")]
    pub effectors: Vec<Vec<u8>>,
    /// The period it was created in (charged from).
    pub created: i64,
}

impl Deal {
    /// A new deal as its `deal-created` event describes it: nothing deposited, charged from
    /// its creation period.
    pub fn created(e: DealCreated) -> Deal {
        Deal {
            id: e.deal,
            owner: e.owner,
            token: e.token,
            app: e.app,
            input_data: e.input_data,
            min_workers: e.min_workers,
            target_workers: e.target_workers,
            max_workers_per_provider: e.max_workers_per_provider,
            price: e.price,
            effectors: e.effectors,
            access: e.access,
            access_list: e.access_list,
            protocol_version: e.protocol_version,
            has_key: e.verified_results,
            require_results: e.require_results,
            balance: TokenAmount::default(),
            deposited: TokenAmount::default(),
            withdrawn: TokenAmount::default(),
            spent: TokenAmount::default(),
            claimed: TokenAmount::default(),
            departed: TokenAmount::default(),
            activated: false,
            charged_through: e.created,
            paid_periods: 0,
            gaps: 0,
            funds_short: false,
            workers: 0,
            units: Vec::new(),
            last_match: None,
            ended: None,
            created: e.created,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("deal-settled")]
pub struct DealSettled {
    pub deal: u64,
    pub through: i64,
    /// Periods paid in this settlement.
    pub paid: u64,
    /// Periods without funds.
    pub gaps: u64,
    #[serde(with = "amount")]
    pub charged: TokenAmount,
    #[serde(with = "amount")]
    pub balance: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("deposited")]
pub struct Deposited {
    pub deal: u64,
    pub from: ActorID,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
    #[serde(with = "amount")]
    pub balance: TokenAmount,
    pub activated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("withdrawn")]
pub struct Withdrawn {
    pub deal: u64,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
    #[serde(with = "amount")]
    pub balance: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("unit-matched")]
pub struct UnitMatched {
    pub deal: u64,
    pub unit: Bytes32,
    pub offer: u64,
    pub provider: ActorID,
    pub slot: u64,
    #[serde(with = "bytes::hex")]
    pub peer: Vec<u8>,
    /// The peer's owner (it may set the worker and submit results).
    pub owner: ActorID,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("deal-matched")]
pub struct DealMatched {
    pub deal: u64,
    pub matched: u64,
    pub skipped: u64,
    /// The deal's units after the match.
    pub units: u64,
    /// The period of the match.
    pub period: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("worker-set")]
pub struct WorkerSet {
    pub deal: u64,
    pub unit: Bytes32,
    pub worker: Bytes32,
    /// The first period the unit is paid for.
    pub paid_from: Option<i64>,
    /// The deal's workers now.
    pub workers: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("unit-left")]
pub struct UnitLeft {
    pub deal: u64,
    pub unit: Bytes32,
    pub provider: ActorID,
    /// Unclaimed earnings banked for the provider (`ClaimPayable`).
    #[serde(with = "amount")]
    pub earned: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("deal-ended")]
pub struct DealEnded {
    pub deal: u64,
    pub period: i64,
    #[serde(with = "amount")]
    pub balance: TokenAmount,
    pub units: Vec<Bytes32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("earnings-claimed")]
pub struct EarningsClaimed {
    pub deal: u64,
    pub unit: Bytes32,
    pub provider: ActorID,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("payable-claimed")]
pub struct PayableClaimed {
    pub provider: ActorID,
    pub token: ActorID,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("result-submitted")]
pub struct ResultSubmitted {
    pub deal: u64,
    pub unit: Bytes32,
    pub period: i64,
    #[serde(with = "bytes::cid_bytes")]
    pub output: Vec<u8>,
    pub verified: bool,
    #[serde(with = "amount")]
    pub paid: TokenAmount,
}
