//! The gateway's IPC paths natively against the mock runtime: envelopes in through
//! `InvokeEVM` from the IPC gateway (deposits, results), withdrawals out through
//! `sendContractXnetMessage`, and every refusal (callers, origins, replays, malformed or
//! oversized calldata, unknown kinds, selectors and results) changing nothing. The FVM test
//! (`host/tests/gateway_ipc.rs`) runs the same flows through a stand-in IPC gateway actor.

use alloy_sol_types::{SolCall, SolValue};
use cloudless_ipc::*;
use cloudless_runtime::mock::MockRuntime;
use cloudless_runtime::{Invariants, Runtime};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::IPLD_RAW;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::ActorID;
use std::cell::RefCell;
use std::rc::Rc;

use crate::types::micro_usdc as usdc;
use crate::METHOD_INVOKE_EVM;
use crate::*;

const GATEWAY: ActorID = 84;
const IPC: ActorID = IPC_GATEWAY_ID;
const ADMIN: ActorID = 100;
const ALICE: ActorID = 102;
const RECEIVER: ActorID = 200;
const MALLORY: ActorID = 666;
const ROOT: u64 = 314_159;
const CONTROLLER: [u8; 20] = [0xcc; 20];
const RECEIVE: u64 = frc42_dispatch::method_hash!("Receive");

fn keccak(data: &[u8]) -> [u8; 32] {
    <MockRuntime as Runtime>::keccak256(data)
}

fn controller() -> IPCAddress {
    IPCAddress { subnetId: SubnetID::new(ROOT, &[]), rawAddress: FvmAddress::delegated(CONTROLLER) }
}

fn us() -> IPCAddress {
    IPCAddress { subnetId: SubnetID::new(ROOT, &[[0x5b; 20]]), rawAddress: FvmAddress::delegated([0x84; 20]) }
}

/// The envelopes the IPC gateway has committed for us, as `sendContractXnetMessage` returned them.
type Committed = Rc<RefCell<Vec<IpcEnvelope>>>;

fn linked() -> (MockRuntime, Committed) {
    let rt = MockRuntime::new::<GatewayActor>(GATEWAY);
    for (n, who) in [ADMIN, ALICE, MALLORY].into_iter().enumerate() {
        rt.add_account(who, Address::new_secp256k1(&[n as u8 + 1; 65]).unwrap(), TokenAmount::default());
    }
    rt.add_actor(IPC, TokenAmount::from_atto(10));
    rt.add_actor(0, TokenAmount::default());
    rt.add_actor(RECEIVER, TokenAmount::default());
    rt.on_send(RECEIVER, Some(RECEIVE), |_, _| Err(cloudless_runtime::actor_error!(forbidden; "refuses")));
    let committed: Committed = Rc::default();
    let log = committed.clone();
    // The IPC gateway's sendContractXnetMessage: stamps `from` and the nonces, returns the envelope.
    rt.on_send(IPC, Some(METHOD_INVOKE_EVM), move |_, sent| {
        let block = sent.params.as_ref().unwrap();
        assert_eq!(block.codec, IPLD_RAW, "EVM calldata travels as a raw block");
        let call = sendContractXnetMessageCall::abi_decode_validate(&block.data).unwrap();
        let mut e = call.envelope;
        e.from = us();
        e.localNonce = log.borrow().len() as u64 + 7;
        e.originalNonce = e.localNonce;
        log.borrow_mut().push(e.clone());
        Ok(IpldBlock::serialize_cbor(&EvmBytes(sendContractXnetMessageCall::abi_encode_returns(&e))).unwrap())
    });
    rt.construct(&constructor(Some(link()))).unwrap();
    (rt, committed)
}

fn link() -> IpcLinkParams {
    IpcLinkParams {
        gateway: Address::new_id(IPC),
        parent_root: ROOT,
        parent_route: vec![],
        controller: fvm_address(CONTROLLER),
    }
}

fn constructor(ipc: Option<IpcLinkParams>) -> ConstructorParams {
    ConstructorParams {
        admin: Address::new_id(ADMIN),
        authority: Address::new_id(0),
        name: "USD Coin".into(),
        symbol: "USDC".into(),
        max_fast_window: 100,
        ipc,
    }
}

fn envelope(kind: IpcMsgKind, nonce: u64, message: Vec<u8>) -> IpcEnvelope {
    IpcEnvelope {
        kind,
        localNonce: nonce,
        originalNonce: nonce,
        value: U256::ZERO,
        to: us(),
        from: controller(),
        message: message.into(),
    }
}

