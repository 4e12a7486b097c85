//! Rewards actor (SPEC §3): the FLT reward pool, proof counts reported by the capacity actor,
//! per-commitment lazy settlement with the delegator/provider split and vesting, `Withdraw`.
//! `pool` and `vesting` are pure arithmetic, `state` holds every operation, `invariants` the
//! ledger check; `actor` (Wasm only) is the thin glue over the SDK. docs/rewards.md explains
//! the rules and their rounding.

pub mod invariants;
pub mod pool;
pub mod state;
pub mod types;
pub mod vesting;

pub use invariants::Ledger;
pub use state::{ClosedPeriod, Ctx, OpenPeriod, State};
pub use types::*;
pub use vesting::CommitmentRewards;

#[cfg(feature = "fil-actor")]
mod actor;

#[cfg(test)]
mod tests;
