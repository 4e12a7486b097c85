//! Test-only counter (test bundle only), the smallest actor of all: what adding an actor takes
//! (README "Adding an actor"). Anyone may create it with init's `Exec`; `Add` adds to the count
//! and emits `added`; `[payable] Tip` keeps FLT sent to it, which its invariant accounts for.

use cloudless_runtime::{actor_error, ActorResult, Event, Fields, Runtime};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

cloudless_runtime::actor! {
    /// The counter (bundle name `test-counter`).
    pub struct TestCounterActor = "test-counter";
    state: State, view: State = |st: &State, _: &_| Ok(st.clone());
    events: [Added];
    constructor [exec] => constructor;
    METHOD_ADD = "Add"(AddParams) -> u64 => add;
    METHOD_GET = "Get" -> u64 => get;
    [payable] METHOD_TIP = "Tip" => tip;
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(TestCounterActor);

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct State {
    pub count: u64,
    /// FLT received through `Tip`.
    #[serde(with = "cloudless_runtime::amount")]
    pub tips: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct AddParams {
    pub amount: u64,
}

/// `Add` changed the count.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, Fields, Event)]
#[event("added")]
pub struct Added {
    pub by: ActorID,
    pub amount: u64,
    pub count: u64,
}

impl cloudless_runtime::ActorState for State {}

impl cloudless_runtime::Invariants for State {
    /// The actor holds exactly the tips it counted.
    fn check_state_invariants<BS: Blockstore>(&self, _: &BS, balance: &TokenAmount) -> Vec<String> {
        if balance != &self.tips {
            return vec![format!("holds {balance} FLT but counted {} in tips", self.tips)];
        }
        Vec::new()
    }
}

fn constructor<R: Runtime>(rt: &R) -> ActorResult<()> {
    rt.set_state(&State { count: 0, tips: TokenAmount::default() })
}

fn add<R: Runtime>(rt: &R, p: AddParams) -> ActorResult<u64> {
    let mut st: State = rt.state()?;
    st.count =
        st.count.checked_add(p.amount).ok_or_else(|| actor_error!(illegal_argument; "the count would overflow"))?;
    rt.set_state(&st)?;
    rt.emit(cloudless_runtime::events::EventBuilder::of(&Added {
        by: rt.caller(),
        amount: p.amount,
        count: st.count,
    })?)?;
    Ok(st.count)
}

fn get<R: Runtime>(rt: &R) -> ActorResult<u64> {
    Ok(rt.state::<State>()?.count)
}

fn tip<R: Runtime>(rt: &R) -> ActorResult<()> {
    let mut st: State = rt.state()?;
    st.tips += rt.value_received();
    rt.set_state(&st)
}

#[cfg(test)]
mod tests {
    use cloudless_runtime::mock::MockRuntime;
    use cloudless_runtime::{Invariants, Runtime, INIT_ACTOR_ID, METHOD_CONSTRUCTOR};
    use fvm_shared::error::ExitCode;

    use super::*;

    #[test]
    fn counts_tips_and_refuses_overflow_callers_and_value() {
        let rt = MockRuntime::new::<TestCounterActor>(300);
        rt.refused(100, METHOD_CONSTRUCTOR, &(), ExitCode::USR_FORBIDDEN);
        rt.construct_from(INIT_ACTOR_ID, &()).unwrap();
        assert_eq!(rt.ok::<_, u64>(100, METHOD_ADD, &AddParams { amount: 2 }), 2);
        assert_eq!(rt.ok::<_, u64>(101, METHOD_ADD, &AddParams { amount: 3 }), 5);
        assert_eq!(rt.event_types(), ["added", "added"]);
        assert_eq!(rt.ok::<_, u64>(7, METHOD_GET, &()), 5);
        rt.refused(100, METHOD_ADD, &AddParams { amount: u64::MAX }, ExitCode::USR_ILLEGAL_ARGUMENT);
        rt.refused(100, METHOD_ADD, &"two", ExitCode::USR_SERIALIZATION);
        rt.add_actor(100, TokenAmount::from_whole(2));
        rt.refused_paying(
            100,
            METHOD_ADD,
            &AddParams { amount: 1 },
            TokenAmount::from_whole(1),
            ExitCode::USR_ILLEGAL_ARGUMENT,
        );
        let () = rt.pay(100, METHOD_TIP, &(), TokenAmount::from_whole(1));
        let st: State = rt.state().unwrap();
        assert_eq!(st.tips, TokenAmount::from_whole(1));
        assert!(st.check_state_invariants(rt.store(), &rt.balance()).is_empty());
        assert!(!st.check_state_invariants(rt.store(), &TokenAmount::default()).is_empty());
    }
}
