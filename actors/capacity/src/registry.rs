//! Registry and commitment lifecycle: providers, peers, units, commitments, collateral, exit and
//! the market hooks. Each operation checks everything before changing anything in memory; the
//! glue saves the state only when the whole operation succeeded.

use cloudless_runtime::admin::require_admin;
use cloudless_runtime::bytes::{to_hex, Bytes32};
use cloudless_runtime::{actor_error, ActorResult, Ctx, Effects, PRECISION};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

use crate::events::*;
use crate::state::State;
use crate::types::*;
use crate::types::{Commitment, Peer, Provider, Unit};

/// The burnt-funds actor: slashed FLT goes here unless a treasury is configured.
pub const BURNT_FUNDS_ACTOR_ID: ActorID = 99;

fn validate_provider(params: &ProviderParams) -> ActorResult<()> {
    if params.name.is_empty() || params.name.len() > MAX_NAME_LEN {
        return Err(actor_error!(illegal_argument; "provider name must be 1 to {MAX_NAME_LEN} bytes"));
    }
    Ok(())
}

pub fn register_provider<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    params: ProviderParams,
    fx: &mut Effects,
) -> ActorResult<()> {
    validate_provider(&params)?;
    if st.get_provider(store, ctx.caller).is_ok() {
        return Err(actor_error!(illegal_state; "f0{} is already a provider", ctx.caller));
    }
    let p = Provider {
        id: ctx.caller,
        name: params.name,
        metadata: params.metadata.to_bytes(),
        approved: !st.config.whitelist,
        peers: 0,
    };
    fx.emit_as("provider-registered", &ProviderChanged::of(&p))?;
    st.put_provider(store, p)?;
    st.totals.providers += 1;
    Ok(())
}

pub fn update_provider<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    params: ProviderParams,
    fx: &mut Effects,
) -> ActorResult<()> {
    validate_provider(&params)?;
    let mut p = st.get_provider(store, ctx.caller)?;
    p.name = params.name;
    p.metadata = params.metadata.to_bytes();
    fx.emit_as("provider-updated", &ProviderChanged::of(&p))?;
    st.put_provider(store, p)
}

pub fn approve_provider<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    provider: ActorID,
    fx: &mut Effects,
) -> ActorResult<()> {
    require_admin(st, ctx)?;
    let mut p = st.get_provider(store, provider)?;
    if p.approved {
        return Err(actor_error!(illegal_state; "provider f0{provider} is already approved"));
    }
    p.approved = true;
    fx.emit_as("provider-approved", &ProviderChanged::of(&p))?;
    st.put_provider(store, p)
}

/// Checks a list of new unit ids (non-empty, unique, not registered anywhere, within the cap)
/// and returns them sorted.
fn check_new_units<BS: Blockstore>(
    st: &State,
    store: &BS,
    existing: usize,
    units: &[Bytes32],
) -> ActorResult<Vec<Bytes32>> {
    if units.is_empty() {
        return Err(actor_error!(illegal_argument; "no units given"));
    }
    if existing + units.len() > MAX_UNITS_PER_PEER {
        return Err(actor_error!(
            illegal_argument;
            "a peer has at most {MAX_UNITS_PER_PEER} units ({existing} + {} given)", units.len()
        ));
    }
    let mut sorted = units.to_vec();
    sorted.sort();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Err(actor_error!(illegal_argument; "duplicate unit ids in the list"));
    }
    for u in units {
        if st.find_unit(store, u)?.is_some() {
            return Err(actor_error!(illegal_state; "unit {u} is already registered"));
        }
    }
    Ok(sorted)
}

fn new_unit(id: Bytes32, peer_id: &[u8]) -> Unit {
    Unit { id, peer_id: peer_id.to_vec(), deal: None, exempt_until: 0, proof_period: -1, proof_count: 0 }
}

