//! The capacity actor's types: parameters, returns, limits, and the records it stores (providers,
//! peers, units, commitments, totals; their rules live in `state.rs`, `registry.rs` and
//! `commitment.rs`). Nothing here imports the rest of the crate.

use cid::Cid;
use cloudless_runtime::bytes::{self, Bytes32};
use cloudless_runtime::{address, amount, Fields};
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

/// Longest libp2p peer id, in bytes (docs/protocol.md §2).
pub const MAX_PEER_ID_LEN: usize = 64;
/// Most compute units one peer may have. Settlement walks a commitment's units, so this bounds it.
pub const MAX_UNITS_PER_PEER: usize = 64;
/// Longest provider name, in bytes.
pub const MAX_NAME_LEN: usize = 128;
/// Most proofs one `SubmitProofs` may carry (before skipping): the syscall's hash limit, so one
/// message carries five units' whole periods at the default `min_proofs` of 30.
pub const MAX_PROOFS_PER_MESSAGE: usize = cloudless_syscalls::abi::MAX_RANDOMX_HASHES;
/// Most distinct units one `SubmitProofs` may touch (each is a RandomX key).
pub const MAX_UNITS_PER_MESSAGE: usize = cloudless_syscalls::abi::MAX_RANDOMX_KEYS;
/// The largest syscall price a `SubmitProofs` batch may have after skipping. With the published
/// prices (a 4.0 G wave of up to 16 keys, a 0.5 G wave of up to 16 hashes) every batch within the
/// limits above fits (160 proofs over 8 units: 9.0 G), leaving the actor's own work (~12 M gas a
/// message plus ~0.6 M per proof, measured by the capacity bench) under the 10 G block gas limit.
/// Checked when the actor is compiled (below), so a change of the price table or the limits can
/// never make a message exceed a block.
pub const MAX_PROOF_GAS: u64 = 9_100_000_000;

const _: () = assert!(
    cloudless_syscalls::price::randomx_hashes(
        MAX_PROOFS_PER_MESSAGE * cloudless_syscalls::abi::RANDOMX_PAIR_LEN,
        MAX_UNITS_PER_MESSAGE,
        MAX_PROOFS_PER_MESSAGE
    ) <= MAX_PROOF_GAS,
    "the largest legal SubmitProofs batch must fit the proof gas budget"
);
/// Most periods one message settles for one commitment. A touch that would need more fails with
/// USR_ILLEGAL_STATE and asks for `SettleCommitment`, which persists its progress.
pub const MAX_SETTLE_PERIODS: u64 = 128;
/// Most commitments one `DepositCollateral` may fund.
pub const MAX_DEPOSIT_COMMITMENTS: usize = 16;
/// Most units or peers one market query (`GetUnitsInfo`, `GetPeersInfo`) may name.
pub const MAX_QUERY_ITEMS: usize = 64;
/// Longest commitment, in periods (keeps period arithmetic far from overflow).
pub const MAX_DURATION: u64 = 1_000_000;

pub use cloudless_runtime::admin::TransferAdminParams;

