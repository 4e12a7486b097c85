//! Parameters, returns, records and limits of the compute market.

use cid::Cid;
use cloudless_runtime::bytes::{self, Bytes32};
use cloudless_runtime::{address, amount, Fields};
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

pub use cloudless_runtime::admin::TransferAdminParams;

/// Most units one deal may hold (bounds `Stop`, which returns every unit to its commitment).
pub const MAX_TARGET_WORKERS: u32 = 64;
/// Most effectors an offer lists or a deal requires.
pub const MAX_EFFECTORS: usize = 16;
/// Most providers on a deal's access list.
pub const MAX_ACCESS_LIST: usize = 64;
/// Most peers one offer lists.
pub const MAX_OFFER_PEERS: usize = 64;
/// Most candidate units one `MatchDeal` examines (and units one `MatchDealAuto` may add).
pub const MAX_MATCH_UNITS: usize = 64;
/// Most offers one `MatchDealAuto` examines.
pub const MAX_AUTO_OFFERS: usize = 16;
/// Most offers one payment token's price index holds.
pub const MAX_OFFERS_PER_TOKEN: usize = 1024;
/// Most offers one provider keeps in one token's price index (each lists up to
/// [`MAX_OFFER_PEERS`] peers), so no single provider can fill the index (audit finding, issue 34).
pub const MAX_OFFERS_PER_PROVIDER: usize = 16;
/// Longest CID (app, data, effector, result output), in bytes.
pub const MAX_CID_LEN: usize = 128;
/// Public inputs a verified result starts with: deal id, period, output digest, unit (two
/// 128-bit limbs), worker (two limbs).
pub const BOUND_INPUTS: usize = 7;
/// Longest Groth16 verifying key: the syscall's published input limit.
pub const MAX_VK_LEN: usize =
    cloudless_syscalls::abi::groth16_vk_len(cloudless_syscalls::abi::MAX_GROTH16_PUBLIC_INPUTS);

/// Genesis parameters (docs/protocol.md §6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Config {
    /// Period arithmetic (as the capacity actor): `period(e) = (e - genesis_epoch) / period_length`.
    pub genesis_epoch: ChainEpoch,
    pub period_length: ChainEpoch,
    /// The capacity actor: providers, peers, units and their commitments.
    pub capacity: ActorID,
    /// The payment token of offers and deals that name none (the USDC gateway).
    pub default_token: ActorID,
    /// A deal must hold price × target_workers × this many periods to be matched; it is the
    /// reserve its owner cannot withdraw, and how long after `Stop` the rest stays.
    pub min_deposited_periods: u64,
    /// Periods between two matches of one deal.
    pub min_rematching_periods: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ConstructorParams {
    #[serde(with = "address")]
    pub admin: Address,
    pub config: Config,
}

// --- offers ---------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct OfferParams {
    /// The lowest price per unit-period the provider accepts, in the token's units.
    #[serde(with = "amount")]
    pub min_price: TokenAmount,
    /// The FRC-46 payment token (none: the default, USDC).
    #[serde(with = "address::option")]
    pub token: Option<Address>,
    /// Effectors (CIDs) the provider's peers run.
    pub effectors: Vec<Cid>,
    /// Peers of the caller registered in the capacity actor.
    #[serde(with = "bytes::hex_vec")]
    pub peers: Vec<Vec<u8>>,
    /// The protocol versions the peers speak, inclusive.
    pub min_version: u64,
    pub max_version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct UpdateOfferParams {
    pub offer: u64,
    /// Replaces every field; a peer with units in deals cannot be dropped.
    pub params: OfferParams,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct OfferQuery {
    pub offer: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct OfferReturn {
    pub offer: u64,
}

/// A peer of an offer, how many of its units serve deals, and how many the matcher may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct OfferPeer {
    #[serde(with = "bytes::hex")]
    pub peer_id: Vec<u8>,
    pub units_in_deals: u32,
    /// Units of the peer that are free and under an Active commitment, as the market last
    /// learned from the capacity actor (docs/market.md, "Usable peers"): `MatchDealAuto`
    /// considers only peers with some.
    pub free_units: u32,
}

impl OfferPeer {
    pub fn new(peer_id: Vec<u8>, free_units: u32) -> Self {
        OfferPeer { peer_id, units_in_deals: 0, free_units }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Offer {
    pub id: u64,
    pub provider: ActorID,
    #[serde(with = "amount")]
    pub min_price: TokenAmount,
    pub token: ActorID,
    /// Effector CIDs as bytes, sorted.
    #[serde(with = "bytes::cid_bytes_vec")]
    pub effectors: Vec<Vec<u8>>,
    /// Sorted by peer id.
    pub peers: Vec<OfferPeer>,
    pub min_version: u64,
    pub max_version: u64,
}

impl Offer {
    pub fn units_in_deals(&self) -> u32 {
        self.peers.iter().map(|p| p.units_in_deals).sum()
    }

    /// Whether some peer has a free committed unit (the index entry's `usable`).
    pub fn usable(&self) -> bool {
        self.peers.iter().any(|p| p.free_units > 0)
    }
}

/// `RefreshOffer`'s answer: the offer's free committed units and how many peers have some.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct RefreshReturn {
    pub free_units: u32,
    pub usable_peers: u32,
}

/// One peer's free committed units, as the capacity actor reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct PeerUnits {
    #[serde(with = "bytes::hex")]
    pub peer_id: Vec<u8>,
    pub free_units: u32,
}

/// `PeerUnitsChanged` params (from the capacity actor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct PeerUnitsParams {
    pub peers: Vec<PeerUnits>,
}

