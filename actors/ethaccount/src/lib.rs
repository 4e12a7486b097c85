//! EthAccount actor: an account controlled by an Ethereum-style key through its f410 address.
//! The FVM turns a placeholder into one when it first sends; it accepts value and any exported
//! method (universal receiver), nothing else.

use cloudless_runtime::{actor_error, ActorResult, Runtime};
use fvm_shared::address::Payload;

/// The Ethereum address manager's ID: f410 addresses live in its namespace.
pub const EAM_ACTOR_ID: u64 = 10;

cloudless_runtime::actor! {
    /// The EthAccount actor (bundle name `ethaccount`).
    pub struct EthAccountActor = "ethaccount" [universal_receiver];
    state: ();
    events: [];
    constructor => constructor;
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(EthAccountActor);

/// Only an actor with an f410 address may be an ethaccount. It keeps no state.
fn constructor<R: Runtime>(rt: &R) -> ActorResult<()> {
    match rt.delegated_address(rt.receiver()).map(|a| *a.payload()) {
        Some(Payload::Delegated(d)) if d.namespace() == EAM_ACTOR_ID => Ok(()),
        _ => Err(actor_error!(illegal_argument; "an ethaccount needs an f410 address")),
    }
}

#[cfg(test)]
mod tests {
    use cloudless_runtime::mock::MockRuntime;
    use fvm_shared::address::Address;
    use fvm_shared::econ::TokenAmount;
    use fvm_shared::error::ExitCode;

    use super::*;

    #[test]
    fn needs_an_f410_address_and_accepts_exported_methods() {
        let rt = MockRuntime::new::<EthAccountActor>(200);
        rt.refused(0, cloudless_runtime::METHOD_CONSTRUCTOR, &(), ExitCode::USR_ILLEGAL_ARGUMENT);
        rt.refused(100, cloudless_runtime::METHOD_CONSTRUCTOR, &(), ExitCode::USR_FORBIDDEN);

        let rt = MockRuntime::new::<EthAccountActor>(200);
        rt.add_actor(200, TokenAmount::default());
        rt.set_delegated(200, Address::new_delegated(EAM_ACTOR_ID, &[7; 20]).unwrap());
        rt.construct(&()).unwrap();
        let receive = frc42_dispatch::method_hash!("Receive");
        rt.add_actor(100, TokenAmount::from_whole(1));
        let () = rt.pay(100, receive, &(), TokenAmount::from_whole(1));
        assert_eq!(rt.balance_of(200), TokenAmount::from_whole(1));
        rt.refused(100, 2, &(), ExitCode::USR_UNHANDLED_MESSAGE);
    }
}
