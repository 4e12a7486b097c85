//! The rewards actor's state and every operation on it, independent of the Wasm glue.
//!
//! Periods: the state holds one *open* period (the last touched) with its pool and proof
//! counts. The first state-changing message of a later period closes it — allocating
//! `min(pool, unallocated)` to it when it had proofs, nothing otherwise — stores it in the
//! `periods` map, and opens the current period with the pool rule ([`crate::pool`]). Reports
//! arrive only for the open period, so every closed period's counts are final.
//!
//! Every operation touches O(1) map entries: the period record, one commitment record.

use crate::events::*;
use cid::Cid;
use cloudless_runtime::admin::require_admin;
use cloudless_runtime::tree::{Tree, TALL};
use cloudless_runtime::{
    actor_error, amount, period_of, ActorResult, ActorState, Ctx, Effects, Fields, Runtime, PRECISION,
};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

use crate::pool::next_pool;
use crate::types::*;
use crate::vesting::{CommitmentRewards, Owed};

/// The open period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct OpenPeriod {
    pub period: i64,
    #[serde(with = "amount")]
    pub pool: TokenAmount,
    /// Reward-eligible proofs recorded in it.
    pub total: u64,
    /// Successful unit-periods recorded in it.
    pub units: u64,
}

/// A closed period (keyed by the period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct ClosedPeriod {
    #[serde(with = "amount")]
    pub pool: TokenAmount,
    pub total: u64,
    pub units: u64,
    #[serde(with = "amount")]
    pub allocated: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct State {
    pub admin: ActorID,
    pub config: Config,
    pub current: OpenPeriod,
    pub totals: Totals,
    /// period → [`ClosedPeriod`] (a fixed-depth [`Tree`]: constant cost at any size)
    pub periods: Cid,
    /// commitment id → [`CommitmentRewards`] (a fixed-depth [`Tree`])
    pub commitments: Cid,
}

/// FLT/USD × 10^18 from the oracle, asked only when the pool rule needs it.
pub type PriceSource<'a> = &'a mut dyn FnMut(ActorID, &str) -> ActorResult<Option<TokenAmount>>;

/// A period as a tree key (periods are never negative).
fn period_key(period: i64) -> u64 {
    period.max(0) as u64
}

/// The constructor's check: [`validate_lasting`] plus the initial pool within the bounds.
pub fn validate_config(c: &Config) -> ActorResult<()> {
    validate_lasting(c)?;
    if c.initial_pool < c.pool.min_pool || c.initial_pool > c.pool.max_pool {
        return Err(actor_error!(illegal_argument; "config: initial_pool must lie in [min_pool, max_pool]"));
    }
    Ok(())
}

/// What must hold for the whole life of the actor (`SetPoolConfig` may move the bounds away
/// from the initial pool).
pub fn validate_lasting(c: &Config) -> ActorResult<()> {
    let bad = |msg: String| Err(actor_error!(illegal_argument; "config: {msg}"));
    if c.period_length <= 0 {
        return bad(format!("period_length {} must be positive", c.period_length));
    }
    if c.oracle_asset.is_empty() || c.oracle_asset.len() > MAX_SYMBOL_LEN {
        return bad(format!("oracle_asset must have 1 to {MAX_SYMBOL_LEN} bytes"));
    }
    validate_pool(&c.pool)?;
    if c.vesting_period_count == 0 || c.vesting_period_count > MAX_VESTING_PARTS {
        return bad(format!("vesting_period_count {} must be 1 to {MAX_VESTING_PARTS}", c.vesting_period_count));
    }
    if c.vesting_period_duration == 0 || c.vesting_period_duration > MAX_VESTING_DURATION {
        return bad(format!(
            "vesting_period_duration {} must be 1 to {MAX_VESTING_DURATION}",
            c.vesting_period_duration
        ));
    }
    Ok(())
}

pub fn validate_pool(c: &PoolConfig) -> ActorResult<()> {
    if c.min_pool.is_negative() || c.usd_target_revenue_per_unit_period.is_negative() {
        return Err(actor_error!(illegal_argument; "pool config: amounts must not be negative"));
    }
    if c.min_pool > c.max_pool {
        return Err(
            actor_error!(illegal_argument; "pool config: min_pool {} is above max_pool {}", c.min_pool, c.max_pool),
        );
    }
    Ok(())
}

