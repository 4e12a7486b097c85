//! Actor-side SDK of the Cloudless native syscalls (Wasm import module `cloudless`).
//!
//! Each import is wrapped in a safe function; the raw imports live in [`sys`]. The host side is
//! the `cloudless-kernel` crate, which must link a function of the same name and signature.

/// Raw imports. Prefer the safe wrappers at the crate root.
pub mod sys {
    fvm_sdk::sys::fvm_syscalls! {
        module = "cloudless";

        /// The ABI version of the `cloudless` syscall module the node links.
        pub fn abi_version() -> Result<u64>;
    }
}

/// The version of the `cloudless` syscall ABI this SDK was written against.
pub const ABI_VERSION: u64 = 1;

/// The ABI version of the node's `cloudless` syscall module. An actor can refuse to run on a
/// node whose kernel is older than it needs.
pub fn abi_version() -> u64 {
    // SAFETY: the syscall takes no pointers and only writes its u64 return slot.
    unsafe { sys::abi_version() }.expect("abi_version cannot fail on a Cloudless node")
}
