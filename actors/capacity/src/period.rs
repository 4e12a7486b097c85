//! The period clock, the global nonce chain and the difficulty schedule.
//!
//! - `period(e) = (e - genesis_epoch) / period_length` (epochs before genesis are period 0).
//! - The nonce of period p+1 is `keccak256(nonce(p) ‖ entropy(p))`, where entropy(p) starts at 32
//!   zero bytes and becomes `keccak256(entropy ‖ result_hash)` for every accepted proof of p.
//! - The actor advances lazily, on the first message of a period that touches it. When whole
//!   periods passed without any message (so no proof could have been accepted in them), the jump
//!   from the last stored period q to p is `keccak256(nonce(q) ‖ entropy(q) ‖ p as 8 bytes BE)`:
//!   one hash however long the chain was idle, and still unpredictable before q ends.
//! - `SetDifficulty` in period p takes effect from p+1.

use cloudless_runtime::bytes::Bytes32;
use cloudless_runtime::Fields;
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

impl PeriodState {
    pub fn genesis(nonce: Bytes32, difficulty: Bytes32) -> Self {
        Self { period: 0, nonce, entropy: Bytes32::ZERO, difficulty, next_difficulty: None, proofs: 0 }
    }

    /// The state of period `to` (> `self.period`).
    pub fn advanced(&self, to: i64, keccak: Keccak) -> Self {
        let mut input = [self.nonce.0.as_slice(), self.entropy.0.as_slice()].concat();
        if to != self.period + 1 {
            input.extend_from_slice(&to.to_be_bytes());
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

    /// Advances to `to` if it is later; returns whether it moved.
    pub fn advance(&mut self, to: i64, keccak: Keccak) -> bool {
        if to <= self.period {
            return false;
        }
        *self = self.advanced(to, keccak);
        true
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