pub fn register_peer<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    peer_id: Vec<u8>,
    owner: ActorID,
    units: Vec<Bytes32>,
    fx: &mut Effects,
) -> ActorResult<()> {
    let mut provider = st.get_provider(store, ctx.caller)?;
    if !provider.approved {
        return Err(actor_error!(forbidden; "provider f0{} is not approved yet", ctx.caller));
    }
    if peer_id.is_empty() || peer_id.len() > MAX_PEER_ID_LEN {
        return Err(actor_error!(illegal_argument; "peer id must be 1 to {MAX_PEER_ID_LEN} bytes"));
    }
    if st.find_peer(store, &peer_id)?.is_some() {
        return Err(actor_error!(illegal_state; "peer {} is already registered", to_hex(&peer_id)));
    }
    let sorted = check_new_units(st, store, 0, &units)?;
    let peer = Peer { peer_id: peer_id.clone(), provider: ctx.caller, owner, units: sorted, commitment: None };
    fx.emit(&PeerRegistered { peer: peer_id.clone(), provider: ctx.caller, owner, units: peer.units.clone() })?;
    st.put_units(store, units.iter().map(|u| new_unit(*u, &peer_id)))?;
    st.put_peer(store, peer)?;
    provider.peers += 1;
    st.put_provider(store, provider)?;
    st.totals.peers += 1;
    st.totals.units += units.len() as u64;
    Ok(())
}

/// The caller's own peer, without a live commitment (units are frozen while one lives).
fn peer_for_unit_change<BS: Blockstore>(st: &State, store: &BS, ctx: &Ctx, peer_id: &[u8]) -> ActorResult<Peer> {
    let peer = st.get_peer(store, peer_id)?;
    if peer.provider != ctx.caller {
        return Err(actor_error!(forbidden; "caller f0{} is not the provider of peer {}", ctx.caller, to_hex(peer_id)));
    }
    if let Some(id) = peer.commitment {
        return Err(actor_error!(illegal_state; "peer {} has live commitment {id}; units are frozen", to_hex(peer_id)));
    }
    Ok(peer)
}

pub fn add_units<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    params: UnitsParams,
    fx: &mut Effects,
) -> ActorResult<()> {
    let mut peer = peer_for_unit_change(st, store, ctx, &params.peer_id)?;
    check_new_units(st, store, peer.units.len(), &params.units)?;
    fx.emit_as("units-added", &UnitsChanged { peer: peer.peer_id.clone(), units: params.units.clone() })?;
    st.put_units(store, params.units.iter().map(|u| new_unit(*u, &peer.peer_id)))?;
    peer.units.extend(params.units.iter().copied());
    peer.units.sort();
    st.put_peer(store, peer)?;
    st.totals.units += params.units.len() as u64;
    Ok(())
}

pub fn remove_units<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    params: UnitsParams,
    fx: &mut Effects,
) -> ActorResult<()> {
    let mut peer = peer_for_unit_change(st, store, ctx, &params.peer_id)?;
    if params.units.is_empty() {
        return Err(actor_error!(illegal_argument; "no units given"));
    }
    for u in &params.units {
        let pos = peer.units.binary_search(u).map_err(|_| actor_error!(not_found; "unit {u} is not on this peer"))?;
        peer.units.remove(pos);
        if st.get_unit(store, u)?.deal.is_some() {
            return Err(actor_error!(illegal_state; "unit {u} is in a deal"));
        }
    }
    fx.emit_as("units-removed", &UnitsChanged { peer: peer.peer_id.clone(), units: params.units.clone() })?;
    st.delete_units(store, &params.units)?;
    st.put_peer(store, peer)?;
    st.totals.units -= params.units.len() as u64;
    Ok(())
}

/// FLT collateral per unit from a FLT/USD price (USD ×10^18 per FLT), rounding down.
pub fn collateral_at_price(usd_per_unit: &TokenAmount, price: &TokenAmount) -> TokenAmount {
    TokenAmount::from_atto(usd_per_unit.atto() * TokenAmount::PRECISION / price.atto())
}

