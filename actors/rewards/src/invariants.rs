//! `check_state_invariants`: walks every record (tests and the conformance runner only; no
//! message does this) and checks the ledger
//! `funded = paid + vested_unpaid + unvested + unallocated + dust`, where every commitment is
//! settled in memory to the open period and `dust = allocated − Σ rewards` is the rounding left
//! by `allocated × count / total` (never negative).

use cloudless_runtime::Invariants;
use cloudless_runtime::PRECISION;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::econ::TokenAmount;

use crate::state::{validate_lasting, State};
use crate::vesting::{delegator_cut, share, Owed};

/// The ledger's terms, every commitment settled to the open period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    pub funded: TokenAmount,
    pub paid: TokenAmount,
    pub vested_unpaid: TokenAmount,
    pub unvested: TokenAmount,
    pub unallocated: TokenAmount,
    pub dust: TokenAmount,
}

impl State {
    /// The ledger (errors only when the state cannot be read).
    pub fn ledger<BS: Blockstore>(&self, store: &BS) -> Result<Ledger, String> {
        let (ledger, _) = self.walk(store)?;
        Ok(ledger)
    }

    fn walk<BS: Blockstore>(&self, store: &BS) -> Result<(Ledger, Vec<String>), String> {
        let mut errors = Vec::new();
        let t = &self.totals;
        if let Err(e) = validate_lasting(&self.config) {
            errors.push(e.msg().to_string());
        }
        if t.funded != &t.allocated + &t.unallocated {
            errors.push(format!("funded {} != allocated {} + unallocated {}", t.funded, t.allocated, t.unallocated));
        }
        if t.unallocated.is_negative() || t.paid.is_negative() {
            errors.push("negative totals".into());
        }

        let periods = self.periods(store);
        let mut closed = std::collections::BTreeMap::new();
        periods
            .for_each(|k, rec| {
                closed.insert(k as i64, rec.clone());
            })
            .map_err(|e| e.msg().to_string())?;
        let allocated: TokenAmount = closed.values().map(|r| r.allocated.clone()).sum();
        if allocated != t.allocated {
            errors.push(format!("closed periods allocate {allocated}, totals say {}", t.allocated));
        }
        for (p, rec) in &closed {
            if *p >= self.current.period {
                errors.push(format!("closed period {p} is not before the open period {}", self.current.period));
            }
            if rec.allocated > rec.pool || rec.allocated.is_negative() || (rec.total == 0 && !rec.allocated.is_zero()) {
                errors.push(format!(
                    "period {p} allocates {} of a {} pool with {} proofs",
                    rec.allocated, rec.pool, rec.total
                ));
            }
            if rec.units > rec.total {
                errors.push(format!("period {p} has more units than proofs"));
            }
        }

        let tree = self.commitments(store);
        let mut ledger = Ledger {
            funded: t.funded.clone(),
            paid: TokenAmount::default(),
            unallocated: t.unallocated.clone(),
            ..Ledger::default()
        };
        let mut rewarded = TokenAmount::default();
        let (mut count, mut open_total) = (0u64, 0u64);
        let d = self.config.vesting_period_duration as i64;
        tree.for_each(|id, cc| {
            count += 1;
            let mut err = |m: String| errors.push(format!("commitment {id}: {m}"));
            if cc.delegator_reward_rate == 0 || cc.delegator_reward_rate > PRECISION {
                err(format!("delegator_reward_rate {} out of range", cc.delegator_reward_rate));
            }
            if cc.earned != &cc.vested + &cc.unvested() {
                err(format!("earned {} != vested {} + unvested {}", cc.earned, cc.vested, cc.unvested()));
            }
            if cc.vesting.len() as u64 > self.config.vesting_period_count
                || cc.vesting.windows(2).any(|w| w[0].period >= w[1].period)
                || cc.vesting.iter().any(|t| d > 0 && t.period % d != 0)
            {
                err("vesting tranches out of order, too many or off the schedule".into());
            }
            let delegator_total = delegator_cut(&cc.vested, cc.delegator_reward_rate);
            if cc.delegator_withdrawn > delegator_total || cc.provider_withdrawn > &cc.vested - &delegator_total {
                err("withdrew more than vested".into());
            }
            if cc.pending_period > self.current.period {
                err(format!("owed for period {} after the open period", cc.pending_period));
            }
            let mut pending = TokenAmount::default();
            if cc.pending_count > 0 {
                if cc.pending_period == self.current.period {
                    open_total += cc.pending_count;
                } else {
                    match closed.get(&cc.pending_period) {
                        Some(rec) if rec.total >= cc.pending_count => {
                            pending =
                                share(&Owed { allocated: rec.allocated.clone(), total: rec.total }, cc.pending_count)
                        }
                        _ => err(format!("owed for period {} without a matching record", cc.pending_period)),
                    }
                }
            }
            let paid = &cc.delegator_withdrawn + &cc.provider_withdrawn;
            ledger.paid += &paid;
            ledger.vested_unpaid += &cc.vested - &paid;
            ledger.unvested += cc.unvested() + &pending;
            rewarded += &cc.earned + &pending;
        })
        .map_err(|e| e.msg().to_string())?;
        if count != t.commitments {
            errors.push(format!("{count} commitment records, totals say {}", t.commitments));
        }
        if open_total != self.current.total {
            errors.push(format!("open period counts {open_total} proofs by commitment, {} in all", self.current.total));
        }
        if ledger.paid != t.paid {
            errors.push(format!("commitments were paid {}, totals say {}", ledger.paid, t.paid));
        }
        if self.current.units > self.current.total {
            errors.push("the open period has more units than proofs".into());
        }
        ledger.dust = &t.allocated - &rewarded;
        Ok((ledger, errors))
    }
}

impl Invariants for State {
    /// Every violated invariant, as text; `balance` is the actor's FLT balance.
    fn check_state_invariants<BS: Blockstore>(&self, store: &BS, balance: &TokenAmount) -> Vec<String> {
        match self.walk(store) {
            Ok((ledger, mut errors)) => {
                let t = &self.totals;
                let sum = &ledger.paid + &ledger.vested_unpaid + &ledger.unvested + &ledger.unallocated + &ledger.dust;
                if ledger.funded != sum {
                    errors.push(format!(
                        "funded {} != paid + vested_unpaid + unvested + unallocated + dust {sum}",
                        t.funded
                    ));
                }
                if ledger.dust.is_negative() {
                    errors.push(format!("rewards exceed allocations by {}", -ledger.dust.clone()));
                }
                if balance < &(&t.funded - &t.paid) {
                    errors.push(format!("balance {balance} is below funded − paid {}", &t.funded - &t.paid));
                }
                errors
            }
            Err(e) => vec![e],
        }
    }
}
