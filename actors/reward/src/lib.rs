//! Reward actor (f02): the FVM pays every message's gas premium to f02, so it must exist. On a
//! Cloudless subnet it only accumulates premiums; FLT rewards for providers are the separate
//! rewards actor (docs/protocol.md §3).

#[cfg(feature = "fil-actor")]
mod actor {
    use cloudless_runtime::sdk::SdkRuntime;
    use cloudless_runtime::{construct_stateless, unhandled, ActorResult, Params, METHOD_CONSTRUCTOR};
    use fvm_ipld_encoding::ipld_block::IpldBlock;
    use fvm_shared::MethodNum;

    cloudless_runtime::wasm_entry!(fn dispatch);

    fn dispatch(rt: &SdkRuntime, method: MethodNum, _params: Params) -> ActorResult<Option<IpldBlock>> {
        match method {
            METHOD_CONSTRUCTOR => construct_stateless(rt),
            _ => unhandled(method),
        }
    }
}
