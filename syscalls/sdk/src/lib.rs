//! Actor-side SDK of the Cloudless native syscalls (Wasm import module `cloudless`).
//!
//! Each import is wrapped in a safe function; the raw imports live in [`sys`], the ABI sizes and
//! published limits in [`abi`], the gas price table in [`price`]. The host side is the `cloudless-kernel` crate, which links
//! functions of the same names and signatures.

pub mod abi;
pub mod price;

use fvm_shared::error::ErrorNumber;

/// Raw imports. Prefer the safe wrappers at the crate root.
pub mod sys {
    fvm_sdk::sys::fvm_syscalls! {
        module = "cloudless";

        /// The ABI version of the `cloudless` syscall module the node links.
        pub fn abi_version() -> Result<u64>;

        /// RandomX light-mode hashes of `pairs_len / 64` (K, H) pairs of 32 bytes each, written
        /// as 32-byte hashes to `out` (`out_len` = 32 per pair).
        pub fn randomx_hashes(pairs_off: *const u8, pairs_len: u32, out_off: *mut u8, out_len: u32) -> Result<()>;

        /// Groth16 verification on BN254 (docs/protocol.md §1 encoding); 1 valid, 0 invalid.
        pub fn groth16_verify_bn254(
            vk_off: *const u8,
            vk_len: u32,
            proof_off: *const u8,
            proof_len: u32,
            inputs_off: *const u8,
            inputs_len: u32,
        ) -> Result<u32>;
    }
}

/// The version of the `cloudless` syscall ABI this SDK was written against.
pub const ABI_VERSION: u64 = abi::ABI_VERSION;

/// The ABI version of the node's `cloudless` syscall module. An actor can refuse to run on a
/// node whose kernel is older than it needs.
pub fn abi_version() -> u64 {
    // SAFETY: the syscall takes no pointers and only writes its u64 return slot.
    unsafe { sys::abi_version() }.expect("abi_version cannot fail on a Cloudless node")
}

/// RandomX light-mode hashes (Fluence's parameters) of each `(K, H)` pair, in order.
///
/// Errors: `IllegalArgument` when the batch is empty or exceeds [`abi::MAX_RANDOMX_HASHES`]
/// hashes or [`abi::MAX_RANDOMX_KEYS`] distinct keys; out of gas aborts the message.
pub fn randomx_hashes(pairs: &[([u8; 32], [u8; 32])]) -> Result<Vec<[u8; 32]>, ErrorNumber> {
    let input: Vec<u8> = pairs.iter().flat_map(|(k, h)| k.iter().chain(h.iter()).copied()).collect();
    let mut out = vec![0u8; pairs.len() * abi::RANDOMX_HASH_LEN];
    // SAFETY: both buffers live for the call and their lengths are passed alongside.
    unsafe { sys::randomx_hashes(input.as_ptr(), input.len() as u32, out.as_mut_ptr(), out.len() as u32)? };
    Ok(out.chunks_exact(32).map(|c| c.try_into().expect("32-byte chunk")).collect())
}

/// Verifies a Groth16 proof on BN254. `vk`, `proof` and `inputs` use the docs/protocol.md §1 encoding
/// (Ethereum-precompile points, 32-byte big-endian scalars).
///
/// `Ok(false)`: well-formed but invalid proof. `Err(IllegalArgument)`: malformed encoding,
/// a point off the curve or outside the subgroup, a non-canonical element, or an input count
/// that does not match the key.
pub fn groth16_verify_bn254(vk: &[u8], proof: &[u8], inputs: &[[u8; 32]]) -> Result<bool, ErrorNumber> {
    let inputs: Vec<u8> = inputs.concat();
    // SAFETY: all three buffers live for the call and their lengths are passed alongside.
    let valid = unsafe {
        sys::groth16_verify_bn254(
            vk.as_ptr(),
            vk.len() as u32,
            proof.as_ptr(),
            proof.len() as u32,
            inputs.as_ptr(),
            inputs.len() as u32,
        )?
    };
    Ok(valid == 1)
}
