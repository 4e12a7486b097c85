//! The gateway on an IPC subnet, in the FVM, on both core sets (ours and builtin-actors v17).
//!
//! The test bundle's `test-ipc-gateway` stands in for IPC's gateway actor at f064, with the
//! f410 address fendermint gives it (0x77aa…1da8); our gateway is linked to it at genesis
//! (`[actors.gateway.ipc]`) and gets its own f410 address. A small parent simulator here plays
//! the linked-token controller: it locks USDC for deposits and sends `receiveLinked` calls down,
//! reads what the subnet committed bottom-up (results of its calls, our withdrawals), pays or
//! refuses withdrawals and sends their results down. Everything crosses as the ABI bytes the
//! IPC contracts use. After every step: the harness's invariant checks; at rest, USDC is
//! conserved across both chains (locked on the parent = subnet supply, parent total constant).

use std::collections::{BTreeMap, BTreeSet};

use cloudless_actor_gateway::micro_usdc as usdc;
use cloudless_actor_gateway::*;
use cloudless_actor_test_ipc_gateway as sim;
use cloudless_host::genesis::eth_address_of;
use cloudless_host::prove::keccak256;
use cloudless_ipc::*;
use cloudless_testing::{assert_ok, Harness, Snapshot};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;

const CONFIG: &str = r#"
[network]
name = "ipc"
[[accounts]]
name = "alice"
balance = "1000"
[[accounts]]
name = "fendermint"
balance = "1000"
[actors.gateway]
admin = "alice"
[actors.gateway.ipc]
parent = "/r314159"
controller = "0xcccccccccccccccccccccccccccccccccccccccc"
"#;

const ROOT: u64 = 314_159;
const CONTROLLER: [u8; 20] = [0xcc; 20];
/// The subnet actor on the parent: the last hop of this subnet's ID.
const SUBNET_ACTOR: [u8; 20] = [0x5a; 20];
const GATEWAY: u64 = 84;

fn eth(id: u64) -> [u8; 20] {
    eth_address(&Address::new_id(id)).unwrap()
}

fn gateway_eth() -> [u8; 20] {
    eth_address(&eth_address_of(GATEWAY)).unwrap()
}

/// The parent chain as the linked-token controller sees it.
#[derive(Default)]
struct Parent {
    usdc: BTreeMap<[u8; 20], u64>,
    /// Held by the controller against the subnet's supply.
    locked: u64,
    top_down_nonce: u64,
    read: u64,
    /// Deposits sent down and not yet answered: tracing ID -> (depositor, micro-USDC).
    awaiting: BTreeMap<[u8; 32], ([u8; 20], u64)>,
    /// Recipients the controller cannot pay (its call fails: an ActorErr result).
    refuses: BTreeSet<[u8; 20]>,
    total: u64,
}

impl Parent {
    fn new(users: &[([u8; 20], u64)]) -> Self {
        let usdc: BTreeMap<_, _> = users.iter().copied().collect();
        let total = usdc.values().sum();
        Parent { usdc, total, ..Default::default() }
    }

    fn controller() -> IPCAddress {
        IPCAddress { subnetId: SubnetID::new(ROOT, &[]), rawAddress: FvmAddress::delegated(CONTROLLER) }
    }

    fn subnet_gateway() -> IPCAddress {
        IPCAddress { subnetId: SubnetID::new(ROOT, &[SUBNET_ACTOR]), rawAddress: FvmAddress::delegated(gateway_eth()) }
    }

    /// Top-down: fendermint applies `e` with the next nonce through the IPC gateway actor.
    fn send_down(&mut self, h: &mut Harness, mut e: IpcEnvelope) -> sim::ApplyReturn {
        e.localNonce = self.top_down_nonce;
        self.top_down_nonce += 1;
        apply(h, &e)
    }

    /// `linkedTransfer(to, micro)` by `from`: lock, then the receiveLinked call.
    fn deposit(&mut self, h: &mut Harness, from: [u8; 20], to: [u8; 20], micro: u64) -> sim::ApplyReturn {
        *self.usdc.get_mut(&from).unwrap() -= micro;
        self.locked += micro;
        let e = IpcEnvelope {
            kind: IpcMsgKind::Call,
            localNonce: 0,
            originalNonce: self.top_down_nonce,
            value: U256::ZERO,
            to: Self::subnet_gateway(),
            from: Self::controller(),
            message: receive_linked_message(to, U256::from(micro)).into(),
        };
        self.awaiting.insert(e.tracing_id(keccak256), (from, micro));
        self.send_down(h, e)
    }

