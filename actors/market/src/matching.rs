//! Matching (docs/protocol.md §6): candidate units are checked against every rule on chain; an unsuitable
//! candidate is skipped and reported, never fatal. A match fails only when the deal cannot reach
//! `min_workers`, or may not be matched now (not holding its reserve, ended, too soon).
//!
//! The handler asks the capacity actor about the candidates (read-only) before this runs:
//! `MatchDeal` about the units the caller names, `MatchDealAuto` about the peers of the
//! cheapest suitable offers in the price index ([`auto_offers`]).

use crate::events::{DealMatched, OfferPeersLearned, UnitMatched};
use cloudless_runtime::bytes::Bytes32;
use cloudless_runtime::{actor_error, ActorResult, Ctx, Effects};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::econ::TokenAmount;

use crate::deals::settled;
use crate::ext::capacity::{self, UnitInfo};
use crate::state::State;
use crate::types::*;

/// A deal's rules that hold for a whole offer; `None` when the offer may serve it.
pub fn offer_mismatch(deal: &Deal, offer: &Offer) -> Option<Skip> {
    let listed = deal.access_list.binary_search(&offer.provider).is_ok();
    let access = match deal.access {
        Access::All => true,
        Access::Whitelist => listed,
        Access::Blacklist => !listed,
    };
    if !access {
        Some(Skip::AccessList)
    } else if offer.token != deal.token {
        Some(Skip::OtherToken)
    } else if offer.min_price > deal.price {
        Some(Skip::PriceTooLow)
    } else if deal.effectors.iter().any(|e| offer.effectors.binary_search(e).is_err()) {
        Some(Skip::MissingEffectors)
    } else if deal.protocol_version < offer.min_version || deal.protocol_version > offer.max_version {
        Some(Skip::Version)
    } else {
        None
    }
}

/// A unit's reason to be skipped, given the deal as matched so far.
fn unit_mismatch(deal: &Deal, offer: &Offer, unit: &Bytes32, info: Option<&UnitInfo>) -> Option<Skip> {
    let Some(info) = info else { return Some(Skip::UnknownUnit) };
    if deal.units.len() >= deal.target_workers as usize {
        Some(Skip::DealFull)
    } else if info.provider != offer.provider || offer.peers.binary_search_by(|p| p.peer_id.cmp(&info.peer_id)).is_err()
    {
        Some(Skip::NotOfferPeer)
    } else if info.deal.is_some() || deal.units.iter().any(|s| &s.unit == unit) {
        Some(Skip::UnitBusy)
    } else if !info.commitment_active {
        Some(Skip::NoActiveCommitment)
    } else if deal.units.iter().any(|s| s.peer_id == info.peer_id) {
        Some(Skip::PeerInDeal)
    } else if deal.units.iter().filter(|s| s.provider == offer.provider).count()
        >= deal.max_workers_per_provider as usize
    {
        Some(Skip::ProviderLimit)
    } else {
        None
    }
}

/// Checks that `deal` may be matched now (after settling it).
fn check_matchable(st: &State, deal: &Deal, now: i64) -> ActorResult<()> {
    if !deal.matchable(&st.config) {
        return Err(actor_error!(
            illegal_state;
            "deal {} is {:?}: it can take units while it runs and holds its reserve of {}", deal.id, deal.status(&st.config), deal.reserve(&st.config)
        ));
    }
    if let Some(last) = deal.last_match {
        let next = last.saturating_add(st.config.min_rematching_periods as i64);
        if now < next {
            return Err(
                actor_error!(illegal_state; "deal {} was matched in period {last}; it can be matched again from period {next}", deal.id),
            );
        }
    }
    Ok(())
}

/// The deal, settled and checked for matching (for `MatchDealAuto`'s choice of offers).
pub fn matchable_deal<BS: Blockstore>(
    st: &State,
    store: &BS,
    ctx: &Ctx,
    id: u64,
    fx: &mut Effects,
) -> ActorResult<Deal> {
    let deal = settled(st, store, ctx, id, fx)?;
    check_matchable(st, &deal, st.period(ctx.epoch))?;
    Ok(deal)
}

/// `MatchDealAuto`'s candidates: the usable offers of the deal's token, cheapest first, at most
/// [`MAX_AUTO_OFFERS`] that suit the deal, and at most `max_peers` of their peers that have a
/// free committed unit (as last learned) and are not in the deal yet. Entries of offers without
/// such a peer are skipped without reading the offer, so idle or busy peers cost the budget nothing;
/// the index's pages are read only as far as the walk goes.
pub fn auto_offers<BS: Blockstore>(
    st: &State,
    store: &BS,
    deal: &Deal,
    max_peers: usize,
) -> ActorResult<Vec<(Offer, Vec<Vec<u8>>)>> {
    let mut out = Vec::new();
    let mut peers = 0;
    st.walk_index(store, deal.token, |entry| {
        if entry.price > deal.price || out.len() >= MAX_AUTO_OFFERS || peers >= max_peers {
            return Ok(false);
        }
        if !entry.usable {
            return Ok(true);
        }
        let offer = st.get_offer(store, entry.offer)?;
        if offer_mismatch(deal, &offer).is_some() {
            return Ok(true);
        }
        let chosen: Vec<Vec<u8>> = offer
            .peers
            .iter()
            .filter(|p| p.free_units > 0 && deal.units.iter().all(|s| s.peer_id != p.peer_id))
            .take(max_peers - peers)
            .map(|p| p.peer_id.clone())
            .collect();
        peers += chosen.len();
        if !chosen.is_empty() {
            out.push((offer, chosen));
        }
        Ok(true)
    })?;
    Ok(out)
}

