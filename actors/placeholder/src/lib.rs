//! Placeholder actor: stands at an f4 address that has received funds before any actor was
//! deployed there. It only holds value; every method invocation is refused.

#[cfg(feature = "fil-actor")]
mod actor {
    use cloudless_runtime::sdk::SdkRuntime;
    use cloudless_runtime::{unhandled, ActorResult, Params};
    use fvm_ipld_encoding::ipld_block::IpldBlock;
    use fvm_shared::MethodNum;

    cloudless_runtime::wasm_entry!(fn dispatch);

    fn dispatch(_rt: &SdkRuntime, method: MethodNum, _params: Params) -> ActorResult<Option<IpldBlock>> {
        unhandled(method)
    }
}
