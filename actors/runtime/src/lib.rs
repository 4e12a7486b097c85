//! Shared helpers for Cloudless actors.
//!
//! - [`ActorError`] and [`actor_error!`]: every failure carries a standard exit code and a message.
//! - [`events`]: builds FVM actor events with a `$type` key, as SPEC §0 requires.
//! - [`amount`]: serde for token amounts and prices (CBOR bigint on chain, decimal text in JSON).
//! - [`sdk`] (feature `fil-actor`): the thin Wasm glue over `fvm_sdk` (caller checks, params, state,
//!   the `invoke` entry point). Everything else here builds natively so actor logic is unit-tested fast.

pub mod address;
pub mod amount;
pub mod bytes;
mod error;
pub mod events;
pub mod map;
#[cfg(feature = "fil-actor")]
pub mod sdk;

pub use error::{ActorError, ActorResult, AsActorError};

/// Rates are integers scaled by this factor (SPEC §0).
pub const PRECISION: u64 = 10_000_000;

/// The FVM calls method 1 the constructor; every actor follows it.
pub const METHOD_CONSTRUCTOR: u64 = 1;

/// Method numbers at or above this are "exported" (FRC-42) and may be called by anyone.
pub const FIRST_EXPORTED_METHOD_NUMBER: u64 = 1 << 24;

/// The system actor's ID: the caller of every constructor at genesis.
pub const SYSTEM_ACTOR_ID: fvm_shared::ActorID = 0;
/// The init actor's ID.
pub const INIT_ACTOR_ID: fvm_shared::ActorID = 1;
