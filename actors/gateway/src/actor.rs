//! Wasm glue: the FRC-46 token through `frc46_token`, the bridge through `State`, events.
//!
//! Every operation that calls a receiver hook saves the state first (the receiver may call back
//! into this actor) and reloads it after. A hook that aborts rolls back only the receiver's own
//! changes; what happens next is each method's rule: a transfer fails, a deposit bounces into
//! the outbox, a re-mint stays credited.

// `frc46_token`'s `TokenError` is large; its results pass straight through these closures.
#![allow(clippy::result_large_err)]

use cloudless_runtime::events::EventBuilder;
use cloudless_runtime::{actor_error, sdk, ActorError, ActorResult, METHOD_CONSTRUCTOR};
use frc46_token::token::state::StateError;
use frc46_token::token::{Token, TokenError};
use fvm_actor_utils::receiver::{ReceiverHook, ReceiverHookError, RecipientData};
use fvm_actor_utils::syscalls::fvm_syscalls::FvmSyscalls;
use fvm_actor_utils::util::ActorRuntime;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::{ActorID, MethodNum};

use crate::state::{deposit_event, validate_parent_address, Ctx, State};
use crate::types::*;

type Runtime = ActorRuntime<FvmSyscalls, sdk::SdkStore>;

/// The account actor's `PubkeyAddress`.
const METHOD_PUBKEY_ADDRESS: MethodNum = 2;

cloudless_runtime::wasm_entry!(dispatch);

fn dispatch(method: MethodNum, params: u32) -> ActorResult<Option<IpldBlock>> {
    match method {
        METHOD_CONSTRUCTOR => sdk::construct(params, constructor),
        METHOD_NAME => sdk::ret(&sdk::state::<State>()?.name),
        METHOD_SYMBOL => sdk::ret(&sdk::state::<State>()?.symbol),
        METHOD_GRANULARITY => sdk::ret(&GRANULARITY),
        METHOD_TOTAL_SUPPLY => sdk::ret(&Amount(sdk::state::<State>()?.token.supply)),
        METHOD_BALANCE => {
            let AddressParam(owner) = sdk::params(params)?;
            sdk::ret(&Amount(read(|t| t.balance_of(&owner))?))
        }
        METHOD_ALLOWANCE => {
            let p: GetAllowanceParams = sdk::params(params)?;
            sdk::ret(&Amount(read(|t| t.allowance(&p.owner, &p.operator))?))
        }
        METHOD_INCREASE_ALLOWANCE => {
            let p: IncreaseAllowanceParams = sdk::params(params)?;
            change_allowance(p.operator, |t, owner| t.increase_allowance(owner, &p.operator, &p.increase))
        }
        METHOD_DECREASE_ALLOWANCE => {
            let p: DecreaseAllowanceParams = sdk::params(params)?;
            change_allowance(p.operator, |t, owner| t.decrease_allowance(owner, &p.operator, &p.decrease))
        }
        METHOD_REVOKE_ALLOWANCE => {
            let p: RevokeAllowanceParams = sdk::params(params)?;
            change_allowance(p.operator, |t, owner| {
                t.revoke_allowance(owner, &p.operator).map(|_| TokenAmount::default())
            })
            .and(Ok(None))
        }
        METHOD_TRANSFER => transfer(sdk::params(params)?),
        METHOD_TRANSFER_FROM => transfer_from(sdk::params(params)?),
        METHOD_BURN => {
            let p: BurnParams = sdk::params(params)?;
            let owner = sdk::caller();
            let out =
                burn_to_outbox(owner, &p.amount, |t| t.burn(&Address::new_id(owner), &p.amount).map(Burned::from))?;
            sdk::ret(&BurnReturn { balance: out.balance })
        }
        METHOD_BURN_FROM => {
            let p: BurnFromParams = sdk::params(params)?;
            let owner = sdk::resolve(&p.owner)?;
            let operator = Address::new_id(sdk::caller());
            let out = burn_to_outbox(owner, &p.amount, |t| {
                t.burn_from(&operator, &p.owner, &p.amount)
                    .map(|r| Burned { balance: r.balance, allowance: r.allowance })
            })?;
            sdk::ret(&BurnFromReturn { balance: out.balance, allowance: out.allowance })
        }
        METHOD_APPLY_DEPOSIT => apply_deposit(sdk::params(params)?),
        METHOD_WITHDRAW => withdraw(sdk::params(params)?),
        METHOD_CONFIRM_WITHDRAWALS => {
            let p: ConfirmParams = sdk::params(params)?;
            sdk::ret(&mutate(|st, ctx, events| st.confirm(&sdk::SdkStore, ctx, p.up_to_nonce, events))?)
        }
        METHOD_REJECT_WITHDRAWAL => reject_withdrawal(sdk::params(params)?),
        METHOD_APPLY_FAST_FILL => {
            let p: FastFillParams = sdk::params(params)?;
            sdk::ret(&mutate(|st, ctx, events| st.fast_fill(&sdk::SdkStore, ctx, &p, events))?)
        }
        METHOD_GET_BRIDGE => sdk::ret(&sdk::state::<State>()?.info()),
        METHOD_GET_OUTBOX_ENTRY => {
            let p: NonceParam = sdk::params(params)?;
            sdk::ret(&sdk::state::<State>()?.entry_view(&sdk::SdkStore, p.nonce, sdk::curr_epoch())?)
        }
        METHOD_GET_OUTBOX => {
            let p: OutboxPageParams = sdk::params(params)?;
            sdk::ret(&sdk::state::<State>()?.outbox_page(&sdk::SdkStore, &p, sdk::curr_epoch())?)
        }
        METHOD_GET_FAST_FILL => {
            let p: FillQuery = sdk::params(params)?;
            sdk::ret(&sdk::state::<State>()?.fill(&sdk::SdkStore, &p)?)
        }
        METHOD_TRANSFER_ADMIN => {
            let p: TransferAdminParams = sdk::params(params)?;
            let to = sdk::resolve(&p.new_admin)?;
            mutate(|st, ctx, events| st.transfer_admin(ctx, to, events)).and(Ok(None))
        }
        _ => sdk::unhandled(method),
    }
}

