//! Init actor (f01): the address registry. Maps robust addresses to actor IDs, hands out new IDs
//! and creates actors (`Exec`). Its state is the layout the FVM itself reads and writes.

pub mod state;
pub mod types;

pub use state::State;
pub use types::*;

#[cfg(feature = "fil-actor")]
mod actor;
