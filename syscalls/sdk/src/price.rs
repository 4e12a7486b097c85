//! The published gas price table of the `cloudless` syscalls (docs/protocol.md §1), shared by the kernel
//! (which charges it before any work) and actors (which size their batches by it).
//!
//! Derivation: FVM prices target 10 gas per nanosecond of wall time on a published **reference
//! validator** ([`REFERENCE_CORES`] cores, [`REFERENCE_MEMORY_GIB`] GiB). Gas never depends on
//! the machine a node actually runs on, on its thread count or on its cache of RandomX keys: every
//! key is charged as a new cache, and the work is charged as the reference validator schedules it.
//! The calibration benchmark (`make calibrate`) times each component on the machine it runs on,
//! measures how well two cores share the work, and prints the reference price it implies; the
//! constants below are those prices rounded up, with the measurement in each comment.
//!
//! `randomx_hashes` on the reference validator: new keys initialise their RandomX caches together,
//! one core each ([`REFERENCE_CORES`] at a time), then the call's hashes are spread over every core
//! in contiguous shares, each core running a light VM per key it meets. Its wall time is
//! `key × ⌈keys / cores⌉ + hash × ⌈hashes / cores⌉`, which [`randomx_hashes`] charges.

/// Cores of the reference validator: the parallelism `randomx_hashes` is priced for.
pub const REFERENCE_CORES: u64 = 16;
/// Memory of the reference validator, in GiB. A call holds at most
/// `MAX_RANDOMX_KEYS` caches of 256 MiB plus a 4 MiB VM per core (2.06 GiB); the rest is for the
/// node cache of keys, the FVM and the node.
pub const REFERENCE_MEMORY_GIB: u64 = 32;

/// `randomx_hashes`: per call (argument checks, VM set-up bookkeeping).
pub const RANDOMX_BASE: u64 = 1_000_000;
/// Per input byte copied from actor memory and grouped.
pub const RANDOMX_PER_BYTE: u64 = 10;
/// Per wave of up to [`REFERENCE_CORES`] new keys initialised together: RandomX cache
/// initialisation (Argon2, sequential within one key). One key measured 367–382 ms on the machine
/// the table was first calibrated on (the reference core) and 424–515 ms on later 2-vCPU CI
/// machines, where two keys on the two vCPUs take 1.3× one key (`make calibrate`): the reference
/// validator is assumed to have reference-speed cores and the memory bandwidth for a full wave
/// (8 keys, ~6 GB/s each), which a 2-vCPU cloud machine does not.
pub const RANDOMX_PER_KEY: u64 = 4_000_000_000;
/// Per wave of up to [`REFERENCE_CORES`] hashes run together: one light-mode RandomX hash with the
/// JIT. Measured 44.9–47.7 ms on the reference core, 51–53 ms on later CI machines, where two
/// threads take 1.1× one hash. The interpreter takes 128–270 ms: validators are expected to run
/// with the JIT.
pub const RANDOMX_PER_HASH: u64 = 500_000_000;

/// Waves of `n` jobs on the reference validator's cores.
pub const fn reference_waves(n: usize) -> u64 {
    (n as u64).div_ceil(REFERENCE_CORES)
}

/// Gas of hashing `hashes` inputs under `keys` distinct keys from `bytes` bytes of input.
pub const fn randomx_hashes(bytes: usize, keys: usize, hashes: usize) -> u64 {
    RANDOMX_BASE
        .saturating_add(RANDOMX_PER_BYTE.saturating_mul(bytes as u64))
        .saturating_add(RANDOMX_PER_KEY.saturating_mul(reference_waves(keys)))
        .saturating_add(RANDOMX_PER_HASH.saturating_mul(reference_waves(hashes)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::{MAX_RANDOMX_HASHES, MAX_RANDOMX_KEYS, RANDOMX_PAIR_LEN};

    #[test]
    fn randomx_is_charged_per_wave_of_reference_cores() {
        let cores = REFERENCE_CORES as usize;
        let hashes = |n: usize| randomx_hashes(0, 1, n) - RANDOMX_BASE - RANDOMX_PER_KEY;
        assert_eq!(
            (hashes(1), hashes(cores), hashes(cores + 1)),
            (RANDOMX_PER_HASH, RANDOMX_PER_HASH, 2 * RANDOMX_PER_HASH)
        );
        let keys = |k: usize| randomx_hashes(0, k, 1) - RANDOMX_BASE - RANDOMX_PER_HASH;
        assert_eq!((keys(1), keys(MAX_RANDOMX_KEYS)), (RANDOMX_PER_KEY, RANDOMX_PER_KEY));
        assert_eq!(keys(cores + 1), 2 * RANDOMX_PER_KEY);
        // The largest legal call fits a 10 G block with room for the caller's own work.
        let largest = randomx_hashes(MAX_RANDOMX_HASHES * RANDOMX_PAIR_LEN, MAX_RANDOMX_KEYS, MAX_RANDOMX_HASHES);
        assert_eq!(largest, 9_001_102_400);
        assert_eq!(randomx_hashes(usize::MAX, usize::MAX, usize::MAX), u64::MAX, "saturates");
    }
}
