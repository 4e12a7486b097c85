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

/// An executor with the Cloudless kernel over ref-fvm's default machine: the type fendermint's
/// `FvmExecState` holds (`fvm/state/exec.rs`) with `CloudlessKernel` for its `DefaultKernel`
/// (docs/ipc.md, "The kernel"). The host's node uses it; `make kernel-fvm47` builds it against
/// fendermint's fvm.
pub type Executor<DB, E> = fvm::executor::DefaultExecutor<
    CloudlessKernel<fvm::call_manager::DefaultCallManager<fvm::machine::DefaultMachine<DB, E>>>,
>;

/// An [`Executor`] over `machine`, as fendermint's `FvmExecState::new` builds its own.
pub fn executor<DB, E>(
    engine: fvm::engine::EnginePool,
    machine: fvm::machine::DefaultMachine<DB, E>,
) -> anyhow::Result<Executor<DB, E>>
where
    DB: fvm_ipld_blockstore::Blockstore + 'static,
    E: fvm::externs::Externs + 'static,
{
    Executor::new(engine, machine)
}

/// The Wasm import module name of every Cloudless syscall.
pub const MODULE: &str = "cloudless";

pub use cloudless_syscalls::abi;
/// The ABI version this kernel implements.
pub use cloudless_syscalls::abi::ABI_VERSION;