/// Genesis parameters (docs/protocol.md §2 defaults in the genesis config).
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Config {
    /// Period arithmetic: `period(e) = (e - genesis_epoch) / period_length`.
    pub genesis_epoch: ChainEpoch,
    pub period_length: ChainEpoch,
    /// Providers need the admin's approval before registering peers.
    pub whitelist: bool,
    /// Shortest commitment, in periods.
    pub min_duration: u64,
    /// A commitment fails when its failures reach `max_failed_ratio` × its unit count.
    pub max_failed_ratio: u64,
    /// Proofs a unit needs in a period for a successful unit-period.
    pub min_proofs: u32,
    /// Proofs per unit per period beyond which further proofs are skipped.
    pub max_proofs: u32,
    /// Proofs a unit serving a deal still needs in a period (0: a unit in a deal needs none,
    /// which trusts every deal to be real). They earn no rewards: the deal pays the unit.
    /// Audit finding (issue 34): with 0, a provider could match its units into its own
    /// near-free deal, stop proving and never be slashed.
    pub min_proofs_in_deal: u32,
    /// Share of a unit's collateral slashed per failure, PRECISION-scaled.
    pub slashing_rate: u64,
    /// Periods a failed commitment waits before `FinishCommitment`.
    pub withdraw_periods_after_failed: u64,
    /// Collateral per unit in USD (×10^18), converted at the oracle's price.
    #[serde(with = "amount")]
    pub usd_collateral_per_unit: TokenAmount,
    /// Collateral per unit in FLT when the oracle has no fresh price.
    #[serde(with = "amount")]
    pub flt_collateral_per_unit: TokenAmount,
    /// The oracle actor and the asset giving FLT/USD (no oracle: always the FLT fallback).
    pub oracle: Option<ActorID>,
    pub oracle_asset: String,
    /// The rewards actor, told every reward-eligible proof count (none: not reported).
    pub rewards: Option<ActorID>,
    /// The only caller of the market hooks (none: the hooks are closed).
    pub market: Option<ActorID>,
    /// Receives slashed FLT; none burns it (f099).
    pub treasury: Option<ActorID>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ConstructorParams {
    #[serde(with = "address")]
    pub admin: Address,
    pub config: Config,
    /// The global nonce of period 0.
    pub genesis_nonce: Bytes32,
    /// The difficulty in force from period 0.
    pub difficulty: Bytes32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ProviderParams {
    pub name: String,
    /// A CID of the provider's metadata document (stored as CID bytes, never linked).
    pub metadata: Cid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ProviderQuery {
    #[serde(with = "address")]
    pub provider: Address,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct RegisterPeerParams {
    #[serde(with = "bytes::hex")]
    pub peer_id: Vec<u8>,
    /// The operational key that submits proofs.
    #[serde(with = "address")]
    pub owner: Address,
    pub units: Vec<Bytes32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct UnitsParams {
    #[serde(with = "bytes::hex")]
    pub peer_id: Vec<u8>,
    pub units: Vec<Bytes32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct PeerQuery {
    #[serde(with = "bytes::hex")]
    pub peer_id: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct UnitQuery {
    pub unit_id: Bytes32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct CreateCommitmentParams {
    #[serde(with = "bytes::hex")]
    pub peer_id: Vec<u8>,
    pub duration: u64,
    #[serde(with = "address::option")]
    pub delegator: Option<Address>,
    /// The delegator's share of rewards, PRECISION-scaled, in (0, PRECISION].
    pub delegator_reward_rate: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct CreateCommitmentReturn {
    pub id: u64,
    #[serde(with = "amount")]
    pub collateral_per_unit: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct CommitmentQuery {
    pub id: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct DepositParams {
    pub ids: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct SettleParams {
    pub id: u64,
    /// At most this many periods (capped at [`MAX_SETTLE_PERIODS`]).
    pub max_periods: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct SettleReturn {
    pub settled_through: i64,
    pub status: Status,
    /// True when nothing is left to settle up to the current period.
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct FinishReturn {
    /// Paid back to the delegator.
    #[serde(with = "amount")]
    pub returned: TokenAmount,
    /// Burnt or sent to the treasury.
    #[serde(with = "amount")]
    pub slashed: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Proof {
    pub unit_id: Bytes32,
    pub local_nonce: Bytes32,
    pub result_hash: Bytes32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct SubmitProofsParams {
    pub proofs: Vec<Proof>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct SubmitProofsReturn {
    pub period: i64,
    pub accepted: u32,
    /// Over `max_proofs` or already accepted: skipped before verification.
    pub skipped: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct DifficultyParams {
    pub difficulty: Bytes32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct MoveUnitParams {
    pub unit_id: Bytes32,
    pub deal: u64,
}

/// `GetGlobalNonce` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct GlobalNonce {
    pub period: i64,
    pub nonce: Bytes32,
    /// False while the period's nonce waits for the first message that touches the actor in it
    /// (after a period without proofs, `period.rs`): `nonce` is then what a message at this
    /// epoch would fix.
    pub fixed: bool,
    /// The last epoch at which a message fixes `nonce` (the period's end once fixed).
    pub holds_until: ChainEpoch,
}

/// `GetPeriodInfo` result: everything a prover needs for the current period, plus totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct PeriodInfo {
    pub period: i64,
    pub start_epoch: ChainEpoch,
    pub end_epoch: ChainEpoch,
    pub nonce: Bytes32,
    /// As [`GlobalNonce::fixed`]: when false, have a message (`StartPeriod`, or the proofs
    /// themselves) reach the actor by `nonce_holds_until`.
    pub nonce_fixed: bool,
    /// As [`GlobalNonce::holds_until`].
    pub nonce_holds_until: ChainEpoch,
    pub difficulty: Bytes32,
    /// Takes effect next period, when set this period.
    pub next_difficulty: Option<Bytes32>,
    pub min_proofs: u32,
    pub max_proofs: u32,
    /// Proofs accepted so far this period.
    pub proofs: u64,
    pub totals: Totals,
}

/// `GetConfig` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ConfigReturn {
    pub admin: ActorID,
    pub config: Config,
}

/// The rewards actor's `RecordProofs` params: reward-eligible proofs a commitment gained in a
/// period (min_proofs once a unit reaches it, then one per further proof up to max_proofs),
/// how many of its units became successful unit-periods with them, and the commitment's
/// reward parties (fixed once collateral is deposited).
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

/// One peer's free committed units, as the capacity actor tells the market's `PeerUnitsChanged`
/// when a commitment of the peer starts or finishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct PeerUnits {
    #[serde(with = "cloudless_runtime::bytes::hex")]
    pub peer_id: Vec<u8>,
    pub free_units: u32,
}

/// The market's `PeerUnitsChanged` params.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct PeerUnitsParams {
    pub peers: Vec<PeerUnits>,
}

/// Commitment status (docs/protocol.md §2). `WaitStart` is never stored: it is `Active` before the start
/// period, and queries report it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde_repr::Serialize_repr, serde_repr::Deserialize_repr, Fields,
)]
#[repr(u8)]
pub enum Status {
    WaitDelegation = 0,
    WaitStart = 1,
    Active = 2,
    Inactive = 3,
    Failed = 4,
    Removed = 5,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::WaitDelegation => "WaitDelegation",
            Status::WaitStart => "WaitStart",
            Status::Active => "Active",
            Status::Inactive => "Inactive",
            Status::Failed => "Failed",
            Status::Removed => "Removed",
        }
    }
}

/// `GetCommitment` result: the commitment settled as of now (in memory), its derived status,
/// total collateral and end period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct CommitmentInfo {
    pub commitment: Commitment,
    pub status: Status,
    #[serde(with = "amount")]
    pub collateral: TokenAmount,
    pub end_period: i64,
    /// Periods beyond what one message settles (call `SettleCommitment`).
    pub unsettled_periods: u64,
}

/// `GetUnitsInfo` params: units the market wants to match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct UnitsQuery {
    pub units: Vec<Bytes32>,
}

/// `GetPeersInfo` params: peers whose units the market's matcher looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct PeersQuery {
    #[serde(with = "bytes::hex_vec")]
    pub peers: Vec<Vec<u8>>,
}

/// What the market needs of a unit to match it: whose it is and whether it is free and
/// backed by an Active commitment now (settled in memory, as `MoveUnitToDeal` would).
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct UnitInfo {
    pub unit_id: Bytes32,
    #[serde(with = "bytes::hex")]
    pub peer_id: Vec<u8>,
    pub provider: ActorID,
    pub owner: ActorID,
    pub deal: Option<u64>,
    /// The peer's live commitment is Active (or waiting for its start) and fully settled.
    pub commitment_active: bool,
}

/// A peer with every unit of it, for the market's matcher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct PeerInfo {
    #[serde(with = "bytes::hex")]
    pub peer_id: Vec<u8>,
    pub provider: ActorID,
    pub owner: ActorID,
    pub commitment_active: bool,
    pub units: Vec<UnitInfo>,
}

// --- stored records ---------------------------------------------------------------------------

/// Running totals, for dashboards and invariants.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Totals {
    pub providers: u64,
    pub peers: u64,
    pub units: u64,
    /// Commitments not yet Removed.
    pub commitments: u64,
    /// Units of deposited, unfinished commitments.
    pub committed_units: u64,
    /// FLT held as collateral (including slashed FLT not yet paid out).
    #[serde(with = "amount")]
    pub collateral: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Provider {
    pub id: ActorID,
    pub name: String,
    /// CID bytes of the metadata document.
    #[serde(with = "bytes::cid_bytes")]
    pub metadata: Vec<u8>,
    pub approved: bool,
    pub peers: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Peer {
    #[serde(with = "bytes::hex")]
    pub peer_id: Vec<u8>,
    pub provider: ActorID,
    pub owner: ActorID,
    /// Sorted, unique, at most [`MAX_UNITS_PER_PEER`].
    pub units: Vec<Bytes32>,
    /// The live (not Removed) commitment, if any.
    pub commitment: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Unit {
    pub id: Bytes32,
    #[serde(with = "bytes::hex")]
    pub peer_id: Vec<u8>,
    /// The market deal the unit serves, if any.
    pub deal: Option<u64>,
    /// Exempt from proofs before this period (the period it returned from a deal).
    pub exempt_until: i64,
    /// The period of `proof_count`.
    pub proof_period: i64,
    pub proof_count: u32,
}

/// The local nonces a unit had accepted in `period`, sorted (duplicates are skipped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct UnitNonces {
    pub period: i64,
    pub nonces: Vec<Bytes32>,
}

/// A capacity commitment (docs/protocol.md §2); its settlement rules are in `commitment.rs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Commitment {
    pub id: u64,
    #[serde(with = "bytes::hex")]
    pub peer_id: Vec<u8>,
    pub provider: ActorID,
    /// Named at creation, or the first depositor.
    pub delegator: Option<ActorID>,
    pub delegator_reward_rate: u64,
    /// Units of the peer at creation (they cannot change while the commitment lives).
    pub unit_count: u32,
    #[serde(with = "amount")]
    pub collateral_per_unit: TokenAmount,
    pub duration: u64,
    /// Stored status; `WaitStart` is derived (see [`Commitment::status_at`]).
    pub status: Status,
    /// First active period (set by the deposit; 0 before).
    pub start_period: i64,
    /// Periods before this one are settled.
    pub settled_through: i64,
    pub failures: u64,
    /// Failures per unit, in the order of the peer's unit list.
    pub unit_failures: Vec<u32>,
    /// Slashed so far (held by the actor until `FinishCommitment`).
    #[serde(with = "amount")]
    pub slashed: TokenAmount,
    /// The first period in which the commitment is failed.
    pub failed_period: Option<i64>,
}