impl State {
    /// The genesis state: `funded` is the constructor's value; period `epoch`'s pool is the
    /// initial pool.
    pub fn new<BS: Blockstore>(
        store: &BS,
        admin: ActorID,
        config: Config,
        epoch: i64,
        funded: TokenAmount,
    ) -> ActorResult<Self> {
        validate_config(&config)?;
        let period = period_of(epoch, config.genesis_epoch, config.period_length);
        Ok(Self {
            admin,
            current: OpenPeriod { period, pool: config.initial_pool.clone(), total: 0, units: 0 },
            config,
            totals: Totals { unallocated: funded.clone(), funded, ..Totals::default() },
            periods: Tree::<_, ClosedPeriod, TALL>::empty(store, "periods")?,
            commitments: Tree::<_, CommitmentRewards, TALL>::empty(store, "commitments")?,
        })
    }

    pub fn period_at(&self, epoch: i64) -> i64 {
        period_of(epoch, self.config.genesis_epoch, self.config.period_length)
    }

    /// What closing the open period allocates: its pool (or what is left) when it had proofs.
    pub fn closing_allocation(&self) -> TokenAmount {
        if self.current.total == 0 {
            return TokenAmount::default();
        }
        self.current.pool.clone().min(self.totals.unallocated.clone())
    }