fn deposit_of(nonce: u64, to: [u8; 20], micro: u64) -> IpcEnvelope {
    envelope(IpcMsgKind::Call, nonce, receive_linked_message(to, U256::from(micro)))
}

fn masked(id: ActorID) -> [u8; 20] {
    eth_address(&Address::new_id(id)).unwrap()
}

fn calldata(e: &IpcEnvelope) -> EvmBytes {
    EvmBytes(handleIpcMessageCall { envelope: e.clone() }.abi_encode())
}

/// Delivered as the EVM actor delivers it: calldata as a raw block.
fn deliver(rt: &MockRuntime, e: &IpcEnvelope) -> cloudless_runtime::ActorResult<Option<IpldBlock>> {
    rt.call_raw(
        IPC,
        METHOD_INVOKE_EVM,
        Some(IpldBlock { codec: IPLD_RAW, data: calldata(e).0 }),
        TokenAmount::default(),
    )
}

fn balance(rt: &MockRuntime, who: ActorID) -> TokenAmount {
    rt.ok::<_, Amount>(MALLORY, METHOD_BALANCE, &AddressParam(Address::new_id(who))).0
}

fn bridge(rt: &MockRuntime) -> BridgeInfo {
    rt.ok(MALLORY, METHOD_GET_BRIDGE, &())
}

