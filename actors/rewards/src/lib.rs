//! Rewards actor (docs/protocol.md §3): the FLT reward pool, proof counts reported by the capacity actor,
//! per-commitment lazy settlement with the delegator/provider split and vesting, `Withdraw`.
//! `pool` and `vesting` are pure arithmetic, `state` holds every operation, `invariants` the
//! ledger check, `methods` the handlers over the [`Runtime`](cloudless_runtime::Runtime); the
//! declaration below is the actor's whole interface. docs/rewards.md explains the rules.

pub mod events;
pub mod invariants;
pub mod methods;
pub mod pool;
pub mod state;
pub mod types;
pub mod vesting;

pub use events::*;
pub use invariants::Ledger;
pub use state::{ClosedPeriod, OpenPeriod, State};
pub use types::*;
pub use vesting::CommitmentRewards;

use methods as m;

cloudless_runtime::actor! {
    /// The rewards actor (bundle name `rewards`, default ID f082).
    pub struct RewardsActor = "rewards";
    state: State, view: methods::StateView = methods::state_view;
    events: [
        PeriodOpened, PeriodClosed, Funded, RewardSettled, CommitmentAdded, ProofsRecorded, Withdrawn, PoolConfigSet,
        cloudless_runtime::admin::AdminTransferred,
    ];
    constructor(ConstructorParams) => m::constructor;
    [payable] METHOD_FUND = "Fund" => m::fund;
    METHOD_RECORD_PROOFS = "RecordProofs"(RecordProofsParams) => m::record_proofs;
    METHOD_WITHDRAW = "Withdraw"(CommitmentQuery) -> WithdrawReturn => m::withdraw;
    METHOD_SET_POOL_CONFIG = "SetPoolConfig"(PoolConfig) => m::set_pool_config;
    METHOD_TRANSFER_ADMIN = "TransferAdmin"(TransferAdminParams) => cloudless_runtime::admin::transfer_admin::<_, State>;
    METHOD_GET_CONFIG = "GetConfig" -> ConfigReturn => m::get_config;
    METHOD_GET_TOTALS = "GetTotals" -> TotalsReturn => m::get_totals;
    METHOD_GET_PERIOD = "GetPeriod"(PeriodQuery) -> PeriodInfo => m::get_period;
    METHOD_GET_COMMITMENT = "GetCommitment"(CommitmentQuery) -> CommitmentRewardsInfo => m::get_commitment;
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(RewardsActor);

#[cfg(test)]
mod method_tests;
#[cfg(test)]
mod tests;
