//! The gateway on an IPC subnet (docs/ipc.md): cross-net messages in and out, as the IPC
//! contracts send and expect them.
//!
//! - **In.** The IPC gateway actor delivers each top-down envelope addressed to us as the EVM
//!   call `handleIpcMessage(IpcEnvelope)` (our method `InvokeEVM`). Only envelopes from the
//!   linked-token controller on the parent subnet are taken, each once (local nonces rise).
//!   A `Call` of `receiveLinked(recipient, amount)` is a deposit of `amount` micro-USDC; a
//!   recipient that cannot take it fails the call, and IPC's failed `Result` refunds the
//!   depositor on the parent. A `Result` answers one of our withdrawals: `Ok` confirms it,
//!   an error re-mints it to its sender.
//! - **Out.** A withdrawal (and a burn) is sent at once, through the IPC gateway's
//!   `sendContractXnetMessage`, as the `receiveLinked(recipient, amount)` call the controller
//!   takes; its tracing ID is remembered until the result arrives.

use cloudless_ipc::{
    fvm_address, handleIpcMessageCall, receiveLinkedCall, sendContractXnetMessageCall, CallMsg, FvmAddress, IPCAddress,
    IpcEnvelope, IpcMsgKind, OutcomeType, ResultMsg, SubnetID, METHOD_INVOKE_EVM, U256,
};
use cloudless_runtime::bytes::Bytes32;
use cloudless_runtime::map::Map;
use cloudless_runtime::{actor_error, commit, ActorResult, Effects, Runtime};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::IPLD_RAW;
use fvm_shared::address::{Address, Payload};
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;

use alloy_sol_types::SolCall;

use crate::events::IpcCallSent;
use crate::state::State;
use crate::types::*;

// Our `InvokeEVM` is the number the EVM actor calls native actors with.
const _: () = assert!(crate::METHOD_INVOKE_EVM == METHOD_INVOKE_EVM);

/// The Ethereum form of an f410 address; anything else is refused (`what` names it).
fn eth_of(addr: &Address, what: &str) -> ActorResult<[u8; 20]> {
    match addr.payload() {
        Payload::Delegated(_) => cloudless_ipc::eth_address(addr),
        _ => None,
    }
    .ok_or_else(|| {
        actor_error!(illegal_argument; "{what} {} is not an Ethereum (f410) address", cloudless_runtime::text::address(addr))
    })
}

/// The link checked at genesis: the IPC gateway by ID, the route and controller as f410.
pub fn link<BS: Blockstore>(store: &BS, p: &IpcLinkParams) -> ActorResult<IpcLink> {
    let gateway = p.gateway.id().map_err(|_| {
        actor_error!(illegal_argument; "the IPC gateway must be given by ID (f064 on IPC subnets), not {}", cloudless_runtime::text::address(&p.gateway))
    })?;
    for hop in &p.parent_route {
        eth_of(hop, "parent route hop")?;
    }
    eth_of(&p.controller, "controller")?;
    Ok(IpcLink {
        gateway,
        parent_root: p.parent_root,
        parent_route: p.parent_route.clone(),
        controller: p.controller,
        last_nonce: None,
        inflight: Map::<BS, u64>::empty(store, "inflight").flush()?,
    })
}

impl IpcLink {
    fn parent(&self) -> SubnetID {
        let route: Vec<[u8; 20]> = self.parent_route.iter().filter_map(cloudless_ipc::eth_address).collect();
        SubnetID::new(self.parent_root, &route)
    }

    /// The controller on the parent, as envelopes name it.
    fn controller(&self) -> IPCAddress {
        let eth = cloudless_ipc::eth_address(&self.controller).unwrap_or_default();
        IPCAddress { subnetId: self.parent(), rawAddress: FvmAddress::delegated(eth) }
    }
}

/// A withdrawal the parent controller can pay: an Ethereum recipient, no fast terms (fast
/// fills are the bridge authority's; IPC carries no LP fills).
pub fn check_withdrawal(p: &WithdrawParams) -> ActorResult<()> {
    eth_of(&p.parent_recipient, "on IPC the parent recipient")?;
    if p.fast.is_some() {
        return Err(actor_error!(illegal_argument; "fast withdrawals are not available over IPC"));
    }
    Ok(())
}

