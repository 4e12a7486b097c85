//! The init actor's methods on the mock runtime.

use cid::Cid;
use cloudless_runtime::mock::MockRuntime;
use cloudless_runtime::{ActorError, METHOD_CONSTRUCTOR};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;

use crate::*;

fn code(name: &str) -> Cid {
    Cid::new_v1(0x55, cid::multihash::Multihash::wrap(0, name.as_bytes()).expect("short name"))
}

fn init() -> MockRuntime {
    let rt = MockRuntime::new::<InitActor>(1);
    rt.construct(&ConstructorParams { network_name: "test".into(), first_actor_id: 100 }).unwrap();
    rt.add_code(code("oracle"), 20);
    rt.add_actor(50, TokenAmount::from_whole(10));
    rt
}

#[test]
fn constructor_needs_the_system_actor_and_a_name() {
    let rt = MockRuntime::new::<InitActor>(1);
    let p = ConstructorParams { network_name: "test".into(), first_actor_id: 100 };
    rt.refused(100, METHOD_CONSTRUCTOR, &p, ExitCode::USR_FORBIDDEN);
    let empty = ConstructorParams { network_name: String::new(), first_actor_id: 100 };
    rt.refused(0, METHOD_CONSTRUCTOR, &empty, ExitCode::USR_ILLEGAL_ARGUMENT);
}

#[test]
fn exec_creates_the_actor_and_passes_value_and_params_to_its_constructor() {
    let rt = init();
    rt.on_send(100, Some(METHOD_CONSTRUCTOR), |_, sent| {
        assert_eq!(sent.params.as_ref().map(|p| p.data.clone()), Some(vec![0x80]));
        Ok(None)
    });
    let p = ExecParams { code_cid: code("oracle"), constructor_params: vec![0x80] };
    let r: ExecReturn = rt.pay(50, METHOD_EXEC, &p, TokenAmount::from_whole(2));
    assert_eq!(r.id_address, fvm_shared::address::Address::new_id(100));
    assert_eq!(rt.code_of(100), Some(code("oracle")));
    assert_eq!(rt.balance_of(100), TokenAmount::from_whole(2), "the FLT went through init to f0100");
    assert_eq!(rt.balance_of(1), TokenAmount::default());
    // The next actor gets the next ID.
    rt.on_send(101, Some(METHOD_CONSTRUCTOR), |_, _| Ok(None));
    let r: ExecReturn = rt.ok(50, METHOD_EXEC, &p);
    assert_eq!(r.id_address, fvm_shared::address::Address::new_id(101));
    assert_ne!(r.robust_address, fvm_shared::address::Address::new_id(101));
}

#[test]
fn exec_refuses_foreign_codes_and_failed_constructors_change_nothing() {
    let rt = init();
    let foreign = ExecParams { code_cid: code("evm"), constructor_params: vec![] };
    rt.refused(50, METHOD_EXEC, &foreign, ExitCode::USR_FORBIDDEN);
    rt.refused(50, METHOD_EXEC, &7u64, ExitCode::USR_SERIALIZATION);
    rt.on_send(100, Some(METHOD_CONSTRUCTOR), |_, _| Err(ActorError::illegal_argument("bad params")));
    let p = ExecParams { code_cid: code("oracle"), constructor_params: vec![] };
    rt.refused_paying(50, METHOD_EXEC, &p, TokenAmount::from_whole(1), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(rt.code_of(100), None, "the created actor is rolled back");
}
