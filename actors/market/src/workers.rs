//! A matched unit's life in a deal: its worker (paid from the period after it is set), leaving
//! the deal, and claims of its earnings.

use crate::events::{EarningsClaimed, PayableClaimed, WorkerSet};
use cloudless_runtime::{actor_error, ActorResult, Ctx, Effects};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::econ::TokenAmount;

use crate::deals::{pay_out, release, settled};
use crate::state::State;
use crate::types::*;

/// The deal settled to now and the unit's slot and record; `caller` must be the unit's provider
/// or its peer's owner.
fn unit_of<BS: Blockstore>(
    st: &State,
    store: &BS,
    ctx: &Ctx,
    p: &UnitParams,
    fx: &mut Effects,
) -> ActorResult<(Deal, DealSlot, DealUnit)> {
    let deal = settled(st, store, ctx, p.deal, fx)?;
    let slot = deal.slot_of(&p.unit)?.clone();
    let record = st.get_unit(store, slot.slot)?;
    if ctx.caller != record.provider && ctx.caller != record.owner {
        return Err(actor_error!(
            forbidden;
            "caller f0{} is neither the provider (f0{}) nor the peer owner (f0{}) of unit {}", ctx.caller, record.provider, record.owner, p.unit
        ));
    }
    Ok((deal, slot, record))
}

/// `SetWorker`: the unit's worker id; the first one makes the unit a paid worker from the next
/// period.
pub fn set_worker<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    p: &SetWorkerParams,
    fx: &mut Effects,
) -> ActorResult<()> {
    if p.worker == cloudless_runtime::bytes::Bytes32::ZERO {
        return Err(actor_error!(illegal_argument; "a worker id must not be zero"));
    }
    let (mut deal, slot, mut record) = unit_of(st, store, ctx, &UnitParams { deal: p.deal, unit: p.unit }, fx)?;
    let now = st.period(ctx.epoch);
    if record.active_from.is_none() {
        record.active_from = Some(now + 1);
        record.snapshot = deal.paid_periods;
        deal.workers += 1;
    }
    st.put_deal(store, &deal)?;
    record.worker = Some(p.worker);
    st.put_unit(store, slot.slot, &record)?;
    fx.emit(&WorkerSet {
        deal: deal.id,
        unit: p.unit,
        worker: p.worker,
        paid_from: record.active_from,
        workers: deal.workers,
    })
}

/// `RemoveUnit`: the unit's provider, its peer's owner or the deal's owner takes it out.
pub fn remove_unit<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    p: &UnitParams,
    fx: &mut Effects,
) -> ActorResult<()> {
    let mut deal = settled(st, store, ctx, p.deal, fx)?;
    let slot = deal.slot_of(&p.unit)?.clone();
    let record = st.get_unit(store, slot.slot)?;
    if ![record.provider, record.owner, deal.owner].contains(&ctx.caller) {
        return Err(
            actor_error!(forbidden; "caller f0{} may not take unit {} out of deal {}", ctx.caller, p.unit, deal.id),
        );
    }
    release(st, store, &mut deal, &p.unit, fx)?;
    st.put_deal(store, &deal)
}

/// `ClaimEarnings`: pays the unit's provider what the unit earned in its deal so far.
pub fn claim<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    p: &UnitParams,
    fx: &mut Effects,
) -> ActorResult<ClaimReturn> {
    let (mut deal, slot, mut record) = unit_of(st, store, ctx, p, fx)?;
    record.bank(&deal);
    let amount = std::mem::take(&mut record.unclaimed);
    if !amount.is_positive() {
        return Err(actor_error!(illegal_state; "unit {} has nothing to claim in deal {}", p.unit, deal.id));
    }
    record.claimed += &amount;
    deal.claimed += &amount;
    st.move_held(store, deal.token, &-amount.clone())?;
    st.put_unit(store, slot.slot, &record)?;
    st.put_deal(store, &deal)?;
    fx.emit(&EarningsClaimed { deal: deal.id, unit: p.unit, provider: record.provider, amount: amount.clone() })?;
    pay_out(fx, deal.token, record.provider, &amount)?;
    Ok(ClaimReturn { provider: record.provider, amount })
}

/// `ClaimPayable`: pays a provider the earnings of its units that left deals, in one token.
pub fn claim_payable<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    provider: fvm_shared::ActorID,
    token: fvm_shared::ActorID,
    fx: &mut Effects,
) -> ActorResult<ClaimReturn> {
    if ctx.caller != provider {
        return Err(actor_error!(forbidden; "only f0{provider} claims its own earnings"));
    }
    let amount = st.payable(store, provider, token)?;
    if !amount.is_positive() {
        return Err(actor_error!(illegal_state; "f0{provider} has nothing to claim in token f0{token}"));
    }
    st.set_payable(store, provider, token, TokenAmount::default())?;
    st.move_held(store, token, &-amount.clone())?;
    fx.emit(&PayableClaimed { provider, token, amount: amount.clone() })?;
    pay_out(fx, token, provider, &amount)?;
    Ok(ClaimReturn { provider, amount })
}

/// `GetDealUnit`: the unit's record and what it can claim now.
pub fn view<BS: Blockstore>(st: &State, store: &BS, ctx: &Ctx, p: &UnitParams) -> ActorResult<DealUnitView> {
    let deal = settled(st, store, ctx, p.deal, &mut Effects::default())?;
    let record = st.get_unit(store, deal.slot_of(&p.unit)?.slot)?;
    Ok(DealUnitView { claimable: record.claimable(&deal), record })
}
