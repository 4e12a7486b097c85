//! A commitment's rewards: the one period it may still be owed for, vesting tranches, and what
//! each party has withdrawn.
//!
//! Constant work per touch, however long the commitment was idle: the capacity actor reports
//! proofs only for the current period, and a report for a later period first settles the earlier
//! one, so a commitment is owed for at most one unsettled period (`pending_*`). Its reward,
//! `allocated(p) × count / total(p)` (rounded down; the remainder is the period's dust), is cut
//! into `vesting_period_count` equal parts (the last takes the division remainder) unlocking at
//! the start of periods `s, s + d, …` where `s` is the first multiple of `d =
//! vesting_period_duration` after p. Unlocked parts add to `vested`; at most
//! `vesting_period_count` tranches are ever pending (every unlock period is a multiple of d and
//! later than the current period, and none is later than the last part of the last settled
//! period's reward).
//!
//! The split is cumulative: the delegator is owed `vested × delegator_reward_rate / PRECISION`
//! (rounded down) in total, the provider the rest, so no split dust arises and nobody's total
//! ever shrinks.

use cloudless_runtime::{actor_error, amount, ActorResult, Fields, PRECISION};
use fvm_ipld_encoding::tuple::*;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

use crate::types::{Config, Tranche};

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct CommitmentRewards {
    pub provider: ActorID,
    pub delegator: ActorID,
    pub delegator_reward_rate: u64,
    /// The last period proofs were recorded for, and how many (0: nothing owed).
    pub pending_period: i64,
    pub pending_count: u64,
    /// Every reward settled to this commitment (= vested + the tranches).
    #[serde(with = "amount")]
    pub earned: TokenAmount,
    #[serde(with = "amount")]
    pub vested: TokenAmount,
    /// Pending parts, by unlock period ascending, all later than the last roll.
    pub vesting: Vec<Tranche>,
    #[serde(with = "amount")]
    pub delegator_withdrawn: TokenAmount,
    #[serde(with = "amount")]
    pub provider_withdrawn: TokenAmount,
}

/// A closed period as settlement needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owed {
    pub allocated: TokenAmount,
    pub total: u64,
}

/// The reward of `count` of a period's `total` proofs.
pub fn share(owed: &Owed, count: u64) -> TokenAmount {
    if owed.total == 0 {
        return TokenAmount::default();
    }
    TokenAmount::from_atto(owed.allocated.atto() * count / owed.total)
}

/// The unlock periods of a reward earned in `period`.
pub fn unlock_periods(period: i64, config: &Config) -> impl Iterator<Item = i64> {
    let d = config.vesting_period_duration.max(1) as i64;
    let start = (period.max(0) / d + 1).saturating_mul(d);
    (0..config.vesting_period_count as i64).map(move |i| start.saturating_add(i.saturating_mul(d)))
}

/// The delegator's cut of `amount` (rounded down).
pub fn delegator_cut(amount: &TokenAmount, rate: u64) -> TokenAmount {
    TokenAmount::from_atto(amount.atto() * rate / PRECISION)
}

impl CommitmentRewards {
    pub fn new(provider: ActorID, delegator: ActorID, delegator_reward_rate: u64) -> Self {
        Self {
            provider,
            delegator,
            delegator_reward_rate,
            pending_period: 0,
            pending_count: 0,
            earned: TokenAmount::default(),
            vested: TokenAmount::default(),
            vesting: Vec::new(),
            delegator_withdrawn: TokenAmount::default(),
            provider_withdrawn: TokenAmount::default(),
        }
    }

    /// Settles up to `now`: rewards the pending period if it has ended (`owed` looks up its
    /// closed record) and unlocks due tranches. Returns the period and reward settled, if any.
    pub fn settle(
        &mut self,
        now: i64,
        config: &Config,
        owed: impl FnOnce(i64) -> ActorResult<Owed>,
    ) -> ActorResult<Option<(i64, TokenAmount, Vec<Tranche>)>> {
        let mut settled = None;
        if self.pending_count > 0 && self.pending_period < now {
            let period = self.pending_period;
            let o = owed(period)?;
            if self.pending_count > o.total {
                return Err(actor_error!(
                    illegal_state;
                    "period {period} recorded {} proofs in all but {} for one commitment", o.total, self.pending_count
                ));
            }
            let reward = share(&o, self.pending_count);
            let tranches = self.schedule(period, &reward, config);
            self.earned += &reward;
            self.pending_count = 0;
            settled = Some((period, reward, tranches));
        }
        let due = self.vesting.iter().take_while(|t| t.period <= now).count();
        for t in self.vesting.drain(..due) {
            self.vested += t.amount;
        }
        Ok(settled)
    }

    /// Adds `reward`'s tranches to the schedule and returns them.
    fn schedule(&mut self, period: i64, reward: &TokenAmount, config: &Config) -> Vec<Tranche> {
        if reward.is_zero() || config.vesting_period_count == 0 {
            return Vec::new();
        }
        let mut added = Vec::new();
        let n = config.vesting_period_count;
        let part = TokenAmount::from_atto(reward.atto() / n);
        let last = reward - &part * (n - 1);
        for (i, at) in unlock_periods(period, config).enumerate() {
            let amount = if i as u64 + 1 == n { last.clone() } else { part.clone() };
            added.push(Tranche { period: at, amount: amount.clone() });
            match self.vesting.binary_search_by_key(&at, |t| t.period) {
                Ok(k) => self.vesting[k].amount += amount,
                Err(k) => self.vesting.insert(k, Tranche { period: at, amount }),
            }
        }
        added
    }

    pub fn unvested(&self) -> TokenAmount {
        self.vesting.iter().map(|t| t.amount.clone()).sum()
    }

    /// What each party may withdraw now: (delegator, provider).
    pub fn withdrawable(&self) -> (TokenAmount, TokenAmount) {
        let delegator_total = delegator_cut(&self.vested, self.delegator_reward_rate);
        let provider_total = &self.vested - &delegator_total;
        (delegator_total - &self.delegator_withdrawn, provider_total - &self.provider_withdrawn)
    }

    /// Records proofs of the open period `now` (call [`Self::settle`] first).
    pub fn record(&mut self, now: i64, count: u64) -> ActorResult<()> {
        if self.pending_count > 0 && self.pending_period != now {
            return Err(actor_error!(illegal_state; "period {} is not settled", self.pending_period));
        }
        self.pending_period = now;
        self.pending_count = self
            .pending_count
            .checked_add(count)
            .ok_or_else(|| actor_error!(illegal_argument; "proof count overflows"))?;
        Ok(())
    }
}
