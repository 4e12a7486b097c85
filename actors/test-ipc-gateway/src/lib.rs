//! Test-only stand-in for IPC's gateway actor (test bundle only; tests install it at ID 64
//! with the f410 address fendermint gives the real one). It does what the IPC contracts do
//! at the two points the Cloudless gateway touches, with the same bytes:
//!
//! - `InvokeEVM` with `sendContractXnetMessage(envelope)` calldata (GatewayMessengerFacet):
//!   the message must decode as a `CallMsg`; the envelope is committed bottom-up with `from` set
//!   to (this subnet, the caller's f410 or masked-ID address) and the next bottom-up nonce as
//!   both nonces, and returned ABI-encoded.
//! - `ApplyTopDown(envelope)` (LibGateway.applyMsg for a top-down envelope, which fendermint
//!   runs when the parent's finality arrives): a nonce other than the next applied one gets a
//!   `SystemErr` result; otherwise the destination is called with `handleIpcMessage(envelope)`
//!   as an EVM call (method `InvokeEVM`, calldata as an `IPLD_RAW` block, value attached), and
//!   a `Call` gets its result (`Ok` with the return data, or `ActorErr`) committed bottom-up.
//!
//! `GetPostbox` pages through the committed bottom-up envelopes (what the parent would receive
//! in a checkpoint). The caller of `ApplyTopDown` is not checked: tests play fendermint.

