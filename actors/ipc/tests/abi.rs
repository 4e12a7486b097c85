//! The ABI of the IPC messages checked against the contract definitions.
//!
//! `CONTRACTS` transcribes the struct, enum and function declarations of the IPC contracts
//! (consensus-shipyard/ipc at ce27bc4a, 2025-11-14) that `cloudless-ipc` declares with `sol!`.
//! From them this test derives the canonical ABI signatures the way solc does (structs as
//! tuples, enums as `uint8`) and checks our selectors, and it encodes with an independent
//! encoder (`alloy-dyn-abi`, driven by those signatures) to compare bytes. Two vectors are
//! written out word by word from the ABI specification, and the fixed-ID Ethereum addresses
//! are the ones IPC's documentation publishes.

use std::collections::BTreeMap;

use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_sol_types::{SolCall, SolValue};
use cloudless_ipc::*;
use fvm_shared::address::Address;
use multihash_codetable::{Code, MultihashDigest};
use proptest::prelude::*;

const CONTRACTS: &str = r#"
// contracts/contracts/structs/CrossNet.sol
enum IpcMsgKind { Transfer, Call, Result }
struct IpcEnvelope { IpcMsgKind kind; uint64 localNonce; uint64 originalNonce; uint256 value; IPCAddress to; IPCAddress from; bytes message; }
struct CallMsg { bytes method; bytes params; }
enum OutcomeType { Ok, SystemErr, ActorErr }
struct ResultMsg { bytes32 id; OutcomeType outcome; bytes ret; }
// contracts/contracts/structs/Subnet.sol
struct SubnetID { uint64 root; address[] route; }
struct IPCAddress { SubnetID subnetId; FvmAddress rawAddress; }
// contracts/contracts/structs/FvmAddress.sol
struct FvmAddress { uint8 addrType; bytes payload; }
struct DelegatedAddress { uint64 namespace; uint128 length; bytes buffer; }
// contracts/sdk/interfaces/IIpcHandler.sol
function handleIpcMessage(IpcEnvelope envelope)
// contracts/contracts/gateway/GatewayMessengerFacet.sol
function sendContractXnetMessage(IpcEnvelope envelope)
// demos/linked-token/contracts/LinkedToken.sol: keccak256("receiveLinked(address,uint256)")
function receiveLinked(address recipient, uint256 amount)
"#;

/// The declarations above: enums, structs (field types in order) and functions (param types).
struct Defs {
    enums: Vec<String>,
    structs: BTreeMap<String, Vec<String>>,
    functions: BTreeMap<String, Vec<String>>,
}

