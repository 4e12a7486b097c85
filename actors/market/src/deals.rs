//! Deals (docs/protocol.md §6): creation, deposits through the FRC-46 receiver hook, withdrawals by the
//! owner above the reserve, `Stop`, and the views. Payments are the per-deal clock of
//! [`crate::state`]; every operation settles the deal to the current period first.

use cloudless_runtime::bytes::Bytes32;
use cloudless_runtime::{actor_error, ActorResult, Ctx, Effects};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

use crate::events::*;
use crate::ext::{capacity, token};
use crate::offers::cid_set;
use crate::state::State;
use crate::types::*;

/// Checks a new deal's parameters (addresses already resolved).
fn validate(p: &CreateDealParams, access_list: &[ActorID]) -> ActorResult<()> {
    if p.min_workers == 0 || p.min_workers > p.target_workers || p.target_workers > MAX_TARGET_WORKERS {
        return Err(actor_error!(
            illegal_argument;
            "need 1 <= min_workers ({}) <= target_workers ({}) <= {MAX_TARGET_WORKERS}", p.min_workers, p.target_workers
        ));
    }
    if p.max_workers_per_provider == 0 {
        return Err(actor_error!(illegal_argument; "max_workers_per_provider must be positive"));
    }
    if !p.price.is_positive() {
        return Err(actor_error!(illegal_argument; "price must be positive"));
    }
    for (what, cid) in [("app", Some(&p.app)), ("input_data", p.input_data.as_ref())] {
        if cid.is_some_and(|c| c.to_bytes().len() > MAX_CID_LEN) {
            return Err(actor_error!(illegal_argument; "{what} CID is longer than {MAX_CID_LEN} bytes"));
        }
    }
    if access_list.len() > MAX_ACCESS_LIST {
        return Err(actor_error!(illegal_argument; "the access list holds at most {MAX_ACCESS_LIST} providers"));
    }
    if p.access == Access::All && !access_list.is_empty() {
        return Err(actor_error!(illegal_argument; "an access list needs access Whitelist or Blacklist"));
    }
    if p.require_results && p.verifying_key.is_empty() {
        return Err(actor_error!(illegal_argument; "require_results needs a verifying key"));
    }
    if !p.verifying_key.is_empty() {
        key_inputs(&p.verifying_key)?;
    }
    Ok(())
}

/// The public-input count a verifying key's length implies (at least the bound inputs).
pub fn key_inputs(vk: &[u8]) -> ActorResult<usize> {
    use cloudless_syscalls::abi::{groth16_vk_len, G1_LEN};
    let base = groth16_vk_len(0);
    let n = vk.len().checked_sub(base).filter(|extra| extra % G1_LEN == 0).map(|extra| extra / G1_LEN);
    match n {
        Some(n) if (BOUND_INPUTS..=cloudless_syscalls::abi::MAX_GROTH16_PUBLIC_INPUTS).contains(&n) => Ok(n),
        _ => Err(actor_error!(
            illegal_argument;
            "a verifying key of {} bytes is not one of {BOUND_INPUTS} to {} public inputs (deal, period, output, unit ×2, worker ×2, ...)",
            vk.len(), cloudless_syscalls::abi::MAX_GROTH16_PUBLIC_INPUTS
        )),
    }
}

/// `CreateDeal`: the caller owns it; it is funded by FRC-46 transfers naming it.
pub fn create<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    p: &CreateDealParams,
    token: ActorID,
    mut access_list: Vec<ActorID>,
    fx: &mut Effects,
) -> ActorResult<DealQuery> {
    validate(p, &access_list)?;
    access_list.sort();
    access_list.dedup();
    let now = st.period(ctx.epoch);
    let created = DealCreated {
        deal: st.next_deal,
        owner: ctx.caller,
        token,
        app: p.app.to_bytes(),
        input_data: p.input_data.map(|c| c.to_bytes()).unwrap_or_default(),
        min_workers: p.min_workers,
        target_workers: p.target_workers,
        max_workers_per_provider: p.max_workers_per_provider,
        price: p.price.clone(),
        access: p.access,
        access_list,
        protocol_version: p.protocol_version,
        verified_results: !p.verifying_key.is_empty(),
        require_results: p.require_results,
        effectors: cid_set(&p.effectors, "effectors")?,
        created: now,
    };
    let deal = Deal::created(created.clone());
    if deal.has_key {
        st.put_key(store, deal.id, &p.verifying_key)?;
    }
    st.put_deal(store, &deal)?;
    st.next_deal += 1;
    fx.emit(&created)?;
    Ok(DealQuery { deal: deal.id })
}