fn assert_sound(rt: &MockRuntime) {
    let st: State = rt.state().unwrap();
    let errors = st.check_state_invariants(rt.store(), &rt.balance());
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn deposits_arrive_as_receive_linked_calls() {
    let (rt, _) = linked();
    let ret = deliver(&rt, &deposit_of(3, masked(ALICE), 2_500_000)).unwrap().unwrap();
    // handleIpcMessage returns `bytes`: an empty one, ABI-encoded, as a CBOR byte string.
    let EvmBytes(out) = ret.deserialize().unwrap();
    assert_eq!(out, handleIpcMessageCall::abi_encode_returns(&Bytes::new()));
    assert_eq!(balance(&rt, ALICE), usdc(2_500_000));
    let info = bridge(&rt);
    assert_eq!(info.next_deposit_nonce, 1);
    assert_eq!(info.ipc.as_ref().unwrap().last_nonce, Some(3));
    // A later nonce (other top-down messages in between belong to other actors) is fine.
    deliver(&rt, &deposit_of(9, masked(ALICE), 1)).unwrap();
    assert_eq!(balance(&rt, ALICE), usdc(2_500_001));
    assert_sound(&rt);
}

#[test]
fn every_refusal_changes_nothing() {
    let (rt, _) = linked();
    deliver(&rt, &deposit_of(5, masked(ALICE), 10)).unwrap();
    let refuse =
        |from: ActorID, data: Vec<u8>, code: ExitCode| rt.refused(from, METHOD_INVOKE_EVM, &EvmBytes(data), code);
    let good = calldata(&deposit_of(6, masked(ALICE), 10)).0;

    // Callers other than the IPC gateway.
    let msg = refuse(ALICE, good.clone(), ExitCode::USR_FORBIDDEN);
    assert!(msg.contains("only the IPC gateway"), "{msg}");
    // Replays: the same local nonce again, or an older one.
    refuse(IPC, calldata(&deposit_of(5, masked(ALICE), 10)).0, ExitCode::USR_ILLEGAL_ARGUMENT);
    refuse(IPC, calldata(&deposit_of(4, masked(ALICE), 10)).0, ExitCode::USR_ILLEGAL_ARGUMENT);
    // Origins other than the controller on the parent.
    let mut e = deposit_of(6, masked(ALICE), 10);
    e.from.rawAddress = FvmAddress::delegated([0xdd; 20]);
    refuse(IPC, calldata(&e).0, ExitCode::USR_FORBIDDEN);
    let mut e = deposit_of(6, masked(ALICE), 10);
    e.from.subnetId = SubnetID::new(ROOT + 1, &[]);
    refuse(IPC, calldata(&e).0, ExitCode::USR_FORBIDDEN);
    // Malformed calldata: truncated, another selector, oversized.
    refuse(IPC, good[..good.len() - 32].to_vec(), ExitCode::USR_SERIALIZATION);
    refuse(IPC, [&[1, 2, 3, 4][..], &good[4..]].concat(), ExitCode::USR_UNHANDLED_MESSAGE);
    refuse(IPC, vec![], ExitCode::USR_UNHANDLED_MESSAGE);
    refuse(IPC, vec![0; MAX_IPC_CALLDATA + 1], ExitCode::USR_ILLEGAL_ARGUMENT);
    // Envelopes we do not take: Transfer, a message that is no CallMsg, another method.
    refuse(IPC, calldata(&envelope(IpcMsgKind::Transfer, 6, vec![])).0, ExitCode::USR_ILLEGAL_ARGUMENT);
    refuse(IPC, calldata(&envelope(IpcMsgKind::Call, 6, vec![1, 2, 3])).0, ExitCode::USR_SERIALIZATION);
    let other = CallMsg::new([9, 9, 9, 9], (EthAddress::from(masked(ALICE)), U256::from(1)).abi_encode_params());
    refuse(IPC, calldata(&envelope(IpcMsgKind::Call, 6, other.abi_encode())).0, ExitCode::USR_ILLEGAL_ARGUMENT);
    let short = CallMsg::new(receiveLinkedCall::SELECTOR, vec![0; 20]);
    refuse(IPC, calldata(&envelope(IpcMsgKind::Call, 6, short.abi_encode())).0, ExitCode::USR_SERIALIZATION);
    // Bad deposits: nothing, to nobody, more than 128 bits, to a recipient that refuses.
    refuse(IPC, calldata(&deposit_of(6, masked(ALICE), 0)).0, ExitCode::USR_ILLEGAL_ARGUMENT);
    refuse(IPC, calldata(&deposit_of(6, [0; 20], 10)).0, ExitCode::USR_ILLEGAL_ARGUMENT);
    let huge = envelope(IpcMsgKind::Call, 6, receive_linked_message(masked(ALICE), U256::MAX));
    refuse(IPC, calldata(&huge).0, ExitCode::USR_ILLEGAL_ARGUMENT);
    let msg = refuse(IPC, calldata(&deposit_of(6, masked(RECEIVER), 10)).0, ExitCode::USR_FORBIDDEN);
    assert!(msg.contains("refused"), "{msg}");
    // A result nobody awaits.
    let result = ResultMsg { id: [7u8; 32].into(), outcome: OutcomeType::Ok, ret: Bytes::new() };
    refuse(IPC, calldata(&envelope(IpcMsgKind::Result, 6, result.abi_encode())).0, ExitCode::USR_NOT_FOUND);
    // FLT attached is refused before anything runs.
    rt.refused_paying(
        IPC,
        METHOD_INVOKE_EVM,
        &EvmBytes(good.clone()),
        TokenAmount::from_atto(1),
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    // The good one still applies: nothing above used its nonce.
    rt.ok::<_, EvmBytes>(IPC, METHOD_INVOKE_EVM, &EvmBytes(good));
    assert_eq!(balance(&rt, ALICE), usdc(20));
    assert_sound(&rt);
}

#[test]
fn a_gateway_without_an_ipc_link_takes_no_envelopes() {
    let rt = MockRuntime::new::<GatewayActor>(GATEWAY);
    rt.add_actor(ADMIN, TokenAmount::default());
    rt.add_actor(IPC, TokenAmount::default());
    rt.add_actor(0, TokenAmount::default());
    rt.construct(&constructor(None)).unwrap();
    let msg = rt.refused(IPC, METHOD_INVOKE_EVM, &calldata(&deposit_of(0, masked(ALICE), 1)), ExitCode::USR_FORBIDDEN);
    assert!(msg.contains("not linked to IPC"), "{msg}");
    // A link must name the IPC gateway by ID and the controller by an Ethereum address.
    let fresh = MockRuntime::new::<GatewayActor>(GATEWAY);
    fresh.add_actor(ADMIN, TokenAmount::default());
    fresh.add_actor(0, TokenAmount::default());
    let bad = |link: IpcLinkParams| constructor(Some(link));
    let link = link();
    let by_key = Address::new_secp256k1(&[3; 65]).unwrap();
    fresh.refused(
        0,
        1,
        &bad(IpcLinkParams { gateway: fvm_address([1; 20]), ..link.clone() }),
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    fresh.refused(0, 1, &bad(IpcLinkParams { controller: by_key, ..link.clone() }), ExitCode::USR_ILLEGAL_ARGUMENT);
    fresh.refused(
        0,
        1,
        &bad(IpcLinkParams { controller: Address::new_id(5), ..link.clone() }),
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    fresh.refused(0, 1, &bad(IpcLinkParams { parent_route: vec![by_key], ..link }), ExitCode::USR_ILLEGAL_ARGUMENT);
}

#[test]
fn withdrawals_leave_as_cross_net_calls_and_results_settle_them() {
    let (rt, committed) = linked();
    deliver(&rt, &deposit_of(0, masked(ALICE), 10_000_000)).unwrap();
    let to = |b: u8| fvm_address([b; 20]);
    let withdraw = |b: u8, micro: u64| -> u64 {
        let p = WithdrawParams { parent_recipient: to(b), amount: usdc(micro), fast: None };
        rt.ok::<_, WithdrawReturn>(ALICE, METHOD_WITHDRAW, &p).nonce
    };
    assert_eq!(withdraw(0xb1, 1_000_000), 0);
    assert_eq!(withdraw(0xb2, 2_000_000), 1);
    assert_eq!(withdraw(0xb3, 3_000_000), 2);
    // Each is the receiveLinked call the parent controller takes, addressed to it.
    let sent = committed.borrow().clone();
    assert_eq!(sent.len(), 3);
    for (e, (b, micro)) in sent.iter().zip([(0xb1, 1_000_000u64), (0xb2, 2_000_000), (0xb3, 3_000_000)]) {
        assert_eq!(e.kind, IpcMsgKind::Call);
        assert_eq!(e.to, controller());
        assert_eq!(e.value, U256::ZERO);
        let call: CallMsg = decode(&e.message).unwrap();
        assert_eq!(call.selector(), Some(receiveLinkedCall::SELECTOR));
        let args = receiveLinkedCall::abi_decode_raw_validate(&call.params).unwrap();
        assert_eq!((args.recipient, args.amount), (EthAddress::from([b; 20]), U256::from(micro)));
    }
    assert_eq!(balance(&rt, ALICE), usdc(4_000_000));
    // Refused withdrawals: a recipient the controller cannot pay, fast terms.
    let p = WithdrawParams { parent_recipient: Address::new_secp256k1(&[9; 65]).unwrap(), amount: usdc(1), fast: None };
    rt.refused(ALICE, METHOD_WITHDRAW, &p, ExitCode::USR_ILLEGAL_ARGUMENT);
    let fast = FastTerms { fee: usdc(0), deadline_epoch: 10 };
    let p = WithdrawParams { parent_recipient: to(0xb4), amount: usdc(1), fast: Some(fast) };
    rt.refused(ALICE, METHOD_WITHDRAW, &p, ExitCode::USR_ILLEGAL_ARGUMENT);

    let answer = |e: &IpcEnvelope, outcome: OutcomeType, nonce: u64| {
        // The parent's result: from the controller back to us.
        let mut r = e.result(outcome, vec![], keccak);
        r.localNonce = nonce;
        r
    };
    // Entry 1's result overtakes entry 0's: 1 is confirmed, 0 held, then 0's failure refunds it.
    deliver(&rt, &answer(&sent[1], OutcomeType::Ok, 1)).unwrap();
    let entry = |n: u64| rt.ok::<_, OutboxEntryView>(MALLORY, METHOD_GET_OUTBOX_ENTRY, &NonceParam { nonce: n });
    assert_eq!(entry(1).status, EntryStatus::Confirmed);
    assert!(entry(0).entry.held);
    deliver(&rt, &answer(&sent[0], OutcomeType::ActorErr, 2)).unwrap();
    assert_eq!(entry(0).status, EntryStatus::Rejected);
    assert_eq!(balance(&rt, ALICE), usdc(5_000_000));
    // The same result again (a later nonce) awaits nothing any more.
    rt.refused(IPC, METHOD_INVOKE_EVM, &calldata(&answer(&sent[0], OutcomeType::Ok, 3)), ExitCode::USR_NOT_FOUND);
    deliver(&rt, &answer(&sent[2], OutcomeType::SystemErr, 4)).unwrap();
    assert_eq!(entry(2).status, EntryStatus::Rejected);
    assert_eq!(balance(&rt, ALICE), usdc(8_000_000));
    let totals = bridge(&rt).totals;
    assert_eq!((totals.confirmed, totals.refunded, totals.pending), (usdc(2_000_000), usdc(4_000_000), usdc(0)));
    assert_sound(&rt);
}
