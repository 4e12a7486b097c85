//! The period clock, the global nonce chain and the difficulty schedule.
//!
//! - `period(e) = (e - genesis_epoch) / period_length` (epochs before genesis are period 0).
//! - The nonce of period p+1 is `keccak256(nonce(p) ‖ entropy(p))`, where entropy(p) starts at 32
//!   zero bytes and becomes `keccak256(entropy ‖ result_hash)` for every accepted proof of p.
//! - The actor advances lazily, on the first message of a period that touches it. When whole
//!   periods passed without any message (so no proof could have been accepted in them), the jump
//!   from the last stored period q to p is `keccak256(nonce(q) ‖ entropy(q) ‖ p as 8 bytes BE ‖ seed)`:
//!   one hash however long the chain was idle.
//! - The chain seed: when q accepted no proof, or periods were skipped, entropy(q) is 32 zero
//!   bytes and the nonce would be known as soon as nonce(q) is, a whole period early. So such
//!   advances mix in `seed` = the bytes of the CID of one tipset (on fendermint, a block hash its
//!   chain-metadata actor keeps): the last block before p (epoch start(p) − 1) when the advancing
//!   message comes within [`SEED_REACH`] epochs of it, else the block before that message. Either
//!   is unknown until after q ended. The nonce is final once a message has touched the actor in
//!   p; before that a query shows the nonce that a message at its epoch would fix, which holds
//!   for messages up to [`PeriodInfo::nonce_holds_until`](crate::PeriodInfo) (start(p) − 1 +
//!   SEED_REACH, or the query's own epoch beyond that). Any message fixes it; `StartPeriod`
//!   exists for that. Chain randomness is not used: fendermint does not provide it (its externs
//!   answer "randomness not implemented", which aborts the message).
//!   An advance from a period with proofs keeps `keccak256(nonce(q) ‖ entropy(q))`, final from
//!   the period's first epoch.
//! - `SetDifficulty` in period p takes effect from p+1.

use cloudless_runtime::bytes::Bytes32;
use cloudless_runtime::{ActorResult, Fields};
use fvm_ipld_encoding::tuple::*;
use fvm_shared::clock::ChainEpoch;

use crate::types::Config;

/// keccak256, supplied by the caller (the kernel's hash syscall in Wasm, a library in tests).
pub type Keccak = fn(&[u8]) -> [u8; 32];

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct PeriodState {
    pub period: i64,
    pub nonce: Bytes32,
    /// Accumulated result hashes of the proofs accepted in `period`.
    pub entropy: Bytes32,
    pub difficulty: Bytes32,
    /// Set by `SetDifficulty` during `period`; in force from the next one.
    pub next_difficulty: Option<Bytes32>,
    /// Proofs accepted in `period`.
    pub proofs: u64,
}

pub fn period_of(config: &Config, epoch: ChainEpoch) -> i64 {
    cloudless_runtime::period_of(epoch, config.genesis_epoch, config.period_length)
}

pub fn period_start(config: &Config, period: i64) -> ChainEpoch {
    config.genesis_epoch.saturating_add(period.saturating_mul(config.period_length))
}

/// The last epoch of `period`.
pub fn period_end(config: &Config, period: i64) -> ChainEpoch {
    period_start(config, period).saturating_add(config.period_length - 1)
}

/// How far back the chain seed's tipset may lie from the message that reads it: fendermint's
/// chain-metadata actor keeps the last 256 block hashes by default (and answers a default CID
/// for older epochs).
pub const SEED_REACH: ChainEpoch = 256;

/// The epoch whose tipset seeds period `p`'s nonce when a message at `epoch` advances to it, and
/// the last epoch at which a message would fix that same nonce.
pub fn seed_epoch(config: &Config, p: i64, epoch: ChainEpoch) -> (ChainEpoch, ChainEpoch) {
    let last_before = period_start(config, p).saturating_sub(1);
    if epoch.saturating_sub(last_before) <= SEED_REACH {
        (last_before, period_end(config, p).min(last_before.saturating_add(SEED_REACH)))
    } else {
        (epoch - 1, epoch)
    }
}

impl PeriodState {
    pub fn genesis(nonce: Bytes32, difficulty: Bytes32) -> Self {
        Self { period: 0, nonce, entropy: Bytes32::ZERO, difficulty, next_difficulty: None, proofs: 0 }
    }

    /// Whether advancing to `to` (> `self.period`) mixes in the chain seed: no proof of
    /// `self.period` was accepted, or periods were skipped.
    pub fn needs_seed(&self, to: i64) -> bool {
        to != self.period + 1 || self.proofs == 0
    }

    /// The state of period `to` (> `self.period`); `seed` is the chain seed when
    /// [`needs_seed`](Self::needs_seed), otherwise ignored.
    pub fn advanced(&self, to: i64, seed: &[u8], keccak: Keccak) -> Self {
        let mut input = [self.nonce.0.as_slice(), self.entropy.0.as_slice()].concat();
        if to != self.period + 1 {
            input.extend_from_slice(&to.to_be_bytes());
        }
        if self.needs_seed(to) {
            input.extend_from_slice(seed);
        }
        Self {
            period: to,
            nonce: Bytes32(keccak(&input)),
            entropy: Bytes32::ZERO,
            difficulty: self.next_difficulty.unwrap_or(self.difficulty),
            next_difficulty: None,
            proofs: 0,
        }
    }

    /// Advances to `to` if it is later, asking `seed` for the chain seed only when it is mixed
    /// in; returns whether it moved.
    pub fn advance(
        &mut self,
        to: i64,
        seed: impl FnOnce() -> ActorResult<Vec<u8>>,
        keccak: Keccak,
    ) -> ActorResult<bool> {
        if to <= self.period {
            return Ok(false);
        }
        let seed = if self.needs_seed(to) { seed()? } else { Vec::new() };
        *self = self.advanced(to, &seed, keccak);
        Ok(true)
    }

    /// Mixes an accepted proof's result hash into this period's entropy.
    pub fn accept(&mut self, result_hash: &Bytes32, keccak: Keccak) {
        let input = [self.entropy.0.as_slice(), result_hash.0.as_slice()].concat();
        self.entropy = Bytes32(keccak(&input));
        self.proofs += 1;
    }
}

/// K = keccak256(global_nonce ‖ unit_id): the RandomX key of a unit in a period.
pub fn randomx_key(nonce: &Bytes32, unit_id: &Bytes32, keccak: Keccak) -> Bytes32 {
    Bytes32(keccak(&[nonce.0.as_slice(), unit_id.0.as_slice()].concat()))
}
