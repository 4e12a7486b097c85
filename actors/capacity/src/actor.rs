//! Wasm glue: params, address resolution, the oracle and rewards calls, the RandomX syscall,
//! state load/save, events and payouts. The state is saved before any call to another actor.

use cloudless_runtime::{actor_error, sdk, ActorResult, METHOD_CONSTRUCTOR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::econ::TokenAmount;
use fvm_shared::MethodNum;

use crate::registry;
use crate::state::{Ctx, Effects, State};
use crate::types::*;

cloudless_runtime::wasm_entry!(dispatch);

fn dispatch(method: MethodNum, params: u32) -> ActorResult<Option<IpldBlock>> {
    match method {
        METHOD_CONSTRUCTOR => sdk::construct(params, constructor),
        METHOD_REGISTER_PROVIDER => {
            none(mutate(|st, ctx, fx| registry::register_provider(st, &sdk::SdkStore, ctx, sdk::params(params)?, fx)))
        }
        METHOD_UPDATE_PROVIDER => {
            none(mutate(|st, ctx, fx| registry::update_provider(st, &sdk::SdkStore, ctx, sdk::params(params)?, fx)))
        }
        METHOD_APPROVE_PROVIDER => {
            let p: ProviderQuery = sdk::params(params)?;
            let provider = sdk::resolve(&p.provider)?;
            none(mutate(|st, ctx, fx| registry::approve_provider(st, &sdk::SdkStore, ctx, provider, fx)))
        }
        METHOD_REGISTER_PEER => {
            let p: RegisterPeerParams = sdk::params(params)?;
            let owner = sdk::resolve(&p.owner)?;
            none(mutate(|st, ctx, fx| registry::register_peer(st, &sdk::SdkStore, ctx, p.peer_id, owner, p.units, fx)))
        }
        METHOD_ADD_UNITS => {
            none(mutate(|st, ctx, fx| registry::add_units(st, &sdk::SdkStore, ctx, sdk::params(params)?, fx)))
        }
        METHOD_REMOVE_UNITS => {
            none(mutate(|st, ctx, fx| registry::remove_units(st, &sdk::SdkStore, ctx, sdk::params(params)?, fx)))
        }
        METHOD_CREATE_COMMITMENT => create_commitment(sdk::params(params)?),
        METHOD_REMOVE_COMMITMENT => {
            let p: CommitmentQuery = sdk::params(params)?;
            none(mutate(|st, ctx, fx| registry::remove_commitment(st, &sdk::SdkStore, ctx, p.id, fx)))
        }
        METHOD_DEPOSIT_COLLATERAL => {
            let p: DepositParams = sdk::params(params)?;
            let value = sdk::value_received();
            none(mutate(|st, ctx, fx| registry::deposit_collateral(st, &sdk::SdkStore, ctx, &p.ids, &value, fx)))
        }
        METHOD_SUBMIT_PROOFS => {
            let p: SubmitProofsParams = sdk::params(params)?;
            ret(mutate(|st, ctx, fx| {
                crate::proofs::submit_proofs(st, &sdk::SdkStore, ctx, &p.proofs, &mut randomx, fx)
            })?)
        }
        METHOD_SETTLE_COMMITMENT => {
            let p: SettleParams = sdk::params(params)?;
            ret(mutate(|st, ctx, fx| registry::settle_commitment(st, &sdk::SdkStore, ctx, &p, fx))?)
        }
        METHOD_FINISH_COMMITMENT => {
            let p: CommitmentQuery = sdk::params(params)?;
            ret(mutate(|st, ctx, fx| registry::finish_commitment(st, &sdk::SdkStore, ctx, p.id, fx))?)
        }
        METHOD_SET_DIFFICULTY => {
            let p: DifficultyParams = sdk::params(params)?;
            none(mutate(|st, ctx, fx| registry::set_difficulty(st, ctx, p.difficulty, fx)))
        }
        METHOD_MOVE_UNIT_TO_DEAL => {
            let p: MoveUnitParams = sdk::params(params)?;
            none(mutate(|st, ctx, fx| registry::move_unit(st, &sdk::SdkStore, ctx, &p.unit_id, Some(p.deal), fx)))
        }
        METHOD_RETURN_UNIT_FROM_DEAL => {
            let p: UnitQuery = sdk::params(params)?;
            none(mutate(|st, ctx, fx| registry::move_unit(st, &sdk::SdkStore, ctx, &p.unit_id, None, fx)))
        }
        METHOD_TRANSFER_ADMIN => {
            let p: TransferAdminParams = sdk::params(params)?;
            let new_admin = sdk::resolve(&p.new_admin)?;
            none(mutate(|st, ctx, fx| registry::transfer_admin(st, ctx, new_admin, fx)))
        }
        METHOD_GET_GLOBAL_NONCE => {
            let st = current_view()?;
            sdk::ret(&GlobalNonce { period: st.period.period, nonce: st.period.nonce })
        }
        METHOD_GET_PERIOD_INFO => sdk::ret(&crate::registry::period_info(&current_view()?)),
        METHOD_GET_CONFIG => {
            let st: State = sdk::state()?;
            sdk::ret(&ConfigReturn { admin: st.admin, config: st.config })
        }
        METHOD_GET_PROVIDER => {
            let p: ProviderQuery = sdk::params(params)?;
            let id = sdk::resolve(&p.provider)?;
            sdk::ret(&sdk::state::<State>()?.get_provider(&sdk::SdkStore, id)?)
        }
        METHOD_GET_PEER => {
            let p: PeerQuery = sdk::params(params)?;
            sdk::ret(&sdk::state::<State>()?.get_peer(&sdk::SdkStore, &p.peer_id)?)
        }
        METHOD_GET_UNIT => {
            let p: UnitQuery = sdk::params(params)?;
            sdk::ret(&sdk::state::<State>()?.get_unit(&sdk::SdkStore, &p.unit_id)?)
        }
        METHOD_GET_COMMITMENT => {
            let p: CommitmentQuery = sdk::params(params)?;
            let mut st: State = sdk::state()?;
            sdk::ret(&registry::commitment_view(&mut st, &sdk::SdkStore, &ctx(), p.id)?)
        }
        _ => sdk::unhandled(method),
    }
}

fn ctx() -> Ctx {
    Ctx { caller: sdk::caller(), epoch: sdk::curr_epoch(), keccak: sdk::keccak256 }
}

fn none(r: ActorResult<()>) -> ActorResult<Option<IpldBlock>> {
    r.map(|()| None)
}

fn ret<T: serde::Serialize>(value: T) -> ActorResult<Option<IpldBlock>> {
    sdk::ret(&value)
}

/// The state as of the current period, without saving it (queries never write).
fn current_view() -> ActorResult<State> {
    let mut st: State = sdk::state()?;
    st.touch(&ctx(), &mut Effects::default())?;
    Ok(st)
}

/// Loads the state, runs `op`, saves the state, then performs its effects: events, reward
/// reports and FLT transfers. Any failure aborts the message, undoing everything.
fn mutate<R>(op: impl FnOnce(&mut State, &Ctx, &mut Effects) -> ActorResult<R>) -> ActorResult<R> {
    let mut st: State = sdk::state()?;
    let mut fx = Effects::default();
    let ctx = ctx();
    // Every state-changing message first moves the period clock (so SetDifficulty always
    // counts "next period" from the current one).
    st.touch(&ctx, &mut fx)?;
    let out = op(&mut st, &ctx, &mut fx)?;
    sdk::set_state(&st)?;
    for event in fx.events {
        sdk::emit(event)?;
    }
    if let Some(rewards) = st.config.rewards {
        for record in &fx.records {
            sdk::call(rewards, crate::ext::rewards::METHOD_RECORD_PROOFS, Some(record), TokenAmount::default(), false)
                .map_err(|e| e.wrap("reporting proofs to the rewards actor"))?;
        }
    }
    for (to, amount) in fx.transfers {
        sdk::transfer(to, amount).map_err(|e| e.wrap(format_args!("paying f0{to}")))?;
    }
    Ok(out)
}

fn constructor(params: ConstructorParams) -> ActorResult<Option<IpldBlock>> {
    let admin = sdk::resolve(&params.admin)?;
    let st = State::new(&sdk::SdkStore, admin, params.config, params.genesis_nonce, params.difficulty)?;
    sdk::set_state(&st)?;
    sdk::emit(
        cloudless_runtime::events::EventBuilder::new("admin-transferred")
            .field("from", &None::<u64>)?
            .field("to", &admin)?,
    )?;
    Ok(None)
}

/// `CreateCommitment`: the FLT/USD price comes from the oracle (read-only call); "no fresh
/// price" (USR_ILLEGAL_STATE from the oracle) falls back to the genesis FLT collateral.
fn create_commitment(params: CreateCommitmentParams) -> ActorResult<Option<IpldBlock>> {
    let delegator = params.delegator.as_ref().map(sdk::resolve).transpose()?;
    ret(mutate(|st, ctx, fx| {
        // A read-only call: the oracle cannot change anything while our state is unsaved.
        let price = match st.config.oracle {
            None => None,
            Some(oracle) => cloudless_runtime::oracle::price(oracle, &st.config.oracle_asset)?
                .map(|info| info.median)
                .filter(|p| p.is_positive()),
        };
        registry::create_commitment(st, &sdk::SdkStore, ctx, &params, delegator, price, fx)
    })?)
}

/// The RandomX syscall; a refused batch here is the actor's bug (it checks limits first).
fn randomx(pairs: &[([u8; 32], [u8; 32])]) -> ActorResult<Vec<[u8; 32]>> {
    cloudless_syscalls::randomx_hashes(pairs).map_err(|e| actor_error!(illegal_state; "randomx_hashes syscall: {e}"))
}
