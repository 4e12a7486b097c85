//! One IPLD block written or read as DAG-CBOR under Blake2b-256, with the error an actor
//! returns when the store fails or lacks the block. The fixed-depth trees and the market's
//! index pages store their nodes this way.

use std::fmt::Display;

use cid::Cid;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::CborStore;
use multihash_codetable::Code;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{actor_error, ActorResult, AsActorError};

/// Writes `value`, a block of `what` (e.g. "the deals tree").
pub fn put<BS: Blockstore, T: Serialize>(store: &BS, value: &T, what: impl Display) -> ActorResult<Cid> {
    store.put_cbor(value, Code::Blake2b256).or_illegal_state(format_args!("writing {what}"))
}

/// Reads the block `cid` of `what`; a missing block is an illegal state.
pub fn get<BS: Blockstore, T: DeserializeOwned>(store: &BS, cid: &Cid, what: impl Display) -> ActorResult<T> {
    store
        .get_cbor(cid)
        .or_illegal_state(format_args!("reading {what}"))?
        .ok_or_else(|| actor_error!(illegal_state; "{what} is missing block {}", crate::text::cid(cid)))
}
