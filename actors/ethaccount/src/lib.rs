//! EthAccount actor: an account controlled by an Ethereum-style key through its f410 address.
//! The FVM turns a placeholder into one when it first sends; it accepts value and any exported
//! method (universal receiver), nothing else.

#[cfg(feature = "fil-actor")]
mod actor {
    use cloudless_runtime::sdk::SdkRuntime;
    use cloudless_runtime::{
        actor_error, unhandled, ActorResult, Params, Runtime, FIRST_EXPORTED_METHOD_NUMBER, METHOD_CONSTRUCTOR,
    };
    use fvm_ipld_encoding::ipld_block::IpldBlock;
    use fvm_shared::address::Payload;
    use fvm_shared::MethodNum;

    /// The Ethereum address manager's ID: f410 addresses live in its namespace.
    const EAM_ACTOR_ID: u64 = 10;

    cloudless_runtime::wasm_entry!(fn dispatch);

    fn dispatch(rt: &SdkRuntime, method: MethodNum, _params: Params) -> ActorResult<Option<IpldBlock>> {
        match method {
            METHOD_CONSTRUCTOR => constructor(rt),
            m if m >= FIRST_EXPORTED_METHOD_NUMBER => Ok(None),
            _ => unhandled(method),
        }
    }

    fn constructor(rt: &SdkRuntime) -> ActorResult<Option<IpldBlock>> {
        rt.require_system_caller()?;
        match rt.delegated_address(rt.receiver()).map(|a| *a.payload()) {
            Some(Payload::Delegated(d)) if d.namespace() == EAM_ACTOR_ID => Ok(None),
            _ => Err(actor_error!(illegal_argument; "an ethaccount needs an f410 address")),
        }
    }
}
