//! The one way to write a Cloudless actor.
//!
//! - [`Runtime`]: everything an actor asks of the FVM; [`sdk::SdkRuntime`] in Wasm (feature
//!   `fil-actor`), [`mock::MockRuntime`] in native tests (feature `testing`).
//! - [`actor!`]: declares an actor's methods (FRC-42 numbers from their names, params and
//!   return types, handlers) and generates its dispatch and interface ([`ActorCode`]).
//! - [`transaction`]: the one transaction step (load → advance → operation → save → events →
//!   calls) with one [`Ctx`] and one [`Effects`]; [`admin`]: the admin role of singletons.
//! - [`abi`] and `#[derive(Fields)]`: the field names the CLI labels JSON with.
//! - [`ActorError`] and [`actor_error!`]: every failure carries a standard exit code and a message.
//! - [`events`]: FVM actor events with a `$type` key, as docs/protocol.md §0 requires.
//! - [`map`] (HAMT) and [`tree`] (fixed-depth, constant-cost): keyed records.
//! - [`oracle`]: the oracle's price query, for the actors that consume prices.
//! - [`amount`], [`address`], [`bytes`]: serde for amounts, addresses and byte strings (binary on
//!   chain, text in JSON); [`text`]: addresses and CIDs in error messages.

// `#[derive(Fields)]` names `::cloudless_runtime`, also inside this crate.
extern crate self as cloudless_runtime;

pub mod abi;
pub mod address;
pub mod admin;
pub mod amount;
pub mod blocks;
pub mod bytes;
mod dispatch;
mod error;
pub mod events;
pub mod map;
#[cfg(feature = "testing")]
pub mod mock;
pub mod oracle;
mod runtime;
#[cfg(feature = "fil-actor")]
pub mod sdk;
pub mod text;
pub mod transaction;
pub mod tree;

pub use cloudless_runtime_derive::{Event, Fields};
pub use dispatch::{construct_stateless, refuse_value, ret, unhandled, ActorCode, Invariants, Params};
pub use error::{ActorError, ActorResult, AsActorError};
#[doc(hidden)]
pub use frc42_dispatch;
pub use fvm_ipld_blockstore::Blockstore;
pub use fvm_ipld_encoding::ipld_block::IpldBlock;
pub use fvm_shared::MethodNum;
pub use runtime::Runtime;
pub use transaction::{commit, current, transact, ActorState, Ctx, Effects};

/// Whether serde may take the JSON (human-readable) forms of amounts, addresses and byte strings.
/// Never in Wasm: the FVM only speaks DAG-CBOR, and dropping the text paths (address parsing and
/// printing, decimal amounts, hex) keeps them out of every actor's code (docs/bundle.md).
pub(crate) const TEXT_FORMS: bool = cfg!(not(target_arch = "wasm32"));

/// Rates are integers scaled by this factor (docs/protocol.md §0).
pub const PRECISION: u64 = 10_000_000;

/// The accounting period of `epoch` (docs/protocol.md §0): `(epoch - genesis_epoch) / period_length`, never
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