fn defs() -> Defs {
    let mut d = Defs { enums: vec![], structs: BTreeMap::new(), functions: BTreeMap::new() };
    let fields = |body: &str, sep: char| -> Vec<String> {
        body.split(sep)
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(|f| f.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    for line in CONTRACTS.lines().map(str::trim) {
        let name = |kw: &str, open: char| line[kw.len()..line.find(open).unwrap()].trim().to_string();
        let inner = |open: char, close: char| &line[line.find(open).unwrap() + 1..line.rfind(close).unwrap()];
        if line.starts_with("enum ") {
            d.enums.push(name("enum ", '{'));
        } else if line.starts_with("struct ") {
            d.structs.insert(name("struct ", '{'), fields(inner('{', '}'), ';'));
        } else if line.starts_with("function ") {
            d.functions.insert(name("function ", '('), fields(inner('(', ')'), ','));
        }
    }
    d
}

impl Defs {
    /// The canonical ABI type of a declared type, as solc writes it in signatures.
    fn canonical(&self, ty: &str) -> String {
        if let Some(elem) = ty.strip_suffix("[]") {
            return format!("{}[]", self.canonical(elem));
        }
        if self.enums.iter().any(|e| e == ty) {
            return "uint8".into();
        }
        match self.structs.get(ty) {
            Some(fields) => format!("({})", fields.iter().map(|f| self.canonical(f)).collect::<Vec<_>>().join(",")),
            None => ty.to_string(),
        }
    }

    fn signature(&self, function: &str) -> String {
        let params = &self.functions[function];
        format!("{function}({})", params.iter().map(|p| self.canonical(p)).collect::<Vec<_>>().join(","))
    }

    fn dyn_type(&self, ty: &str) -> DynSolType {
        DynSolType::parse(&self.canonical(ty)).unwrap()
    }
}

fn keccak(data: &[u8]) -> [u8; 32] {
    Code::Keccak256.digest(data).digest().try_into().unwrap()
}

#[test]
fn signatures_and_selectors_match_the_contracts() {
    let d = defs();
    let cases: [(&str, &str, [u8; 4]); 3] = [
        ("handleIpcMessage", handleIpcMessageCall::SIGNATURE, handleIpcMessageCall::SELECTOR),
        ("sendContractXnetMessage", sendContractXnetMessageCall::SIGNATURE, sendContractXnetMessageCall::SELECTOR),
        ("receiveLinked", receiveLinkedCall::SIGNATURE, receiveLinkedCall::SELECTOR),
    ];
    for (name, ours, selector) in cases {
        let theirs = d.signature(name);
        assert_eq!(ours, theirs, "{name}");
        assert_eq!(selector, keccak(theirs.as_bytes())[..4], "{name} selector");
    }
    assert_eq!(
        d.signature("handleIpcMessage"),
        "handleIpcMessage((uint8,uint64,uint64,uint256,((uint64,address[]),(uint8,bytes)),((uint64,address[]),(uint8,bytes)),bytes))"
    );
    assert_eq!(receiveLinkedCall::SELECTOR, keccak(b"receiveLinked(address,uint256)")[..4]);
    assert_eq!(METHOD_INVOKE_EVM, frc42_number("InvokeEVM"));
}

/// FRC-42, computed here independently of `frc42_dispatch`: the first 4-byte big-endian chunk
/// of blake2b-512("1|" ‖ name) that is at least 2^24.
fn frc42_number(name: &str) -> u64 {
    let digest = Code::Blake2b512.digest(format!("1|{name}").as_bytes());
    let mut chunks = digest.digest().chunks(4);
    loop {
        let n = u32::from_be_bytes(chunks.next().unwrap().try_into().unwrap());
        if n >= 1 << 24 {
            return n as u64;
        }
    }
}

fn word(n: u64) -> Vec<u8> {
    let mut w = vec![0u8; 32];
    w[24..].copy_from_slice(&n.to_be_bytes());
    w
}

fn padded(bytes: &[u8]) -> Vec<u8> {
    let mut v = bytes.to_vec();
    v.resize(bytes.len().div_ceil(32) * 32, 0);
    v
}

#[test]
fn call_msg_and_delegated_address_encode_word_for_word() {
    // abi.encode(CallMsg{method: 0xdeadbeef, params: 40 bytes}): offset of the tuple, the two
    // offsets inside it, then each byte string as its length and padded content.
    let params: Vec<u8> = (0..40).collect();
    let msg = CallMsg::new([0xde, 0xad, 0xbe, 0xef], params.clone());
    let mut expected = [word(0x20), word(0x40), word(0x80), word(4)].concat();
    expected.extend(padded(&[0xde, 0xad, 0xbe, 0xef]));
    expected.extend(word(40));
    expected.extend(padded(&params));
    assert_eq!(msg.abi_encode(), expected);

    // FvmAddressHelper.from(0x11..11): {addrType 4, payload: abi.encode(DelegatedAddress{10, 20,
    // abi.encodePacked(addr)})}.
    let eth = [0x11u8; 20];
    let a = FvmAddress::delegated(eth);
    assert_eq!(a.addrType, 4);
    let payload = [word(0x20), word(10), word(20), word(0x60), word(20), padded(&eth)].concat();
    assert_eq!(a.payload.to_vec(), payload);
    assert_eq!(a.eth(), Some(eth));
}

#[test]
fn fixed_id_addresses_are_the_ones_ipc_publishes() {
    // IPC's docs (docs-gitbook/quickstarts/deploy-a-subnet.md): the gateway (ID 64) and the
    // registry (ID 65) as fendermint deploys them in a child subnet's genesis.
    let gateway = builtin_actor_eth_address(64, keccak);
    let registry = builtin_actor_eth_address(65, keccak);
    assert_eq!(hex::encode(gateway), "77aa40b105843728088c0132e43fc44348881da8");
    assert_eq!(hex::encode(registry), "74539671a1d2f1c8f200826baba665179f53a1b7");
}

#[test]
fn ethereum_and_fvm_addresses_convert_as_the_evm_does() {
    let id = Address::new_id(84);
    let masked = eth_address(&id).unwrap();
    assert_eq!(hex::encode(masked), "ff00000000000000000000000000000000000054");
    assert_eq!(fvm_address(masked), id);
    let eth = [0xabu8; 20];
    let f4 = fvm_address(eth);
    assert_eq!(f4, Address::new_delegated(10, &eth).unwrap());
    assert_eq!(eth_address(&f4), Some(eth));
    // Keys and actor addresses have no Ethereum form; nor has another namespace.
    assert_eq!(eth_address(&Address::new_secp256k1(&[4; 65]).unwrap()), None);
    assert_eq!(eth_address(&Address::new_actor(b"x")), None);
    assert_eq!(eth_address(&Address::new_delegated(32, &eth).unwrap()), None);
    // extractEvmAddress refuses what the contract refuses.
    let wrong_kind = FvmAddress { addrType: 1, payload: FvmAddress::delegated(eth).payload };
    assert_eq!(wrong_kind.eth(), None);
    let other_ns = DelegatedAddress { namespace: 11, length: 20, buffer: eth.to_vec().into() };
    assert_eq!(FvmAddress { addrType: 4, payload: other_ns.abi_encode().into() }.eth(), None);
    let short = DelegatedAddress { namespace: 10, length: 20, buffer: vec![1; 19].into() };
    assert_eq!(FvmAddress { addrType: 4, payload: short.abi_encode().into() }.eth(), None);
    assert_eq!(FvmAddress { addrType: 4, payload: vec![1, 2, 3].into() }.eth(), None);
}

fn ipc_address() -> impl Strategy<Value = IPCAddress> {
    (any::<u64>(), prop::collection::vec(any::<[u8; 20]>(), 0..3), any::<[u8; 20]>()).prop_map(|(root, route, eth)| {
        IPCAddress { subnetId: SubnetID::new(root, &route), rawAddress: FvmAddress::delegated(eth) }
    })
}

fn envelope() -> impl Strategy<Value = IpcEnvelope> {
    (
        0u8..3,
        any::<u64>(),
        any::<u64>(),
        any::<[u8; 32]>(),
        ipc_address(),
        ipc_address(),
        prop::collection::vec(any::<u8>(), 0..100),
    )
        .prop_map(|(kind, local, original, value, to, from, message)| IpcEnvelope {
            kind: [IpcMsgKind::Transfer, IpcMsgKind::Call, IpcMsgKind::Result][kind as usize],
            localNonce: local,
            originalNonce: original,
            value: U256::from_be_bytes(value),
            to,
            from,
            message: message.into(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every envelope: the independent encoder, given only the contracts' type, reads our
    /// bytes and writes the same ones back; the calldata is the selector and that encoding;
    /// the tracing ID hashes the fields CrossMsgHelper.toTracingId names.
    #[test]
    fn envelopes_encode_as_the_contract_types_say(e in envelope()) {
        let d = defs();
        let ty = d.dyn_type("IpcEnvelope");
        let ours = e.abi_encode();
        let value = ty.abi_decode(&ours).unwrap();
        prop_assert_eq!(value.abi_encode(), ours.clone());
        let DynSolValue::Tuple(fields) = &value else { panic!("a tuple") };
        prop_assert_eq!(fields[1].as_uint().unwrap().0, U256::from(e.localNonce));
        prop_assert_eq!(decode::<IpcEnvelope>(&ours).unwrap(), e.clone());

        let calldata = handleIpcMessageCall { envelope: e.clone() }.abi_encode();
        prop_assert_eq!(&calldata[..4], &handleIpcMessageCall::SELECTOR[..]);
        prop_assert_eq!(&calldata[4..], &DynSolValue::Tuple(vec![value.clone()]).abi_encode_params()[..]);

        let traced = DynSolValue::Tuple(vec![
            fields[0].clone(), fields[4].clone(), fields[5].clone(), fields[3].clone(), fields[6].clone(), fields[2].clone(),
        ]);
        prop_assert_eq!(e.tracing_id(keccak), keccak(&traced.abi_encode_params()));
        prop_assert_eq!(e.hash(keccak), keccak(&value.abi_encode()));
    }

    /// Results (CrossMsgHelper.createResultMsg) and linked-token calls through the contracts' types.
    #[test]
    fn results_and_linked_calls_encode_as_the_contract_types_say(e in envelope(), ok in any::<bool>(), recipient in any::<[u8; 20]>(), amount in any::<u128>()) {
        let d = defs();
        let outcome = if ok { OutcomeType::Ok } else { OutcomeType::ActorErr };
        let r = e.result(outcome, vec![7; 5], keccak);
        prop_assert_eq!(r.kind, IpcMsgKind::Result);
        prop_assert_eq!(&r.to, &e.from);
        prop_assert_eq!(&r.from, &e.to);
        prop_assert_eq!(r.value, if ok { U256::ZERO } else { e.value });
        let msg = d.dyn_type("ResultMsg").abi_decode(&r.message).unwrap();
        let DynSolValue::Tuple(fields) = &msg else { panic!("a tuple") };
        prop_assert_eq!(fields[0].as_fixed_bytes().unwrap().0, &e.tracing_id(keccak)[..]);
        prop_assert_eq!(fields[1].as_uint().unwrap().0, U256::from(if ok { 0 } else { 2 }));

        let call = receive_linked_message(recipient, U256::from(amount));
        let DynSolValue::Tuple(c) = d.dyn_type("CallMsg").abi_decode(&call).unwrap() else { panic!("a tuple") };
        prop_assert_eq!(c[0].as_bytes().unwrap(), &receiveLinkedCall::SELECTOR[..]);
        let params = DynSolType::Tuple(vec![DynSolType::Address, DynSolType::Uint(256)])
            .abi_decode_params(c[1].as_bytes().unwrap())
            .unwrap();
        let DynSolValue::Tuple(p) = params else { panic!("a tuple") };
        prop_assert_eq!(p[0].as_address().unwrap().0 .0, recipient);
        prop_assert_eq!(p[1].as_uint().unwrap().0, U256::from(amount));
    }
}

#[test]
fn malformed_and_non_canonical_encodings_are_refused() {
    let e = IpcEnvelope {
        kind: IpcMsgKind::Call,
        localNonce: 1,
        originalNonce: 1,
        value: U256::ZERO,
        to: IPCAddress { subnetId: SubnetID::new(1, &[]), rawAddress: FvmAddress::delegated([1; 20]) },
        from: IPCAddress { subnetId: SubnetID::new(1, &[]), rawAddress: FvmAddress::delegated([2; 20]) },
        message: vec![1, 2, 3].into(),
    };
    let good = e.abi_encode();
    assert!(decode::<IpcEnvelope>(&good).is_ok());
    assert!(decode::<IpcEnvelope>(&good[..good.len() - 32]).is_err(), "truncated");
    assert!(decode::<IpcEnvelope>(&[]).is_err(), "empty");
    // kind is the second word (after the tuple offset): 3 is not an IpcMsgKind.
    let mut bad_kind = good.clone();
    bad_kind[63] = 3;
    assert!(decode::<IpcEnvelope>(&bad_kind).is_err(), "kind out of range");
    // A uint64 with high bits set is not canonical.
    let mut dirty = good.clone();
    dirty[64] = 1;
    assert!(decode::<IpcEnvelope>(&dirty).is_err(), "dirty uint64");
    // A byte-string offset pointing past the end.
    let mut far = good;
    far[32 * 7 + 31] = 0xff;
    far[32 * 7 + 30] = 0xff;
    assert!(decode::<IpcEnvelope>(&far).is_err(), "offset past the end");
}
