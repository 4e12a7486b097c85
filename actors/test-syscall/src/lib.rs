//! Test actor for the kernel extension: calls the `cloudless` syscalls from real Wasm so the host
//! tests prove the import module is linked, metered and returns what the kernel computed.

pub const METHOD_ABI_VERSION: u64 = frc42_dispatch::method_hash!("AbiVersion");

#[cfg(feature = "fil-actor")]
mod actor {
    use cloudless_runtime::{sdk, ActorResult, METHOD_CONSTRUCTOR};
    use fvm_ipld_encoding::ipld_block::IpldBlock;
    use fvm_shared::MethodNum;

    use super::METHOD_ABI_VERSION;

    cloudless_runtime::wasm_entry!(dispatch);

    fn dispatch(method: MethodNum, _params: u32) -> ActorResult<Option<IpldBlock>> {
        match method {
            METHOD_CONSTRUCTOR => sdk::set_state(&()).map(|_| None),
            METHOD_ABI_VERSION => sdk::ret(&cloudless_syscalls::abi_version()),
            _ => sdk::unhandled(method),
        }
    }
}