/// `GetOfferIndex`: the offers of one token by ascending price (the matcher's order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct TokenQuery {
    #[serde(with = "address::option")]
    pub token: Option<Address>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct IndexEntry {
    #[serde(with = "amount")]
    pub price: TokenAmount,
    pub offer: u64,
    pub provider: ActorID,
    /// The offer has a peer with a free committed unit ([`Offer::usable`]); `MatchDealAuto`
    /// skips the other entries without reading their offers.
    pub usable: bool,
}

// --- deals ----------------------------------------------------------------------------------

/// Who may serve a deal.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde_repr::Serialize_repr, serde_repr::Deserialize_repr, Fields,
)]
#[repr(u8)]
pub enum Access {
    /// Any provider.
    All = 0,
    /// Only the listed providers.
    Whitelist = 1,
    /// Any provider but the listed ones.
    Blacklist = 2,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct CreateDealParams {
    /// What the workers run.
    pub app: Cid,
    /// The input data (stored on Filecoin), if any.
    pub input_data: Option<Cid>,
    /// The FRC-46 payment token (none: the default, USDC).
    #[serde(with = "address::option")]
    pub token: Option<Address>,
    pub min_workers: u32,
    pub target_workers: u32,
    pub max_workers_per_provider: u32,
    /// Paid per unit with a worker per period, in the token's units.
    #[serde(with = "amount")]
    pub price: TokenAmount,
    pub effectors: Vec<Cid>,
    pub access: Access,
    #[serde(with = "address::vec")]
    pub access_list: Vec<Address>,
    pub protocol_version: u64,
    /// A Groth16 BN254 verifying key (docs/protocol.md §1 encoding) for `SubmitResult`.
    #[serde(with = "bytes::hex")]
    pub verifying_key: Vec<u8>,
    /// Pay a unit-period only for a verified result (needs a verifying key).
    pub require_results: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct DealQuery {
    pub deal: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct WithdrawParams {
    pub deal: u64,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
}

/// A unit of a deal, as the deal lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct DealSlot {
    pub unit: Bytes32,
    /// Key of its [`DealUnit`] record.
    pub slot: u64,
    pub provider: ActorID,
    #[serde(with = "bytes::hex")]
    pub peer_id: Vec<u8>,
    pub offer: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Deal {
    pub id: u64,
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
    /// Required effector CIDs as bytes, sorted.
    #[serde(with = "bytes::cid_bytes_vec")]
    pub effectors: Vec<Vec<u8>>,
    pub access: Access,
    /// Sorted provider IDs.
    pub access_list: Vec<ActorID>,
    pub protocol_version: u64,
    pub has_key: bool,
    pub require_results: bool,
    /// Deposited and not yet spent or withdrawn.
    #[serde(with = "amount")]
    pub balance: TokenAmount,
    #[serde(with = "amount")]
    pub deposited: TokenAmount,
    #[serde(with = "amount")]
    pub withdrawn: TokenAmount,
    /// Paid to units (time-based, or per verified result).
    #[serde(with = "amount")]
    pub spent: TokenAmount,
    /// Claimed by its units while they were in it.
    #[serde(with = "amount")]
    pub claimed: TokenAmount,
    /// Earned by units that left it, moved to their providers' payable earnings.
    #[serde(with = "amount")]
    pub departed: TokenAmount,
    /// Reached the reserve once (it can be matched since).
    pub activated: bool,
    /// Periods up to this one are charged (in advance: the current one included).
    pub charged_through: i64,
    /// Periods the deal paid its workers for (the per-unit earnings index).
    pub paid_periods: u64,
    /// Periods with workers it could not pay (no funds, or fewer than min_workers).
    pub gaps: u64,
    /// The last charged period (the current one) found too little balance.
    pub funds_short: bool,
    /// Units with a worker set, paid from the period after.
    pub workers: u32,
    pub units: Vec<DealSlot>,
    pub last_match: Option<i64>,
    /// The period `Stop` was called in.
    pub ended: Option<i64>,
    pub created: i64,
}

/// One unit's membership of a deal. When it leaves, its earnings move to its provider's payable
/// earnings (`ClaimPayable`) and the record is deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct DealUnit {
    pub deal: u64,
    pub unit: Bytes32,
    pub provider: ActorID,
    pub owner: ActorID,
    pub worker: Option<Bytes32>,
    /// The first period its worker is paid for.
    pub active_from: Option<i64>,
    /// The deal's `paid_periods` its earnings are counted from.
    pub snapshot: u64,
    /// Earned and not claimed (beyond what `snapshot` implies).
    #[serde(with = "amount")]
    pub unclaimed: TokenAmount,
    #[serde(with = "amount")]
    pub claimed: TokenAmount,
    pub last_result: Option<ResultRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ResultRecord {
    pub period: i64,
    /// The output's CID bytes (empty: none).
    #[serde(with = "bytes::cid_bytes")]
    pub output: Vec<u8>,
    pub verified: bool,
    /// Paid for this unit-period (result-required deals).
    #[serde(with = "amount")]
    pub paid: TokenAmount,
}

/// docs/protocol.md §6 deal statuses.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde_repr::Serialize_repr, serde_repr::Deserialize_repr, Fields,
)]
#[repr(u8)]
pub enum DealStatus {
    /// Never held the reserve, or cannot pay its workers for the current period.
    InsufficientFunds = 0,
    Active = 1,
    /// Fewer workers than `min_workers`: its workers are not paid.
    NotEnoughWorkers = 2,
    /// Below the reserve (price × target × min_deposited_periods): no new matches.
    SmallBalance = 3,
    Ended = 4,
}

/// `GetDeal`: the deal settled to now (nothing written), its status and reserve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct DealView {
    pub deal: Deal,
    pub status: DealStatus,
    #[serde(with = "amount")]
    pub reserve: TokenAmount,
    #[serde(with = "amount")]
    pub withdrawable: TokenAmount,
}

