//! Parameters, returns, limits and method numbers of the gateway actor.
//!
//! The FRC-46 params and returns are the standard's tuples, encoded exactly as `frc46_token`
//! encodes them (a test checks each), but with amounts, addresses and bytes (hex) that read as
//! text in JSON so the CLI can send them.

use cloudless_runtime::{address, amount, bytes, Fields};
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

/// USDC has 6 decimals; FRC-46 amounts have 18, so every amount is a multiple of 10^12.
pub const GRANULARITY: u64 = 1_000_000_000_000;
/// `micro` millionths of a USDC (its smallest unit) as an FRC-46 amount.
pub fn micro_usdc(micro: u64) -> TokenAmount {
    TokenAmount::from_atto(u128::from(micro) * u128::from(GRANULARITY))
}

/// `whole` USDC as an FRC-46 amount.
pub fn usdc(whole: u64) -> TokenAmount {
    TokenAmount::from_whole(whole)
}

/// Most outbox entries one `ConfirmWithdrawals` settles (bounds the message's work).
pub const MAX_CONFIRM_BATCH: u64 = 500;
/// The longest fast-withdrawal window a genesis may allow (14 days of 1-second epochs). The
/// window itself (`max_fast_window`) is a genesis parameter; a fast entry's deadline is at most
/// that many epochs after its withdrawal, so it cannot hold its payee open for longer.
pub const MAX_FAST_WINDOW_LIMIT: ChainEpoch = 1_209_600;
/// Largest `operator_data` of a transfer: it travels whole to the recipient's hook, and the
/// FVM refuses blocks over 1 MiB with an unspecified error; this bound refuses it clearly.
pub const MAX_OPERATOR_DATA: usize = 64 * 1024;
/// Most entries one `GetOutbox` returns.
pub const MAX_OUTBOX_PAGE: u64 = 100;
pub const MAX_NAME_LEN: usize = 64;
pub const MAX_SYMBOL_LEN: usize = 16;

pub use cloudless_runtime::admin::TransferAdminParams;

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ConstructorParams {
    #[serde(with = "address")]
    pub admin: Address,
    /// The only caller of the bridge methods: a relayer, or the system actor (nobody) when IPC
    /// envelopes drive the bridge.
    #[serde(with = "address")]
    pub authority: Address,
    pub name: String,
    pub symbol: String,
    /// The furthest a fast withdrawal's deadline may lie after its withdrawal, in epochs
    /// (1..=[`MAX_FAST_WINDOW_LIMIT`]).
    pub max_fast_window: ChainEpoch,
    /// The link to IPC on an IPC subnet (docs/ipc.md); none on a standalone chain.
    pub ipc: Option<IpcLinkParams>,
}

/// Largest EVM calldata `InvokeEVM` takes (a cross-net envelope): decoding is bounded by it.
pub const MAX_IPC_CALLDATA: usize = 16 * 1024;

/// The gateway's link to IPC (genesis `[actors.gateway.ipc]`): who delivers cross-net
/// messages and which contract on which parent subnet is the linked-token controller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct IpcLinkParams {
    /// The IPC gateway actor (an ID address; f064 on every IPC subnet).
    #[serde(with = "address")]
    pub gateway: Address,
    /// The parent subnet: its root chain ID and route (f410 addresses of the subnet actors).
    pub parent_root: u64,
    #[serde(with = "address::vec")]
    pub parent_route: Vec<Address>,
    /// The linked-token controller contract on the parent (an f410 address).
    #[serde(with = "address")]
    pub controller: Address,
}

/// The IPC link in the state: [`IpcLinkParams`] checked, plus what the link remembers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct IpcLink {
    pub gateway: ActorID,
    pub parent_root: u64,
    #[serde(with = "address::vec")]
    pub parent_route: Vec<Address>,
    #[serde(with = "address")]
    pub controller: Address,
    /// The local nonce of the last envelope applied: IPC applies top-down envelopes in nonce
    /// order, so an envelope at or below it is a replay.
    pub last_nonce: Option<u64>,
    /// Withdrawals sent to the parent and not yet answered: tracing ID -> outbox nonce.
    pub inflight: cid::Cid,
}

pub use cloudless_ipc::EvmBytes;