pub fn create_commitment<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    params: &CreateCommitmentParams,
    delegator: Option<ActorID>,
    price: Option<TokenAmount>,
    fx: &mut Effects,
) -> ActorResult<CreateCommitmentReturn> {
    let mut peer = st.get_peer(store, &params.peer_id)?;
    if peer.provider != ctx.caller {
        return Err(actor_error!(forbidden; "caller f0{} is not the provider of this peer", ctx.caller));
    }
    if !st.get_provider(store, ctx.caller)?.approved {
        return Err(actor_error!(forbidden; "provider f0{} is not approved", ctx.caller));
    }
    if let Some(id) = peer.commitment {
        return Err(actor_error!(illegal_state; "peer already has live commitment {id}"));
    }
    if peer.units.is_empty() {
        return Err(actor_error!(illegal_state; "peer has no units to commit"));
    }
    if params.duration < st.config.min_duration || params.duration > MAX_DURATION {
        return Err(actor_error!(
            illegal_argument;
            "duration {} must be in {}..={MAX_DURATION} periods", params.duration, st.config.min_duration
        ));
    }
    if params.delegator_reward_rate == 0 || params.delegator_reward_rate > PRECISION {
        return Err(actor_error!(
            illegal_argument;
            "delegator_reward_rate {} must be in (0, {PRECISION}]", params.delegator_reward_rate
        ));
    }
    let collateral_per_unit = match &price {
        Some(p) => collateral_at_price(&st.config.usd_collateral_per_unit, p),
        None => st.config.flt_collateral_per_unit.clone(),
    };
    let id = st.next_commitment_id;
    let cc = Commitment {
        id,
        peer_id: peer.peer_id.clone(),
        provider: ctx.caller,
        delegator,
        delegator_reward_rate: params.delegator_reward_rate,
        unit_count: peer.units.len() as u32,
        collateral_per_unit: collateral_per_unit.clone(),
        duration: params.duration,
        status: Status::WaitDelegation,
        start_period: 0,
        settled_through: 0,
        failures: 0,
        unit_failures: vec![0; peer.units.len()],
        slashed: TokenAmount::default(),
        failed_period: None,
    };
    fx.emit(&CommitmentCreated {
        id,
        peer: peer.peer_id.clone(),
        provider: ctx.caller,
        delegator,
        delegator_reward_rate: params.delegator_reward_rate,
        unit_count: cc.unit_count,
        duration: params.duration,
        collateral_per_unit: collateral_per_unit.clone(),
        price,
    })?;
    st.put_commitment(store, cc)?;
    peer.commitment = Some(id);
    st.put_peer(store, peer)?;
    st.next_commitment_id += 1;
    st.totals.commitments += 1;
    Ok(CreateCommitmentReturn { id, collateral_per_unit })
}

/// Ends a commitment's life: the peer may commit again.
fn release_peer<BS: Blockstore>(st: &mut State, store: &BS, cc: &Commitment) -> ActorResult<()> {
    let mut peer = st.get_peer(store, &cc.peer_id)?;
    peer.commitment = None;
    st.put_peer(store, peer)?;
    st.totals.commitments -= 1;
    Ok(())
}

pub fn remove_commitment<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    id: u64,
    fx: &mut Effects,
) -> ActorResult<()> {
    let mut cc = st.get_commitment(store, id)?;
    if cc.provider != ctx.caller {
        return Err(actor_error!(forbidden; "caller f0{} is not the provider of commitment {id}", ctx.caller));
    }
    if cc.status != Status::WaitDelegation {
        return Err(
            actor_error!(illegal_state; "commitment {id} is {}; only WaitDelegation can be removed", cc.status.name()),
        );
    }
    cc.status = Status::Removed;
    fx.emit(&CommitmentRemoved { id })?;
    release_peer(st, store, &cc)?;
    st.put_commitment(store, cc)
}

