//! Placeholder actor: stands at an f4 address that has received funds before any actor was
//! deployed there. It only holds value; every method invocation is refused.

#[cfg(feature = "fil-actor")]
mod actor {
    use cloudless_runtime::{sdk, ActorResult};
    use fvm_ipld_encoding::ipld_block::IpldBlock;
    use fvm_shared::MethodNum;

    cloudless_runtime::wasm_entry!(dispatch);

    fn dispatch(method: MethodNum, _params: u32) -> ActorResult<Option<IpldBlock>> {
        sdk::unhandled(method)
    }
}
