//! Wasm-facing adapters: bound and read arguments from actor memory, call the kernel (which
//! charges gas before working), write results back.

use cloudless_syscalls::abi::{
    groth16_vk_len, GROTH16_PROOF_LEN, MAX_GROTH16_PUBLIC_INPUTS, MAX_RANDOMX_HASHES, RANDOMX_HASH_LEN,
    RANDOMX_PAIR_LEN, SCALAR_LEN,
};
use fvm::kernel::Result;
use fvm::syscall_error;
use fvm::syscalls::Context;

use crate::CloudlessOps;

pub fn abi_version(context: Context<'_, impl CloudlessOps>) -> Result<u64> {
    context.kernel.abi_version()
}

/// Fails before reading memory when a length exceeds the published bound.
fn bounded(len: u32, max: usize, what: &str) -> Result<()> {
    if len as usize > max {
        return Err(
            syscall_error!(IllegalArgument; "{} of {} bytes exceeds the limit of {} bytes", what, len, max).into()
        );
    }
    Ok(())
}

pub fn randomx_hashes(
    context: Context<'_, impl CloudlessOps>,
    pairs_off: u32,
    pairs_len: u32,
    out_off: u32,
    out_len: u32,
) -> Result<()> {
    bounded(pairs_len, MAX_RANDOMX_HASHES * RANDOMX_PAIR_LEN, "randomx_hashes input")?;
    let expected_out = pairs_len as usize / RANDOMX_PAIR_LEN * RANDOMX_HASH_LEN;
    if out_len as usize != expected_out {
        return Err(syscall_error!(IllegalArgument; "randomx_hashes output buffer is {} bytes, expected {}", out_len, expected_out).into());
    }
    context.memory.try_slice_mut(out_off, out_len)?;
    let pairs = context.memory.try_slice(pairs_off, pairs_len)?.to_vec();
    let hashes = context.kernel.randomx_hashes(&pairs)?;
    context.memory.try_slice_mut(out_off, out_len)?.copy_from_slice(&hashes);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn groth16_verify_bn254(
    context: Context<'_, impl CloudlessOps>,
    vk_off: u32,
    vk_len: u32,
    proof_off: u32,
    proof_len: u32,
    inputs_off: u32,
    inputs_len: u32,
) -> Result<u32> {
    bounded(vk_len, groth16_vk_len(MAX_GROTH16_PUBLIC_INPUTS), "verifying key")?;
    bounded(proof_len, GROTH16_PROOF_LEN, "proof")?;
    bounded(inputs_len, MAX_GROTH16_PUBLIC_INPUTS * SCALAR_LEN, "public inputs")?;
    let vk = context.memory.try_slice(vk_off, vk_len)?;
    let proof = context.memory.try_slice(proof_off, proof_len)?;
    let inputs = context.memory.try_slice(inputs_off, inputs_len)?;
    Ok(context.kernel.groth16_verify_bn254(vk, proof, inputs)? as u32)
}
