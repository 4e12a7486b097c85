//! The gateway (USDC) actor's methods and state for the CLI.

use serde_json::{json, Value};

use super::Shape::{self, *};
use super::{label, method, no_params, no_return, params, ret, MethodAbi, SEND};
use crate::node::Node;

const TRANSFER: Shape = Tuple(&[("from_balance", Leaf), ("to_balance", Leaf), ("recipient_data", Leaf)]);
const TRANSFER_FROM: Shape =
    Tuple(&[("from_balance", Leaf), ("to_balance", Leaf), ("allowance", Leaf), ("recipient_data", Leaf)]);
const BURN: Shape = Tuple(&[("balance", Leaf)]);
const BURN_FROM: Shape = Tuple(&[("balance", Leaf), ("allowance", Leaf)]);
const DEPOSIT: Shape = Tuple(&[("delivered", Leaf), ("refund_nonce", Leaf)]);
const WITHDRAW: Shape = Tuple(&[("nonce", Leaf), ("balance", Leaf)]);
const CONFIRM: Shape = Tuple(&[("count", Leaf), ("amount", Leaf)]);
const REJECT: Shape = Tuple(&[("sender", Leaf), ("amount", Leaf), ("hook_accepted", Leaf)]);
const FILL: Shape = Tuple(&[("verdict", Leaf), ("epoch", Leaf)]);
const FAST: Shape = Tuple(&[("fee", Leaf), ("deadline_epoch", Leaf)]);
const ENTRY: Shape = Tuple(&[
    ("sender", Leaf),
    ("deposit_nonce", Leaf),
    ("recipient", Leaf),
    ("payee", Leaf),
    ("amount", Leaf),
    ("fast", FAST),
    ("filled", Leaf),
    ("rejected", Leaf),
    ("epoch", Leaf),
]);
const ENTRY_VIEW: Shape = Tuple(&[("nonce", Leaf), ("status", Leaf), ("payee_final", Leaf), ("entry", ENTRY)]);
const TOTALS: Shape =
    Tuple(&[("minted", Leaf), ("burned", Leaf), ("pending", Leaf), ("confirmed", Leaf), ("refunded", Leaf)]);
const BRIDGE: Shape = Tuple(&[
    ("admin", Leaf),
    ("authority", Leaf),
    ("next_deposit_nonce", Leaf),
    ("next_outbox_nonce", Leaf),
    ("settled_before", Leaf),
    ("supply", Leaf),
    ("totals", TOTALS),
]);

pub(super) fn methods() -> Vec<MethodAbi> {
    use cloudless_actor_gateway::*;
    vec![
        SEND,
        method("Constructor", 1, params::<ConstructorParams>, no_return, Leaf),
        method("Name", METHOD_NAME, no_params, ret::<String>, Leaf),
        method("Symbol", METHOD_SYMBOL, no_params, ret::<String>, Leaf),
        method("Granularity", METHOD_GRANULARITY, no_params, ret::<u64>, Leaf),
        method("TotalSupply", METHOD_TOTAL_SUPPLY, no_params, ret::<Amount>, Leaf),
        method("Balance", METHOD_BALANCE, params::<AddressParam>, ret::<Amount>, Leaf),
        method("Allowance", METHOD_ALLOWANCE, params::<GetAllowanceParams>, ret::<Amount>, Leaf),
        method("IncreaseAllowance", METHOD_INCREASE_ALLOWANCE, params::<IncreaseAllowanceParams>, ret::<Amount>, Leaf),
        method("DecreaseAllowance", METHOD_DECREASE_ALLOWANCE, params::<DecreaseAllowanceParams>, ret::<Amount>, Leaf),
        method("RevokeAllowance", METHOD_REVOKE_ALLOWANCE, params::<RevokeAllowanceParams>, no_return, Leaf),
        method("Transfer", METHOD_TRANSFER, params::<TransferParams>, ret::<TransferReturn>, TRANSFER),
        method(
            "TransferFrom",
            METHOD_TRANSFER_FROM,
            params::<TransferFromParams>,
            ret::<TransferFromReturn>,
            TRANSFER_FROM,
        ),
        method("Burn", METHOD_BURN, params::<BurnParams>, ret::<BurnReturn>, BURN),
        method("BurnFrom", METHOD_BURN_FROM, params::<BurnFromParams>, ret::<BurnFromReturn>, BURN_FROM),
        method("ApplyDeposit", METHOD_APPLY_DEPOSIT, params::<DepositParams>, ret::<DepositReturn>, DEPOSIT),
        method("Withdraw", METHOD_WITHDRAW, params::<WithdrawParams>, ret::<WithdrawReturn>, WITHDRAW),
        method(
            "ConfirmWithdrawals",
            METHOD_CONFIRM_WITHDRAWALS,
            params::<ConfirmParams>,
            ret::<ConfirmReturn>,
            CONFIRM,
        ),
        method("RejectWithdrawal", METHOD_REJECT_WITHDRAWAL, params::<NonceParam>, ret::<RejectReturn>, REJECT),
        method("ApplyFastFill", METHOD_APPLY_FAST_FILL, params::<FastFillParams>, ret::<FillRecord>, FILL),
        method("GetBridge", METHOD_GET_BRIDGE, no_params, ret::<BridgeInfo>, BRIDGE),
        method("GetOutboxEntry", METHOD_GET_OUTBOX_ENTRY, params::<NonceParam>, ret::<OutboxEntryView>, ENTRY_VIEW),
        method(
            "GetOutbox",
            METHOD_GET_OUTBOX,
            params::<OutboxPageParams>,
            ret::<Vec<OutboxEntryView>>,
            List(&ENTRY_VIEW),
        ),
        method("GetFastFill", METHOD_GET_FAST_FILL, params::<FillQuery>, ret::<Option<FillRecord>>, FILL),
        method("TransferAdmin", METHOD_TRANSFER_ADMIN, params::<TransferAdminParams>, no_return, Leaf),
    ]
}

pub(super) fn state_json(node: &Node, id: fvm_shared::ActorID) -> anyhow::Result<Value> {
    let st: cloudless_actor_gateway::State = node.actor_state(id)?;
    Ok(json!({
        "name": st.name,
        "symbol": st.symbol,
        "bridge": label(serde_json::to_value(st.info())?, &BRIDGE),
    }))
}
