//! Capacity actor (docs/protocol.md §2): the supply registry (providers, peers, compute units), capacity
//! commitments with collateral, per-period RandomX proofs verified by the native syscall, and lazy
//! failure/slashing settlement. `registry`, `proofs`, `commitment` and `period` hold the rules and
//! operations (pure, tested natively); `methods` the handlers over the
//! [`Runtime`](cloudless_runtime::Runtime); the declaration below is the actor's whole interface.

pub mod commitment;
pub mod events;
pub mod ext;
mod invariants;
pub mod methods;
pub mod period;
pub mod proofs;
pub mod registry;
pub mod state;
pub mod types;

pub use events::*;
pub use period::PeriodState;
pub use state::State;
pub use types::*;

use methods as m;

cloudless_runtime::actor! {
    /// The capacity actor (bundle name `capacity`, default ID f080).
    pub struct CapacityActor = "capacity";
    state: State, view: methods::StateView = methods::state_view;
    events: [
        ProviderChanged, PeerRegistered, UnitsChanged, CommitmentCreated, CommitmentRemoved, CollateralDeposited,
        CommitmentFinished, CommitmentSettled, UnitDealChanged, ProofsAccepted, DifficultySet, PeriodStarted,
        cloudless_runtime::admin::AdminTransferred,
    ];
    constructor(ConstructorParams) => m::constructor;
    METHOD_REGISTER_PROVIDER = "RegisterProvider"(ProviderParams) => m::register_provider;
    METHOD_UPDATE_PROVIDER = "UpdateProvider"(ProviderParams) => m::update_provider;
    METHOD_APPROVE_PROVIDER = "ApproveProvider"(ProviderQuery) => m::approve_provider;
    METHOD_REGISTER_PEER = "RegisterPeer"(RegisterPeerParams) => m::register_peer;
    METHOD_ADD_UNITS = "AddUnits"(UnitsParams) => m::add_units;
    METHOD_REMOVE_UNITS = "RemoveUnits"(UnitsParams) => m::remove_units;
    METHOD_CREATE_COMMITMENT = "CreateCommitment"(CreateCommitmentParams) -> CreateCommitmentReturn => m::create_commitment;
    METHOD_REMOVE_COMMITMENT = "RemoveCommitment"(CommitmentQuery) => m::remove_commitment;
    [payable] METHOD_DEPOSIT_COLLATERAL = "DepositCollateral"(DepositParams) => m::deposit_collateral;
    METHOD_SUBMIT_PROOFS = "SubmitProofs"(SubmitProofsParams) -> SubmitProofsReturn => m::submit_proofs;
    METHOD_SETTLE_COMMITMENT = "SettleCommitment"(SettleParams) -> SettleReturn => m::settle_commitment;
    METHOD_FINISH_COMMITMENT = "FinishCommitment"(CommitmentQuery) -> FinishReturn => m::finish_commitment;
    METHOD_SET_DIFFICULTY = "SetDifficulty"(DifficultyParams) => m::set_difficulty;
    METHOD_MOVE_UNIT_TO_DEAL = "MoveUnitToDeal"(MoveUnitParams) => m::move_unit_to_deal;
    METHOD_RETURN_UNIT_FROM_DEAL = "ReturnUnitFromDeal"(UnitQuery) => m::return_unit_from_deal;
    METHOD_START_PERIOD = "StartPeriod" -> PeriodInfo => m::start_period;
    METHOD_TRANSFER_ADMIN = "TransferAdmin"(TransferAdminParams) => cloudless_runtime::admin::transfer_admin::<_, State>;
    METHOD_GET_GLOBAL_NONCE = "GetGlobalNonce" -> GlobalNonce => m::get_global_nonce;
    METHOD_GET_PERIOD_INFO = "GetPeriodInfo" -> PeriodInfo => m::get_period_info;
    METHOD_GET_CONFIG = "GetConfig" -> ConfigReturn => m::get_config;
    METHOD_GET_PROVIDER = "GetProvider"(ProviderQuery) -> Provider => m::get_provider;
    METHOD_GET_PEER = "GetPeer"(PeerQuery) -> Peer => m::get_peer;
    METHOD_GET_UNIT = "GetUnit"(UnitQuery) -> Unit => m::get_unit;
    METHOD_GET_COMMITMENT = "GetCommitment"(CommitmentQuery) -> CommitmentInfo => m::get_commitment;
    METHOD_GET_UNITS_INFO = "GetUnitsInfo"(UnitsQuery) -> Vec<Option<UnitInfo>> => m::get_units_info;
    METHOD_GET_PEERS_INFO = "GetPeersInfo"(PeersQuery) -> Vec<Option<PeerInfo>> => m::get_peers_info;
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(CapacityActor);

#[cfg(test)]
mod method_tests;
#[cfg(test)]
mod tests;
