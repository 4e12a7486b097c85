//! Gas prices of the Cloudless syscalls, charged before any work (SPEC §1).
//!
//! Derivation: FVM prices target 10 gas per nanosecond of work on the reference machine. The
//! calibration benchmark (`cargo bench -p cloudless-kernel --bench calibrate`, `make calibrate`)
//! times each component on the reference machine (2 cores, JIT enabled) and prints the price
//! it implies; the constants below are those prices rounded up, with the measurement in each
//! comment. A price never depends on the node-local cache: every key is charged as a new cache.

use fvm::gas::Gas;

/// Gas per nanosecond of reference-machine time.
pub const GAS_PER_NS: u64 = 10;

/// Flat price of `cloudless.abi_version` (no work beyond the syscall, which the FVM charges).
pub const ABI_VERSION_GAS: Gas = Gas::new(100);

/// `randomx_hashes`: per call (argument checks, VM set-up bookkeeping).
pub const RANDOMX_BASE: u64 = 1_000_000;
/// Per input byte copied from actor memory and grouped.
pub const RANDOMX_PER_BYTE: u64 = 10;
/// Per distinct key: RandomX cache initialisation plus light VM creation. Measured 367–382 ms
/// (3.67–3.82 G gas) on the reference machine.
pub const RANDOMX_PER_KEY: u64 = 4_000_000_000;
/// Per hash: one light-mode RandomX hash with the JIT. Measured 44.9–47.7 ms (449–477 M gas); the
/// interpreter takes 128 ms: validators are expected to run with the JIT, as on the reference.
pub const RANDOMX_PER_HASH: u64 = 500_000_000;

/// Price of hashing `hashes` inputs under `keys` distinct keys from `bytes` bytes of input.
pub fn randomx_hashes(bytes: usize, keys: usize, hashes: usize) -> Gas {
    let total = RANDOMX_BASE
        .saturating_add(RANDOMX_PER_BYTE.saturating_mul(bytes as u64))
        .saturating_add(RANDOMX_PER_KEY.saturating_mul(keys as u64))
        .saturating_add(RANDOMX_PER_HASH.saturating_mul(hashes as u64));
    Gas::new(total)
}

/// `groth16_verify_bn254`: decoding, subgroup checks, key preparation and the pairing check.
/// Measured 1.80 ms (18.0 M gas) for a one-input proof, less the per-input part.
pub const GROTH16_BASE: u64 = 20_000_000;
/// Per public input: decoding, one G1 point check and one G1 scalar multiplication. Measured
/// 65 µs (654 k gas).
pub const GROTH16_PER_INPUT: u64 = 700_000;

/// Price of verifying a proof with `inputs` public inputs.
pub fn groth16_verify(inputs: usize) -> Gas {
    Gas::new(GROTH16_BASE.saturating_add(GROTH16_PER_INPUT.saturating_mul(inputs as u64)))
}
