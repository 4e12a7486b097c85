//! Every method of the rewards actor through its real dispatch, natively against the mock
//! runtime: the oracle is scripted, payouts land in the parties' balances, and every refusal
//! changes nothing.

use cloudless_runtime::mock::MockRuntime;
use cloudless_runtime::oracle::{PriceInfo, METHOD_GET_PRICE};
use cloudless_runtime::Invariants;
use cloudless_runtime::{Runtime, PRECISION};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::ActorID;

use crate::*;

const REWARDS: ActorID = 82;
const CAPACITY: ActorID = 80;
const ORACLE: ActorID = 83;
const ADMIN: ActorID = 100;
const PROVIDER: ActorID = 101;
const DELEGATOR: ActorID = 102;
const MALLORY: ActorID = 666;
const LEN: i64 = 10;
const RATE: u64 = 2_000_000; // 20% to the delegator

fn flt(n: u64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

use crate::tests::config;

fn record(period: i64, count: u64) -> RecordProofsParams {
    RecordProofsParams {
        period,
        commitment: 7,
        count,
        units: 1,
        provider: PROVIDER,
        delegator: DELEGATOR,
        delegator_reward_rate: RATE,
    }
}

fn rewards() -> MockRuntime {
    let rt = MockRuntime::new::<RewardsActor>(REWARDS);
    for id in [CAPACITY, ORACLE, ADMIN, PROVIDER, DELEGATOR] {
        rt.add_actor(id, TokenAmount::default());
    }
    rt.add_actor(MALLORY, flt(1000));
    let half = TokenAmount::from_atto(500_000_000_000_000_000u64);
    rt.reply_with(
        ORACLE,
        METHOD_GET_PRICE,
        &PriceInfo { median: half.clone(), updated_epoch: 0, fresh_reports: 2, twap: half },
    );
    let p = ConstructorParams { admin: Address::new_id(ADMIN), config: config() };
    rt.pay::<_, ()>(0, 1, &p, flt(10_000));
    rt
}

fn totals(rt: &MockRuntime) -> TotalsReturn {
    rt.ok::<_, _>(MALLORY, METHOD_GET_TOTALS, &())
}

#[test]
fn constructor_funds_and_opens_the_first_period() {
    let rt = rewards();
    assert_eq!(rt.event_types(), ["admin-transferred", "period-opened", "funded"]);
    assert_eq!(rt.balance(), flt(10_000));
    let t = totals(&rt);
    assert_eq!((t.totals.funded, t.current.pool, t.current.period), (flt(10_000), flt(500), 0));
    let c: ConfigReturn = rt.ok::<_, _>(MALLORY, METHOD_GET_CONFIG, &());
    assert_eq!((c.admin, c.config), (ADMIN, config()));
    // Only the system actor constructs; bad configs are refused.
    let fresh = MockRuntime::new::<RewardsActor>(REWARDS);
    fresh.add_actor(ADMIN, TokenAmount::default());
    let p = ConstructorParams { admin: Address::new_id(ADMIN), config: config() };
    fresh.refused(ADMIN, 1, &p, ExitCode::USR_FORBIDDEN);
    let bad = ConstructorParams { config: Config { vesting_period_count: 0, ..config() }, ..p };
    fresh.refused(0, 1, &bad, ExitCode::USR_ILLEGAL_ARGUMENT);
}

#[test]
fn fund_record_roll_over_and_withdraw() {
    let rt = rewards();
    rt.refused(MALLORY, METHOD_FUND, &(), ExitCode::USR_ILLEGAL_ARGUMENT);
    rt.pay::<_, ()>(MALLORY, METHOD_FUND, &(), flt(100));
    assert_eq!((rt.balance(), rt.balance_of(MALLORY)), (flt(10_100), flt(900)));

    rt.set_epoch(5);
    rt.refused(MALLORY, METHOD_RECORD_PROOFS, &record(0, 3), ExitCode::USR_FORBIDDEN);
    rt.refused(CAPACITY, METHOD_RECORD_PROOFS, &record(1, 3), ExitCode::USR_ILLEGAL_ARGUMENT);
    rt.refused(CAPACITY, METHOD_RECORD_PROOFS, &record(0, 0), ExitCode::USR_ILLEGAL_ARGUMENT);
    rt.refused(CAPACITY, METHOD_RECORD_PROOFS, &RawBytes::new(vec![1]), ExitCode::USR_SERIALIZATION);
    rt.ok::<_, ()>(CAPACITY, METHOD_RECORD_PROOFS, &record(0, 3));
    let changed = RecordProofsParams { delegator_reward_rate: RATE + 1, ..record(0, 1) };
    rt.refused(CAPACITY, METHOD_RECORD_PROOFS, &changed, ExitCode::USR_ILLEGAL_ARGUMENT);

    // Period 1's first touch closes period 0 (allocating its pool) and asks the oracle for the
    // TWAP: 500 FLT × 0.5 USD over 1 unit is above the 1 USD target, so the pool shrinks 10%.
    rt.set_epoch(LEN);
    rt.clear_records();
    rt.ok::<_, ()>(CAPACITY, METHOD_RECORD_PROOFS, &record(1, 2));
    let ask = &rt.sent()[0];
    assert_eq!((ask.to, ask.method, ask.read_only), (ORACLE, METHOD_GET_PRICE, true));
    assert_eq!(rt.event_types()[..2], ["period-closed", "period-opened"]);
    let p1: PeriodInfo = rt.ok(MALLORY, METHOD_GET_PERIOD, &PeriodQuery { period: 1 });
    assert_eq!((p1.pool, p1.total_count, p1.closed), (flt(450), 2, false));
    let p0: PeriodInfo = rt.ok(MALLORY, METHOD_GET_PERIOD, &PeriodQuery { period: 0 });
    assert_eq!((p0.allocated, p0.closed), (flt(500), true));
    rt.refused(MALLORY, METHOD_GET_PERIOD, &PeriodQuery { period: 9 }, ExitCode::USR_NOT_FOUND);

    // Period 0's 500 FLT and period 1's 450 vest in six parts each from period 2.
    let q = CommitmentQuery { id: 7 };
    rt.refused(PROVIDER, METHOD_WITHDRAW, &q, ExitCode::USR_ILLEGAL_STATE);
    rt.set_epoch(2 * LEN);
    rt.refused(MALLORY, METHOD_WITHDRAW, &q, ExitCode::USR_FORBIDDEN);
    rt.refused(PROVIDER, METHOD_WITHDRAW, &CommitmentQuery { id: 8 }, ExitCode::USR_NOT_FOUND);
    let part = TokenAmount::from_atto(flt(500).atto() / 6 + flt(450).atto() / 6);
    let view: CommitmentRewardsInfo = rt.ok(MALLORY, METHOD_GET_COMMITMENT, &q);
    assert_eq!(view.vested, part);
    let out: WithdrawReturn = rt.ok(PROVIDER, METHOD_WITHDRAW, &q);
    let to_delegator = TokenAmount::from_atto(part.atto() * RATE / PRECISION);
    assert_eq!(out.delegator_amount, to_delegator);
    assert_eq!(&out.delegator_amount + &out.provider_amount, part);
    assert_eq!((rt.balance_of(DELEGATOR), rt.balance_of(PROVIDER)), (out.delegator_amount, out.provider_amount));
    rt.refused(DELEGATOR, METHOD_WITHDRAW, &q, ExitCode::USR_ILLEGAL_STATE);
    let t = totals(&rt);
    assert_eq!(t.totals.paid, part);
    let st: State = rt.state().unwrap();
    assert!(st.check_state_invariants(rt.store(), &rt.balance()).is_empty());
}

#[test]
fn pool_config_and_admin() {
    let rt = rewards();
    let c = PoolConfig { min_pool: flt(50), max_pool: flt(2000), usd_target_revenue_per_unit_period: flt(2) };
    rt.refused(MALLORY, METHOD_SET_POOL_CONFIG, &c, ExitCode::USR_FORBIDDEN);
    let inverted = PoolConfig { min_pool: flt(3000), ..c.clone() };
    rt.refused(ADMIN, METHOD_SET_POOL_CONFIG, &inverted, ExitCode::USR_ILLEGAL_ARGUMENT);
    rt.ok::<_, ()>(ADMIN, METHOD_SET_POOL_CONFIG, &c);
    let got: ConfigReturn = rt.ok::<_, _>(MALLORY, METHOD_GET_CONFIG, &());
    assert_eq!(got.config.pool, c);
    cloudless_runtime::admin::check_transfer_admin(&rt, METHOD_TRANSFER_ADMIN, ADMIN, MALLORY);
    rt.refused(ADMIN, METHOD_SET_POOL_CONFIG, &c, ExitCode::USR_FORBIDDEN);
    rt.ok::<_, ()>(MALLORY, METHOD_SET_POOL_CONFIG, &c);
    rt.refused(MALLORY, 12345, &(), ExitCode::USR_UNHANDLED_MESSAGE);
}

/// A faulty oracle (unknown asset, abort, garbage) degrades to the fallback — the pool stays as
/// it was — and never stops `RecordProofs`, `Fund` or `Withdraw`.
#[test]
fn a_faulty_oracle_leaves_the_pool_unchanged_and_stops_nothing() {
    use cloudless_runtime::actor_error;
    type Fault = (&'static str, fn(&MockRuntime));
    let faults: [Fault; 3] = [
        ("unknown asset", |rt| {
            rt.on_send(ORACLE, Some(METHOD_GET_PRICE), |_, _| Err(actor_error!(not_found; "no asset")))
        }),
        ("abort", |rt| {
            rt.on_send(ORACLE, Some(METHOD_GET_PRICE), |_, _| {
                Err(cloudless_runtime::ActorError::new(ExitCode::USR_UNSPECIFIED, "boom"))
            })
        }),
        ("garbage", |rt| rt.reply_with(ORACLE, METHOD_GET_PRICE, &"not a price")),
    ];
    for (what, fault) in faults {
        let rt = rewards();
        rt.set_epoch(1);
        rt.ok::<_, ()>(CAPACITY, METHOD_RECORD_PROOFS, &record(0, 3));
        fault(&rt);
        rt.set_epoch(LEN);
        rt.ok::<_, ()>(CAPACITY, METHOD_RECORD_PROOFS, &record(1, 2));
        let p1: PeriodInfo = rt.ok(MALLORY, METHOD_GET_PERIOD, &PeriodQuery { period: 1 });
        assert_eq!(p1.pool, flt(500), "{what}: the pool is unchanged without a price");
        rt.pay::<_, ()>(MALLORY, METHOD_FUND, &(), flt(1));
        rt.set_epoch(3 * LEN);
        rt.ok::<_, WithdrawReturn>(PROVIDER, METHOD_WITHDRAW, &CommitmentQuery { id: 7 });
        let errors = rt.state::<State>().unwrap().check_state_invariants(rt.store(), &rt.balance());
        assert!(errors.is_empty(), "{what}: {errors:?}");
    }
}

/// Audit finding (issue 34): commitment ids are never reused, and the tree of commitments'
/// rewards refused ids at or above 2^27, so the capacity actor's reports of any later commitment
/// would fail for good. The tree is now tall (2^33 keys).
#[test]
fn a_commitment_id_beyond_two_to_the_27_is_recorded() {
    let rt = rewards();
    let id = cloudless_runtime::tree::CAPACITY;
    rt.ok::<_, ()>(CAPACITY, METHOD_RECORD_PROOFS, &RecordProofsParams { commitment: id, ..record(0, 3) });
    let info: CommitmentRewardsInfo = rt.ok(MALLORY, METHOD_GET_COMMITMENT, &CommitmentQuery { id });
    assert_eq!((info.id, info.delegator), (id, DELEGATOR));
}