pub fn deposit_collateral<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    ids: &[u64],
    value: &TokenAmount,
    fx: &mut Effects,
) -> ActorResult<()> {
    if ids.is_empty() || ids.len() > MAX_DEPOSIT_COMMITMENTS {
        return Err(actor_error!(illegal_argument; "give 1 to {MAX_DEPOSIT_COMMITMENTS} commitment ids"));
    }
    let mut sorted = ids.to_vec();
    sorted.sort();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Err(actor_error!(illegal_argument; "duplicate commitment ids"));
    }
    let now = st.current_period(ctx.epoch);
    let mut ccs = Vec::new();
    let mut required = TokenAmount::default();
    for id in ids {
        let cc = st.get_commitment(store, *id)?;
        if cc.status != Status::WaitDelegation {
            return Err(actor_error!(illegal_state; "commitment {id} is {}, not WaitDelegation", cc.status.name()));
        }
        if let Some(d) = cc.delegator {
            if d != ctx.caller {
                return Err(actor_error!(forbidden; "commitment {id} names delegator f0{d}, not f0{}", ctx.caller));
            }
        }
        required += cc.total_collateral();
        ccs.push(cc);
    }
    if value != &required {
        return Err(actor_error!(
            illegal_argument;
            "deposit must be exactly {required} atto FLT for these commitments, got {value}"
        ));
    }
    let mut started = Vec::with_capacity(ccs.len());
    for mut cc in ccs {
        cc.delegator = Some(ctx.caller);
        cc.status = Status::Active;
        cc.start_period = now + 1;
        cc.settled_through = now + 1;
        fx.emit(&CollateralDeposited {
            id: cc.id,
            delegator: ctx.caller,
            amount: cc.total_collateral(),
            start_period: cc.start_period,
            end_period: cc.end_period(),
        })?;
        st.totals.committed_units += cc.unit_count as u64;
        st.totals.collateral += cc.total_collateral();
        let peer = st.get_peer(store, &cc.peer_id)?;
        let free = st.peer_units(store, &peer)?.iter().filter(|u| u.deal.is_none()).count() as u32;
        started.push(PeerUnits { peer_id: cc.peer_id.clone(), free_units: free });
        st.put_commitment(store, cc)?;
    }
    tell_market(st, started, fx)
}

/// Tells the market (if one is configured) how many free committed units these peers have now,
/// so its automatic matcher considers exactly the peers it can use (docs/market.md).
fn tell_market(st: &State, peers: Vec<PeerUnits>, fx: &mut Effects) -> ActorResult<()> {
    let Some(market) = st.config.market else { return Ok(()) };
    let what = "telling the market of the peers' free committed units";
    fx.call(
        market,
        crate::ext::market::METHOD_PEER_UNITS_CHANGED,
        &PeerUnitsParams { peers },
        TokenAmount::default(),
        what,
    )
}

pub fn settle_commitment<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    params: &SettleParams,
    fx: &mut Effects,
) -> ActorResult<SettleReturn> {
    if params.max_periods == 0 {
        return Err(actor_error!(illegal_argument; "max_periods must be positive"));
    }
    let now = st.current_period(ctx.epoch);
    let mut cc = st.get_commitment(store, params.id)?;
    let s = st.settle(store, &mut cc, now, params.max_periods.min(MAX_SETTLE_PERIODS), fx)?;
    let ret = SettleReturn { settled_through: cc.settled_through, status: cc.status_at(now), done: s.remaining == 0 };
    st.put_commitment(store, cc)?;
    Ok(ret)
}

pub fn finish_commitment<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    id: u64,
    fx: &mut Effects,
) -> ActorResult<FinishReturn> {
    let now = st.current_period(ctx.epoch);
    let mut cc = st.get_commitment(store, id)?;
    if ctx.caller != cc.provider && Some(ctx.caller) != cc.delegator {
        return Err(
            actor_error!(forbidden; "caller f0{} is neither provider nor delegator of commitment {id}", ctx.caller),
        );
    }
    st.settle_fully(store, &mut cc, now, fx)?;
    cc.check_finishable(&st.config, now)?;
    let peer = st.get_peer(store, &cc.peer_id)?;
    for unit in st.peer_units(store, &peer)? {
        if let Some(deal) = unit.deal {
            return Err(
                actor_error!(illegal_state; "unit {} is in deal {deal}; the market must return it first", unit.id),
            );
        }
    }
    let delegator = cc.delegator.ok_or_else(|| actor_error!(illegal_state; "commitment {id} has no delegator"))?;
    let returned = cc.total_collateral() - &cc.slashed;
    let slashed = cc.slashed.clone();
    let sink = st.config.treasury.unwrap_or(BURNT_FUNDS_ACTOR_ID);
    fx.transfer(delegator, returned.clone());
    fx.transfer(sink, slashed.clone());
    fx.emit(&CommitmentFinished {
        id,
        delegator,
        returned: returned.clone(),
        slashed: slashed.clone(),
        slashed_to: sink,
    })?;
    st.totals.collateral -= cc.total_collateral();
    cc.status = Status::Removed;
    release_peer(st, store, &cc)?;
    let peer_id = cc.peer_id.clone();
    st.put_commitment(store, cc)?;
    tell_market(st, vec![PeerUnits { peer_id, free_units: 0 }], fx)?;
    Ok(FinishReturn { returned, slashed })
}

