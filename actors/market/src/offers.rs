//! Offers (docs/protocol.md §6): a registered provider's price, token, effectors, peers and protocol versions.
//! The handler resolves the token and asks the capacity actor about the provider and its peers;
//! these operations check the rest and keep the peer map and the price index in step.

use crate::events::{OfferChanged, OfferRemoved};
use cid::Cid;
use cloudless_runtime::bytes::to_hex;
use cloudless_runtime::{actor_error, ActorResult, Ctx, Effects};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::ActorID;

use crate::ext::capacity::PeerInfo;
use crate::state::State;
use crate::types::*;

/// CIDs as bytes, bounded, sorted and without repeats.
pub fn cid_set(cids: &[Cid], what: &str) -> ActorResult<Vec<Vec<u8>>> {
    if cids.len() > MAX_EFFECTORS {
        return Err(actor_error!(illegal_argument; "at most {MAX_EFFECTORS} {what}, not {}", cids.len()));
    }
    let mut out: Vec<Vec<u8>> = cids.iter().map(Cid::to_bytes).collect();
    if let Some(long) = out.iter().find(|c| c.len() > MAX_CID_LEN) {
        return Err(actor_error!(illegal_argument; "a CID of {} bytes is over {MAX_CID_LEN}", long.len()));
    }
    out.sort();
    if out.windows(2).any(|w| w[0] == w[1]) {
        return Err(actor_error!(illegal_argument; "{what} list a CID twice"));
    }
    Ok(out)
}

/// Byte strings, sorted (effector CIDs, peer ids).
type SortedBytes = Vec<Vec<u8>>;

/// The capacity actor's answer about `peer_id` among `infos` (in `ids`' order): its free committed units.
fn free_units(ids: &[Vec<u8>], infos: &[Option<PeerInfo>], peer_id: &[u8]) -> u32 {
    ids.iter()
        .zip(infos)
        .find(|(id, _)| id.as_slice() == peer_id)
        .and_then(|(_, i)| i.as_ref())
        .map_or(0, PeerInfo::free_units)
}

/// Checks the params and the capacity actor's answers about the peers; returns the effectors
/// and the peer ids, sorted.
fn check(
    st: &State,
    store: &impl Blockstore,
    ctx: &Ctx,
    offer: Option<u64>,
    p: &OfferParams,
    infos: &[Option<PeerInfo>],
) -> ActorResult<(SortedBytes, SortedBytes)> {
    if p.min_price.is_negative() {
        return Err(actor_error!(illegal_argument; "min_price must not be negative"));
    }
    if p.min_version > p.max_version {
        return Err(
            actor_error!(illegal_argument; "min_version {} is above max_version {}", p.min_version, p.max_version),
        );
    }
    let effectors = cid_set(&p.effectors, "effectors")?;
    if p.peers.is_empty() || p.peers.len() > MAX_OFFER_PEERS {
        return Err(
            actor_error!(illegal_argument; "an offer lists 1 to {MAX_OFFER_PEERS} peers, not {}", p.peers.len()),
        );
    }
    let mut peers = p.peers.clone();
    peers.sort();
    if peers.windows(2).any(|w| w[0] == w[1]) {
        return Err(actor_error!(illegal_argument; "the offer lists a peer twice"));
    }
    for (peer_id, info) in p.peers.iter().zip(infos) {
        match info {
            None => return Err(actor_error!(not_found; "peer {} is not registered", to_hex(peer_id))),
            Some(i) if i.provider != ctx.caller => {
                return Err(actor_error!(forbidden; "peer {} is f0{}'s, not the caller's", to_hex(peer_id), i.provider))
            }
            Some(_) => {}
        }
        match st.peer_offer(store, peer_id)? {
            Some(other) if Some(other) != offer => {
                return Err(actor_error!(illegal_state; "peer {} is already in offer {other}", to_hex(peer_id)))
            }
            _ => {}
        }
    }
    Ok((effectors, peers))
}

