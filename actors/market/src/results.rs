//! Verified results (docs/protocol.md §6): a worker's Groth16 proof for a unit-period, checked by the native
//! syscall. Its first public inputs bind it to the deal, the period, the output's CID, the unit and
//! its worker, so one proof cannot be replayed for another deal, period or unit (a provider cannot
//! copy another unit's proof from the chain) or claim another output; each unit's results come in
//! period order, so none is submitted twice.

use crate::events::ResultSubmitted;
use cid::Cid;
use cloudless_runtime::bytes::Bytes32;
use cloudless_runtime::{actor_error, ActorResult, Ctx, Effects};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::econ::TokenAmount;

use crate::deals::settled;
use crate::state::State;
use crate::types::*;

/// Verifies a proof: the syscall in Wasm. `Err` for a malformed key, proof or inputs.
pub type Verifier<'a> = &'a mut dyn FnMut(&[u8], &[u8], &[[u8; 32]]) -> ActorResult<bool>;

/// A non-negative integer as a 32-byte big-endian scalar.
pub fn scalar(n: u64) -> Bytes32 {
    let mut out = [0u8; 32];
    out[24..].copy_from_slice(&n.to_be_bytes());
    Bytes32(out)
}

/// The field element that binds an output CID: the first 32 bytes of its multihash digest
/// (left-padded when shorter), big-endian, top three bits cleared (below 2^253, inside BN254's
/// scalar field). Zero without an output.
pub fn output_scalar(output: Option<&Cid>) -> Bytes32 {
    let mut out = [0u8; 32];
    if let Some(cid) = output {
        let digest = cid.hash().digest();
        let n = digest.len().min(32);
        out[32 - n..].copy_from_slice(&digest[..n]);
        out[0] &= 0x1f;
    }
    Bytes32(out)
}

/// A 32-byte value as two 128-bit limbs (high half, low half), each a 32-byte big-endian scalar:
/// exact, where one scalar would lose the bits above BN254's field order.
pub fn limbs(b: &Bytes32) -> [Bytes32; 2] {
    let mut hi = [0u8; 32];
    let mut lo = [0u8; 32];
    hi[16..].copy_from_slice(&b.0[..16]);
    lo[16..].copy_from_slice(&b.0[16..]);
    [Bytes32(hi), Bytes32(lo)]
}

/// The public inputs every verified result starts with (docs/market.md): [deal, period, output
/// digest, unit high, unit low, worker high, worker low].
pub fn bound_inputs(
    deal: u64,
    period: i64,
    output: Option<&Cid>,
    unit: &Bytes32,
    worker: &Bytes32,
) -> [Bytes32; BOUND_INPUTS] {
    let [unit_hi, unit_lo] = limbs(unit);
    let [worker_hi, worker_lo] = limbs(worker);
    [scalar(deal), scalar(period.max(0) as u64), output_scalar(output), unit_hi, unit_lo, worker_hi, worker_lo]
}

/// `SubmitResult`: records a unit's result for a period (this one or the previous), verified
/// against the deal's key when it has one; a result-required deal pays the unit-period then.
pub fn submit<BS: Blockstore>(
    st: &mut State,
    store: &BS,
    ctx: &Ctx,
    p: &SubmitResultParams,
    verify: Verifier,
    fx: &mut Effects,
) -> ActorResult<ResultReturn> {
    let mut deal = settled(st, store, ctx, p.deal, fx)?;
    let slot = deal.slot_of(&p.unit)?.clone();
    let mut record = st.get_unit(store, slot.slot)?;
    if ctx.caller != record.owner && ctx.caller != record.provider {
        return Err(
            actor_error!(forbidden; "caller f0{} is not the peer owner (f0{}) of unit {}", ctx.caller, record.owner, p.unit),
        );
    }
    let now = st.period(ctx.epoch);
    if p.period > now || p.period < now - 1 {
        return Err(
            actor_error!(illegal_argument; "a result for period {} comes in that period or the next (now {now})", p.period),
        );
    }
    match record.active_from {
        Some(from) if p.period >= from => {}
        _ => return Err(actor_error!(illegal_state; "unit {} has no paid worker in period {}", p.unit, p.period)),
    }
    if let Some(last) = &record.last_result {
        if p.period <= last.period {
            return Err(
                actor_error!(illegal_argument; "unit {} already has a result for period {}", p.unit, last.period),
            );
        }
    }
    let output = p.output.map(|c| c.to_bytes()).unwrap_or_default();
    if output.len() > MAX_CID_LEN {
        return Err(actor_error!(illegal_argument; "the output CID is longer than {MAX_CID_LEN} bytes"));
    }
    let verified = if deal.has_key {
        let worker =
            record.worker.as_ref().ok_or_else(|| actor_error!(illegal_state; "unit {} has no worker", p.unit))?;
        let bound = bound_inputs(deal.id, p.period, p.output.as_ref(), &p.unit, worker);
        if p.public_inputs.len() < BOUND_INPUTS || p.public_inputs[..BOUND_INPUTS] != bound {
            return Err(actor_error!(
                illegal_argument;
                "the first public inputs must be [deal {}, period {}, output digest, unit {} (2 limbs), worker (2 limbs)]: the proof is for another deal, period, output, unit or worker",
                deal.id, p.period, p.unit
            ));
        }
        if p.public_inputs.len() > cloudless_syscalls::abi::MAX_GROTH16_PUBLIC_INPUTS {
            return Err(actor_error!(illegal_argument; "too many public inputs"));
        }
        let key = st.get_key(store, deal.id)?;
        let inputs: Vec<[u8; 32]> = p.public_inputs.iter().map(|b| b.0).collect();
        if !verify(&key, &p.proof, &inputs)? {
            return Err(actor_error!(illegal_argument; "the proof does not verify against deal {}'s key", deal.id));
        }
        true
    } else {
        if !p.proof.is_empty() || !p.public_inputs.is_empty() {
            return Err(
                actor_error!(illegal_argument; "deal {} has no verifying key: submit the output without a proof", deal.id),
            );
        }
        false
    };
    let mut paid = TokenAmount::default();
    if deal.require_results && deal.workers >= deal.min_workers && deal.balance >= deal.price {
        paid = deal.price.clone();
        deal.balance -= &paid;
        deal.spent += &paid;
        record.unclaimed += &paid;
    }
    st.put_deal(store, &deal)?;
    record.last_result = Some(ResultRecord { period: p.period, output: output.clone(), verified, paid: paid.clone() });
    st.put_unit(store, slot.slot, &record)?;
    fx.emit(&ResultSubmitted { deal: deal.id, unit: p.unit, period: p.period, output, verified, paid: paid.clone() })?;
    Ok(ResultReturn { verified, paid })
}