fn runtime() -> Runtime {
    ActorRuntime::new(FvmSyscalls::default(), sdk::SdkStore)
}

fn ctx() -> Ctx {
    Ctx { caller: sdk::caller(), epoch: sdk::curr_epoch() }
}

fn emit(events: Vec<EventBuilder>) -> ActorResult<()> {
    events.into_iter().try_for_each(sdk::emit)
}

/// Loads the state, runs a bridge operation, saves, emits.
fn mutate<R>(op: impl FnOnce(&mut State, &Ctx, &mut Vec<EventBuilder>) -> ActorResult<R>) -> ActorResult<R> {
    let mut st: State = sdk::state()?;
    let mut events = Vec::new();
    let out = op(&mut st, &ctx(), &mut events)?;
    sdk::set_state(&st)?;
    emit(events)?;
    Ok(out)
}

/// A read of the token state (nothing is saved).
fn read<R>(op: impl FnOnce(&mut Token<FvmSyscalls, sdk::SdkStore>) -> Result<R, TokenError>) -> ActorResult<R> {
    let rt = runtime();
    let mut st: State = sdk::state()?;
    op(&mut Token::wrap(&rt, GRANULARITY, &mut st.token)).map_err(token_error)
}

/// Saves the state, then calls the receiver hook (which may re-enter this actor).
fn save_and_call<T: RecipientData>(
    st: &State,
    mut hook: ReceiverHook<T>,
    rt: &Runtime,
) -> ActorResult<Result<T, ReceiverHookError>> {
    if let Err(e) = sdk::set_state(st) {
        // Not calling the hook is the point: the message fails.
        std::mem::forget(hook);
        return Err(e);
    }
    Ok(hook.call(rt))
}

fn change_allowance(
    operator: Address,
    op: impl FnOnce(&mut Token<FvmSyscalls, sdk::SdkStore>, &Address) -> Result<TokenAmount, TokenError>,
) -> ActorResult<Option<IpldBlock>> {
    let rt = runtime();
    let mut st: State = sdk::state()?;
    let owner = sdk::caller();
    let allowance =
        op(&mut Token::wrap(&rt, GRANULARITY, &mut st.token), &Address::new_id(owner)).map_err(token_error)?;
    sdk::set_state(&st)?;
    sdk::emit(
        EventBuilder::new("allowance")
            .field("owner", &owner)?
            .field("operator", &operator)?
            .field("allowance", &allowance)?,
    )?;
    sdk::ret(&Amount(allowance))
}

fn transfer_event(from: &Address, to: &Address, operator: ActorID, amount: &TokenAmount) -> ActorResult<()> {
    sdk::emit(
        EventBuilder::new("transfer")
            .field("from", from)?
            .field("to", to)?
            .field("operator", &operator)?
            .field("amount", amount)?,
    )
}

