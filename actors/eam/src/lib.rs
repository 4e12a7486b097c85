//! Ethereum Address Manager (f010). The FVM requires one in the manifest; Cloudless runs no EVM,
//! so every creation method is refused with a clear error.

use cloudless_runtime::{actor_error, construct_stateless, ActorResult, Runtime};

cloudless_runtime::actor! {
    /// The EAM (bundle name `eam`, ID f010). Its creation methods keep builtin-actors' numbers
    /// and always fail; they are `[payable]` only so that value sent along gets the same
    /// refusal (it never lands: the call aborts).
    pub struct EamActor = "eam";
    state: ();
    events: [];
    constructor => construct_stateless;
    [payable] METHOD_CREATE = "Create" @ 2 => |rt| refuse_evm(rt, 2);
    [payable] METHOD_CREATE2 = "Create2" @ 3 => |rt| refuse_evm(rt, 3);
    [payable] METHOD_CREATE_EXTERNAL = "CreateExternal" @ 4 => |rt| refuse_evm(rt, 4);
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(EamActor);

/// Builtin-actors' EAM method numbers: Create, Create2, CreateExternal.
pub const CREATE_METHODS: [u64; 3] = [METHOD_CREATE, METHOD_CREATE2, METHOD_CREATE_EXTERNAL];

fn refuse_evm<R: Runtime>(_rt: &R, method: u64) -> ActorResult<()> {
    Err(actor_error!(forbidden; "EVM actors are not supported on a Cloudless subnet (EAM method {method} refused)"))
}

#[cfg(test)]
mod tests {
    use cloudless_runtime::mock::MockRuntime;
    use fvm_shared::econ::TokenAmount;
    use fvm_shared::error::ExitCode;

    use super::*;

    #[test]
    fn refuses_every_creation_method() {
        let rt = MockRuntime::new::<EamActor>(10);
        rt.construct(&()).unwrap();
        rt.add_actor(100, TokenAmount::from_whole(1));
        for m in CREATE_METHODS {
            rt.refused_paying(100, m, &(), TokenAmount::from_whole(1), ExitCode::USR_FORBIDDEN);
        }
        rt.refused(100, 5, &(), ExitCode::USR_UNHANDLED_MESSAGE);
    }
}
