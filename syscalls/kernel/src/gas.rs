//! Gas charged by the Cloudless syscalls, before any work (docs/protocol.md §1). The price table itself is
//! published in [`cloudless_syscalls::price`] (re-exported here) so actors can size batches by it.

use fvm::gas::Gas;

pub use cloudless_syscalls::price::{
    GROTH16_BASE, GROTH16_PER_INPUT, RANDOMX_BASE, RANDOMX_PER_BYTE, RANDOMX_PER_HASH, RANDOMX_PER_KEY,
    REFERENCE_CORES, REFERENCE_MEMORY_GIB,
};

/// Gas per nanosecond of reference-machine time.
pub const GAS_PER_NS: u64 = 10;

/// Flat price of `cloudless.abi_version` (no work beyond the syscall, which the FVM charges).
pub const ABI_VERSION_GAS: Gas = Gas::new(100);

/// Price of hashing `hashes` inputs under `keys` distinct keys from `bytes` bytes of input.
pub fn randomx_hashes(bytes: usize, keys: usize, hashes: usize) -> Gas {
    Gas::new(cloudless_syscalls::price::randomx_hashes(bytes, keys, hashes))
}

/// Price of verifying a proof with `inputs` public inputs.
pub fn groth16_verify(inputs: usize) -> Gas {
    Gas::new(cloudless_syscalls::price::groth16_verify(inputs))
}