fn transfer(p: TransferParams) -> ActorResult<Option<IpldBlock>> {
    let rt = runtime();
    let mut st: State = sdk::state()?;
    let from = Address::new_id(sdk::caller());
    let hook = Token::wrap(&rt, GRANULARITY, &mut st.token)
        .transfer(&from, &p.to, &p.amount, RawBytes::new(p.operator_data), RawBytes::default())
        .map_err(token_error)?;
    let done = save_and_call(&st, hook, &rt)?.map_err(hook_error)?;
    let mut st: State = sdk::state()?;
    let ret = Token::wrap(&rt, GRANULARITY, &mut st.token).transfer_return(done).map_err(token_error)?;
    transfer_event(&from, &p.to, sdk::caller(), &p.amount)?;
    sdk::ret(&TransferReturn {
        from_balance: ret.from_balance,
        to_balance: ret.to_balance,
        recipient_data: ret.recipient_data.to_vec(),
    })
}

fn transfer_from(p: TransferFromParams) -> ActorResult<Option<IpldBlock>> {
    let rt = runtime();
    let mut st: State = sdk::state()?;
    let operator = sdk::caller();
    let hook = Token::wrap(&rt, GRANULARITY, &mut st.token)
        .transfer_from(
            &Address::new_id(operator),
            &p.from,
            &p.to,
            &p.amount,
            RawBytes::new(p.operator_data),
            RawBytes::default(),
        )
        .map_err(token_error)?;
    let done = save_and_call(&st, hook, &rt)?.map_err(hook_error)?;
    let mut st: State = sdk::state()?;
    let ret = Token::wrap(&rt, GRANULARITY, &mut st.token).transfer_from_return(done).map_err(token_error)?;
    transfer_event(&p.from, &p.to, operator, &p.amount)?;
    sdk::ret(&TransferFromReturn {
        from_balance: ret.from_balance,
        to_balance: ret.to_balance,
        allowance: ret.allowance,
        recipient_data: ret.recipient_data.to_vec(),
    })
}

/// What a burn left: the owner's balance and (for `BurnFrom`) the operator's allowance.
struct Burned {
    balance: TokenAmount,
    allowance: TokenAmount,
}

/// `Burn`/`BurnFrom`: on a linked token, burned USDC leaves through the outbox to the owner's
/// own address on the parent (destroying it here while it stays locked there would lose it).
fn burn_to_outbox(
    owner: ActorID,
    amount: &TokenAmount,
    op: impl FnOnce(&mut Token<FvmSyscalls, sdk::SdkStore>) -> Result<Burned, TokenError>,
) -> ActorResult<Burned> {
    let parent_recipient = parent_address_of(owner)?;
    let p = WithdrawParams { parent_recipient, amount: amount.clone(), fast: None };
    queue_withdrawal(owner, &p, op).map(|(_, burned)| burned)
}

fn withdraw(p: WithdrawParams) -> ActorResult<Option<IpldBlock>> {
    let sender = sdk::caller();
    let (nonce, burned) =
        queue_withdrawal(sender, &p, |t| t.burn(&Address::new_id(sender), &p.amount).map(Burned::from))?;
    sdk::ret(&WithdrawReturn { nonce, balance: burned.balance })
}

/// Validates, burns with `op`, appends the outbox entry, saves and emits.
fn queue_withdrawal(
    sender: ActorID,
    p: &WithdrawParams,
    op: impl FnOnce(&mut Token<FvmSyscalls, sdk::SdkStore>) -> Result<Burned, TokenError>,
) -> ActorResult<(u64, Burned)> {
    let rt = runtime();
    let mut st: State = sdk::state()?;
    let mut events = Vec::new();
    let burn = |token: &mut _| op(&mut Token::wrap(&rt, GRANULARITY, token)).map_err(token_error);
    let out = st.queue_withdrawal(&sdk::SdkStore, &ctx(), sender, p, burn, &mut events)?;
    sdk::set_state(&st)?;
    emit(events)?;
    Ok(out)
}

impl From<frc46_token::token::types::BurnReturn> for Burned {
    fn from(r: frc46_token::token::types::BurnReturn) -> Self {
        Burned { balance: r.balance, allowance: TokenAmount::default() }
    }
}

