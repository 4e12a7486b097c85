//! Core actors and the kernel extension, as Wasm in the real FVM with the Cloudless kernel.

use cloudless_actor_account::{AuthenticateMessageParams, METHOD_AUTHENTICATE_MESSAGE, METHOD_PUBKEY_ADDRESS};
use cloudless_actor_init::{ExecParams, ExecReturn, METHOD_EXEC};
use cloudless_testing::{assert_ok, charged, check_invariants, Harness, Snapshot};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;

const CONFIG: &str = r#"
[network]
name = "core-test"
[[accounts]]
name = "alice"
balance = "1000"
[[accounts]]
name = "bob"
balance = "1000"
"#;

fn harness() -> Harness {
    Harness::new(CONFIG, cloudless_bundle::TEST_BUNDLE_CAR).unwrap()
}

fn exec(h: &mut Harness, code: cid::Cid) -> fvm::executor::ApplyRet {
    let p = ExecParams { code_cid: code, constructor_params: Vec::new() };
    h.send_raw("alice", Address::new_id(1), METHOD_EXEC, RawBytes::serialize(p).unwrap(), TokenAmount::default())
}

#[test]
fn kernel_syscall_runs_from_a_wasm_actor_and_is_metered() {
    let mut h = harness();
    let code = h.node.code_of("test-syscall").unwrap();
    let ret = exec(&mut h, code);
    assert_ok(&ret);
    let created: ExecReturn = ret.msg_receipt.return_data.deserialize().unwrap();
    assert_eq!(created.id_address, Address::new_id(102), "init hands out IDs after the accounts");

    let to = created.id_address;
    let method = cloudless_actor_test_syscall::METHOD_ABI_VERSION;
    h.node.set_tracing(true);
    let ret = h.send_raw("bob", to, method, RawBytes::default(), TokenAmount::default());
    assert_ok(&ret);
    let version: u64 = ret.msg_receipt.return_data.deserialize().unwrap();
    assert_eq!(version, cloudless_kernel::ABI_VERSION);

    // The kernel charged the syscall's published price.
    assert_eq!(charged(&ret, "cloudless_abi_version"), vec![cloudless_kernel::gas::ABI_VERSION_GAS.round_up()]);
    check_invariants(&h.node, &Snapshot::take(&h.node).unwrap().total_balance()).unwrap();
}

#[test]
fn init_exec_refuses_foreign_code_and_core_actors() {
    let mut h = harness();
    let foreign = cid::Cid::new_v1(0x55, cid::multihash::Multihash::wrap(0, b"not-an-actor").unwrap());
    let p = RawBytes::serialize(ExecParams { code_cid: foreign, constructor_params: Vec::new() }).unwrap();
    h.expect_failure("alice", Address::new_id(1), METHOD_EXEC, p, ExitCode::USR_FORBIDDEN);
    // Core actors only accept the system actor as constructor caller.
    let account = h.node.code_of("account").unwrap();
    let p = RawBytes::serialize(ExecParams {
        code_cid: account,
        constructor_params: RawBytes::serialize(h.address("alice")).unwrap().to_vec(),
    })
    .unwrap();
    h.expect_failure("alice", Address::new_id(1), METHOD_EXEC, p, ExitCode::USR_FORBIDDEN);
    h.expect_failure("alice", Address::new_id(1), METHOD_EXEC, RawBytes::new(vec![9]), ExitCode::USR_SERIALIZATION);
}

#[test]
fn account_authenticates_real_signatures_only() {
    let mut h = harness();
    let alice = h.address("alice");
    let addr: Address = h.call("bob", "alice", METHOD_PUBKEY_ADDRESS, &());
    assert_eq!(addr, alice);

    let message = b"compute unit lease #7".to_vec();
    let signature = h.keys.key("alice").unwrap().sign(&message).bytes;
    let ok: bool = h.call(
        "bob",
        "alice",
        METHOD_AUTHENTICATE_MESSAGE,
        &AuthenticateMessageParams { signature: signature.clone(), message: message.clone() },
    );
    assert!(ok);

    let by_bob = h.keys.key("bob").unwrap().sign(&message).bytes;
    let p = RawBytes::serialize(AuthenticateMessageParams { signature: by_bob, message: message.clone() }).unwrap();
    h.expect_failure("bob", alice, METHOD_AUTHENTICATE_MESSAGE, p, ExitCode::USR_ILLEGAL_ARGUMENT);
    let p = RawBytes::serialize(AuthenticateMessageParams { signature, message: b"other".to_vec() }).unwrap();
    h.expect_failure("bob", alice, METHOD_AUTHENTICATE_MESSAGE, p, ExitCode::USR_ILLEGAL_ARGUMENT);
    let p = RawBytes::serialize(AuthenticateMessageParams { signature: vec![1, 2, 3], message }).unwrap();
    h.expect_failure("bob", alice, METHOD_AUTHENTICATE_MESSAGE, p, ExitCode::USR_ILLEGAL_ARGUMENT);
    h.expect_failure("bob", alice, METHOD_AUTHENTICATE_MESSAGE, RawBytes::new(vec![0x80]), ExitCode::USR_SERIALIZATION);
    // The constructor is for the system actor only.
    h.expect_failure("bob", alice, 1, RawBytes::serialize(alice).unwrap(), ExitCode::USR_FORBIDDEN);

    // The burnt-funds account is keyless: it can never authenticate.
    let p = RawBytes::serialize(AuthenticateMessageParams { signature: vec![0; 65], message: vec![] }).unwrap();
    h.expect_failure("bob", Address::new_id(99), METHOD_AUTHENTICATE_MESSAGE, p, ExitCode::USR_FORBIDDEN);
}

