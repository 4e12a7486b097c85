//! Price oracle actor (SPEC §4): per-asset reporters, quorum, expiry, deviation guard, median and
//! TWAP. `state` holds the pure logic; `actor` (Wasm only) is the thin glue over the SDK.

pub mod state;
pub mod types;

pub use state::{Asset, Report, Sample, State};
pub use types::*;

#[cfg(feature = "fil-actor")]
mod actor;

#[cfg(test)]
mod tests;