/// Sends outbox entry `nonce` to the parent controller as `receiveLinked(recipient, amount)`
/// and remembers its tracing ID.
pub fn send_withdrawal<R: Runtime>(
    rt: &R,
    st: &mut State,
    nonce: u64,
    p: &WithdrawParams,
    fx: &mut Effects,
) -> ActorResult<()> {
    let link = st.ipc.as_mut().ok_or_else(|| actor_error!(illegal_state; "no IPC link"))?;
    let recipient = eth_of(&p.parent_recipient, "on IPC the parent recipient")?;
    let micro = p.amount.atto() / BigInt::from(GRANULARITY);
    let amount = U256::try_from_be_slice(&micro.to_bytes_be().1)
        .ok_or_else(|| actor_error!(illegal_argument; "withdrawal amount does not fit 256 bits"))?;
    let to = link.controller();
    let envelope = IpcEnvelope {
        kind: IpcMsgKind::Call,
        localNonce: 0,
        originalNonce: 0,
        value: U256::ZERO,
        // The IPC gateway sets `from` (us) and the nonces when it commits the message.
        from: to.clone(),
        to,
        message: cloudless_ipc::receive_linked_message(recipient, amount).into(),
    };
    let calldata = sendContractXnetMessageCall { envelope }.abi_encode();
    let ret = rt.call_raw(
        link.gateway,
        METHOD_INVOKE_EVM,
        Some(IpldBlock { codec: IPLD_RAW, data: calldata }),
        TokenAmount::default(),
        false,
    )?;
    let EvmBytes(output) = ret
        .ok_or_else(|| actor_error!(illegal_state; "the IPC gateway returned nothing for sendContractXnetMessage"))?
        .deserialize()
        .map_err(|e| actor_error!(illegal_state; "the IPC gateway's return is not bytes: {e}"))?;
    let committed = sendContractXnetMessageCall::abi_decode_returns_validate(&output)
        .map_err(|e| actor_error!(illegal_state; "the IPC gateway's committed envelope does not decode: {e}"))?;
    let id = committed.tracing_id(R::keccak256);
    let mut inflight = Map::<_, u64>::load(rt.store(), &link.inflight, "inflight")?;
    if !inflight.set_if_absent(&id, nonce)? {
        return Err(actor_error!(illegal_state; "the IPC gateway committed a message it had committed before"));
    }
    link.inflight = inflight.flush()?;
    fx.emit(&IpcCallSent { outbox_nonce: nonce, tracing_id: Bytes32(id), local_nonce: committed.localNonce })
}

/// `InvokeEVM`: an EVM call; the gateway answers `handleIpcMessage` from the IPC gateway.
pub fn invoke_evm<R: Runtime>(rt: &R, EvmBytes(calldata): EvmBytes) -> ActorResult<EvmBytes> {
    let mut st: State = rt.state()?;
    let link = st.ipc.as_ref().ok_or_else(
        || actor_error!(forbidden; "this gateway is not linked to IPC (no [actors.gateway.ipc] at genesis)"),
    )?;
    if rt.caller() != link.gateway {
        return Err(actor_error!(
            forbidden;
            "only the IPC gateway actor f0{} delivers cross-net messages, not f0{}",
            link.gateway,
            rt.caller()
        ));
    }
    if calldata.len() > MAX_IPC_CALLDATA {
        return Err(actor_error!(illegal_argument; "calldata of {} bytes; at most {MAX_IPC_CALLDATA}", calldata.len()));
    }
    if calldata.get(..4) != Some(&handleIpcMessageCall::SELECTOR[..]) {
        return Err(actor_error!(unhandled_message; "the gateway answers only handleIpcMessage over EVM calls"));
    }
    let envelope = handleIpcMessageCall::abi_decode_validate(&calldata)
        .map_err(|e| actor_error!(serialization; "malformed handleIpcMessage calldata: {e}"))?
        .envelope;
    if envelope.from != link.controller() {
        return Err(actor_error!(
            forbidden;
            "envelope {} is not from the linked-token controller {} on the parent subnet",
            envelope.localNonce,
            cloudless_runtime::text::address(&link.controller)
        ));
    }
    if let Some(last) = link.last_nonce.filter(|last| envelope.localNonce <= *last) {
        return Err(actor_error!(
            illegal_argument;
            "envelope {} was already applied (the last applied is {last})",
            envelope.localNonce
        ));
    }
    let link = st.ipc.as_mut().expect("checked above");
    link.last_nonce = Some(envelope.localNonce);
    let ret = match envelope.kind {
        IpcMsgKind::Call => deposit(rt, st, &envelope)?,
        IpcMsgKind::Result => result(rt, st, &envelope)?,
        _ => return Err(actor_error!(illegal_argument; "the gateway takes Call and Result envelopes, not Transfer")),
    };
    Ok(EvmBytes(handleIpcMessageCall::abi_encode_returns(&ret.into())))
}