    /// Reads the subnet's new bottom-up envelopes: results of deposits (a failure refunds the
    /// depositor), withdrawals (paid unless refused), each withdrawal answered top-down.
    fn sync(&mut self, h: &mut Harness) {
        let page: Vec<EvmBytes> = h.call("fendermint", "ipc", sim::METHOD_GET_POSTBOX, &self.read);
        self.read += page.len() as u64;
        for EvmBytes(bytes) in page {
            let e: IpcEnvelope = decode(&bytes).unwrap();
            assert_eq!(e.to, Self::controller(), "everything our subnet sends goes to the controller");
            assert_eq!(e.from, Self::subnet_gateway(), "sent by our gateway, from our subnet");
            match e.kind {
                IpcMsgKind::Result => {
                    let r: ResultMsg = decode(&e.message).unwrap();
                    let (depositor, micro) = self.awaiting.remove(&r.id.0).expect("a result of our deposit");
                    if r.outcome != OutcomeType::Ok {
                        self.locked -= micro;
                        *self.usdc.get_mut(&depositor).unwrap() += micro;
                    }
                }
                IpcMsgKind::Call => {
                    let call: CallMsg = decode(&e.message).unwrap();
                    assert_eq!(call.selector(), Some(receiveLinkedCall::SELECTOR));
                    let args = receiveLinkedCall::abi_decode_raw_validate(&call.params).unwrap();
                    let (to, micro) = (args.recipient.into_array(), u64::try_from(args.amount).unwrap());
                    let outcome = if self.refuses.contains(&to) {
                        OutcomeType::ActorErr
                    } else {
                        self.locked -= micro;
                        *self.usdc.entry(to).or_default() += micro;
                        OutcomeType::Ok
                    };
                    let ret = self.send_down(h, e.result(outcome, vec![], keccak256));
                    assert!(ret.success, "our gateway takes the result of its withdrawal");
                }
                IpcMsgKind::Transfer | IpcMsgKind::__Invalid => panic!("unexpected {e:?}"),
            }
        }
    }

    /// USDC is conserved: what the parent holds in total never changes, and with nothing in
    /// flight the controller holds exactly the subnet's supply.
    fn assert_conserved(&self, h: &mut Harness) {
        assert_eq!(self.usdc.values().sum::<u64>() + self.locked, self.total);
        let info: BridgeInfo = h.call("alice", "gateway", METHOD_GET_BRIDGE, &());
        assert_eq!(info.totals.pending, TokenAmount::default(), "nothing in flight");
        assert!(self.awaiting.is_empty());
        assert_eq!(usdc(self.locked), info.supply);
    }
}

/// fendermint (here an account) has the IPC gateway apply one top-down envelope.
fn apply(h: &mut Harness, e: &IpcEnvelope) -> sim::ApplyReturn {
    h.call("fendermint", "ipc", sim::METHOD_APPLY_TOP_DOWN, &EvmBytes(e.abi_encode()))
}

fn balance(h: &mut Harness, who: Address) -> TokenAmount {
    h.call::<_, Amount>("alice", "gateway", METHOD_BALANCE, &AddressParam(who)).0
}

fn harness(bundle: &[u8]) -> Harness {
    let mut h = Harness::new(CONFIG, bundle).unwrap().indexed();
    let network = sim::ConstructorParams { network_root: ROOT, network_route: vec![fvm_address(SUBNET_ACTOR)] };
    h.install(IPC_GATEWAY_ID, "test-ipc-gateway", &network, true).unwrap();
    h.keys.actors.insert("ipc".into(), Address::new_id(IPC_GATEWAY_ID).to_string());
    h.journal = Some(Vec::new());
    h
}