fn mint_data(kind: u8, nonce: u64, parent_address: Address) -> ActorResult<RawBytes> {
    RawBytes::serialize(MintData { kind, nonce, parent_address })
        .map_err(|e| actor_error!(serialization; "encoding mint data: {e}"))
}

fn apply_deposit(p: DepositParams) -> ActorResult<Option<IpldBlock>> {
    let rt = runtime();
    let ctx = ctx();
    let mut st: State = sdk::state()?;
    st.begin_deposit(&ctx, &p)?;
    let before = st.token.clone();
    let data = mint_data(MINT_DEPOSIT, p.nonce, p.parent_sender)?;
    let minted = Token::wrap(&rt, GRANULARITY, &mut st.token).mint(
        &Address::new_id(ctx.caller),
        &p.recipient,
        &p.amount,
        RawBytes::default(),
        data,
    );
    let delivered = match minted {
        Ok(hook) => save_and_call(&st, hook, &rt)?.is_ok(),
        // The recipient cannot be created (e.g. an unknown actor address).
        Err(TokenError::Messaging(_)) => false,
        Err(e) => return Err(token_error(e)),
    };
    if delivered {
        // Saved before the hook, and the hook may have moved the tokens on: nothing to save.
        sdk::emit(deposit_event("deposit-applied", &p)?)?;
        return sdk::ret(&DepositReturn { delivered: true, refund_nonce: None });
    }
    // A refused hook rolled back only the receiver; undo the mint here.
    st.token = before;
    let mut events = Vec::new();
    let refund = st.bounce_deposit(&sdk::SdkStore, &ctx, &p, &mut events)?;
    sdk::set_state(&st)?;
    emit(events)?;
    sdk::ret(&DepositReturn { delivered: false, refund_nonce: Some(refund) })
}

fn reject_withdrawal(p: NonceParam) -> ActorResult<Option<IpldBlock>> {
    let rt = runtime();
    let ctx = ctx();
    let mut st: State = sdk::state()?;
    let mut events = Vec::new();
    let (sender, entry) = st.reject(&sdk::SdkStore, &ctx, p.nonce, &mut events)?;
    let data = mint_data(MINT_REFUND, p.nonce, entry.recipient)?;
    let hook = Token::wrap(&rt, GRANULARITY, &mut st.token)
        .mint(&Address::new_id(ctx.caller), &Address::new_id(sender), &entry.amount, RawBytes::default(), data)
        .map_err(token_error)?;
    // The tokens were the sender's: a refusing hook does not stop them coming back.
    let hook_accepted = save_and_call(&st, hook, &rt)?.is_ok();
    emit(events)?;
    sdk::ret(&RejectReturn { sender, amount: entry.amount, hook_accepted })
}

/// The owner's address on the parent: its delegated (f4) address, or an account's key address.
/// `PubkeyAddress` (method 2) is the account actor's; any other actor fails the read-only call
/// or answers with something that is not a key address, and has no parent address.
fn parent_address_of(owner: ActorID) -> ActorResult<Address> {
    if let Some(addr) = fvm_sdk::actor::lookup_delegated_address(owner) {
        return Ok(addr);
    }
    let no_address = || actor_error!(illegal_argument; "f0{owner} has no address on the parent chain; use Withdraw with a parent_recipient");
    let ret =
        sdk::call::<()>(owner, METHOD_PUBKEY_ADDRESS, None, TokenAmount::default(), true).map_err(|_| no_address())?;
    let addr: Address = ret.ok_or_else(no_address)?.deserialize().map_err(|_| no_address())?;
    validate_parent_address(&addr).map_err(|_| no_address())?;
    Ok(addr)
}

fn constructor(p: ConstructorParams) -> ActorResult<Option<IpldBlock>> {
    let admin = sdk::resolve(&p.admin)?;
    let authority = sdk::resolve(&p.authority)?;
    let st = State::new(&sdk::SdkStore, admin, authority, p.name, p.symbol)?;
    sdk::set_state(&st)?;
    sdk::emit(EventBuilder::new("admin-transferred").field("from", &None::<ActorID>)?.field("to", &admin)?)?;
    sdk::emit(
        EventBuilder::new("token-created")
            .field("name", &st.name)?
            .field("symbol", &st.symbol)?
            .field("granularity", &GRANULARITY)?
            .field("authority", &authority)?,
    )?;
    Ok(None)
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
            "recipient {address} refused the tokens (its receiver hook exited with {})",
            exit_code.value()
        ),
        e => ActorError::new(ExitCode::from(&e), format!("calling the receiver hook: {e}")),
    }
}