/// A `receiveLinked(recipient, amount)` call: a deposit of `amount` micro-USDC.
fn deposit<R: Runtime>(rt: &R, mut st: State, envelope: &IpcEnvelope) -> ActorResult<Vec<u8>> {
    let call = cloudless_ipc::decode::<CallMsg>(&envelope.message)
        .map_err(|e| actor_error!(serialization; "envelope message is not a CallMsg: {e}"))?;
    if call.selector() != Some(receiveLinkedCall::SELECTOR) {
        return Err(actor_error!(illegal_argument; "the gateway takes only receiveLinked(address,uint256) calls"));
    }
    let args = receiveLinkedCall::abi_decode_raw_validate(&call.params)
        .map_err(|e| actor_error!(serialization; "receiveLinked arguments do not decode: {e}"))?;
    if args.recipient.is_zero() {
        return Err(actor_error!(illegal_argument; "deposit to the zero address"));
    }
    let micro = u128::try_from(args.amount)
        .map_err(|_| actor_error!(illegal_argument; "deposit of {} micro-USDC overflows 128 bits", args.amount))?;
    let p = DepositParams {
        nonce: st.next_deposit_nonce,
        parent_sender: st.ipc.as_ref().map(|l| l.controller).unwrap_or(Address::new_id(0)),
        recipient: fvm_address(args.recipient.into()),
        amount: TokenAmount::from_atto(BigInt::from(micro) * GRANULARITY),
    };
    st.take_deposit(&p)?;
    crate::token::deliver_deposit(rt, st, &p, false)?;
    Ok(Vec::new())
}

/// The parent's answer to one of our withdrawals.
fn result<R: Runtime>(rt: &R, mut st: State, envelope: &IpcEnvelope) -> ActorResult<Vec<u8>> {
    let msg = cloudless_ipc::decode::<ResultMsg>(&envelope.message)
        .map_err(|e| actor_error!(serialization; "envelope message is not a ResultMsg: {e}"))?;
    let link = st.ipc.as_mut().ok_or_else(|| actor_error!(illegal_state; "no IPC link"))?;
    let mut inflight = Map::<_, u64>::load(rt.store(), &link.inflight, "inflight")?;
    let nonce = inflight.delete(msg.id.as_slice())?.ok_or_else(|| {
        actor_error!(not_found; "no withdrawal awaits result {}", cloudless_runtime::bytes::to_hex(msg.id.as_slice()))
    })?;
    link.inflight = inflight.flush()?;
    let mut fx = Effects::default();
    if msg.outcome == OutcomeType::Ok {
        st.confirm_paid(rt.store(), &rt.ctx(), nonce, &mut fx)?;
        commit(rt, &st, fx)?;
    } else {
        let rejected = st.reject_entry(rt.store(), nonce, &mut fx)?;
        crate::token::remint(rt, st, nonce, rejected, fx)?;
    }
    Ok(Vec::new())
}
