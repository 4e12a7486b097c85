//! Compute market actor (docs/protocol.md §6): offers of registered providers, deals funded by FRC-46
//! transfers, on-chain matching (candidates named by anyone, or picked from the price index),
//! workers paid per unit-period with lazy O(1) accounting, claims, withdrawals, `Stop`, and
//! results verified by the Groth16 syscall. `offers`, `deals`, `matching`, `workers` and
//! `results` hold the operations (pure, tested natively), `state` the storage and the payment
//! clock, `methods` the handlers over the [`Runtime`](cloudless_runtime::Runtime); the
//! declaration below is the actor's whole interface. docs/market.md explains the rules.

pub mod deals;
pub mod events;
pub mod ext;
pub mod index;
mod invariants;
pub mod matching;
pub mod methods;
pub mod offers;
pub mod results;
pub mod state;
pub mod types;
pub mod workers;

pub use events::*;
pub use state::State;
pub use types::*;

use methods as m;

cloudless_runtime::actor! {
    /// The compute market (bundle name `market`, default ID f081).
    pub struct MarketActor = "market";
    state: State, view: methods::StateView = methods::state_view;
    events: [
        OfferChanged, OfferPeersLearned, OfferRemoved, DealCreated, DealSettled, Deposited, Withdrawn, UnitMatched, DealMatched,
        WorkerSet, UnitLeft, DealEnded, EarningsClaimed, PayableClaimed, ResultSubmitted,
        cloudless_runtime::admin::AdminTransferred,
    ];
    constructor(ConstructorParams) => m::constructor;
    METHOD_REGISTER_OFFER = "RegisterOffer"(OfferParams) -> OfferReturn => m::register_offer;
    METHOD_UPDATE_OFFER = "UpdateOffer"(UpdateOfferParams) => m::update_offer;
    METHOD_REMOVE_OFFER = "RemoveOffer"(OfferQuery) => m::remove_offer;
    METHOD_CREATE_DEAL = "CreateDeal"(CreateDealParams) -> DealQuery => m::create_deal;
    // FRC-46's universal receiver hook: deposits.
    METHOD_RECEIVE = "Receive"(ReceiveParams) => m::receive;
    METHOD_WITHDRAW = "Withdraw"(WithdrawParams) => m::withdraw;
    METHOD_STOP = "Stop"(DealQuery) => m::stop;
    METHOD_MATCH_DEAL = "MatchDeal"(MatchDealParams) -> MatchReturn => m::match_deal;
    METHOD_MATCH_DEAL_AUTO = "MatchDealAuto"(MatchAutoParams) -> MatchReturn => m::match_deal_auto;
    METHOD_SET_WORKER = "SetWorker"(SetWorkerParams) => m::set_worker;
    METHOD_REMOVE_UNIT = "RemoveUnit"(UnitParams) => m::remove_unit;
    METHOD_CLAIM_EARNINGS = "ClaimEarnings"(UnitParams) -> ClaimReturn => m::claim_earnings;
    METHOD_CLAIM_PAYABLE = "ClaimPayable"(PayableQuery) -> ClaimReturn => m::claim_payable;
    METHOD_SUBMIT_RESULT = "SubmitResult"(SubmitResultParams) -> ResultReturn => m::submit_result;
    METHOD_REFRESH_OFFER = "RefreshOffer"(OfferQuery) -> RefreshReturn => m::refresh_offer;
    // The capacity actor's hook: a commitment of these peers started or finished.
    METHOD_PEER_UNITS_CHANGED = "PeerUnitsChanged"(PeerUnitsParams) => m::peer_units_changed;
    METHOD_TRANSFER_ADMIN = "TransferAdmin"(TransferAdminParams) => cloudless_runtime::admin::transfer_admin::<_, State>;
    METHOD_GET_CONFIG = "GetConfig" -> ConfigReturn => m::get_config;
    METHOD_GET_OFFER = "GetOffer"(OfferQuery) -> Offer => m::get_offer;
    METHOD_GET_OFFER_INDEX = "GetOfferIndex"(TokenQuery) -> Vec<IndexEntry> => m::get_offer_index;
    METHOD_GET_DEAL = "GetDeal"(DealQuery) -> DealView => m::get_deal;
    METHOD_GET_DEAL_UNIT = "GetDealUnit"(UnitParams) -> DealUnitView => m::get_deal_unit;
    METHOD_GET_PAYABLE = "GetPayable"(PayableQuery) -> methods::TokenAmountReturn => m::get_payable;
}

const _: () = assert!(METHOD_RECEIVE == ext::token::METHOD_RECEIVE);

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(MarketActor);

#[cfg(test)]
mod method_tests;