/// Loads a deal and settles it to the current period.
pub fn settled<BS: Blockstore>(st: &State, store: &BS, ctx: &Ctx, id: u64, fx: &mut Effects) -> ActorResult<Deal> {
    let mut deal = st.get_deal(store, id)?;
    let s = deal.settle(st.period(ctx.epoch));
    if s.periods > 0 {
        fx.emit(&DealSettled {
            deal: id,
            through: deal.charged_through,
            paid: s.paid,
            gaps: s.gaps,
            charged: s.charged,
            balance: deal.balance.clone(),
        })?;
    }
    Ok(deal)
}

fn owned<BS: Blockstore>(st: &State, store: &BS, ctx: &Ctx, id: u64, fx: &mut Effects) -> ActorResult<Deal> {
    let deal = settled(st, store, ctx, id, fx)?;
    if deal.owner != ctx.caller {
        return Err(actor_error!(forbidden; "deal {id} is f0{}'s, not the caller's", deal.owner));
    }
    Ok(deal)
}

/// The FRC-46 `Receive` hook: a transfer to the market funds the deal its operator data names,
/// if the hook's caller is that deal's token.
pub fn receive<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    p: &ReceiveParams,
    fx: &mut Effects,
) -> ActorResult<()> {
    if p.type_ != token::FRC46_TOKEN_TYPE {
        return Err(actor_error!(illegal_argument; "the market receives only FRC-46 tokens"));
    }
    let got: token::FRC46TokenReceived =
        p.payload.deserialize().map_err(|e| actor_error!(serialization; "FRC-46 receipt: {e}"))?;
    let target: DepositTarget = got.operator_data.deserialize().map_err(
        |e| actor_error!(illegal_argument; "the transfer's operator data must name a deal ([deal id]): {e}"),
    )?;
    let mut deal = settled(st, store, ctx, target.deal, fx)?;
    if deal.token != ctx.caller {
        return Err(actor_error!(forbidden; "deal {} is paid in f0{}, not in f0{}", deal.id, deal.token, ctx.caller));
    }
    if deal.ended.is_some() {
        return Err(actor_error!(illegal_state; "deal {} has ended", deal.id));
    }
    if !got.amount.is_positive() {
        return Err(actor_error!(illegal_argument; "a deposit must be positive"));
    }
    deal.balance += &got.amount;
    deal.deposited += &got.amount;
    if !deal.activated && deal.balance >= deal.reserve(&st.config) {
        deal.activated = true;
    }
    st.move_held(store, deal.token, &got.amount)?;
    st.put_deal(store, &deal)?;
    fx.emit(&Deposited {
        deal: deal.id,
        from: got.from,
        amount: got.amount,
        balance: deal.balance,
        activated: deal.activated,
    })
}

/// Pays `amount` of `token` out of the market to `to` (an FRC-46 transfer, after the state is
/// saved).
pub fn pay_out(fx: &mut Effects, token: ActorID, to: ActorID, amount: &TokenAmount) -> ActorResult<()> {
    let params =
        token::TransferParams { to: Address::new_id(to), amount: amount.clone(), operator_data: RawBytes::default() };
    fx.call(token, token::METHOD_TRANSFER, &params, TokenAmount::default(), format!("paying f0{to} in token f0{token}"))
}

