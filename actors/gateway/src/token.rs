//! The FRC-46 side of the gateway over the [`Runtime`]: the token through `frc46_token`, and
//! the operations that run a receiver hook (transfers, deposits, re-mints).
//!
//! Every operation that calls a receiver hook saves the state first (the receiver may call back
//! into this actor) and reloads it after. A hook that aborts rolls back only the receiver's own
//! changes; what happens next is each method's rule: a transfer fails, a deposit bounces into
//! the outbox, a re-mint stays credited.

// `frc46_token`'s `TokenError` is large; its results pass straight through these closures.
#![allow(clippy::result_large_err)]

use cid::Cid;
use cloudless_runtime::{actor_error, commit, ActorError, ActorResult, Effects, Runtime};
use frc46_token::token::state::{StateError, TokenState};
use frc46_token::token::{Token, TokenError};
use fvm_actor_utils::receiver::{ReceiverHook, ReceiverHookError, RecipientData};
use fvm_actor_utils::syscalls::{NoStateError, Syscalls};
use fvm_actor_utils::util::ActorRuntime;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::{ActorID, MethodNum, Response};

use crate::events::*;
use crate::state::{validate_parent_address, State};
use crate::types::*;

/// The account actor's `PubkeyAddress`.
const METHOD_PUBKEY_ADDRESS: MethodNum = 2;

/// `frc46_token` reaches the FVM through `fvm_actor_utils`' `Syscalls`; this answers from our
/// [`Runtime`], so the token runs on the SDK in Wasm and on the mock in tests.
pub struct TokenSyscalls<'r, R>(&'r R);

impl<R: Runtime> Syscalls for TokenSyscalls<'_, R> {
    fn root(&self) -> Result<Cid, NoStateError> {
        self.0.root().ok_or(NoStateError)
    }

    fn set_root(&self, cid: &Cid) -> Result<(), NoStateError> {
        self.0.set_root(cid).map_err(|_| NoStateError)
    }

    fn receiver(&self) -> ActorID {
        self.0.receiver()
    }

    fn caller(&self) -> ActorID {
        self.0.caller()
    }

    fn send(
        &self,
        to: &Address,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
    ) -> Result<Response, ErrorNumber> {
        self.0.send(to, method, params, value, false)
    }

    fn resolve_address(&self, addr: &Address) -> Option<ActorID> {
        self.0.resolve_address(addr)
    }
}

type TokenRuntime<'r, R> = ActorRuntime<TokenSyscalls<'r, R>, &'r <R as Runtime>::Store>;

fn token_runtime<R: Runtime>(rt: &R) -> TokenRuntime<'_, R> {
    ActorRuntime::new(TokenSyscalls(rt), rt.store())
}

fn wrap<'a, R: Runtime>(
    trt: &'a TokenRuntime<'a, R>,
    st: &'a mut TokenState,
) -> Token<'a, TokenSyscalls<'a, R>, &'a R::Store> {
    Token::wrap(trt, GRANULARITY, st)
}

