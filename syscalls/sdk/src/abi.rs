//! Sizes and published limits of the `cloudless` syscalls, shared by the SDK and the kernel.

/// The ABI version of the `cloudless` import module.
pub const ABI_VERSION: u64 = 1;

/// A RandomX key K (keccak256(global_nonce || unit_id)).
pub const RANDOMX_KEY_LEN: usize = 32;
/// A RandomX input H (the local nonce).
pub const RANDOMX_INPUT_LEN: usize = 32;
/// One (K, H) pair in the syscall input.
pub const RANDOMX_PAIR_LEN: usize = RANDOMX_KEY_LEN + RANDOMX_INPUT_LEN;
/// One RandomX result hash.
pub const RANDOMX_HASH_LEN: usize = 32;
/// Most hashes one `randomx_hashes` call computes: ten waves on the reference validator's 16 cores,
/// so a call costs at most 9.0 G gas (`price::randomx_hashes`) and fits one 10 G block.
pub const MAX_RANDOMX_HASHES: usize = 160;
/// Most distinct keys (RandomX cache initialisations, 256 MiB each) in one call: one wave.
pub const MAX_RANDOMX_KEYS: usize = 8;

/// A BN254 G1 point: x, y as 32-byte big-endian field elements.
pub const G1_LEN: usize = 64;
/// A BN254 G2 point: x.im, x.re, y.im, y.re (Ethereum precompile order).
pub const G2_LEN: usize = 128;
/// A public input: 32-byte big-endian scalar below the group order.
pub const SCALAR_LEN: usize = 32;
/// A Groth16 proof: A (G1), B (G2), C (G1).
pub const GROTH16_PROOF_LEN: usize = G1_LEN + G2_LEN + G1_LEN;
/// Most public inputs one verification accepts.
pub const MAX_GROTH16_PUBLIC_INPUTS: usize = 64;

/// The length of a verifying key for `n` public inputs: alpha, beta, gamma, delta, IC[n+1].
pub const fn groth16_vk_len(n: usize) -> usize {
    G1_LEN + 3 * G2_LEN + (n + 1) * G1_LEN
}
