//! The Cloudless host: runs the actor bundle as Wasm in ref-fvm with the Cloudless kernel.
//!
//! - [`node`]: a [`node::Node`] owns a state (blockstore + root) and applies messages to it.
//! - [`genesis`]: builds the genesis state from a declarative TOML config by running constructors.
//! - [`keys`]: secp256k1 keys, message signing, and the dev key store of genesis accounts.
//! - [`car`]: state CAR import/export (the whole DAG reachable from the state root).
//! - [`abi`]: method names, JSON params and decoded returns/state for the CLI.
//! - [`prove`]: mining capacity proofs (RandomX) for a unit, as `cloudless prove` does.
//! - [`receipt`]: exit codes by name, the fee a message paid, a failure's call chain.
//! - [`groth16`]: circuit tools' Groth16 files (snarkjs) in the encoding deals and results take.
//! - [`chain`]: the dev chain (a node, its keys, a journal, the parent simulation), what the
//!   devnet stands on; [`devnet`]: `cloudless devnet`.
//!
//! The test harness, the event indexer and the soak are the dev-only `cloudless-testing` crate
//! (`host/testing`), which stands on this one.

pub mod abi;
pub mod car;
pub mod chain;
pub mod devnet;
pub mod externs;
pub mod genesis;
pub mod groth16;
pub mod keys;
pub mod node;
pub mod prove;
pub mod receipt;

pub use node::{ChainMeta, Node, Outcome};

/// blake2b-256, the FVM's default hash.
pub(crate) fn blake2b256(data: &[u8]) -> [u8; 32] {
    let hash = blake2b_simd::Params::new().hash_length(32).hash(data);
    hash.as_bytes().try_into().expect("32-byte hash")
}
