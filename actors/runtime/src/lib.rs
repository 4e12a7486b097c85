//! Shared helpers for Cloudless actors.
//!
//! - [`ActorError`] and [`actor_error!`]: every failure carries a standard exit code and a message.
//! - [`events`]: builds FVM actor events with a `$type` key, as SPEC §0 requires.
//! - [`map`] (HAMT) and [`tree`] (fixed-depth, constant-cost): keyed records.
//! - [`oracle`]: the oracle's price query, for the actors that consume prices.
//! - [`amount`]: serde for token amounts and prices (CBOR bigint on chain, decimal text in JSON).
//! - [`sdk`] (feature `fil-actor`): the thin Wasm glue over `fvm_sdk` (caller checks, params, state,
//!   the `invoke` entry point). Everything else here builds natively so actor logic is unit-tested fast.

pub mod address;
pub mod amount;
pub mod bytes;
mod error;
pub mod events;
pub mod map;
pub mod oracle;
#[cfg(feature = "fil-actor")]
pub mod sdk;
pub mod tree;

pub use error::{ActorError, ActorResult, AsActorError};

/// Rates are integers scaled by this factor (SPEC §0).
pub const PRECISION: u64 = 10_000_000;

/// The accounting period of `epoch` (SPEC §0): `(epoch - genesis_epoch) / period_length`, never
/// negative; `period_length` must be positive (every actor validates it at construction).
pub fn period_of(epoch: i64, genesis_epoch: i64, period_length: i64) -> i64 {
    epoch.saturating_sub(genesis_epoch).max(0) / period_length.max(1)
}

/// The FVM calls method 1 the constructor; every actor follows it.
pub const METHOD_CONSTRUCTOR: u64 = 1;

/// Method numbers at or above this are "exported" (FRC-42) and may be called by anyone.
pub const FIRST_EXPORTED_METHOD_NUMBER: u64 = 1 << 24;

/// The system actor's ID: the caller of every constructor at genesis.
pub const SYSTEM_ACTOR_ID: fvm_shared::ActorID = 0;
/// The init actor's ID.
pub const INIT_ACTOR_ID: fvm_shared::ActorID = 1;
