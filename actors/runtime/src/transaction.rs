//! The one transaction step every actor method that changes state goes through:
//!
//! load → advance the state's clocks → run the pure operation → save → emit its events →
//! perform its calls and transfers.
//!
//! Operations are plain functions `(&mut State, &Ctx, ..., &mut Effects) -> ActorResult<T>`: they
//! read and change the state in memory and *describe* their side effects in [`Effects`]. Nothing
//! leaves the actor while its state is unsaved, so a callee that calls back sees the new state,
//! and every rule is testable without a runtime. Any failure aborts the whole message.

use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::{ActorID, MethodNum};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::events::{Event, EventBuilder};
use crate::runtime::Runtime;
use crate::{ActorResult, AsActorError};

/// What a state transition needs to know of its message.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// The immediate caller.
    pub caller: ActorID,
    /// This actor.
    pub receiver: ActorID,
    pub epoch: ChainEpoch,
    /// keccak256 (the kernel's in Wasm, a native one in tests).
    pub keccak: fn(&[u8]) -> [u8; 32],
}

/// A call or transfer an operation asks for, performed after the state is saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub to: ActorID,
    pub method: MethodNum,
    pub params: Option<IpldBlock>,
    pub value: TokenAmount,
    /// Context for the error if the call fails ("paying f0100").
    pub what: String,
}

/// What an operation asks the transaction step to do once its state is saved: events to
/// emit, then calls and transfers to perform, each in the order they were added.
#[derive(Debug, Default)]
pub struct Effects {
    events: Vec<EventBuilder>,
    outgoing: Vec<Outgoing>,
}

impl Effects {
    /// Adds an event (built with `EventBuilder`, whose field encoding may fail).
    pub fn event(&mut self, event: ActorResult<EventBuilder>) -> ActorResult<()> {
        self.events.push(event?);
        Ok(())
    }

    /// Adds a declared event, of its first type.
    pub fn emit<E: Event>(&mut self, event: &E) -> ActorResult<()> {
        self.event(EventBuilder::of(event))
    }

    /// Adds a declared event as `event_type`, one of the types it declares.
    pub fn emit_as<E: Event>(&mut self, event_type: &str, event: &E) -> ActorResult<()> {
        self.event(EventBuilder::typed(event_type, event))
    }

    /// Calls `method` of `to` with `params` and `value`; a failure aborts the message with
    /// the callee's exit code, its message prefixed by `what`.
    pub fn call<P: Serialize + ?Sized>(
        &mut self,
        to: ActorID,
        method: MethodNum,
        params: &P,
        value: TokenAmount,
        what: impl Into<String>,
    ) -> ActorResult<()> {
        let params = IpldBlock::serialize_cbor(params).or_code(ExitCode::USR_SERIALIZATION, "encoding call params")?;
        self.outgoing.push(Outgoing { to, method, params, value, what: what.into() });
        Ok(())
    }

    /// Sends `amount` FLT to `to` (nothing when zero).
    pub fn transfer(&mut self, to: ActorID, amount: TokenAmount) {
        if !amount.is_zero() {
            self.outgoing.push(Outgoing { to, method: 0, params: None, value: amount, what: format!("paying f0{to}") });
        }
    }

    pub fn events(&self) -> &[EventBuilder] {
        &self.events
    }

    pub fn outgoing(&self) -> &[Outgoing] {
        &self.outgoing
    }

    /// Emits the events, then performs the calls and transfers.
    pub fn apply<R: Runtime>(self, rt: &R) -> ActorResult<()> {
        for event in self.events {
            rt.emit(event)?;
        }
        for o in self.outgoing {
            rt.call_raw(o.to, o.method, o.params, o.value, false).map_err(|e| e.wrap(&o.what))?;
        }
        Ok(())
    }
}

/// An actor's persistent state as the transaction step sees it.
pub trait ActorState: Serialize + DeserializeOwned {
    /// Moves the state's clocks to the message's epoch before any operation (a new period's
    /// roll-over, a pool fixed at a period's first touch). Runs in every state-changing message;
    /// may read other actors (read-only calls) but never call out otherwise.
    fn advance<R: Runtime>(&mut self, _rt: &R, _ctx: &Ctx, _fx: &mut Effects) -> ActorResult<()> {
        Ok(())
    }
}

/// A stateless actor's state: nothing to advance.
impl ActorState for () {}

/// Saves `st`, then applies `fx`: the end of every state change, constructors included.
pub fn commit<R: Runtime, S: Serialize>(rt: &R, st: &S, fx: Effects) -> ActorResult<()> {
    rt.set_state(st)?;
    fx.apply(rt)
}

/// The transaction step: load, advance, run `op`, save, emit, call. Any failure aborts.
pub fn transact<R, S, T>(rt: &R, op: impl FnOnce(&mut S, &Ctx, &mut Effects) -> ActorResult<T>) -> ActorResult<T>
where
    R: Runtime,
    S: ActorState,
{
    let mut st: S = rt.state()?;
    let ctx = rt.ctx();
    let mut fx = Effects::default();
    st.advance(rt, &ctx, &mut fx)?;
    let out = op(&mut st, &ctx, &mut fx)?;
    commit(rt, &st, fx)?;
    Ok(out)
}

/// The state as of this message's epoch, for queries: loaded and advanced, never saved.
pub fn current<R: Runtime, S: ActorState>(rt: &R) -> ActorResult<S> {
    let mut st: S = rt.state()?;
    st.advance(rt, &rt.ctx(), &mut Effects::default())?;
    Ok(st)
}
