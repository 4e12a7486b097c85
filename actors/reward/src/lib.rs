//! Reward actor (f02): the FVM pays every message's gas premium to f02, so it must exist. On a
//! Cloudless subnet it only accumulates premiums; FLT rewards for providers are the separate
//! rewards actor (SPEC §3).

#[cfg(feature = "fil-actor")]
mod actor {
    use cloudless_runtime::{sdk, ActorResult, METHOD_CONSTRUCTOR};
    use fvm_ipld_encoding::ipld_block::IpldBlock;
    use fvm_shared::MethodNum;

    cloudless_runtime::wasm_entry!(dispatch);

    fn dispatch(method: MethodNum, _params: u32) -> ActorResult<Option<IpldBlock>> {
        match method {
            METHOD_CONSTRUCTOR => sdk::construct_stateless(),
            _ => sdk::unhandled(method),
        }
    }
}
