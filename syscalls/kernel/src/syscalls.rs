//! Wasm-facing adapters: decode arguments from actor memory, call the kernel, map errors.

use fvm::kernel::Result;
use fvm::syscalls::Context;

use crate::CloudlessOps;

pub fn abi_version(context: Context<'_, impl CloudlessOps>) -> Result<u64> {
    context.kernel.abi_version()
}
