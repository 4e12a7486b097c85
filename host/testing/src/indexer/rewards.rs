//! What the indexer rebuilds of the rewards actor: the open and closed periods, every commitment's rewards, totals.

use super::prelude::*;

use cloudless_actor_rewards as rewards;

#[derive(Default)]
pub struct RewardsView {
    admin: ActorID,
    current: Option<rewards::OpenPeriod>,
    closed: BTreeMap<i64, rewards::ClosedPeriod>,
    commitments: BTreeMap<u64, rewards::CommitmentRewards>,
    totals: rewards::Totals,
    /// The actor's configuration, from its state (genesis parameters are not events).
    config: Option<rewards::Config>,
}

/// `cc` as of period `now`: tranches due by then counted as vested.
fn vested_at(mut cc: rewards::CommitmentRewards, now: i64) -> rewards::CommitmentRewards {
    let due = cc.vesting.iter().take_while(|t| t.period <= now).count();
    for t in cc.vesting.drain(..due) {
        cc.vested += t.amount;
    }
    cc
}

impl IndexView for RewardsView {
    fn from_state(node: &Node, id: ActorID) -> anyhow::Result<Self> {
        let st: rewards::State = node.actor_state(id)?;
        let s = node.store();
        let mut v = RewardsView {
            admin: st.admin,
            current: Some(st.current.clone()),
            totals: st.totals.clone(),
            config: Some(st.config.clone()),
            ..Default::default()
        };
        walk(st.periods(s).for_each(|k, p| drop(v.closed.insert(k as i64, p.clone()))), "periods")?;
        walk(st.commitments(s).for_each(|k, c| drop(v.commitments.insert(k, c.clone()))), "commitments")?;
        Ok(v)
    }

    fn apply(&mut self, _at: &At, t: &str, e: &ActorEvent) -> anyhow::Result<()> {
        use rewards::*;
        match t {
            "admin-transferred" => self.admin = ev::<AdminTransferred>(e)?.to,
            "period-opened" => {
                let p: PeriodOpened = ev(e)?;
                self.current = Some(OpenPeriod { period: p.period, pool: p.pool, total: 0, units: 0 });
            }
            "period-closed" => {
                let p: PeriodClosed = ev(e)?;
                self.totals.allocated += &p.allocated;
                self.totals.unallocated -= &p.allocated;
                let closed = ClosedPeriod { pool: p.pool, total: p.total, units: p.units, allocated: p.allocated };
                self.closed.insert(p.period, closed);
            }
            "funded" => {
                let f: Funded = ev(e)?;
                self.totals.funded += &f.amount;
                self.totals.unallocated += &f.amount;
            }
            "commitment-added" => {
                let c: CommitmentAdded = ev(e)?;
                self.commitments
                    .insert(c.commitment, CommitmentRewards::new(c.provider, c.delegator, c.delegator_reward_rate));
                self.totals.commitments += 1;
            }
            "reward-settled" => {
                let r: RewardSettled = ev(e)?;
                let cc = get(&mut self.commitments, "commitment", &r.commitment)?;
                cc.earned += r.reward;
                cc.pending_count = 0;
                for t in r.vesting {
                    match cc.vesting.binary_search_by_key(&t.period, |x| x.period) {
                        Ok(k) => cc.vesting[k].amount += t.amount,
                        Err(k) => cc.vesting.insert(k, t),
                    }
                }
            }
            "proofs-recorded" => {
                let p: ProofsRecorded = ev(e)?;
                let cc = get(&mut self.commitments, "commitment", &p.commitment)?;
                cc.pending_period = p.period;
                cc.pending_count = p.commitment_count;
                let open = self.open()?;
                open.total = p.period_total;
                open.units += p.units;
            }
            "withdrawn" => {
                let w: Withdrawn = ev(e)?;
                let cc = get(&mut self.commitments, "commitment", &w.commitment)?;
                cc.delegator_withdrawn += &w.delegator_amount;
                cc.provider_withdrawn += &w.provider_amount;
                self.totals.paid += w.delegator_amount + w.provider_amount;
            }
            "pool-config-set" => {}
            other => bail!("the indexer does not know rewards event {other}"),
        }
        Ok(())
    }

    fn diff(&self, real: &Self, at: &At, out: &mut Vec<String>) {
        let now = |c: &rewards::Config| cloudless_runtime::period_of(at.epoch, c.genesis_epoch, c.period_length);
        diff("admin", &self.admin, &real.admin, out);
        diff("open period", &self.current, &real.current, out);
        diff_map("closed periods", &self.closed, &real.closed, out);
        let now = real.config.as_ref().map(now).unwrap_or_default();
        let vested = |m: &BTreeMap<u64, rewards::CommitmentRewards>| -> BTreeMap<u64, rewards::CommitmentRewards> {
            m.iter().map(|(k, c)| (*k, vested_at(c.clone(), now))).collect()
        };
        diff_map("commitments", &vested(&self.commitments), &vested(&real.commitments), out);
        diff("totals", &self.totals, &real.totals, out);
    }
}

impl RewardsView {
    fn open(&mut self) -> anyhow::Result<&mut rewards::OpenPeriod> {
        self.current.as_mut().ok_or_else(|| anyhow!("no period-opened yet"))
    }
}
