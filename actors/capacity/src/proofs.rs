//! `SubmitProofs`: skip, check, verify in one batched syscall, count and report.
//!
//! Order of work, so that a retried batch never fails and no RandomX work is wasted:
//! 1. decode-level limits (at most [`MAX_PROOFS_PER_MESSAGE`] proofs, [`MAX_UNITS_PER_MESSAGE`] units);
//! 2. every unit: caller is its peer's owner or provider, not in a deal (unless
//!    `min_proofs_in_deal` is positive), commitment settled and proving this period;
//! 3. skip, silently, proofs beyond `max_proofs` for the unit this period (beyond
//!    `min_proofs_in_deal` for a unit in a deal, whose proofs earn no rewards) and duplicates of
//!    an accepted local nonce (this period, or earlier in the same batch);
//! 4. the rest: result hash at or below the difficulty, then one `randomx_hashes` call; any
//!    mismatch fails the whole message naming the proof's index in the params. The limits of 1.
//!    keep every batch's syscall price within [`MAX_PROOF_GAS`] (checked when the actor is
//!    compiled), so a message always fits a block.

use crate::events::ProofsAccepted;
use cloudless_runtime::bytes::Bytes32;
use cloudless_runtime::{actor_error, ActorResult, Ctx, Effects};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::econ::TokenAmount;

use crate::commitment::eligible;
use crate::period::randomx_key;
use crate::state::State;
use crate::types::*;
use crate::types::{Unit, UnitNonces};

/// One unit's working view during a batch.
struct Working {
    unit: Unit,
    commitment: u64,
    key: Bytes32,
    nonces: Vec<Bytes32>,
    count_before: u32,
    accepted: u32,
}

/// Computes RandomX(K, H) for each pair (the syscall in Wasm).
pub type Hasher<'a> = &'a mut dyn FnMut(&[([u8; 32], [u8; 32])]) -> ActorResult<Vec<[u8; 32]>>;