/// Prints the gas of the first delivered deposit, withdrawal and result (docs/ipc.md quotes it;
/// `--nocapture` shows it). Deposits and results include the stand-in IPC gateway's own work.
fn print_gas(h: &Harness, official: bool) {
    let journal = h.journal.as_ref().unwrap();
    let gas = |method: u64, nth: usize| {
        journal
            .iter()
            .filter(|j| j.signed.message.method_num == method && j.exit_code.is_success())
            .nth(nth)
            .map(|j| j.gas_used)
    };
    println!(
        "{} core: deposit {:?}, withdraw {:?}, first result {:?} gas",
        if official { "official" } else { "our" },
        gas(sim::METHOD_APPLY_TOP_DOWN, 0),
        gas(METHOD_WITHDRAW, 0),
        gas(sim::METHOD_APPLY_TOP_DOWN, 3),
    );
}

fn run(bundle: &[u8]) {
    let mut h = harness(bundle);
    let official = h.core == cloudless_host::genesis::CoreSet::Official;
    // Fixed-ID Ethereum addresses as on an IPC subnet: the IPC gateway's is the published one.
    assert_eq!(eth_address(&eth_address_of(64)).unwrap(), cloudless_ipc::builtin_actor_eth_address(64, keccak256));
    assert_eq!(h.node.resolve(&eth_address_of(IPC_GATEWAY_ID)).unwrap(), Some(IPC_GATEWAY_ID));
    assert_eq!(h.node.resolve(&eth_address_of(GATEWAY)).unwrap(), Some(GATEWAY));
    assert_eq!(h.node.actor(GATEWAY).unwrap().unwrap().delegated_address, Some(eth_address_of(GATEWAY)));

    let (dave, erin) = ([0xd1; 20], [0xe1; 20]);
    let mut parent = Parent::new(&[(dave, 50_000_000), (erin, 5_000_000)]);
    let alice = h.address("alice");
    let alice_id = h.id("alice");

    // A deposit to alice (by her masked ID address): minted, and an Ok result goes back.
    let ret = parent.deposit(&mut h, dave, eth(alice_id), 20_000_000);
    assert!(ret.success, "exit code {}", ret.exit_code);
    assert_eq!(balance(&mut h, alice), usdc(20_000_000));
    // A deposit to a recipient that refuses tokens (the gateway itself): the call fails with
    // its exit code, and the failed result refunds erin on the parent.
    let ret = parent.deposit(&mut h, erin, gateway_eth(), 1_000_000);
    assert_eq!((ret.success, ret.exit_code), (false, ExitCode::USR_FORBIDDEN.value()));
    parent.sync(&mut h);
    assert_eq!(parent.usdc[&erin], 5_000_000);
    parent.assert_conserved(&mut h);
    // To an Ethereum address with no actor yet: the FVM puts a placeholder there. Ours cannot
    // run a receiver hook (the deposit fails and is refunded); builtin-actors' placeholder
    // answers every call, so on the official core it takes the tokens, and its owner has them
    // once the address becomes an account.
    let ret = parent.deposit(&mut h, erin, [0xf0; 20], 1_000_000);
    assert_eq!(ret.success, official, "exit code {}", ret.exit_code);
    parent.sync(&mut h);
    let fresh = balance(&mut h, fvm_address([0xf0; 20]));
    assert_eq!(fresh, if official { usdc(1_000_000) } else { usdc(0) });
    assert_eq!(parent.usdc[&erin], if official { 4_000_000 } else { 5_000_000 });
    parent.assert_conserved(&mut h);

    // Withdrawals: paid on the parent; one to a recipient the controller refuses comes back.
    parent.refuses.insert([0xbb; 20]);
    let withdraw = |h: &mut Harness, to: [u8; 20], micro: u64| -> WithdrawReturn {
        let p = WithdrawParams { parent_recipient: fvm_address(to), amount: usdc(micro), fast: None };
        h.call("alice", "gateway", METHOD_WITHDRAW, &p)
    };
    assert_eq!(withdraw(&mut h, dave, 3_000_000).nonce, 0);
    assert_eq!(withdraw(&mut h, [0xbb; 20], 2_000_000).nonce, 1);
    assert_eq!(withdraw(&mut h, erin, 1_000_000).nonce, 2);
    assert_eq!(balance(&mut h, alice), usdc(14_000_000));
    parent.sync(&mut h);
    assert_eq!(balance(&mut h, alice), usdc(16_000_000), "the refused withdrawal is re-minted");
    assert_eq!(parent.usdc[&dave], 33_000_000);
    let entry = |h: &mut Harness, n: u64| -> OutboxEntryView {
        h.call("alice", "gateway", METHOD_GET_OUTBOX_ENTRY, &NonceParam { nonce: n })
    };
    let statuses: Vec<_> = (0..3).map(|n| entry(&mut h, n).status).collect();
    assert_eq!(statuses, [EntryStatus::Confirmed, EntryStatus::Rejected, EntryStatus::Confirmed]);
    parent.assert_conserved(&mut h);

    // Refusals change nothing but the sender's fees: a caller other than the IPC gateway, and
    // (through the IPC gateway, whose own state moves on) a replayed nonce, a stranger's
    // envelope and a malformed one, each failing inside with its exit code.
    let gw = Address::new_id(GATEWAY);
    let call = handleIpcMessageCall {
        envelope: IpcEnvelope {
            kind: IpcMsgKind::Call,
            localNonce: parent.top_down_nonce,
            originalNonce: 0,
            value: U256::ZERO,
            to: Parent::subnet_gateway(),
            from: Parent::controller(),
            message: receive_linked_message(eth(alice_id), U256::from(1u64)).into(),
        },
    };
    let calldata = RawBytes::serialize(EvmBytes(call.abi_encode())).unwrap();
    let msg =
        h.expect_failure("alice", gw, cloudless_actor_gateway::METHOD_INVOKE_EVM, calldata, ExitCode::USR_FORBIDDEN);
    assert!(msg.contains("only the IPC gateway"), "{msg}");

    let gateway_state = |h: &Harness| {
        let a = h.node.actor(GATEWAY).unwrap().unwrap();
        (a.state, a.balance)
    };
    let before = gateway_state(&h);
    let supply_before = balance(&mut h, alice);
    // The IPC gateway refuses a replayed top-down nonce itself (a SystemErr result).
    let mut replay = call.envelope.clone();
    replay.localNonce = parent.top_down_nonce - 1;
    let ret = apply(&mut h, &replay);
    assert!(!ret.success && ret.exit_code == 0, "refused by the IPC gateway, not delivered");
    // A stranger's envelope and a malformed message reach our gateway and are refused.
    let mut stranger = call.envelope.clone();
    stranger.from.rawAddress = FvmAddress::delegated([0xee; 20]);
    assert_eq!(parent.send_down(&mut h, stranger).exit_code, ExitCode::USR_FORBIDDEN.value());
    let mut malformed = call.envelope.clone();
    malformed.message = vec![1, 2, 3].into();
    assert_eq!(parent.send_down(&mut h, malformed).exit_code, ExitCode::USR_SERIALIZATION.value());
    let mut transfer = call.envelope.clone();
    transfer.kind = IpcMsgKind::Transfer;
    assert_eq!(parent.send_down(&mut h, transfer).exit_code, ExitCode::USR_ILLEGAL_ARGUMENT.value());
    assert_eq!(gateway_state(&h), before, "refused envelopes changed the gateway");
    assert_eq!(balance(&mut h, alice), supply_before);
    // Their failure results go back to the parent; it expects none of them and discards them.
    let page: Vec<EvmBytes> = h.call("fendermint", "ipc", sim::METHOD_GET_POSTBOX, &parent.read);
    assert_eq!(page.len(), 4, "the replay's SystemErr and three ActorErr results");
    parent.read += page.len() as u64;

    // And a good envelope after all that still applies.
    let ret = parent.deposit(&mut h, dave, eth(alice_id), 1_000_000);
    assert!(ret.success);
    parent.sync(&mut h);
    parent.assert_conserved(&mut h);
    print_gas(&h, official);
    let snapshot = Snapshot::take(&h.node).unwrap();
    assert!(snapshot.0.contains_key(&IPC_GATEWAY_ID));
    assert_ok(&h.send("alice", "gateway", METHOD_GET_BRIDGE, &()));
}

#[test]
fn ipc_envelopes_on_our_core_set() {
    run(cloudless_bundle::TEST_BUNDLE_CAR);
}

#[test]
fn ipc_envelopes_on_the_official_core_set() {
    let official = cloudless_bundle::official_v17().unwrap();
    run(&cloudless_bundle::compose(&official, cloudless_bundle::TEST_BUNDLE_CAR).unwrap());
}
