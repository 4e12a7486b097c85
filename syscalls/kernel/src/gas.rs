//! Gas prices of the Cloudless syscalls, charged before any work (SPEC §1).
//!
//! Prices follow the FVM calibration target of 10 gas per nanosecond of work on the reference
//! machine. `abi_version` does no work beyond the syscall itself, so it costs what the FVM
//! charges for the cheapest context syscalls (`OnSyscall` is charged separately by the FVM).

use fvm::gas::Gas;

/// Flat price of `cloudless.abi_version`.
pub const ABI_VERSION_GAS: Gas = Gas::new(100);
