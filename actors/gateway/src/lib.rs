//! Linked-token gateway actor (SPEC §5): USDC on the subnet as a complete FRC-46 token
//! (`frc46_token`), minted only against parent deposits delivered by the bridge authority and
//! burned only into the outbox, from which the parent releases it. `state` holds the bridge's
//! pure transitions (nonces, outbox, fast fills, totals), `invariants` the ledger check, `actor`
//! (Wasm only) the token glue and receiver hooks. docs/gateway.md explains the rules.

pub mod invariants;
pub mod state;
pub mod types;

pub use state::{Ctx, State};
pub use types::*;

#[cfg(feature = "fil-actor")]
mod actor;

#[cfg(test)]
mod tests;