/// The market hooks: the unit's commitment is settled first, so the deal's exemption starts
/// exactly at the current period.
pub fn move_unit<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    unit_id: &Bytes32,
    deal: Option<u64>,
    fx: &mut Effects,
) -> ActorResult<()> {
    match st.config.market {
        Some(m) if m == ctx.caller => {}
        Some(m) => return Err(actor_error!(forbidden; "caller f0{} is not the market actor (f0{m})", ctx.caller)),
        None => return Err(actor_error!(forbidden; "no market actor is configured")),
    }
    let now = st.current_period(ctx.epoch);
    let mut unit = st.get_unit(store, unit_id)?;
    let peer = st.get_peer(store, &unit.peer_id)?;
    let cc_id = peer.commitment.ok_or_else(|| actor_error!(illegal_state; "unit {unit_id} has no live commitment"))?;
    let mut cc = st.get_commitment(store, cc_id)?;
    st.settle_fully(store, &mut cc, now, fx)?;
    match (deal, unit.deal) {
        (Some(_), Some(d)) => return Err(actor_error!(illegal_state; "unit {unit_id} is already in deal {d}")),
        (Some(_), None) if cc.status != Status::Active => {
            return Err(
                actor_error!(illegal_state; "unit {unit_id}'s commitment {cc_id} is {}, not Active", cc.status.name()),
            );
        }
        (None, None) => return Err(actor_error!(illegal_state; "unit {unit_id} is not in a deal")),
        _ => {}
    }
    let event = UnitDealChanged { unit: *unit_id, deal: deal.or(unit.deal), commitment: cc_id };
    match deal {
        Some(_) => fx.emit_as("unit-moved-to-deal", &event)?,
        None => {
            // Exempt for the rest of this period too: it could not prove while serving.
            unit.exempt_until = now + 1;
            fx.emit_as("unit-returned-from-deal", &event)?
        }
    }
    unit.deal = deal;
    st.put_units(store, [unit])?;
    st.put_commitment(store, cc)
}

pub fn set_difficulty(st: &mut State, ctx: &Ctx, difficulty: Bytes32, fx: &mut Effects) -> ActorResult<()> {
    require_admin(st, ctx)?;
    if difficulty == Bytes32::ZERO {
        return Err(actor_error!(illegal_argument; "difficulty 0 admits no proof"));
    }
    st.period.next_difficulty = Some(difficulty);
    fx.emit(&DifficultySet { difficulty, from_period: st.period.period + 1 })
}

/// `GetPeriodInfo` from a state already moved to the current period. `holds_until` is `None`
/// when its nonce is final, else the last epoch a message fixes the nonce shown (as
/// [`PeriodInfo`] says).
pub fn period_info(st: &State, holds_until: Option<ChainEpoch>) -> PeriodInfo {
    let p = &st.period;
    let end = crate::period::period_end(&st.config, p.period);
    PeriodInfo {
        period: p.period,
        start_epoch: crate::period::period_start(&st.config, p.period),
        end_epoch: end,
        nonce: p.nonce,
        nonce_fixed: holds_until.is_none(),
        nonce_holds_until: holds_until.unwrap_or(end),
        difficulty: p.difficulty,
        next_difficulty: p.next_difficulty,
        min_proofs: st.config.min_proofs,
        max_proofs: st.config.max_proofs,
        proofs: p.proofs,
        totals: st.totals.clone(),
    }
}