    /// Moves to the period of `ctx.epoch`: closes the open period and fixes the new one's pool
    /// (asking `price` only when the rule needs it). Returns the new period.
    pub fn touch<BS: Blockstore>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        price: PriceSource,
        fx: &mut Effects,
    ) -> ActorResult<i64> {
        let now = self.period_at(ctx.epoch);
        if now <= self.current.period {
            return Ok(self.current.period);
        }
        let c = self.current.clone();
        let allocated = self.closing_allocation();
        self.totals.unallocated -= &allocated;
        self.totals.allocated += &allocated;
        let mut periods = self.periods(store);
        let closed =
            ClosedPeriod { pool: c.pool.clone(), total: c.total, units: c.units, allocated: allocated.clone() };
        periods.set(period_key(c.period), &closed)?;
        self.periods = periods.root();
        fx.emit(&PeriodClosed { period: c.period, pool: c.pool.clone(), total: c.total, units: c.units, allocated })?;

        let flt_price = match self.config.oracle {
            Some(oracle) if c.units > 0 => price(oracle, &self.config.oracle_asset)?,
            _ => None,
        };
        let pool = next_pool(&c.pool, c.units, flt_price.as_ref(), &self.config.pool);
        fx.emit(&PeriodOpened { period: now, pool: pool.clone(), price: flt_price })?;
        self.current = OpenPeriod { period: now, pool, total: 0, units: 0 };
        Ok(now)
    }

    /// The closed record of `period` for settlement; the open period counts as closed when the
    /// clock has passed it (views settle without writing).
    fn owed<BS: Blockstore>(&self, store: &BS, period: i64) -> ActorResult<Owed> {
        if period == self.current.period {
            return Ok(Owed { allocated: self.closing_allocation(), total: self.current.total });
        }
        let periods = self.periods(store);
        let rec = periods
            .get(period_key(period))?
            .ok_or_else(|| actor_error!(illegal_state; "period {period} has proofs recorded but no record"))?;
        Ok(Owed { allocated: rec.allocated, total: rec.total })
    }

    pub fn get_commitment<BS: Blockstore>(&self, store: &BS, id: u64) -> ActorResult<CommitmentRewards> {
        self.commitments(store)
            .get(id)?
            .ok_or_else(|| actor_error!(not_found; "commitment {id} has no rewards recorded"))
    }

    /// The commitments tree (loading reads nothing; every access walks from the root).
    pub fn commitments<'s, BS: Blockstore>(&self, store: &'s BS) -> Tree<'s, BS, CommitmentRewards, TALL> {
        Tree::load(store, &self.commitments, "commitments")
    }

    /// The closed-periods tree.
    pub fn periods<'s, BS: Blockstore>(&self, store: &'s BS) -> Tree<'s, BS, ClosedPeriod, TALL> {
        Tree::load(store, &self.periods, "periods")
    }

    /// Settles `cc` to period `now` and reports what was settled.
    fn settle<BS: Blockstore>(
        &self,
        store: &BS,
        id: u64,
        cc: &mut CommitmentRewards,
        now: i64,
        fx: &mut Effects,
    ) -> ActorResult<()> {
        if let Some((period, reward, vesting)) = cc.settle(now, &self.config, |p| self.owed(store, p))? {
            fx.emit(&RewardSettled { commitment: id, period, reward, vesting })?;
        }
        Ok(())
    }

    /// `Fund`: anyone adds FLT to the unallocated balance.
    pub fn fund(&mut self, ctx: &Ctx, value: &TokenAmount, fx: &mut Effects) -> ActorResult<()> {
        if !value.is_positive() {
            return Err(actor_error!(illegal_argument; "Fund needs a positive value, got {value}"));
        }
        self.totals.funded += value;
        self.totals.unallocated += value;
        fx.emit(&Funded { from: ctx.caller, amount: value.clone(), unallocated: self.totals.unallocated.clone() })?;
        Ok(())
    }

    /// `RecordProofs`: the capacity actor reports proofs of the open period `now`.
    pub fn record_proofs<BS: Blockstore>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        now: i64,
        p: &RecordProofsParams,
        fx: &mut Effects,
    ) -> ActorResult<()> {
        if ctx.caller != self.config.capacity {
            return Err(actor_error!(
                forbidden;
                "caller f0{} is not the capacity actor (f0{})", ctx.caller, self.config.capacity
            ));
        }
        if p.period != now {
            return Err(actor_error!(illegal_argument; "proofs of period {} reported in period {now}", p.period));
        }
        if p.count == 0 || p.units > p.count {
            return Err(actor_error!(
                illegal_argument;
                "a report needs 1 or more proofs and at most as many units as proofs (count {}, units {})", p.count, p.units
            ));
        }
        if p.delegator_reward_rate == 0 || p.delegator_reward_rate > PRECISION {
            return Err(actor_error!(
                illegal_argument;
                "delegator_reward_rate {} must be in (0, {PRECISION}]", p.delegator_reward_rate
            ));
        }
        let total = self.current.total.checked_add(p.count);
        let units = self.current.units.checked_add(p.units);
        let (Some(total), Some(units)) = (total, units) else {
            return Err(actor_error!(illegal_argument; "period {now}'s proof counts overflow"));
        };
        let mut tree = self.commitments(store);
        let mut cc = match tree.get(p.commitment)? {
            Some(cc) => {
                if (cc.provider, cc.delegator, cc.delegator_reward_rate)
                    != (p.provider, p.delegator, p.delegator_reward_rate)
                {
                    return Err(actor_error!(
                        illegal_argument;
                        "commitment {}'s reward parties are (provider f0{}, delegator f0{}, rate {}), not as reported",
                        p.commitment, cc.provider, cc.delegator, cc.delegator_reward_rate
                    ));
                }
                cc
            }
            None => {
                self.totals.commitments += 1;
                fx.emit(&CommitmentAdded {
                    commitment: p.commitment,
                    provider: p.provider,
                    delegator: p.delegator,
                    delegator_reward_rate: p.delegator_reward_rate,
                })?;
                CommitmentRewards::new(p.provider, p.delegator, p.delegator_reward_rate)
            }
        };
        self.settle(store, p.commitment, &mut cc, now, fx)?;
        cc.record(now, p.count)?;
        self.current.total = total;
        self.current.units = units;
        fx.emit(&ProofsRecorded {
            commitment: p.commitment,
            period: now,
            count: p.count,
            units: p.units,
            commitment_count: cc.pending_count,
            period_total: total,
        })?;
        tree.set(p.commitment, &cc)?;
        self.commitments = tree.root();
        Ok(())
    }

    /// `Withdraw`: the provider or the delegator settles the commitment and both are paid their
    /// vested, unwithdrawn shares (the delegator first), once the state is saved.
    pub fn withdraw<BS: Blockstore>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        now: i64,
        id: u64,
        fx: &mut Effects,
    ) -> ActorResult<WithdrawReturn> {
        let mut cc = self.get_commitment(store, id)?;
        if ctx.caller != cc.provider && ctx.caller != cc.delegator {
            return Err(actor_error!(
                forbidden;
                "caller f0{} is neither the provider (f0{}) nor the delegator (f0{}) of commitment {id}",
                ctx.caller, cc.provider, cc.delegator
            ));
        }
        self.settle(store, id, &mut cc, now, fx)?;
        let (d, p) = cc.withdrawable();
        if d.is_zero() && p.is_zero() {
            let next = match cc.vesting.first() {
                Some(t) => format!("; next unlock: {} FLT in period {}", amount::format_decimal(&t.amount), t.period),
                None if cc.pending_count > 0 => {
                    format!("; period {}'s reward is settled once it ends", cc.pending_period)
                }
                None => String::new(),
            };
            return Err(actor_error!(illegal_state; "commitment {id} has nothing vested to withdraw{next}"));
        }
        cc.delegator_withdrawn += &d;
        cc.provider_withdrawn += &p;
        self.totals.paid += &d + &p;
        let out =
            WithdrawReturn { delegator: cc.delegator, delegator_amount: d, provider: cc.provider, provider_amount: p };
        fx.emit(&Withdrawn {
            commitment: id,
            delegator: out.delegator,
            delegator_amount: out.delegator_amount.clone(),
            provider: out.provider,
            provider_amount: out.provider_amount.clone(),
        })?;
        fx.transfer(out.delegator, out.delegator_amount.clone());
        fx.transfer(out.provider, out.provider_amount.clone());
        let mut tree = self.commitments(store);
        tree.set(id, &cc)?;
        self.commitments = tree.root();
        Ok(out)
    }

    pub fn set_pool_config(&mut self, ctx: &Ctx, c: PoolConfig, fx: &mut Effects) -> ActorResult<()> {
        require_admin(self, ctx)?;
        validate_pool(&c)?;
        fx.emit(&PoolConfigSet {
            min_pool: c.min_pool.clone(),
            max_pool: c.max_pool.clone(),
            usd_target: c.usd_target_revenue_per_unit_period.clone(),
        })?;
        self.config.pool = c;
        Ok(())
    }

    /// `GetPeriod`: the open period, or a closed one.
    pub fn period_info<BS: Blockstore>(&self, store: &BS, period: i64) -> ActorResult<PeriodInfo> {
        let c = &self.current;
        if period == c.period {
            return Ok(PeriodInfo {
                period,
                pool: c.pool.clone(),
                total_count: c.total,
                units: c.units,
                closed: false,
                allocated: TokenAmount::default(),
            });
        }
        let periods = self.periods(store);
        let rec = periods.get(period_key(period))?.ok_or_else(
            || actor_error!(not_found; "period {period} was never touched (the open period is {})", c.period),
        )?;
        Ok(PeriodInfo {
            period,
            pool: rec.pool,
            total_count: rec.total,
            units: rec.units,
            closed: true,
            allocated: rec.allocated,
        })
    }

    /// `GetCommitment`: the commitment's rewards settled to the period of `epoch`, unsaved.
    pub fn commitment_view<BS: Blockstore>(
        &self,
        store: &BS,
        id: u64,
        epoch: i64,
    ) -> ActorResult<CommitmentRewardsInfo> {
        let mut cc = self.get_commitment(store, id)?;
        cc.settle(self.period_at(epoch), &self.config, |p| self.owed(store, p))?;
        let (delegator_withdrawable, provider_withdrawable) = cc.withdrawable();
        Ok(CommitmentRewardsInfo {
            id,
            provider: cc.provider,
            delegator: cc.delegator,
            delegator_reward_rate: cc.delegator_reward_rate,
            unvested: cc.unvested(),
            earned: cc.earned,
            vested: cc.vested,
            delegator_withdrawn: cc.delegator_withdrawn,
            provider_withdrawn: cc.provider_withdrawn,
            delegator_withdrawable,
            provider_withdrawable,
            open_period: cc.pending_period,
            open_count: cc.pending_count,
            vesting: cc.vesting,
        })
    }
}

cloudless_runtime::impl_admin!(State, admin, "rewards admin");

/// Every state-changing message first moves to the current period: the open period closes and
/// the new one's pool is fixed, asking the oracle for the FLT/USD TWAP (the pool rule looks at a
/// whole period, not one moment) only when the rule needs a price.
impl ActorState for State {
    fn advance<R: Runtime>(&mut self, rt: &R, ctx: &Ctx, fx: &mut Effects) -> ActorResult<()> {
        let mut price = |oracle: ActorID, asset: &str| {
            Ok(cloudless_runtime::oracle::price(rt, oracle, asset).map(|info| info.twap))
        };
        self.touch(rt.store(), ctx, &mut price, fx).map(|_| ())
    }
}
