//! Test-only FRC-46 receiver (test bundle only). Its universal receiver hook (`Receive`) does what
//! its mode says: accept and record, reject (abort), or accept and re-enter the token to forward
//! the tokens on — the three behaviours a token must handle.

use cloudless_runtime::{actor_error, ActorResult, Fields, Runtime};
use frc46_token::receiver::FRC46_TOKEN_TYPE;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;

use fvm_shared::ActorID;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde_repr::Serialize_repr, serde_repr::Deserialize_repr, Fields)]
#[repr(u8)]
pub enum Mode {
    Accept = 0,
    Reject = 1,
    /// Accept, then transfer what arrived to `forward_to` from inside the hook.
    Forward = 2,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct SetModeParams {
    pub mode: Mode,
    #[serde(with = "cloudless_runtime::address::option")]
    pub forward_to: Option<Address>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct State {
    pub mode: Mode,
    #[serde(with = "cloudless_runtime::address::option")]
    pub forward_to: Option<Address>,
    /// Every FRC-46 receipt accepted, in order.
    pub received: Vec<Received>,
}

impl cloudless_runtime::ActorState for State {}

impl cloudless_runtime::Invariants for State {
    /// Nothing to check: a test actor.
    fn check_state_invariants<BS: fvm_ipld_blockstore::Blockstore>(&self, _: &BS, _: &TokenAmount) -> Vec<String> {
        Vec::new()
    }
}

/// FRC-46's `FRC46TokenReceived` (the same CBOR tuple), with the CLI's field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Received {
    pub from: ActorID,
    pub to: ActorID,
    pub operator: ActorID,
    #[serde(with = "cloudless_runtime::amount")]
    pub amount: TokenAmount,
    #[serde(with = "cloudless_runtime::bytes::hex")]
    pub operator_data: Vec<u8>,
    #[serde(with = "cloudless_runtime::bytes::hex")]
    pub token_data: Vec<u8>,
}

/// fvm_actor_utils' `UniversalReceiverParams` (the same CBOR tuple): the hook's params.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ReceiveParams {
    pub type_: u32,
    #[serde(with = "cloudless_runtime::bytes::hex")]
    pub payload: Vec<u8>,
}

cloudless_runtime::actor! {
    /// The FRC-46 receiver test actor (bundle name `test-receiver`; anyone may create it with
    /// `Exec`).
    pub struct TestReceiverActor = "test-receiver";
    state: State, view: State = |st: &State, _: &_| Ok(st.clone());
    events: [];
    constructor [exec] => constructor;
    METHOD_SET_MODE = "SetMode"(SetModeParams) => set_mode;
    METHOD_GET_RECEIVED = "GetReceived" -> State => |rt| rt_state(rt);
    /// The universal receiver hook a token calls.
    METHOD_RECEIVE = "Receive"(ReceiveParams) => receive;
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(TestReceiverActor);

/// The token's FRC-46 `Transfer`, used to forward.
const METHOD_TRANSFER: u64 = frc42_dispatch::method_hash!("Transfer");

#[derive(Serialize_tuple, Deserialize_tuple)]
struct TransferParams {
    to: Address,
    amount: TokenAmount,
    operator_data: RawBytes,
}

fn constructor<R: Runtime>(rt: &R) -> ActorResult<()> {
    rt.set_state(&State { mode: Mode::Accept, forward_to: None, received: Vec::new() })
}

fn rt_state<R: Runtime>(rt: &R) -> ActorResult<State> {
    rt.state()
}

fn set_mode<R: Runtime>(rt: &R, p: SetModeParams) -> ActorResult<()> {
    let mut st: State = rt.state()?;
    (st.mode, st.forward_to) = (p.mode, p.forward_to);
    rt.set_state(&st)
}

fn receive<R: Runtime>(rt: &R, p: ReceiveParams) -> ActorResult<()> {
    if p.type_ != FRC46_TOKEN_TYPE {
        return Err(actor_error!(illegal_argument; "not an FRC-46 receipt"));
    }
    let received: Received =
        fvm_ipld_encoding::from_slice(&p.payload).map_err(|e| actor_error!(serialization; "FRC-46 payload: {e}"))?;
    let mut st: State = rt.state()?;
    if st.mode == Mode::Reject {
        return Err(actor_error!(forbidden; "this receiver rejects tokens"));
    }
    let amount = received.amount.clone();
    st.received.push(received);
    rt.set_state(&st)?;
    if let (Mode::Forward, Some(to)) = (st.mode, st.forward_to) {
        let params = TransferParams { to, amount, operator_data: RawBytes::default() };
        rt.call(rt.caller(), METHOD_TRANSFER, Some(&params), TokenAmount::default(), false)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use cloudless_runtime::mock::MockRuntime;
    use fvm_shared::error::ExitCode;

    use super::*;

    fn receipt(amount: u64) -> ReceiveParams {
        let r = Received {
            from: 100,
            to: 300,
            operator: 100,
            amount: TokenAmount::from_atto(amount),
            operator_data: vec![],
            token_data: vec![],
        };
        ReceiveParams { type_: FRC46_TOKEN_TYPE, payload: fvm_ipld_encoding::to_vec(&r).unwrap() }
    }

    #[test]
    fn accepts_rejects_and_forwards() {
        let rt = MockRuntime::new::<TestReceiverActor>(300);
        rt.refused(100, cloudless_runtime::METHOD_CONSTRUCTOR, &(), ExitCode::USR_FORBIDDEN);
        rt.construct_from(cloudless_runtime::INIT_ACTOR_ID, &()).unwrap();
        let () = rt.ok(200, METHOD_RECEIVE, &receipt(5));
        assert_eq!(rt.ok::<_, State>(1, METHOD_GET_RECEIVED, &()).received.len(), 1);
        let wrong = ReceiveParams { type_: 7, ..receipt(1) };
        rt.refused(200, METHOD_RECEIVE, &wrong, ExitCode::USR_ILLEGAL_ARGUMENT);

        let () = rt.ok(1, METHOD_SET_MODE, &SetModeParams { mode: Mode::Reject, forward_to: None });
        rt.refused(200, METHOD_RECEIVE, &receipt(5), ExitCode::USR_FORBIDDEN);

        let bob = Address::new_id(400);
        let () = rt.ok(1, METHOD_SET_MODE, &SetModeParams { mode: Mode::Forward, forward_to: Some(bob) });
        rt.on_send(200, Some(METHOD_TRANSFER), |_, _| Ok(None));
        rt.add_actor(200, TokenAmount::default());
        let () = rt.ok(200, METHOD_RECEIVE, &receipt(7));
        let sent = rt.sent();
        let forwarded: TransferParams = sent.last().unwrap().decode();
        assert_eq!((forwarded.to, forwarded.amount), (bob, TokenAmount::from_atto(7)));
    }
}
