//! The Cloudless kernel: ref-fvm's Filecoin kernel plus the `cloudless` syscall module.
//!
//! [`CloudlessKernel`] wraps [`DefaultFilecoinKernel`] and delegates every standard operation to
//! it; [`CloudlessOps`] adds ours. Syscalls are thin adapters (`syscalls` module) that read Wasm
//! memory and call the kernel; the kernel charges gas from [`gas`] before doing any work.

pub mod gas;
pub use cloudless_groth16 as groth16;
mod kernel;
pub mod randomx;
mod syscalls;

pub use kernel::{CloudlessKernel, CloudlessOps};

/// The Wasm import module name of every Cloudless syscall.
pub const MODULE: &str = "cloudless";

pub use cloudless_syscalls::abi;
/// The ABI version this kernel implements.
pub use cloudless_syscalls::abi::ABI_VERSION;
