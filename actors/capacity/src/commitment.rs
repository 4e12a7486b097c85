//! Capacity commitments and their lazy settlement (failures and slashing).
//!
//! A commitment is settled period by period from `settled_through` up to the current period
//! (never past its end). In a settled period q each unit of the peer that is not exempt (returned
//! from a deal in q, or in a deal during q when `min_proofs_in_deal` is 0) either succeeded — its
//! proof counter is for q and reached `min_proofs`, or `min_proofs_in_deal` while it serves a
//! deal — or counts one failure. A unit's counter is only overwritten by proofs of a later
//! period, and submitting them settles the commitment first, so every counter is read before it
//! is replaced. Each failure slashes `collateral_per_unit × slashing_rate / PRECISION`, and a
//! unit's slashing is capped at its collateral. The commitment fails at the end of the first
//! period in which its failures reach `max_failed_ratio × unit_count`, and becomes inactive when
//! its last period is settled.

use cloudless_runtime::{actor_error, ActorResult, PRECISION};
use fvm_shared::econ::TokenAmount;

use crate::types::*;

/// What one settlement did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settlement {
    pub periods: u64,
    pub failures: u64,
    pub slashed: TokenAmount,
    /// The status the commitment moved to (Inactive or Failed), if it changed.
    pub became: Option<Status>,
    /// Periods still to settle up to the current period.
    pub remaining: u64,
}

/// The proofs a unit needs in period `q` (0: none). A unit serving a deal needs
/// `min_proofs_in_deal`, and none in the period it returned from a deal (`exempt_until`).
pub fn needed(unit: &Unit, q: i64, config: &Config) -> u32 {
    if q < unit.exempt_until {
        0
    } else if unit.deal.is_some() {
        config.min_proofs_in_deal
    } else {
        config.min_proofs
    }
}

fn succeeded(unit: &Unit, q: i64, needed: u32) -> bool {
    unit.proof_period == q && unit.proof_count >= needed
}

/// Reward-eligible proofs of a unit-period with `count` proofs (docs/protocol.md §2).
pub fn eligible(count: u32, config: &Config) -> u64 {
    if count >= config.min_proofs {
        count.min(config.max_proofs) as u64
    } else {
        0
    }
}

impl Commitment {
    /// The first period after the commitment.
    pub fn end_period(&self) -> i64 {
        self.start_period + self.duration as i64
    }

    pub fn is_live(&self) -> bool {
        self.status != Status::Removed
    }

    /// Deposited and not yet finished: the actor holds its collateral.
    pub fn holds_collateral(&self) -> bool {
        matches!(self.status, Status::Active | Status::Inactive | Status::Failed)
    }

    pub fn status_at(&self, period: i64) -> Status {
        if self.status == Status::Active && period < self.start_period {
            Status::WaitStart
        } else {
            self.status
        }
    }

    /// Proofs count only in an Active commitment's started periods.
    pub fn proving(&self, period: i64) -> bool {
        self.status_at(period) == Status::Active && period < self.end_period()
    }

    pub fn total_collateral(&self) -> TokenAmount {
        &self.collateral_per_unit * self.unit_count as u64
    }

    pub fn slash_per_failure(&self, config: &Config) -> TokenAmount {
        (&self.collateral_per_unit * config.slashing_rate).div_floor(PRECISION)
    }

    /// A unit's slashing after `failures` failures: capped at its collateral.
    pub fn unit_slashed(&self, failures: u32, config: &Config) -> TokenAmount {
        let slashed = self.slash_per_failure(config) * failures as u64;
        slashed.min(self.collateral_per_unit.clone())
    }

    /// Settles up to `max_periods` periods before `now` (`units` in the peer's order).
    pub fn settle(&mut self, config: &Config, units: &[Unit], now: i64, max_periods: u64) -> Settlement {
        let mut out = Settlement::default();
        if self.status != Status::Active {
            return out;
        }
        let target = now.min(self.end_period());
        let threshold = config.max_failed_ratio.saturating_mul(self.unit_count as u64);
        while self.settled_through < target && out.periods < max_periods {
            let q = self.settled_through;
            for (i, unit) in units.iter().enumerate() {
                let needed = needed(unit, q, config);
                if needed > 0 && !succeeded(unit, q, needed) {
                    let before = self.unit_slashed(self.unit_failures[i], config);
                    self.unit_failures[i] += 1;
                    let delta = self.unit_slashed(self.unit_failures[i], config) - before;
                    self.slashed += &delta;
                    out.slashed += delta;
                    self.failures += 1;
                    out.failures += 1;
                }
            }
            self.settled_through = q + 1;
            out.periods += 1;
            if self.failures >= threshold {
                self.status = Status::Failed;
                self.failed_period = Some(q + 1);
                out.became = Some(Status::Failed);
                return out;
            }
        }
        if self.settled_through >= self.end_period() {
            self.status = Status::Inactive;
            out.became = Some(Status::Inactive);
        }
        out.remaining = (target - self.settled_through).max(0) as u64;
        out
    }

    /// Checks that `FinishCommitment` may run at `now`.
    pub fn check_finishable(&self, config: &Config, now: i64) -> ActorResult<()> {
        match self.status {
            Status::Inactive => Ok(()),
            Status::Failed => {
                let failed = self.failed_period.unwrap_or(now);
                let at = failed.saturating_add(config.withdraw_periods_after_failed as i64);
                if now < at {
                    return Err(actor_error!(
                        illegal_state;
                        "commitment {} failed in period {failed}; it can finish from period {at} (now {now})", self.id
                    ));
                }
                Ok(())
            }
            _ => Err(actor_error!(
                illegal_state;
                "commitment {} is {}; only an Inactive or Failed commitment finishes", self.id, self.status_at(now).name()
            )),
        }
    }
}