/// `RegisterOffer`: the caller (an approved provider, checked by the handler) lists its peers.
pub fn register<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    p: &OfferParams,
    token: ActorID,
    infos: &[Option<PeerInfo>],
    fx: &mut Effects,
) -> ActorResult<OfferReturn> {
    let (effectors, peers) = check(st, store, ctx, None, p, infos)?;
    let offer = Offer {
        id: st.next_offer,
        provider: ctx.caller,
        min_price: p.min_price.clone(),
        token,
        effectors,
        peers: peers.iter().map(|id| OfferPeer::new(id.clone(), free_units(&p.peers, infos, id))).collect(),
        min_version: p.min_version,
        max_version: p.max_version,
    };
    st.reindex(store, offer.id, None, Some(&offer))?;
    st.set_peer_offers(store, offer.id, &peers, &[])?;
    st.put_offer(store, &offer)?;
    st.next_offer += 1;
    fx.emit_as("offer-registered", &OfferChanged::of(&offer))?;
    Ok(OfferReturn { offer: offer.id })
}

/// The caller's own offer.
fn own_offer<BS: Blockstore>(st: &State, store: &BS, ctx: &Ctx, id: u64) -> ActorResult<Offer> {
    let offer = st.get_offer(store, id)?;
    if offer.provider != ctx.caller {
        return Err(actor_error!(forbidden; "offer {id} is f0{}'s, not the caller's", offer.provider));
    }
    Ok(offer)
}

/// `UpdateOffer`: replaces every field; a peer with units in deals stays.
pub fn update<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    p: &UpdateOfferParams,
    token: ActorID,
    infos: &[Option<PeerInfo>],
    fx: &mut Effects,
) -> ActorResult<()> {
    let old = own_offer(st, store, ctx, p.offer)?;
    let (effectors, peers) = check(st, store, ctx, Some(p.offer), &p.params, infos)?;
    let mut kept = Vec::new();
    let mut removed = Vec::new();
    for op in &old.peers {
        if peers.binary_search(&op.peer_id).is_ok() {
            kept.push(OfferPeer { free_units: free_units(&p.params.peers, infos, &op.peer_id), ..op.clone() });
        } else if op.units_in_deals > 0 {
            return Err(actor_error!(
                illegal_state;
                "peer {} has {} units in deals; it stays in offer {} until they leave", to_hex(&op.peer_id), op.units_in_deals, p.offer
            ));
        } else {
            removed.push(op.peer_id.clone());
        }
    }
    let added: Vec<Vec<u8>> = peers.iter().filter(|id| old.peers.iter().all(|o| &&o.peer_id != id)).cloned().collect();
    let mut all: Vec<OfferPeer> = kept;
    all.extend(added.iter().map(|id| OfferPeer::new(id.clone(), free_units(&p.params.peers, infos, id))));
    all.sort_by(|a, b| a.peer_id.cmp(&b.peer_id));
    let offer = Offer {
        min_price: p.params.min_price.clone(),
        token,
        effectors,
        peers: all,
        min_version: p.params.min_version,
        max_version: p.params.max_version,
        ..old.clone()
    };
    st.reindex(store, offer.id, Some((old.token, &old.min_price)), Some(&offer))?;
    st.set_peer_offers(store, offer.id, &added, &removed)?;
    st.put_offer(store, &offer)?;
    fx.emit_as("offer-updated", &OfferChanged::of(&offer))
}

/// `RemoveOffer`: only when none of its units is in a deal.
pub fn remove<BS: Blockstore>(st: &mut State, store: &BS, ctx: &Ctx, id: u64, fx: &mut Effects) -> ActorResult<()> {
    let offer = own_offer(st, store, ctx, id)?;
    let busy = offer.units_in_deals();
    if busy > 0 {
        return Err(actor_error!(illegal_state; "offer {id} has {busy} units in deals"));
    }
    let peers: Vec<Vec<u8>> = offer.peers.iter().map(|p| p.peer_id.clone()).collect();
    st.reindex(store, id, Some((offer.token, &offer.min_price)), None)?;
    st.set_peer_offers(store, id, &[], &peers)?;
    st.delete_offer(store, id)?;
    fx.emit(&OfferRemoved { offer: id, provider: offer.provider })
}
