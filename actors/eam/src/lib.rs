//! Ethereum Address Manager (f010). The FVM requires one in the manifest; Cloudless runs no EVM,
//! so every creation method is refused with a clear error.

/// Builtin-actors' EAM method numbers: Create, Create2, CreateExternal.
pub const CREATE_METHODS: [u64; 3] = [2, 3, 4];

#[cfg(feature = "fil-actor")]
mod actor {
    use cloudless_runtime::sdk::SdkRuntime;
    use cloudless_runtime::{actor_error, construct_stateless, unhandled, ActorResult, Params, METHOD_CONSTRUCTOR};
    use fvm_ipld_encoding::ipld_block::IpldBlock;
    use fvm_shared::MethodNum;

    use super::CREATE_METHODS;

    cloudless_runtime::wasm_entry!(fn dispatch);

    fn dispatch(rt: &SdkRuntime, method: MethodNum, _params: Params) -> ActorResult<Option<IpldBlock>> {
        match method {
            METHOD_CONSTRUCTOR => construct_stateless(rt),
            m if CREATE_METHODS.contains(&m) => Err(actor_error!(
                forbidden;
                "EVM actors are not supported on a Cloudless subnet (EAM method {m} refused)"
            )),
            _ => unhandled(method),
        }
    }
}
