//! Init actor (f01): the address registry. Maps robust addresses to actor IDs, hands out new IDs
//! and creates actors (`Exec`). Its state is the layout the FVM itself reads and writes.

pub mod methods;
pub mod state;
pub mod types;

pub use state::{State, StateView};
pub use types::*;

cloudless_runtime::actor! {
    /// The init actor (bundle name `init`, ID f01).
    pub struct InitActor = "init";
    state: State, view: StateView = state::state_view;
    events: [];
    constructor(ConstructorParams) => methods::constructor;
    /// Method 2, as in builtin-actors. Takes FLT: it goes to the new actor's constructor.
    [payable] METHOD_EXEC = "Exec" @ 2 (ExecParams) -> ExecReturn => methods::exec;
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(InitActor);

#[cfg(test)]
mod method_tests;