/// What a capacity answer said of a peer of an offer: its free committed units now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Learned {
    pub offer: u64,
    pub peer_id: Vec<u8>,
    pub free_units: u32,
}

impl Learned {
    /// The capacity actor's answer about `peer_id` of `offer` (none: an unknown peer, no units).
    pub fn answer(offer: u64, peer_id: &[u8], info: Option<&capacity::PeerInfo>) -> Self {
        Learned { offer, peer_id: peer_id.to_vec(), free_units: info.map_or(0, capacity::PeerInfo::free_units) }
    }
}

/// Records what the capacity actor said of offers' peers (`free_units`, and so each offer's
/// index entry). Peers no longer in the named offer are ignored.
pub fn learn<BS: Blockstore>(st: &mut State, store: &BS, learned: &[Learned], fx: &mut Effects) -> ActorResult<()> {
    let mut offers: Vec<u64> = learned.iter().map(|l| l.offer).collect();
    offers.sort_unstable();
    offers.dedup();
    for id in offers {
        let Some(mut offer) = st.find_offer(store, id)? else { continue };
        let was_usable = offer.usable();
        let mut changed = Vec::new();
        for l in learned.iter().filter(|l| l.offer == id) {
            if let Some(p) = offer.peers.iter_mut().find(|p| p.peer_id == l.peer_id && p.free_units != l.free_units) {
                p.free_units = l.free_units;
                changed.push(PeerUnits { peer_id: l.peer_id.clone(), free_units: l.free_units });
            }
        }
        if !changed.is_empty() {
            st.save_offer(store, &offer, was_usable)?;
            fx.emit(&OfferPeersLearned { offer: id, peers: changed, usable: offer.usable() })?;
        }
    }
    Ok(())
}

/// Candidate units of one offer, each with what the capacity actor says of it.
pub type OfferCandidates = (u64, Vec<(Bytes32, Option<UnitInfo>)>);

/// Matches `candidates` (offer, [(unit, what the capacity actor says of it)]) into the deal:
/// every rule checked, unsuitable candidates skipped and reported; fails if the deal still
/// has fewer than `min_workers` units.
pub fn match_units<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    deal_id: u64,
    candidates: &[OfferCandidates],
    fx: &mut Effects,
) -> ActorResult<MatchReturn> {
    let count: usize = candidates.iter().map(|(_, u)| u.len().max(1)).sum();
    if count > MAX_MATCH_UNITS {
        return Err(actor_error!(illegal_argument; "at most {MAX_MATCH_UNITS} candidates per match, not {count}"));
    }
    let now = st.period(ctx.epoch);
    let mut deal = matchable_deal(st, store, ctx, deal_id, fx)?;
    let (mut matched, mut skipped) = (Vec::new(), Vec::new());
    for (offer_id, units) in candidates {
        let Some(mut offer) = st.find_offer(store, *offer_id)? else {
            skipped.push(Skipped { offer: *offer_id, unit: None, reason: Skip::UnknownOffer });
            continue;
        };
        if let Some(reason) = offer_mismatch(&deal, &offer) {
            skipped.push(Skipped { offer: *offer_id, unit: None, reason });
            continue;
        }
        let was_usable = offer.usable();
        let mut changed = false;
        for (unit, info) in units {
            if let Some(reason) = unit_mismatch(&deal, &offer, unit, info.as_ref()) {
                skipped.push(Skipped { offer: *offer_id, unit: Some(*unit), reason });
                continue;
            }
            let info = info.as_ref().expect("a unit without info is skipped");
            let slot = st.next_slot;
            st.next_slot += 1;
            let record = DealUnit {
                deal: deal.id,
                unit: *unit,
                provider: info.provider,
                owner: info.owner,
                worker: None,
                active_from: None,
                snapshot: deal.paid_periods,
                unclaimed: TokenAmount::default(),
                claimed: TokenAmount::default(),
                last_result: None,
            };
            st.put_unit(store, slot, &record)?;
            deal.units.push(DealSlot {
                unit: *unit,
                slot,
                provider: info.provider,
                peer_id: info.peer_id.clone(),
                offer: offer.id,
            });
            if let Some(p) = offer.peers.iter_mut().find(|p| p.peer_id == info.peer_id) {
                p.units_in_deals += 1;
                p.free_units = p.free_units.saturating_sub(1);
            }
            changed = true;
            matched.push(*unit);
            fx.emit(&UnitMatched {
                deal: deal.id,
                unit: *unit,
                offer: offer.id,
                provider: info.provider,
                slot,
                peer: info.peer_id.clone(),
                owner: info.owner,
            })?;
            fx.call(
                st.config.capacity,
                capacity::METHOD_MOVE_UNIT_TO_DEAL,
                &capacity::MoveUnitParams { unit_id: *unit, deal: deal.id },
                TokenAmount::default(),
                format!("moving unit {unit} into deal {}", deal.id),
            )?;
        }
        if changed {
            st.save_offer(store, &offer, was_usable)?;
        }
    }
    if deal.units.len() < deal.min_workers as usize {
        return Err(actor_error!(
            illegal_state;
            "deal {} would have {} units, fewer than its min_workers {} ({} candidates skipped)",
            deal.id, deal.units.len(), deal.min_workers, skipped.len()
        ));
    }
    if !matched.is_empty() {
        deal.last_match = Some(now);
    }
    st.put_deal(store, &deal)?;
    fx.emit(&DealMatched {
        deal: deal.id,
        matched: matched.len() as u64,
        skipped: skipped.len() as u64,
        units: deal.units.len() as u64,
        period: now,
    })?;
    Ok(MatchReturn { matched, skipped })
}
