//! Capacity actor (SPEC §2): the supply registry (providers, peers, compute units), capacity
//! commitments with collateral, per-period RandomX proofs verified by the native syscall, and lazy
//! failure/slashing settlement. The pure logic (everything but `actor`) runs natively in unit
//! tests; `actor` (Wasm only) is the thin glue over the SDK, the syscall and other actors.

pub mod commitment;
pub mod ext;
mod invariants;
pub mod period;
pub mod proofs;
pub mod registry;
pub mod state;
pub mod types;

pub use commitment::Commitment;
pub use period::PeriodState;
pub use state::{Peer, Provider, State, Totals, Unit, UnitNonces};
pub use types::*;

#[cfg(feature = "fil-actor")]
mod actor;

#[cfg(test)]
mod tests;
