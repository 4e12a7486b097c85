//! Native tests of the rewards logic: settlement against a brute-force model (every period's
//! reward and every part's unlock listed explicitly), and the ledger after every step.

use cloudless_runtime::Invariants;
use std::collections::BTreeMap;

use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_shared::econ::TokenAmount;
use proptest::prelude::*;

use crate::state::State;
use crate::types::*;
use cloudless_runtime::{Ctx, Effects};

const CAPACITY: u64 = 80;
const ORACLE: u64 = 83;
const LEN: i64 = 10;

fn flt(n: u64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

pub(crate) fn config() -> Config {
    Config {
        genesis_epoch: 0,
        period_length: LEN,
        capacity: CAPACITY,
        oracle: Some(ORACLE),
        oracle_asset: "FLT/USD".into(),
        initial_pool: flt(500),
        pool: PoolConfig { min_pool: flt(100), max_pool: flt(1000), usd_target_revenue_per_unit_period: flt(1) },
        vesting_period_count: 6,
        vesting_period_duration: 2,
    }
}

fn record(cc: u64, period: i64, count: u64, units: u64) -> RecordProofsParams {
    let (provider, delegator) = parties(cc);
    RecordProofsParams { period, commitment: cc, count, units, provider, delegator, delegator_reward_rate: rate(cc) }
}

fn parties(cc: u64) -> (u64, u64) {
    (1000 + cc, 2000 + cc)
}

fn rate(cc: u64) -> u64 {
    1_000_000 * (cc % 9 + 1)
}

/// Runs `op` as a message at `epoch` by `caller` with a fixed price of 0.5 USD.
fn at<R>(
    st: &mut State,
    store: &MemoryBlockstore,
    caller: u64,
    epoch: i64,
    op: impl FnOnce(&mut State, &Ctx, i64) -> cloudless_runtime::ActorResult<R>,
) -> cloudless_runtime::ActorResult<R> {
    let ctx = cloudless_runtime::mock::ctx(caller, epoch);
    let mut price = |_: u64, _: &str| Ok(Some(TokenAmount::from_atto(500_000_000_000_000_000u64)));
    let mut fx = Effects::default();
    let mut copy = st.clone();
    let now = copy.touch(store, &ctx, &mut price, &mut fx)?;
    let out = op(&mut copy, &ctx, now)?;
    *st = copy;
    Ok(out)
}

fn check(st: &State, store: &MemoryBlockstore, balance: &TokenAmount) {
    let errors = st.check_state_invariants(store, balance);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn rewards_vest_in_six_parts_every_two_periods() {
    let store = MemoryBlockstore::new();
    let mut st = State::new(&store, 1, config(), 0, flt(10_000)).unwrap();
    // Period 1: commitment 7 has 3 of 4 proofs, commitment 8 has 1.
    at(&mut st, &store, CAPACITY, 15, |s, c, now| {
        s.record_proofs(&store, c, now, &record(7, 1, 3, 1), &mut Effects::default())
    })
    .unwrap();
    at(&mut st, &store, CAPACITY, 16, |s, c, now| {
        s.record_proofs(&store, c, now, &record(8, 1, 1, 1), &mut Effects::default())
    })
    .unwrap();
    check(&st, &store, &flt(10_000));
    // Period 1's pool is 500 (no units in period 0: unchanged); 7 earns 375 vesting at 2,4,…,12.
    let view = st.commitment_view(&store, 7, 2 * LEN).unwrap();
    assert_eq!(view.earned, TokenAmount::from_atto(375u128 * 10u128.pow(18)));
    assert_eq!(view.vested, TokenAmount::from_atto(view.earned.atto() / 6u64));
    assert_eq!(view.vesting.iter().map(|t| t.period).collect::<Vec<_>>(), vec![4, 6, 8, 10, 12]);
    let (provider, delegator) = parties(7);
    // Nothing vested before period 2.
    let err = at(&mut st, &store, provider, 19, |s, c, now| s.withdraw(&store, c, now, 7, &mut Effects::default()))
        .unwrap_err();
    assert!(err.msg().contains("once it ends"), "{}", err.msg());
    let out =
        at(&mut st, &store, delegator, 20, |s, c, now| s.withdraw(&store, c, now, 7, &mut Effects::default())).unwrap();
    let part = TokenAmount::from_atto(375u128 * 10u128.pow(18) / 6);
    let cut = TokenAmount::from_atto(part.atto() * rate(7) / 10_000_000u64);
    assert_eq!((out.delegator_amount.clone(), out.provider_amount.clone()), (cut.clone(), &part - &cut));
    let paid = &out.delegator_amount + &out.provider_amount;
    check(&st, &store, &(flt(10_000) - &paid));
    // A stranger cannot withdraw; long after the end everything is withdrawable in one message.
    assert!(at(&mut st, &store, 5, 200, |s, c, now| s.withdraw(&store, c, now, 7, &mut Effects::default())).is_err());
    let out = at(&mut st, &store, provider, 10_000, |s, c, now| s.withdraw(&store, c, now, 7, &mut Effects::default()))
        .unwrap();
    assert_eq!(&out.delegator_amount + &out.provider_amount + paid, flt(375));
}

#[test]
fn reports_are_checked() {
    let store = MemoryBlockstore::new();
    let mut st = State::new(&store, 1, config(), 0, flt(10)).unwrap();
    let mut try_record = |caller: u64, r: RecordProofsParams| {
        at(&mut st, &store, caller, 5, |s, c, now| s.record_proofs(&store, c, now, &r, &mut Effects::default()))
            .map_err(|e| e.exit_code())
    };
    use fvm_shared::error::ExitCode as E;
    assert_eq!(try_record(81, record(1, 0, 1, 1)), Err(E::USR_FORBIDDEN));
    assert_eq!(try_record(CAPACITY, record(1, 1, 1, 1)), Err(E::USR_ILLEGAL_ARGUMENT));
    assert_eq!(try_record(CAPACITY, record(1, 0, 0, 0)), Err(E::USR_ILLEGAL_ARGUMENT));
    assert_eq!(try_record(CAPACITY, record(1, 0, 1, 2)), Err(E::USR_ILLEGAL_ARGUMENT));
    assert_eq!(
        try_record(CAPACITY, RecordProofsParams { delegator_reward_rate: 0, ..record(1, 0, 1, 1) }),
        Err(E::USR_ILLEGAL_ARGUMENT)
    );
    assert_eq!(try_record(CAPACITY, record(1, 0, u64::MAX, 1)), Ok(()));
    assert_eq!(try_record(CAPACITY, record(2, 0, 1, 1)), Err(E::USR_ILLEGAL_ARGUMENT)); // overflow
    assert_eq!(
        try_record(CAPACITY, RecordProofsParams { delegator: 9, ..record(1, 0, 1, 1) }),
        Err(E::USR_ILLEGAL_ARGUMENT)
    );
}

/// The model: every period's pool allocation, every commitment's per-period counts, and from
/// them each commitment's total vested and unvested at any period, listed part by part.
#[derive(Default)]
struct Model {
    counts: BTreeMap<i64, BTreeMap<u64, u64>>,
    allocated: BTreeMap<i64, TokenAmount>,
}

impl Model {
    fn earned_by(&self, cc: u64, now: i64) -> (TokenAmount, TokenAmount) {
        let (mut vested, mut unvested) = (TokenAmount::default(), TokenAmount::default());
        for (p, by_cc) in &self.counts {
            let (Some(count), Some(alloc)) = (by_cc.get(&cc), self.allocated.get(p)) else { continue };
            if *p >= now {
                continue;
            }
            let total: u64 = by_cc.values().sum();
            let reward = TokenAmount::from_atto(alloc.atto() * *count / total);
            let first = (p / 2 + 1) * 2;
            for i in 0..6i64 {
                let part = if i == 5 {
                    &reward - TokenAmount::from_atto(reward.atto() / 6u64) * 5u64
                } else {
                    TokenAmount::from_atto(reward.atto() / 6u64)
                };
                if first + 2 * i <= now {
                    vested += part;
                } else {
                    unvested += part;
                }
            }
        }
        (vested, unvested)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Random reports, idle gaps and withdrawals: each commitment's view equals the model, and
    /// the ledger holds after every step.
    #[test]
    fn settlement_matches_the_model(steps in prop::collection::vec((0u64..4, 1u64..50, 0i64..3, any::<bool>()), 1..40)) {
        let store = MemoryBlockstore::new();
        let funded = flt(1200);
        let mut st = State::new(&store, 1, config(), 0, funded.clone()).unwrap();
        let mut model = Model::default();
        let mut paid = TokenAmount::default();
        let mut epoch = 0i64;
        for (cc, count, gap, withdraw) in steps {
            epoch += gap * LEN + 1;
            let before = st.current.period;
            let r = at(&mut st, &store, CAPACITY, epoch, |s, c, now| {
                s.record_proofs(&store, c, now, &record(cc, now, count, 1), &mut Effects::default())
            });
            prop_assert!(r.is_ok());
            if st.current.period != before {
                let closed = st.period_info(&store, before).unwrap();
                model.allocated.insert(before, closed.allocated);
            }
            *model.counts.entry(st.current.period).or_default().entry(cc).or_default() += count;
            if withdraw {
                let (provider, _) = parties(cc);
                if let Ok(out) = at(&mut st, &store, provider, epoch, |s, c, now| s.withdraw(&store, c, now, cc, &mut Effects::default())) {
                    paid += out.delegator_amount + out.provider_amount;
                }
            }
            check(&st, &store, &(&funded - &paid));
            let now = st.period_at(epoch);
            for id in 0..4u64 {
                if let Ok(view) = st.commitment_view(&store, id, epoch) {
                    let mut m = Model { counts: model.counts.clone(), allocated: model.allocated.clone() };
                    m.allocated.entry(st.current.period).or_insert_with(|| st.closing_allocation());
                    let (vested, unvested) = m.earned_by(id, now);
                    prop_assert_eq!(&view.vested, &vested);
                    prop_assert_eq!(&view.unvested, &unvested);
                }
            }
        }
    }
}