// --- matching ---------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Candidate {
    pub offer: u64,
    pub units: Vec<Bytes32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct MatchDealParams {
    pub deal: u64,
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct MatchAutoParams {
    pub deal: u64,
    pub max_units: u32,
}

/// Why a candidate was skipped.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde_repr::Serialize_repr, serde_repr::Deserialize_repr, Fields,
)]
#[repr(u8)]
pub enum Skip {
    UnknownOffer = 0,
    AccessList = 1,
    PriceTooLow = 2,
    OtherToken = 3,
    MissingEffectors = 4,
    Version = 5,
    UnknownUnit = 6,
    NotOfferPeer = 7,
    UnitBusy = 8,
    NoActiveCommitment = 9,
    PeerInDeal = 10,
    ProviderLimit = 11,
    DealFull = 12,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Skipped {
    pub offer: u64,
    /// None when the whole offer was skipped.
    pub unit: Option<Bytes32>,
    pub reason: Skip,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct MatchReturn {
    pub matched: Vec<Bytes32>,
    pub skipped: Vec<Skipped>,
}

// --- units, workers, earnings, results ------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct UnitParams {
    pub deal: u64,
    pub unit: Bytes32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct SetWorkerParams {
    pub deal: u64,
    pub unit: Bytes32,
    pub worker: Bytes32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ClaimReturn {
    pub provider: ActorID,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
}

/// `GetDealUnit`: the unit's record with its earnings settled to now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct DealUnitView {
    pub record: DealUnit,
    #[serde(with = "amount")]
    pub claimable: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct SubmitResultParams {
    pub deal: u64,
    pub unit: Bytes32,
    pub period: i64,
    /// The output's CID, if the work produced data.
    pub output: Option<Cid>,
    /// 32-byte big-endian scalars: [deal, period, output digest (0 without output), unit high, unit
    /// low, worker high, worker low, app inputs…] (`results::bound_inputs`).
    pub public_inputs: Vec<Bytes32>,
    /// The Groth16 proof (docs/protocol.md §1 encoding); empty for a deal without a key.
    #[serde(with = "bytes::hex")]
    pub proof: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ResultReturn {
    pub verified: bool,
    /// What this unit-period earned (result-required deals; 0 otherwise or without funds).
    #[serde(with = "amount")]
    pub paid: TokenAmount,
}

/// `ClaimPayable` / `GetPayable`: a provider's earnings from units that left deals, in a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct PayableQuery {
    #[serde(with = "address")]
    pub provider: Address,
    #[serde(with = "address::option")]
    pub token: Option<Address>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ConfigReturn {
    pub admin: ActorID,
    pub config: Config,
}

/// The operator data of a deposit: the FRC-46 transfer to the market names its deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct DepositTarget {
    pub deal: u64,
}

/// FRC-46's universal receiver hook params (`UniversalReceiverParams`: the receipt's type and
/// its payload), restated so the CLI can describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ReceiveParams {
    pub type_: u32,
    pub payload: fvm_ipld_encoding::RawBytes,
}