pub fn submit_proofs<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    proofs: &[Proof],
    hasher: Hasher,
    fx: &mut Effects,
) -> ActorResult<SubmitProofsReturn> {
    if proofs.is_empty() || proofs.len() > MAX_PROOFS_PER_MESSAGE {
        return Err(actor_error!(illegal_argument; "give 1 to {MAX_PROOFS_PER_MESSAGE} proofs, got {}", proofs.len()));
    }
    let now = st.current_period(ctx.epoch);
    if st.period.period != now {
        return Err(actor_error!(illegal_state; "the period clock is at {}, not {now}", st.period.period));
    }
    let mut order: Vec<Bytes32> = Vec::new();
    for p in proofs {
        if !order.contains(&p.unit_id) {
            order.push(p.unit_id);
        }
    }
    if order.len() > MAX_UNITS_PER_MESSAGE {
        return Err(actor_error!(
            illegal_argument;
            "proofs for {} units; one message takes at most {MAX_UNITS_PER_MESSAGE}", order.len()
        ));
    }

    let mut commitments: Vec<Commitment> = Vec::new();
    let mut work: Vec<Working> = Vec::new();
    for unit_id in &order {
        let mut unit = st.get_unit(store, unit_id)?;
        let peer = st.get_peer(store, &unit.peer_id)?;
        if ctx.caller != peer.owner && ctx.caller != peer.provider {
            return Err(actor_error!(
                forbidden;
                "caller f0{} is neither the owner nor the provider of unit {unit_id}", ctx.caller
            ));
        }
        if let Some(deal) = unit.deal.filter(|_| st.config.min_proofs_in_deal == 0) {
            return Err(actor_error!(illegal_state; "unit {unit_id} is in deal {deal}; it needs no proofs"));
        }
        let cc_id = peer.commitment.ok_or_else(|| actor_error!(illegal_state; "unit {unit_id} has no commitment"))?;
        if !commitments.iter().any(|c| c.id == cc_id) {
            let mut cc = st.get_commitment(store, cc_id)?;
            st.settle_fully(store, &mut cc, now, fx)?;
            if !cc.proving(now) {
                return Err(actor_error!(
                    illegal_state;
                    "commitment {cc_id} of unit {unit_id} is {} in period {now}; proofs count only while it is Active and started",
                    cc.status_at(now).name()
                ));
            }
            commitments.push(cc);
        }
        if unit.proof_period != now {
            unit.proof_period = now;
            unit.proof_count = 0;
        }
        let nonces = st.unit_nonces(store, unit_id, now)?;
        let key = randomx_key(&st.period.nonce, unit_id, ctx.keccak);
        work.push(Working { count_before: unit.proof_count, unit, commitment: cc_id, key, nonces, accepted: 0 });
    }

    // Skip, then check the difficulty of what is left.
    let (max_proofs, in_deal, difficulty) = (st.config.max_proofs, st.config.min_proofs_in_deal, st.period.difficulty);
    let mut verify: Vec<(usize, usize)> = Vec::new(); // (proof index, work index)
    for (i, p) in proofs.iter().enumerate() {
        let w = work.iter().position(|w| w.unit.id == p.unit_id).expect("every unit has a working entry");
        let entry = &mut work[w];
        // A unit serving a deal proves it is still there, no more: its proofs earn no rewards.
        let cap = if entry.unit.deal.is_some() { in_deal } else { max_proofs };
        if entry.unit.proof_count >= cap {
            continue;
        }
        let Err(pos) = entry.nonces.binary_search(&p.local_nonce) else { continue };
        if p.result_hash > difficulty {
            return Err(actor_error!(
                illegal_argument;
                "proof {i} (unit {}): result hash {} is above the difficulty {difficulty}", p.unit_id, p.result_hash
            ));
        }
        entry.nonces.insert(pos, p.local_nonce);
        entry.unit.proof_count += 1;
        entry.accepted += 1;
        verify.push((i, w));
    }
    let skipped = (proofs.len() - verify.len()) as u32;

    if !verify.is_empty() {
        let pairs: Vec<([u8; 32], [u8; 32])> =
            verify.iter().map(|(i, w)| (work[*w].key.0, proofs[*i].local_nonce.0)).collect();
        let hashes = hasher(&pairs)?;
        for ((i, _), hash) in verify.iter().zip(&hashes) {
            let p = &proofs[*i];
            if hash != &p.result_hash.0 {
                return Err(actor_error!(
                    illegal_argument;
                    "proof {i} (unit {}): result hash does not match RandomX(K, local nonce)", p.unit_id
                ));
            }
            st.period.accept(&p.result_hash, ctx.keccak);
        }
    }

    // Count, report and store.
    let mut records: Vec<RecordProofsParams> = Vec::new();
    for (index, w) in work.iter().enumerate().filter(|(_, w)| w.accepted > 0) {
        let before = eligible(w.count_before, &st.config);
        let gained = if w.unit.deal.is_some() { 0 } else { eligible(w.unit.proof_count, &st.config) - before };
        if gained > 0 && st.config.rewards.is_some() {
            let succeeded = u64::from(before == 0);
            match records.iter_mut().find(|r| r.commitment == w.commitment) {
                Some(r) => {
                    r.count += gained;
                    r.units += succeeded;
                }
                None => {
                    let cc =
                        commitments.iter().find(|c| c.id == w.commitment).expect("every unit's commitment is loaded");
                    let delegator = cc
                        .delegator
                        .ok_or_else(|| actor_error!(illegal_state; "proving commitment {} has no delegator", cc.id))?;
                    records.push(RecordProofsParams {
                        period: now,
                        commitment: w.commitment,
                        count: gained,
                        units: succeeded,
                        provider: cc.provider,
                        delegator,
                        delegator_reward_rate: cc.delegator_reward_rate,
                    })
                }
            }
        }
        fx.emit(&ProofsAccepted {
            unit: w.unit.id,
            commitment: w.commitment,
            period: now,
            accepted: w.accepted,
            count: w.unit.proof_count,
            eligible: gained,
            nonces: verify.iter().filter(|(_, wi)| *wi == index).map(|(i, _)| proofs[*i].local_nonce).collect(),
            entropy: st.period.entropy,
        })?;
    }
    if let Some(rewards) = st.config.rewards {
        for record in &records {
            let what = "reporting proofs to the rewards actor";
            fx.call(rewards, crate::ext::rewards::METHOD_RECORD_PROOFS, record, TokenAmount::default(), what)?;
        }
    }
    let accepted: u32 = work.iter().map(|w| w.accepted).sum();
    let changed: Vec<Working> = work.into_iter().filter(|w| w.accepted > 0).collect();
    st.put_unit_nonces(
        store,
        changed.iter().map(|w| (w.unit.id, UnitNonces { period: now, nonces: w.nonces.clone() })),
    )?;
    st.put_units(store, changed.into_iter().map(|w| w.unit))?;
    for cc in commitments {
        st.put_commitment(store, cc)?;
    }
    Ok(SubmitProofsReturn { period: now, accepted, skipped })
}