#[test]
fn eam_refuses_evm_and_placeholders_only_hold_value() {
    let mut h = harness();
    for method in cloudless_actor_eam::CREATE_METHODS {
        let failure =
            h.expect_failure("alice", Address::new_id(10), method, RawBytes::new(vec![0x80]), ExitCode::USR_FORBIDDEN);
        assert!(failure.contains("EVM actors are not supported"), "{failure}");
    }

    // FLT sent to an unknown f410 address creates a placeholder that holds it.
    let f4 = Address::new_delegated(10, &[0x11; 20]).unwrap();
    let ret = h.send_raw("alice", f4, 0, RawBytes::default(), TokenAmount::from_whole(3));
    assert_ok(&ret);
    let id = h.node.resolve(&f4).unwrap().unwrap();
    assert_eq!(h.node.balance(id).unwrap(), TokenAmount::from_whole(3));
    assert_eq!(h.node.code_name(&h.node.actor(id).unwrap().unwrap().code).unwrap().as_deref(), Some("placeholder"));
    h.expect_failure("alice", f4, 2, RawBytes::default(), ExitCode::USR_UNHANDLED_MESSAGE);
}

#[test]
fn premiums_go_to_the_reward_actor_and_base_fees_are_burnt() {
    let mut h = harness();
    let before = Snapshot::take(&h.node).unwrap();
    let ret = h.send_raw("alice", h.address("bob"), 0, RawBytes::default(), TokenAmount::from_whole(1));
    assert_ok(&ret);
    assert!(h.node.balance(2).unwrap() > before.0[&2].1, "f02 received the premium");
    assert!(h.node.balance(99).unwrap() > before.0[&99].1, "f099 received the burnt base fee");
    assert_eq!(Snapshot::take(&h.node).unwrap().total_balance(), before.total_balance());
}

#[test]
fn unsigned_messages_apply_with_nonce_and_gas_checks() {
    let mut h = harness();
    let (alice, bob) = (h.address("alice"), h.address("bob"));
    let msg = || fvm_shared::message::Message {
        value: TokenAmount::from_whole(2),
        ..h.message("alice", bob, 0, RawBytes::default())
    };
    let (first, stale) = (msg(), msg());
    assert_ok(&h.node.apply_unsigned(first).unwrap());
    assert_eq!(h.node.sequence(&alice).unwrap(), 1);
    let bob_balance = h.node.balance(h.id("bob")).unwrap();
    assert_eq!(bob_balance, TokenAmount::from_whole(1002));
    let before = Snapshot::take(&h.node).unwrap();
    let ret = h.node.apply_unsigned(stale).unwrap();
    assert_eq!(ret.msg_receipt.exit_code, ExitCode::SYS_SENDER_STATE_INVALID);
    assert_eq!(Snapshot::take(&h.node).unwrap(), before);
}

/// An actor added to the list (actors/registry/src/list.rs) and nowhere else in the host: its
/// methods, params, returns, events, state and invariants all come from its declaration.
#[test]
fn an_actor_added_to_the_list_is_known_to_the_host_by_its_declaration_alone() {
    use cloudless_host::abi;
    use serde_json::json;
    let mut h = harness();
    let counter = h.exec("alice", "test-counter");
    let names: Vec<&str> = abi::methods("test-counter").iter().map(|m| m.name).collect();
    assert_eq!(names, ["Send", "Constructor", "Add", "Get", "Tip"]);

    // Params in JSON, by position or by field name; the return decoded from the declaration.
    let add = abi::find_method("test-counter", "add").unwrap();
    for params in [json!([2]), json!({ "amount": 3 })] {
        let p = add.encode_params(params).unwrap().unwrap();
        let ret = h.send_raw("bob", counter, add.number, p, TokenAmount::default());
        assert_ok(&ret);
        let event = abi::event_json(&h.node, &ret.events[0]);
        assert_eq!(event["type"], "added");
        assert_eq!(event["fields"]["by"], json!(format!("f0{}", h.id("bob"))));
        if event["fields"]["amount"] == 3 {
            assert_eq!(add.decode_return(&ret.msg_receipt.return_data).unwrap(), json!(5));
        }
    }
    assert!(add.encode_params(json!(["two"])).is_err(), "params are checked against the declared types");
    let id = h.node.resolve(&counter).unwrap().unwrap();
    assert_eq!(abi::actor_json(&h.node, id).unwrap()["state"], json!({ "count": 5, "tips": "0" }));

    // Only the [payable] method takes FLT; the harness checked the invariant (tips = balance)
    // after every message.
    let p = add.encode_params(json!([1])).unwrap().unwrap();
    h.expect_failure_paying("bob", counter, add.number, p, TokenAmount::from_whole(1), ExitCode::USR_ILLEGAL_ARGUMENT);
    let tip = abi::find_method("test-counter", "Tip").unwrap();
    assert!(tip.payable);
    assert_ok(&h.send_raw("bob", counter, tip.number, RawBytes::default(), TokenAmount::from_whole(2)));
    assert_eq!(abi::actor_json(&h.node, id).unwrap()["state"]["tips"], "2");
}
