//! The gateway's events, declared in its interface (the CLI decodes them by these types).

use cloudless_runtime::{address, amount, Event, Fields};
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use serde::{Deserialize, Serialize};

use crate::types::{DepositParams, FillVerdict};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("token-created")]
pub struct TokenCreated {
    pub name: String,
    pub symbol: String,
    pub granularity: u64,
    pub authority: ActorID,
}

/// A parent deposit delivered to its recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("deposit-applied")]
pub struct DepositApplied {
    pub nonce: u64,
    #[serde(with = "address")]
    pub parent_sender: Address,
    #[serde(with = "address")]
    pub recipient: Address,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
}

impl DepositApplied {
    pub fn of(p: &DepositParams) -> Self {
        DepositApplied {
            nonce: p.nonce,
            parent_sender: p.parent_sender,
            recipient: p.recipient,
            amount: p.amount.clone(),
        }
    }
}

/// A parent deposit its recipient refused, refunded through outbox entry `refund_nonce`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("deposit-bounced")]
pub struct DepositBounced {
    pub nonce: u64,
    #[serde(with = "address")]
    pub parent_sender: Address,
    #[serde(with = "address")]
    pub recipient: Address,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
    pub refund_nonce: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("outbox-entry")]
pub struct OutboxEntryAdded {
    pub nonce: u64,
    pub sender: Option<ActorID>,
    pub deposit_nonce: Option<u64>,
    #[serde(with = "address")]
    pub recipient: Address,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
    /// The fee a liquidity provider earns for a fast fill (fast withdrawals only).
    #[serde(with = "amount::option")]
    pub fee: Option<TokenAmount>,
    pub deadline: Option<ChainEpoch>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("withdrawals-confirmed")]
pub struct WithdrawalsConfirmed {
    pub from: u64,
    pub to: u64,
    pub count: u64,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
    /// Entries of the range left pending (`ConfirmWithdrawals`); empty for `ConfirmHeldWithdrawal`.
    pub held: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("withdrawal-rejected")]
pub struct WithdrawalRejected {
    pub nonce: u64,
    pub sender: ActorID,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("fast-fill")]
pub struct FastFill {
    pub nonce: u64,
    #[serde(with = "address")]
    pub lp: Address,
    pub verdict: FillVerdict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("allowance")]
pub struct AllowanceChanged {
    pub owner: ActorID,
    #[serde(with = "address")]
    pub operator: Address,
    #[serde(with = "amount")]
    pub allowance: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("transfer")]
pub struct Transferred {
    #[serde(with = "address")]
    pub from: Address,
    #[serde(with = "address")]
    pub to: Address,
    pub operator: ActorID,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
}

/// Outbox entry `outbox_nonce` sent to the parent as an IPC cross-net call (docs/ipc.md): the
/// parent's result names it by `tracing_id`; `local_nonce` is its nonce in the IPC gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Fields, Event)]
#[event("ipc-call-sent")]
pub struct IpcCallSent {
    pub outbox_nonce: u64,
    pub tracing_id: cloudless_runtime::bytes::Bytes32,
    pub local_nonce: u64,
}