/// `Withdraw`: the owner takes back what its deal holds beyond the reserve (everything, once
/// min_deposited_periods have passed since it ended).
pub fn withdraw<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    p: &WithdrawParams,
    fx: &mut Effects,
) -> ActorResult<()> {
    let mut deal = owned(st, store, ctx, p.deal, fx)?;
    if !p.amount.is_positive() {
        return Err(actor_error!(illegal_argument; "withdraw a positive amount"));
    }
    let free = deal.withdrawable(&st.config, st.period(ctx.epoch));
    if p.amount > free {
        return Err(actor_error!(insufficient_funds; "deal {} can release {free} now, not {}", deal.id, p.amount));
    }
    deal.balance -= &p.amount;
    deal.withdrawn += &p.amount;
    st.move_held(store, deal.token, &-p.amount.clone())?;
    st.put_deal(store, &deal)?;
    fx.emit(&Withdrawn { deal: deal.id, amount: p.amount.clone(), balance: deal.balance.clone() })?;
    pay_out(fx, deal.token, deal.owner, &p.amount)
}

/// Takes `unit` out of `deal` (it is settled): banks its earnings into its provider's payable
/// earnings, deletes its record and returns it to its commitment through the capacity actor.
pub fn release<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    deal: &mut Deal,
    unit: &Bytes32,
    fx: &mut Effects,
) -> ActorResult<TokenAmount> {
    let at = deal
        .units
        .iter()
        .position(|s| &s.unit == unit)
        .ok_or_else(|| actor_error!(not_found; "unit {unit} is not in deal {}", deal.id))?;
    let slot = deal.units.remove(at);
    let mut record = st.get_unit(store, slot.slot)?;
    record.bank(deal);
    if record.active_from.is_some() {
        deal.workers -= 1;
    }
    let earned = record.unclaimed.clone();
    if earned.is_positive() {
        let payable = st.payable(store, slot.provider, deal.token)? + &earned;
        st.set_payable(store, slot.provider, deal.token, payable)?;
        deal.departed += &earned;
    }
    st.delete_unit(store, slot.slot)?;
    let mut offer = st.get_offer(store, slot.offer)?;
    let was_usable = offer.usable();
    if let Some(p) = offer.peers.iter_mut().find(|p| p.peer_id == slot.peer_id) {
        p.units_in_deals -= 1;
        // The unit is free again; if its commitment has ended, the next query says so.
        p.free_units = p.free_units.saturating_add(1);
    }
    st.save_offer(store, &offer, was_usable)?;
    fx.emit(&UnitLeft { deal: deal.id, unit: *unit, provider: slot.provider, earned: earned.clone() })?;
    fx.call(
        st.config.capacity,
        capacity::METHOD_RETURN_UNIT_FROM_DEAL,
        &capacity::UnitQuery { unit_id: *unit },
        TokenAmount::default(),
        format!("returning unit {unit} to its commitment"),
    )?;
    Ok(earned)
}

/// `Stop`: the owner ends the deal; every unit goes back to its commitment with its earnings
/// payable to its provider; the balance can be withdrawn min_deposited_periods later.
pub fn stop<BS: Blockstore>(st: &mut State, store: &BS, ctx: &Ctx, id: u64, fx: &mut Effects) -> ActorResult<()> {
    let mut deal = owned(st, store, ctx, id, fx)?;
    if deal.ended.is_some() {
        return Err(actor_error!(illegal_state; "deal {id} has already ended"));
    }
    let now = st.period(ctx.epoch);
    deal.ended = Some(now);
    let units: Vec<Bytes32> = deal.units.iter().map(|s| s.unit).collect();
    for unit in &units {
        release(st, store, &mut deal, unit, fx)?;
    }
    st.put_deal(store, &deal)?;
    fx.emit(&DealEnded { deal: id, period: now, balance: deal.balance.clone(), units })
}

/// `GetDeal`: settled to now in memory.
pub fn view<BS: Blockstore>(st: &State, store: &BS, ctx: &Ctx, id: u64) -> ActorResult<DealView> {
    let deal = settled(st, store, ctx, id, &mut Effects::default())?;
    Ok(DealView {
        status: deal.status(&st.config),
        reserve: deal.reserve(&st.config),
        withdrawable: deal.withdrawable(&st.config, st.period(ctx.epoch)),
        deal,
    })
}
