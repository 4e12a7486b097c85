//! Linked-token gateway actor (docs/protocol.md §5): USDC on the subnet as a complete FRC-46 token
//! (`frc46_token`), minted only against parent deposits delivered by the bridge authority and
//! burned only into the outbox, from which the parent releases it. `state` holds the bridge's
//! pure transitions (nonces, outbox, fast fills, totals), `token` the FRC-46 operations and
//! receiver hooks, `invariants` the ledger check, `methods` the remaining handlers; the
//! declaration below is the actor's whole interface. docs/gateway.md explains the rules.

pub mod events;
pub mod invariants;
pub mod ipc;
pub mod methods;
pub mod state;
pub mod token;
pub mod types;

pub use events::*;
pub use state::State;
pub use types::*;

use methods as m;

cloudless_runtime::actor! {
    /// The USDC gateway (bundle name `gateway`, default ID f084).
    pub struct GatewayActor = "gateway";
    state: State, view: methods::StateView = methods::state_view;
    events: [
        TokenCreated, DepositApplied, DepositBounced, OutboxEntryAdded, WithdrawalsConfirmed, WithdrawalRejected,
        FastFill, AllowanceChanged, Transferred, IpcCallSent, cloudless_runtime::admin::AdminTransferred,
    ];
    constructor(ConstructorParams) => m::constructor;
    // FRC-46 (names from the standard, numbers by FRC-42).
    METHOD_NAME = "Name" -> String => m::name;
    METHOD_SYMBOL = "Symbol" -> String => m::symbol;
    METHOD_GRANULARITY = "Granularity" -> u64 => m::granularity;
    METHOD_TOTAL_SUPPLY = "TotalSupply" -> Amount => m::total_supply;
    METHOD_BALANCE = "Balance"(AddressParam) -> Amount => m::balance;
    METHOD_ALLOWANCE = "Allowance"(GetAllowanceParams) -> Amount => m::allowance;
    METHOD_INCREASE_ALLOWANCE = "IncreaseAllowance"(IncreaseAllowanceParams) -> Amount => m::increase_allowance;
    METHOD_DECREASE_ALLOWANCE = "DecreaseAllowance"(DecreaseAllowanceParams) -> Amount => m::decrease_allowance;
    METHOD_REVOKE_ALLOWANCE = "RevokeAllowance"(RevokeAllowanceParams) => m::revoke_allowance;
    METHOD_TRANSFER = "Transfer"(TransferParams) -> TransferReturn => token::transfer;
    METHOD_TRANSFER_FROM = "TransferFrom"(TransferFromParams) -> TransferFromReturn => token::transfer_from;
    METHOD_BURN = "Burn"(BurnParams) -> BurnReturn => token::burn;
    METHOD_BURN_FROM = "BurnFrom"(BurnFromParams) -> BurnFromReturn => token::burn_from;
    // The bridge.
    METHOD_APPLY_DEPOSIT = "ApplyDeposit"(DepositParams) -> DepositReturn => token::apply_deposit;
    METHOD_WITHDRAW = "Withdraw"(WithdrawParams) -> WithdrawReturn => token::withdraw;
    METHOD_CONFIRM_WITHDRAWALS = "ConfirmWithdrawals"(ConfirmParams) -> ConfirmReturn => m::confirm_withdrawals;
    METHOD_CONFIRM_HELD_WITHDRAWAL = "ConfirmHeldWithdrawal"(NonceParam) -> ConfirmReturn => m::confirm_held_withdrawal;
    METHOD_REJECT_WITHDRAWAL = "RejectWithdrawal"(NonceParam) -> RejectReturn => token::reject_withdrawal;
    METHOD_APPLY_FAST_FILL = "ApplyFastFill"(FastFillParams) -> FillRecord => m::apply_fast_fill;
    METHOD_GET_BRIDGE = "GetBridge" -> BridgeInfo => m::get_bridge;
    METHOD_GET_OUTBOX_ENTRY = "GetOutboxEntry"(NonceParam) -> OutboxEntryView => m::get_outbox_entry;
    METHOD_GET_OUTBOX = "GetOutbox"(OutboxPageParams) -> Vec<OutboxEntryView> => m::get_outbox;
    METHOD_GET_FAST_FILL = "GetFastFill"(FillQuery) -> Option<FillRecord> => m::get_fast_fill;
    // IPC (docs/ipc.md): `handleIpcMessage` from the IPC gateway actor, as an EVM call.
    METHOD_INVOKE_EVM = "InvokeEVM"(EvmBytes) -> EvmBytes => ipc::invoke_evm;
    METHOD_TRANSFER_ADMIN = "TransferAdmin"(TransferAdminParams) => cloudless_runtime::admin::transfer_admin::<_, State>;
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(GatewayActor);

#[cfg(test)]
mod ipc_tests;
#[cfg(test)]
mod method_tests;
#[cfg(test)]
mod tests;