use alloy_sol_types::SolCall;
use cloudless_ipc::{
    decode, eth_address, fvm_address, handleIpcMessageCall, sendContractXnetMessageCall, CallMsg, EvmBytes, FvmAddress,
    IPCAddress, IpcEnvelope, IpcMsgKind, OutcomeType, SubnetID,
};
use cloudless_runtime::{actor_error, ActorResult, AsActorError, Fields, Runtime};
use fvm_ipld_amt::Amt;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::{RawBytes, IPLD_RAW};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ErrorNumber;
/// Most envelopes one `GetPostbox` returns.
pub const MAX_PAGE: u64 = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ConstructorParams {
    /// This subnet's ID: root chain ID and route (f410 addresses).
    pub network_root: u64,
    #[serde(with = "cloudless_runtime::address::vec")]
    pub network_route: Vec<Address>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ApplyReturn {
    /// Whether the destination's `handleIpcMessage` succeeded.
    pub success: bool,
    /// Its exit code (0 when it succeeded or was not called): tests read why it failed, which
    /// IPC itself does not carry.
    pub exit_code: u32,
    /// Its return data (or nothing).
    pub ret: EvmBytes,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    pub network_root: u64,
    pub network_route: Vec<Address>,
    pub applied_top_down_nonce: u64,
    pub bottom_up_nonce: u64,
    /// Committed bottom-up envelopes, ABI-encoded, by nonce (an AMT).
    pub postbox: cid::Cid,
}

impl cloudless_runtime::ActorState for State {}

impl cloudless_runtime::Invariants for State {
    /// Nothing to check: a test actor.
    fn check_state_invariants<BS: fvm_ipld_blockstore::Blockstore>(&self, _: &BS, _: &TokenAmount) -> Vec<String> {
        Vec::new()
    }
}

cloudless_runtime::actor! {
    /// The IPC gateway stand-in (bundle name `test-ipc-gateway`; tests install it at f064).
    pub struct TestIpcGatewayActor = "test-ipc-gateway";
    state: State;
    events: [];
    constructor(ConstructorParams) => constructor;
    /// `sendContractXnetMessage` calldata (an EVM method: takes value, as the contract's does).
    [payable] METHOD_INVOKE_EVM = "InvokeEVM"(EvmBytes) -> EvmBytes => send_xnet;
    /// Applies a top-down envelope; value sent along funds what the envelope carries.
    [payable] METHOD_APPLY_TOP_DOWN = "ApplyTopDown"(EvmBytes) -> ApplyReturn => apply_top_down;
    METHOD_GET_POSTBOX = "GetPostbox"(u64) -> Vec<EvmBytes> => get_postbox;
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(TestIpcGatewayActor);

const _: () = assert!(METHOD_INVOKE_EVM == cloudless_ipc::METHOD_INVOKE_EVM);

fn constructor<R: Runtime>(rt: &R, p: ConstructorParams) -> ActorResult<()> {
    let postbox = Amt::<RawBytes, _>::new(rt.store()).flush().or_illegal_state("postbox")?;
    rt.set_state(&State {
        network_root: p.network_root,
        network_route: p.network_route,
        applied_top_down_nonce: 0,
        bottom_up_nonce: 0,
        postbox,
    })
}

/// Up to [`MAX_PAGE`] committed bottom-up envelopes from nonce `from`.
fn get_postbox<R: Runtime>(rt: &R, from: u64) -> ActorResult<Vec<EvmBytes>> {
    let st: State = rt.state()?;
    let postbox = Amt::<RawBytes, _>::load(&st.postbox, rt.store()).or_illegal_state("postbox")?;
    let mut page = Vec::new();
    postbox
        .for_each_ranged(Some(from), Some(MAX_PAGE), |_, e| {
            page.push(EvmBytes(e.to_vec()));
            Ok(())
        })
        .or_illegal_state("postbox")?;
    Ok(page)
}

fn network(st: &State) -> SubnetID {
    let route: Vec<[u8; 20]> = st.network_route.iter().filter_map(eth_address).collect();
    SubnetID::new(st.network_root, &route)
}

/// Commits `envelope` bottom-up with the next nonce (LibGateway.commitBottomUpMsg).
fn commit_bottom_up<R: Runtime>(rt: &R, st: &mut State, mut envelope: IpcEnvelope) -> ActorResult<IpcEnvelope> {
    envelope.localNonce = st.bottom_up_nonce;
    if envelope.originalNonce == 0 {
        envelope.originalNonce = st.bottom_up_nonce;
    }
    let mut postbox = Amt::<RawBytes, _>::load(&st.postbox, rt.store()).or_illegal_state("postbox")?;
    postbox
        .set(st.bottom_up_nonce, RawBytes::new(alloy_sol_types::SolValue::abi_encode(&envelope)))
        .or_illegal_state("postbox")?;
    st.postbox = postbox.flush().or_illegal_state("postbox")?;
    st.bottom_up_nonce += 1;
    Ok(envelope)
}

/// `sendContractXnetMessage` from a contract (here: any actor) of this subnet.
fn send_xnet<R: Runtime>(rt: &R, EvmBytes(calldata): EvmBytes) -> ActorResult<EvmBytes> {
    let call = sendContractXnetMessageCall::abi_decode_validate(&calldata)
        .map_err(|e| actor_error!(serialization; "not sendContractXnetMessage calldata: {e}"))?;
    decode::<CallMsg>(&call.envelope.message)
        .map_err(|e| actor_error!(illegal_argument; "the message is not a CallMsg: {e}"))?;
    let mut st: State = rt.state()?;
    let caller = rt.delegated_address(rt.caller()).unwrap_or(Address::new_id(rt.caller()));
    let sender = eth_address(&caller).ok_or_else(|| actor_error!(illegal_argument; "caller has no Ethereum form"))?;
    let envelope = IpcEnvelope {
        kind: IpcMsgKind::Call,
        from: IPCAddress { subnetId: network(&st), rawAddress: FvmAddress::delegated(sender) },
        to: call.envelope.to,
        value: call.envelope.value,
        message: call.envelope.message,
        localNonce: 0,
        originalNonce: 0,
    };
    let committed = commit_bottom_up(rt, &mut st, envelope)?;
    rt.set_state(&st)?;
    Ok(EvmBytes(sendContractXnetMessageCall::abi_encode_returns(&committed)))
}

/// LibGateway.applyMsg for a top-down envelope.
fn apply_top_down<R: Runtime>(rt: &R, EvmBytes(bytes): EvmBytes) -> ActorResult<ApplyReturn> {
    let envelope = decode::<IpcEnvelope>(&bytes).map_err(|e| actor_error!(serialization; "not an IpcEnvelope: {e}"))?;
    let mut st: State = rt.state()?;
    if envelope.localNonce != st.applied_top_down_nonce {
        // InvalidXnetMessage(Nonce) as the receipt's return.
        let receipt = envelope.result(OutcomeType::SystemErr, b"nonce".to_vec(), R::keccak256);
        commit_bottom_up(rt, &mut st, receipt)?;
        rt.set_state(&st)?;
        return Ok(ApplyReturn { success: false, exit_code: 0, ret: EvmBytes::default() });
    }
    st.applied_top_down_nonce += 1;
    if envelope.to.subnetId != network(&st) {
        return Err(actor_error!(illegal_argument; "the envelope is not for this subnet"));
    }
    let eth = envelope.to.rawAddress.eth().ok_or_else(|| actor_error!(illegal_argument; "destination is not f410"))?;
    // The destination may call back (e.g. to send a message): save first, reload after.
    rt.set_state(&st)?;
    let calldata = handleIpcMessageCall { envelope: envelope.clone() }.abi_encode();
    let value = TokenAmount::from_atto(fvm_shared::bigint::BigInt::from_bytes_be(
        fvm_shared::bigint::Sign::Plus,
        &envelope.value.to_be_bytes::<32>(),
    ));
    let sent = rt.send(
        &fvm_address(eth),
        METHOD_INVOKE_EVM,
        Some(IpldBlock { codec: IPLD_RAW, data: calldata }),
        value,
        false,
    );
    // As the EVM actor reads a call: no actor is a success with no data; a return block is
    // a CBOR byte string or taken as is.
    let (success, exit_code, ret) = match sent {
        Ok(r) => {
            let data = r.return_data.map(|b| b.deserialize::<EvmBytes>().map(|e| e.0).unwrap_or(b.data));
            (r.exit_code.is_success(), r.exit_code.value(), data.unwrap_or_default())
        }
        Err(ErrorNumber::NotFound) => (true, 0, Vec::new()),
        Err(_) => (false, 0, Vec::new()),
    };
    let mut st: State = rt.state()?;
    if envelope.kind != IpcMsgKind::Result {
        let outcome = if success { OutcomeType::Ok } else { OutcomeType::ActorErr };
        commit_bottom_up(rt, &mut st, envelope.result(outcome, ret.clone(), R::keccak256))?;
        rt.set_state(&st)?;
    }
    Ok(ApplyReturn { success, exit_code, ret: EvmBytes(ret) })
}
