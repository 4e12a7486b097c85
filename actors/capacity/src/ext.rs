//! The interfaces of the actors the capacity actor calls, restated here as builtin-actors do
//! (`ext` modules): an actor crate never links another actor crate, whose Wasm entry point would
//! collide with its own. The oracle's price query is shared by every price consumer
//! ([`cloudless_runtime::oracle`]). `actors/registry/tests/ext.rs` checks every one against the
//! callee's declaration.

pub mod rewards {
    /// `RecordProofs` takes [`crate::RecordProofsParams`].
    pub const METHOD_RECORD_PROOFS: u64 = frc42_dispatch::method_hash!("RecordProofs");
}

pub mod market {
    /// `PeerUnitsChanged` takes [`crate::PeerUnitsParams`]: a commitment started or finished.
    pub const METHOD_PEER_UNITS_CHANGED: u64 = frc42_dispatch::method_hash!("PeerUnitsChanged");
}
