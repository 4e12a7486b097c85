//! The published gas price table of the `cloudless` syscalls (docs/protocol.md §1), shared by the kernel
//! (which charges it before any work) and actors (which size their batches by it).
//!
//! Derivation: FVM prices target 10 gas per nanosecond of work on the reference machine. The
//! calibration benchmark (`make calibrate`) times each component on the reference machine
//! (2 cores, JIT enabled) and prints the price it implies; the constants below are those prices
//! rounded up, with the measurement in each comment. A price never depends on a node-local
//! cache: every key is charged as a new cache.

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

/// Gas of hashing `hashes` inputs under `keys` distinct keys from `bytes` bytes of input.
pub const fn randomx_hashes(bytes: usize, keys: usize, hashes: usize) -> u64 {
    RANDOMX_BASE
        .saturating_add(RANDOMX_PER_BYTE.saturating_mul(bytes as u64))
        .saturating_add(RANDOMX_PER_KEY.saturating_mul(keys as u64))
        .saturating_add(RANDOMX_PER_HASH.saturating_mul(hashes as u64))
}

/// `groth16_verify_bn254`: decoding, subgroup checks, key preparation and the pairing check.
/// Measured 1.80 ms (18.0 M gas) for a one-input proof, less the per-input part.
pub const GROTH16_BASE: u64 = 20_000_000;
/// Per public input: decoding, one G1 point check and one G1 scalar multiplication. Measured
/// 65 µs (654 k gas).
pub const GROTH16_PER_INPUT: u64 = 700_000;

/// Gas of verifying a proof with `inputs` public inputs.
pub const fn groth16_verify(inputs: usize) -> u64 {
    GROTH16_BASE.saturating_add(GROTH16_PER_INPUT.saturating_mul(inputs as u64))
}