/// A bare address param (`Balance`), readable in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, Fields)]
#[serde(transparent)]
pub struct AddressParam(#[serde(with = "address")] pub Address);

/// A bare amount (`TotalSupply`, `Balance`, `Allowance`, …), readable in JSON.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, Fields)]
#[serde(transparent)]
pub struct Amount(#[serde(with = "amount")] pub TokenAmount);

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct TransferParams {
    #[serde(with = "address")]
    pub to: Address,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
    #[serde(with = "bytes::hex")]
    pub operator_data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct TransferReturn {
    #[serde(with = "amount")]
    pub from_balance: TokenAmount,
    #[serde(with = "amount")]
    pub to_balance: TokenAmount,
    #[serde(with = "bytes::hex")]
    pub recipient_data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct TransferFromParams {
    #[serde(with = "address")]
    pub from: Address,
    #[serde(with = "address")]
    pub to: Address,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
    #[serde(with = "bytes::hex")]
    pub operator_data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct TransferFromReturn {
    #[serde(with = "amount")]
    pub from_balance: TokenAmount,
    #[serde(with = "amount")]
    pub to_balance: TokenAmount,
    #[serde(with = "amount")]
    pub allowance: TokenAmount,
    #[serde(with = "bytes::hex")]
    pub recipient_data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct IncreaseAllowanceParams {
    #[serde(with = "address")]
    pub operator: Address,
    #[serde(with = "amount")]
    pub increase: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct DecreaseAllowanceParams {
    #[serde(with = "address")]
    pub operator: Address,
    #[serde(with = "amount")]
    pub decrease: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct RevokeAllowanceParams {
    #[serde(with = "address")]
    pub operator: Address,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct GetAllowanceParams {
    #[serde(with = "address")]
    pub owner: Address,
    #[serde(with = "address")]
    pub operator: Address,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct BurnParams {
    #[serde(with = "amount")]
    pub amount: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct BurnReturn {
    #[serde(with = "amount")]
    pub balance: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct BurnFromParams {
    #[serde(with = "address")]
    pub owner: Address,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct BurnFromReturn {
    #[serde(with = "amount")]
    pub balance: TokenAmount,
    #[serde(with = "amount")]
    pub allowance: TokenAmount,
}

/// A parent-to-subnet deposit, delivered by the bridge authority in nonce order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct DepositParams {
    pub nonce: u64,
    /// Who locked the USDC on the parent; a bounced deposit is refunded there.
    #[serde(with = "address")]
    pub parent_sender: Address,
    #[serde(with = "address")]
    pub recipient: Address,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct DepositReturn {
    /// True when the recipient holds the tokens; false when the deposit bounced.
    pub delivered: bool,
    /// The outbox entry refunding a bounced deposit to its parent sender.
    pub refund_nonce: Option<u64>,
}

/// Fast-withdrawal terms: a liquidity provider may pay `amount - fee` on the parent before
/// `deadline_epoch` and take over the entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct FastTerms {
    #[serde(with = "amount")]
    pub fee: TokenAmount,
    /// The first subnet epoch at which a fill is refused.
    pub deadline_epoch: ChainEpoch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct WithdrawParams {
    /// A key (f1/f3) or delegated (f4) address on the parent; ID addresses differ per chain.
    #[serde(with = "address")]
    pub parent_recipient: Address,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
    pub fast: Option<FastTerms>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct WithdrawReturn {
    pub nonce: u64,
    #[serde(with = "amount")]
    pub balance: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ConfirmParams {
    pub up_to_nonce: u64,
    /// Entries in the range the parent did not pay because their payee could still change
    /// (fast, unfilled, before the deadline), ascending. They stay pending ("held") and are
    /// settled one by one with `ConfirmHeldWithdrawal` or `RejectWithdrawal`.
    pub held: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ConfirmReturn {
    /// Entries confirmed (rejected and held ones in the range are skipped).
    pub count: u64,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
    /// Entries of the range left pending (held).
    pub held: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct NonceParam {
    pub nonce: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct RejectReturn {
    pub sender: ActorID,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
    /// False when the sender's receiver hook refused the re-mint (it is credited regardless).
    pub hook_accepted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct FastFillParams {
    pub withdrawal_nonce: u64,
    /// The liquidity provider's address on the parent.
    #[serde(with = "address")]
    pub lp: Address,
}

/// Why a fast fill was accepted or refused.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde_repr::Serialize_repr, serde_repr::Deserialize_repr, Fields,
)]
#[repr(u8)]
pub enum FillVerdict {
    /// The LP is now the entry's payee.
    Accepted = 0,
    /// The entry was already confirmed or rejected.
    Settled = 1,
    /// The entry offered no fast terms.
    NotFast = 2,
    /// Another fill was accepted first.
    AlreadyFilled = 3,
    /// The fill arrived at or after the deadline.
    DeadlinePassed = 4,
}

/// The recorded outcome of one `ApplyFastFill`: the parent refunds the LP unless accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct FillRecord {
    pub verdict: FillVerdict,
    pub epoch: ChainEpoch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct FillQuery {
    pub withdrawal_nonce: u64,
    #[serde(with = "address")]
    pub lp: Address,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct OutboxPageParams {
    pub from_nonce: u64,
    pub limit: u64,
}

/// One outbox entry: a withdrawal (`sender` set) or the refund of a bounced deposit
/// (`deposit_nonce` set). `payee` starts as `recipient` and becomes the LP on an accepted fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct OutboxEntry {
    pub sender: Option<ActorID>,
    pub deposit_nonce: Option<u64>,
    #[serde(with = "address")]
    pub recipient: Address,
    #[serde(with = "address")]
    pub payee: Address,
    #[serde(with = "amount")]
    pub amount: TokenAmount,
    pub fast: Option<FastTerms>,
    pub filled: bool,
    pub rejected: bool,
    pub epoch: ChainEpoch,
    /// Passed over by a `ConfirmWithdrawals` while its payee could still change: below the
    /// settled cursor but pending until `ConfirmHeldWithdrawal` or `RejectWithdrawal`.
    pub held: bool,
}

/// Where an entry stands; `Confirmed` is every entry below the settled cursor neither rejected
/// nor held.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde_repr::Serialize_repr, serde_repr::Deserialize_repr, Fields,
)]
#[repr(u8)]
pub enum EntryStatus {
    Pending = 0,
    Confirmed = 1,
    Rejected = 2,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct OutboxEntryView {
    pub nonce: u64,
    pub status: EntryStatus,
    /// True when the payee can no longer change: no fast terms, filled, or past the deadline.
    /// The parent pays an entry out only once it is final.
    pub payee_final: bool,
    pub entry: OutboxEntry,
}

/// The bridge's running totals (docs/protocol.md §5 invariant: minted = supply + burned;
/// burned = pending + confirmed + refunded).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Totals {
    /// Deposits delivered or bounced, plus re-mints of rejected withdrawals.
    #[serde(with = "amount")]
    pub minted: TokenAmount,
    /// Withdrawals (including burns) and bounced deposits.
    #[serde(with = "amount")]
    pub burned: TokenAmount,
    /// Outbox entries not yet confirmed or rejected.
    #[serde(with = "amount")]
    pub pending: TokenAmount,
    #[serde(with = "amount")]
    pub confirmed: TokenAmount,
    /// Rejected withdrawals, re-minted to their senders.
    #[serde(with = "amount")]
    pub refunded: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct BridgeInfo {
    pub admin: ActorID,
    pub authority: ActorID,
    pub next_deposit_nonce: u64,
    pub next_outbox_nonce: u64,
    /// Every outbox entry below this nonce is confirmed, rejected or held.
    pub settled_before: u64,
    pub max_fast_window: ChainEpoch,
    #[serde(with = "amount")]
    pub supply: TokenAmount,
    pub totals: Totals,
    pub ipc: Option<IpcLink>,
}

/// `token_data` of a mint's receiver hook: where the tokens come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct MintData {
    /// 0: a deposit (`nonce` is the deposit nonce, `parent_address` its parent sender);
    /// 1: a rejected withdrawal (`nonce` is the outbox nonce, `parent_address` its recipient).
    pub kind: u8,
    pub nonce: u64,
    #[serde(with = "address")]
    pub parent_address: Address,
}

pub const MINT_DEPOSIT: u8 = 0;
pub const MINT_REFUND: u8 = 1;