/// A read of the token state (nothing is saved).
pub fn read<R: Runtime, T>(
    rt: &R,
    op: impl FnOnce(&mut Token<TokenSyscalls<'_, R>, &R::Store>) -> Result<T, TokenError>,
) -> ActorResult<T> {
    let trt = token_runtime(rt);
    let mut st: State = rt.state()?;
    op(&mut wrap(&trt, &mut st.token)).map_err(token_error)
}

/// Saves the state and emits `fx`'s events, then calls the receiver hook (which may re-enter
/// this actor): what the hook causes is emitted after what caused it. `fx` must hold only
/// events that stand whatever the hook answers (a refused hook keeps this actor's events).
fn save_and_call<R: Runtime, T: RecipientData>(
    rt: &R,
    trt: &TokenRuntime<'_, R>,
    st: &State,
    fx: Effects,
    mut hook: ReceiverHook<T>,
) -> ActorResult<Result<T, ReceiverHookError>> {
    if let Err(e) = commit(rt, st, fx) {
        // Not calling the hook is the point: the message fails.
        std::mem::forget(hook);
        return Err(e);
    }
    Ok(hook.call(trt))
}

/// `Increase/Decrease/RevokeAllowance`: the caller's allowance for `operator`, changed by `op`.
pub fn change_allowance<R: Runtime>(
    rt: &R,
    operator: Address,
    op: impl FnOnce(&mut Token<TokenSyscalls<'_, R>, &R::Store>, &Address) -> Result<TokenAmount, TokenError>,
) -> ActorResult<TokenAmount> {
    let trt = token_runtime(rt);
    let mut st: State = rt.state()?;
    let owner = rt.caller();
    let allowance = op(&mut wrap(&trt, &mut st.token), &Address::new_id(owner)).map_err(token_error)?;
    let mut fx = Effects::default();
    fx.emit(&AllowanceChanged { owner, operator, allowance: allowance.clone() })?;
    commit(rt, &st, fx)?;
    Ok(allowance)
}

fn transfer_event(from: &Address, to: &Address, operator: ActorID, amount: &TokenAmount) -> ActorResult<Effects> {
    let mut fx = Effects::default();
    fx.emit(&Transferred { from: *from, to: *to, operator, amount: amount.clone() })?;
    Ok(fx)
}

fn check_operator_data(data: &[u8]) -> ActorResult<()> {
    if data.len() > MAX_OPERATOR_DATA {
        return Err(
            actor_error!(illegal_argument; "operator data of {} bytes exceeds the limit of {MAX_OPERATOR_DATA}", data.len()),
        );
    }
    Ok(())
}

pub fn transfer<R: Runtime>(rt: &R, p: TransferParams) -> ActorResult<TransferReturn> {
    check_operator_data(&p.operator_data)?;
    let trt = token_runtime(rt);
    let mut st: State = rt.state()?;
    let from = Address::new_id(rt.caller());
    let hook = wrap(&trt, &mut st.token)
        .transfer(&from, &p.to, &p.amount, RawBytes::new(p.operator_data), RawBytes::default())
        .map_err(token_error)?;
    // A refused hook fails the whole message, events included.
    let fx = transfer_event(&from, &p.to, rt.caller(), &p.amount)?;
    let done = save_and_call(rt, &trt, &st, fx, hook)?.map_err(hook_error)?;
    let mut st: State = rt.state()?;
    let ret = wrap(&trt, &mut st.token).transfer_return(done).map_err(token_error)?;
    Ok(TransferReturn {
        from_balance: ret.from_balance,
        to_balance: ret.to_balance,
        recipient_data: ret.recipient_data.to_vec(),
    })
}

pub fn transfer_from<R: Runtime>(rt: &R, p: TransferFromParams) -> ActorResult<TransferFromReturn> {
    check_operator_data(&p.operator_data)?;
    let trt = token_runtime(rt);
    let mut st: State = rt.state()?;
    let operator = rt.caller();
    let hook = wrap(&trt, &mut st.token)
        .transfer_from(
            &Address::new_id(operator),
            &p.from,
            &p.to,
            &p.amount,
            RawBytes::new(p.operator_data),
            RawBytes::default(),
        )
        .map_err(token_error)?;
    let fx = transfer_event(&p.from, &p.to, operator, &p.amount)?;
    let done = save_and_call(rt, &trt, &st, fx, hook)?.map_err(hook_error)?;
    let mut st: State = rt.state()?;
    let ret = wrap(&trt, &mut st.token).transfer_from_return(done).map_err(token_error)?;
    Ok(TransferFromReturn {
        from_balance: ret.from_balance,
        to_balance: ret.to_balance,
        allowance: ret.allowance,
        recipient_data: ret.recipient_data.to_vec(),
    })
}

/// What a burn left: the owner's balance and (for `BurnFrom`) the operator's allowance.
pub struct Burned {
    pub balance: TokenAmount,
    pub allowance: TokenAmount,
}

impl From<frc46_token::token::types::BurnReturn> for Burned {
    fn from(r: frc46_token::token::types::BurnReturn) -> Self {
        Burned { balance: r.balance, allowance: TokenAmount::default() }
    }
}

pub fn burn<R: Runtime>(rt: &R, p: BurnParams) -> ActorResult<BurnReturn> {
    let owner = rt.caller();
    let out = burn_to_outbox(rt, owner, &p.amount, |t| t.burn(&Address::new_id(owner), &p.amount).map(Burned::from))?;
    Ok(BurnReturn { balance: out.balance })
}

pub fn burn_from<R: Runtime>(rt: &R, p: BurnFromParams) -> ActorResult<BurnFromReturn> {
    let owner = rt.resolve(&p.owner)?;
    let operator = Address::new_id(rt.caller());
    let out = burn_to_outbox(rt, owner, &p.amount, |t| {
        t.burn_from(&operator, &p.owner, &p.amount).map(|r| Burned { balance: r.balance, allowance: r.allowance })
    })?;
    // The operator's allowance went down with the burn; indexers learn it here.
    let allowance = AllowanceChanged { owner, operator, allowance: out.allowance.clone() };
    rt.emit(cloudless_runtime::events::EventBuilder::of(&allowance)?)?;
    Ok(BurnFromReturn { balance: out.balance, allowance: out.allowance })
}

/// `Burn`/`BurnFrom`: on a linked token, burned USDC leaves through the outbox to the owner's
/// own address on the parent (destroying it here while it stays locked there would lose it).
fn burn_to_outbox<R: Runtime>(
    rt: &R,
    owner: ActorID,
    amount: &TokenAmount,
    op: impl FnOnce(&mut Token<TokenSyscalls<'_, R>, &R::Store>) -> Result<Burned, TokenError>,
) -> ActorResult<Burned> {
    let parent_recipient = parent_address_of(rt, owner)?;
    let p = WithdrawParams { parent_recipient, amount: amount.clone(), fast: None };
    queue_withdrawal(rt, owner, &p, op).map(|(_, burned)| burned)
}

pub fn withdraw<R: Runtime>(rt: &R, p: WithdrawParams) -> ActorResult<WithdrawReturn> {
    let sender = rt.caller();
    let (nonce, burned) =
        queue_withdrawal(rt, sender, &p, |t| t.burn(&Address::new_id(sender), &p.amount).map(Burned::from))?;
    Ok(WithdrawReturn { nonce, balance: burned.balance })
}

/// Validates, burns with `op`, appends the outbox entry, saves and emits.
fn queue_withdrawal<R: Runtime>(
    rt: &R,
    sender: ActorID,
    p: &WithdrawParams,
    op: impl FnOnce(&mut Token<TokenSyscalls<'_, R>, &R::Store>) -> Result<Burned, TokenError>,
) -> ActorResult<(u64, Burned)> {
    let trt = token_runtime(rt);
    let mut st: State = rt.state()?;
    let mut fx = Effects::default();
    if st.ipc.is_some() {
        crate::ipc::check_withdrawal(p)?;
    }
    let burn = |token: &mut TokenState| op(&mut wrap(&trt, token)).map_err(token_error);
    let out = st.queue_withdrawal(rt.store(), &rt.ctx(), sender, p, burn, &mut fx)?;
    if st.ipc.is_some() {
        // On IPC the withdrawal leaves at once as a cross-net call to the parent controller.
        crate::ipc::send_withdrawal(rt, &mut st, out.0, p, &mut fx)?;
    }
    commit(rt, &st, fx)?;
    Ok(out)
}

fn mint_data(kind: u8, nonce: u64, parent_address: Address) -> ActorResult<RawBytes> {
    RawBytes::serialize(MintData { kind, nonce, parent_address })
        .map_err(|e| actor_error!(serialization; "encoding mint data: {e}"))
}

/// `ApplyDeposit`: mints to the recipient through its receiver hook; a recipient that refuses
/// or cannot receive gets nothing, and the deposit bounces into the outbox as a refund.
pub fn apply_deposit<R: Runtime>(rt: &R, p: DepositParams) -> ActorResult<DepositReturn> {
    let mut st: State = rt.state()?;
    st.begin_deposit(&rt.ctx(), &p)?;
    deliver_deposit(rt, st, &p, true)
}

/// Mints a deposit whose nonce `st` has taken. A recipient that refuses or cannot receive
/// bounces it into the outbox (`bounce`), or fails the message (IPC, where the failed call's
/// result refunds the depositor on the parent).
pub fn deliver_deposit<R: Runtime>(
    rt: &R,
    mut st: State,
    p: &DepositParams,
    bounce: bool,
) -> ActorResult<DepositReturn> {
    let trt = token_runtime(rt);
    let ctx = rt.ctx();
    let before = st.token.clone();
    let data = mint_data(MINT_DEPOSIT, p.nonce, p.parent_sender)?;
    let minted = wrap(&trt, &mut st.token).mint(
        &Address::new_id(ctx.caller),
        &p.recipient,
        &p.amount,
        RawBytes::default(),
        data,
    );
    let refused = match minted {
        // The mint stands only if the hook accepts: its event follows the hook.
        Ok(hook) => save_and_call(rt, &trt, &st, Effects::default(), hook)?.err().map(hook_error),
        // The recipient cannot be created (e.g. an unknown actor address).
        Err(e @ TokenError::Messaging(_)) => Some(token_error(e)),
        Err(e) => return Err(token_error(e)),
    };
    let mut fx = Effects::default();
    let Some(refusal) = refused else {
        // Saved before the hook, and the hook may have moved the tokens on: nothing to save.
        fx.emit(&DepositApplied::of(p))?;
        fx.apply(rt)?;
        return Ok(DepositReturn { delivered: true, refund_nonce: None });
    };
    if !bounce {
        return Err(refusal);
    }
    // A refused hook rolled back only the receiver; undo the mint here.
    st.token = before;
    let refund = st.bounce_deposit(rt.store(), &ctx, p, &mut fx)?;
    commit(rt, &st, fx)?;
    Ok(DepositReturn { delivered: false, refund_nonce: Some(refund) })
}

/// `RejectWithdrawal`: the parent could not pay; the amount is re-minted to its sender, whose
/// hook is called but cannot stop it (the tokens were the sender's).
pub fn reject_withdrawal<R: Runtime>(rt: &R, p: NonceParam) -> ActorResult<RejectReturn> {
    let mut st: State = rt.state()?;
    let mut fx = Effects::default();
    let rejected = st.reject(rt.store(), &rt.ctx(), p.nonce, &mut fx)?;
    remint(rt, st, p.nonce, rejected, fx)
}

/// Re-mints rejected entry `nonce` to its sender (`st` has marked it rejected).
pub fn remint<R: Runtime>(
    rt: &R,
    mut st: State,
    nonce: u64,
    (sender, entry): (ActorID, OutboxEntry),
    fx: Effects,
) -> ActorResult<RejectReturn> {
    let trt = token_runtime(rt);
    let data = mint_data(MINT_REFUND, nonce, entry.recipient)?;
    let hook = wrap(&trt, &mut st.token)
        .mint(&Address::new_id(rt.caller()), &Address::new_id(sender), &entry.amount, RawBytes::default(), data)
        .map_err(token_error)?;
    // The re-mint stands whatever the hook answers: its event precedes the hook.
    let hook_accepted = save_and_call(rt, &trt, &st, fx, hook)?.is_ok();
    Ok(RejectReturn { sender, amount: entry.amount, hook_accepted })
}

/// The owner's address on the parent: its delegated (f4) address, or an account's key address.
/// `PubkeyAddress` (method 2) is the account actor's; any other actor fails the read-only call
/// or answers with something that is not a key address, and has no parent address.
fn parent_address_of<R: Runtime>(rt: &R, owner: ActorID) -> ActorResult<Address> {
    if let Some(addr) = rt.delegated_address(owner) {
        return Ok(addr);
    }
    let no_address = || actor_error!(illegal_argument; "f0{owner} has no address on the parent chain; use Withdraw with a parent_recipient");
    let ret =
        rt.call::<()>(owner, METHOD_PUBKEY_ADDRESS, None, TokenAmount::default(), true).map_err(|_| no_address())?;
    let addr: Address = ret.ok_or_else(no_address)?.deserialize().map_err(|_| no_address())?;
    validate_parent_address(&addr).map_err(|_| no_address())?;
    Ok(addr)
}

/// The library's errors as actor errors with standard exit codes.
fn token_error(e: TokenError) -> ActorError {
    match e {
        TokenError::ReceiverHook(h) => hook_error(h),
        TokenError::TokenState(
            StateError::IpldHamt(_) | StateError::Serialization(_) | StateError::MissingState(_),
        ) => {
            actor_error!(illegal_state; "token state: {e}")
        }
        e => ActorError::new(ExitCode::from(&e), e.to_string()),
    }
}

fn hook_error(e: ReceiverHookError) -> ActorError {
    match e {
        ReceiverHookError::Receiver { address, exit_code, .. } => actor_error!(
            forbidden;
            "recipient {} refused the tokens (its receiver hook exited with {})",
            cloudless_runtime::text::address(&address),
            exit_code.value()
        ),
        e => ActorError::new(ExitCode::from(&e), format!("calling the receiver hook: {e}")),
    }
}