/// Whether `peer`'s live commitment accepts units into deals now: settled (in memory) and
/// Active, as `MoveUnitToDeal` requires.
fn commitment_active<BS: Blockstore>(st: &mut State, store: &BS, now: i64, peer: &Peer) -> ActorResult<bool> {
    let Some(id) = peer.commitment else { return Ok(false) };
    let mut cc = st.get_commitment(store, id)?;
    let s = st.settle(store, &mut cc, now, MAX_SETTLE_PERIODS, &mut Effects::default())?;
    Ok(s.remaining == 0 && cc.status == Status::Active)
}

fn unit_info(unit: &Unit, peer: &Peer, active: bool) -> UnitInfo {
    UnitInfo {
        unit_id: unit.id,
        peer_id: peer.peer_id.clone(),
        provider: peer.provider,
        owner: peer.owner,
        deal: unit.deal,
        commitment_active: active,
    }
}

fn check_query_len(len: usize) -> ActorResult<()> {
    if len == 0 || len > MAX_QUERY_ITEMS {
        return Err(actor_error!(illegal_argument; "name 1 to {MAX_QUERY_ITEMS} items, not {len}"));
    }
    Ok(())
}

/// `GetUnitsInfo` (read-only, for the market): each unit's peer, parties, deal and whether its
/// commitment accepts deals now; `None` for an unknown unit.
pub fn units_info<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    units: &[Bytes32],
) -> ActorResult<Vec<Option<UnitInfo>>> {
    check_query_len(units.len())?;
    let now = st.current_period(ctx.epoch);
    let mut peers: Vec<(Peer, bool)> = Vec::new();
    let mut out = Vec::with_capacity(units.len());
    for id in units {
        let Some(unit) = st.find_unit(store, id)? else {
            out.push(None);
            continue;
        };
        let at = match peers.iter().position(|(p, _)| p.peer_id == unit.peer_id) {
            Some(i) => i,
            None => {
                let peer = st.get_peer(store, &unit.peer_id)?;
                let active = commitment_active(st, store, now, &peer)?;
                peers.push((peer, active));
                peers.len() - 1
            }
        };
        let (peer, active) = &peers[at];
        out.push(Some(unit_info(&unit, peer, *active)));
    }
    Ok(out)
}

/// `GetPeersInfo` (read-only, for the market's matcher): each peer with all its units; `None`
/// for an unknown peer.
pub fn peers_info<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    peers: &[Vec<u8>],
) -> ActorResult<Vec<Option<PeerInfo>>> {
    check_query_len(peers.len())?;
    let now = st.current_period(ctx.epoch);
    let mut out = Vec::with_capacity(peers.len());
    for peer_id in peers {
        let Some(peer) = st.find_peer(store, peer_id)? else {
            out.push(None);
            continue;
        };
        let active = commitment_active(st, store, now, &peer)?;
        let units = st.peer_units(store, &peer)?.iter().map(|u| unit_info(u, &peer, active)).collect();
        out.push(Some(PeerInfo {
            peer_id: peer.peer_id.clone(),
            provider: peer.provider,
            owner: peer.owner,
            commitment_active: active,
            units,
        }));
    }
    Ok(out)
}

/// `GetCommitment`: the commitment as settlement would leave it now (nothing is saved).
pub fn commitment_view<BS: Blockstore>(st: &mut State, store: &BS, ctx: &Ctx, id: u64) -> ActorResult<CommitmentInfo> {
    let now = st.current_period(ctx.epoch);
    let mut cc = st.get_commitment(store, id)?;
    let s = st.settle(store, &mut cc, now, MAX_SETTLE_PERIODS, &mut Effects::default())?;
    Ok(CommitmentInfo {
        status: cc.status_at(now),
        collateral: cc.total_collateral(),
        end_period: cc.end_period(),
        unsettled_periods: s.remaining,
        commitment: cc,
    })
}
