//! Test-only FRC-46 receiver (test bundle only). Its universal receiver hook (`Receive`) does what
//! its mode says: accept and record, reject (abort), or accept and re-enter the token to forward
//! the tokens on — the three behaviours a token must handle.

use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;

pub use frc46_token::receiver::FRC46TokenReceived;

pub const METHOD_RECEIVE: u64 = frc42_dispatch::method_hash!("Receive");
pub const METHOD_SET_MODE: u64 = frc42_dispatch::method_hash!("SetMode");
pub const METHOD_GET_RECEIVED: u64 = frc42_dispatch::method_hash!("GetReceived");

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde_repr::Serialize_repr, serde_repr::Deserialize_repr)]
#[repr(u8)]
pub enum Mode {
    Accept = 0,
    Reject = 1,
    /// Accept, then transfer what arrived to `forward_to` from inside the hook.
    Forward = 2,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SetModeParams {
    pub mode: Mode,
    pub forward_to: Option<Address>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    pub mode: Mode,
    pub forward_to: Option<Address>,
    /// Every FRC-46 receipt accepted, in order.
    pub received: Vec<FRC46TokenReceived>,
}

#[cfg(feature = "fil-actor")]
mod actor {
    use cloudless_runtime::sdk::SdkRuntime;
    use cloudless_runtime::{actor_error, ret, unhandled, ActorResult, Params, Runtime, METHOD_CONSTRUCTOR};
    use frc46_token::receiver::FRC46_TOKEN_TYPE;
    use fvm_actor_utils::receiver::UniversalReceiverParams;
    use fvm_ipld_encoding::ipld_block::IpldBlock;
    use fvm_ipld_encoding::RawBytes;
    use fvm_shared::econ::TokenAmount;
    use fvm_shared::MethodNum;

    use super::*;

    /// The token's FRC-46 `Transfer`, used to forward.
    const METHOD_TRANSFER: u64 = frc42_dispatch::method_hash!("Transfer");

    #[derive(Serialize_tuple, Deserialize_tuple)]
    struct TransferParams {
        to: Address,
        amount: TokenAmount,
        operator_data: RawBytes,
    }

    cloudless_runtime::wasm_entry!(fn dispatch);

    fn dispatch(rt: &SdkRuntime, method: MethodNum, params: Params) -> ActorResult<Option<IpldBlock>> {
        match method {
            METHOD_CONSTRUCTOR => {
                rt.set_state(&State { mode: Mode::Accept, forward_to: None, received: Vec::new() }).map(|_| None)
            }
            METHOD_SET_MODE => {
                let p: SetModeParams = params.decode()?;
                let mut st: State = rt.state()?;
                (st.mode, st.forward_to) = (p.mode, p.forward_to);
                rt.set_state(&st).map(|_| None)
            }
            METHOD_GET_RECEIVED => ret(&rt.state::<State>()?),
            METHOD_RECEIVE => receive(rt, params.decode()?),
            _ => unhandled(method),
        }
    }

    fn receive(rt: &SdkRuntime, p: UniversalReceiverParams) -> ActorResult<Option<IpldBlock>> {
        if p.type_ != FRC46_TOKEN_TYPE {
            return Err(actor_error!(illegal_argument; "not an FRC-46 receipt"));
        }
        let received: FRC46TokenReceived =
            p.payload.deserialize().map_err(|e| actor_error!(serialization; "FRC-46 payload: {e}"))?;
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
        Ok(None)
    }
}
