//! The rewards actor as Wasm in the real FVM with the Cloudless kernel, fed by the real capacity
//! actor (real RandomX proofs) and priced by the real oracle. Every FLT amount is checked against
//! a reference computed here with plain integer arithmetic; invariants and the FLT total are
//! checked after every message.

use std::sync::Mutex;

use cloudless_actor_capacity as capacity;
use cloudless_actor_rewards::*;
use cloudless_host::prove::{capacity_proofs, Mode, ProveRequest};
use cloudless_runtime::bytes::Bytes32;
use cloudless_testing::{assert_ok, Harness, Snapshot};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode as E;

/// RandomX initialises 256 MiB per key: run one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

const PERIOD: i64 = 100;
const E18: u128 = 1_000_000_000_000_000_000;
const PRECISION: u128 = 10_000_000;

fn accounts(names: &[&str]) -> String {
    names.iter().map(|n| format!("[[accounts]]\nname = \"{n}\"\nbalance = \"1000\"\n")).collect()
}

fn scenario_config() -> String {
    format!(
        r#"
[network]
name = "rewards-test"
period_length = {PERIOD}

{}
[actors.oracle]
admin = "admin"
[[actors.oracle.assets]]
symbol = "FLT/USD"
quorum = 1
report_expiry = 1000
reporters = ["reporter"]

[actors.capacity]
admin = "admin"
min_duration = 3
min_proofs = 2
max_proofs = 3
max_failed_ratio = 2
usd_collateral_per_unit = "2"
flt_collateral_per_unit = "7"
oracle = "oracle"
rewards = "rewards"
difficulty = "7f{}"

[actors.rewards]
admin = "admin"
balance = "1000"
oracle = "oracle"
usd_target_revenue_per_unit_period = "10"
"#,
        accounts(&["admin", "provider", "owner", "reporter", "funder", "da", "db", "dc", "mallory"]),
        "ff".repeat(31)
    )
}

fn flt(text: &str) -> TokenAmount {
    cloudless_runtime::amount::parse_decimal(text).unwrap()
}

fn atto(v: u128) -> TokenAmount {
    TokenAmount::from_atto(v)
}

fn raw<P: serde::Serialize>(p: &P) -> RawBytes {
    RawBytes::serialize(p).unwrap()
}

fn goto_period(h: &mut Harness, p: i64) {
    h.node.set_epoch(p * PERIOD).unwrap();
}

fn report_price(h: &mut Harness, price: &str) {
    let report = cloudless_actor_oracle::ReportParams { asset: "FLT/USD".into(), price: flt(price) };
    assert_ok(&h.send("reporter", "oracle", cloudless_actor_oracle::METHOD_REPORT, &report));
}

/// One committed peer: its units, delegator and rate.
struct Peer {
    name: &'static str,
    units: Vec<Bytes32>,
    delegator: &'static str,
    rate: u64,
    id: u64,
}

/// Registers the provider and every peer, creates the commitments (3 periods) and has each
/// delegator deposit; all in period 0, so every commitment starts in period 1.
fn commit(h: &mut Harness, peers: &mut [Peer]) {
    use capacity::*;
    report_price(h, "0.5");
    let metadata = cid::Cid::new_v1(
        0x55,
        multihash_codetable::MultihashDigest::digest(&multihash_codetable::Code::Sha2_256, b"m"),
    );
    assert_ok(&h.send(
        "provider",
        "capacity",
        METHOD_REGISTER_PROVIDER,
        &ProviderParams { name: "acme".into(), metadata },
    ));
    let provider = h.address("provider");
    assert_ok(&h.send("admin", "capacity", METHOD_APPROVE_PROVIDER, &ProviderQuery { provider }));
    for peer in peers.iter_mut() {
        let owner = h.address("owner");
        let register = RegisterPeerParams { peer_id: peer.name.as_bytes().to_vec(), owner, units: peer.units.clone() };
        assert_ok(&h.send("provider", "capacity", METHOD_REGISTER_PEER, &register));
        let create = CreateCommitmentParams {
            peer_id: peer.name.as_bytes().to_vec(),
            duration: 3,
            delegator: Some(h.address(peer.delegator)),
            delegator_reward_rate: peer.rate,
        };
        let created: CreateCommitmentReturn = h.call("provider", "capacity", METHOD_CREATE_COMMITMENT, &create);
        let value = &created.collateral_per_unit * peer.units.len() as u64;
        let deposit = raw(&DepositParams { ids: vec![created.id] });
        let to = h.address("capacity");
        assert_ok(&h.send_raw(peer.delegator, to, METHOD_DEPOSIT_COLLATERAL, deposit, value));
        peer.id = created.id;
    }
}

/// Mines and submits `count` real proofs of `unit` for the current period.
fn prove(h: &mut Harness, unit: Bytes32, count: usize) {
    let n: capacity::GlobalNonce = h.call("owner", "capacity", capacity::METHOD_GET_GLOBAL_NONCE, &());
    let mut difficulty = [0xff; 32];
    difficulty[0] = 0x7f;
    let req =
        ProveRequest { unit_id: unit.0, global_nonce: n.nonce.0, difficulty, count, start: [0; 32], mode: Mode::Light };
    let proofs = capacity_proofs(&req).unwrap();
    let r: capacity::SubmitProofsReturn =
        h.call("owner", "capacity", capacity::METHOD_SUBMIT_PROOFS, &capacity::SubmitProofsParams { proofs });
    assert_eq!(r.accepted as usize, count);
}

/// The reference: every period's allocation and every commitment's eligible proofs, and from
/// them what each party is owed at any period. Written from docs/protocol.md §3 and docs/rewards.md alone.
/// (period, allocated atto, [(peer index, eligible proofs)])
type PeriodCounts = (i64, u128, Vec<(usize, u128)>);

struct Reference {
    periods: Vec<PeriodCounts>,
    rates: Vec<u128>,
}

impl Reference {
    fn reward(&self, period: i64, peer: usize) -> u128 {
        let (_, alloc, counts) = self.periods.iter().find(|(p, _, _)| *p == period).unwrap();
        let total: u128 = counts.iter().map(|(_, c)| c).sum();
        let count = counts.iter().find(|(i, _)| *i == peer).map_or(0, |(_, c)| *c);
        alloc * count / total
    }

    /// Unlocked by period `t`: 6 parts (the last takes the remainder) at 2s, 2s+2, … where 2s is
    /// the first even period after the earning one.
    fn vested(&self, peer: usize, t: i64) -> u128 {
        let mut sum = 0;
        for (p, _, _) in &self.periods {
            let r = self.reward(*p, peer);
            let first = (p / 2 + 1) * 2;
            for i in 0..6 {
                if first + 2 * i <= t {
                    sum += if i == 5 { r - 5 * (r / 6) } else { r / 6 };
                }
            }
        }
        sum
    }

    /// (delegator, provider) totals owed by period `t`.
    fn owed(&self, peer: usize, t: i64) -> (u128, u128) {
        let v = self.vested(peer, t);
        let d = v * self.rates[peer] / PRECISION;
        (d, v - d)
    }
}

struct Payouts {
    /// Per peer: (delegator, provider) withdrawn so far.
    paid: Vec<(u128, u128)>,
}

/// `who` withdraws `peer`'s rewards in period `t`; checks both payouts against the reference and
/// against both parties' balance changes (the sender also paid the message's fee).
fn withdraw(
    h: &mut Harness,
    reference: &Reference,
    payouts: &mut Payouts,
    peers: &[Peer],
    peer: usize,
    who: &str,
    t: i64,
) {
    let d_name = peers[peer].delegator;
    let (d0, p0) = (h.node.balance(h.id(d_name)).unwrap(), h.node.balance(h.id("provider")).unwrap());
    let ret = h.send(who, "rewards", METHOD_WITHDRAW, &CommitmentQuery { id: peers[peer].id });
    assert_ok(&ret);
    let out: WithdrawReturn = ret.msg_receipt.return_data.deserialize().unwrap();
    let (owed_d, owed_p) = reference.owed(peer, t);
    let (paid_d, paid_p) = payouts.paid[peer];
    assert_eq!(out.delegator_amount, atto(owed_d - paid_d), "delegator of {} in period {t}", peers[peer].name);
    assert_eq!(out.provider_amount, atto(owed_p - paid_p), "provider of {} in period {t}", peers[peer].name);
    payouts.paid[peer] = (owed_d, owed_p);
    let fee = |name: &str| if name == who { cloudless_host::chain::Chain::fee(&ret) } else { TokenAmount::default() };
    let (d1, p1) = (h.node.balance(h.id(d_name)).unwrap(), h.node.balance(h.id("provider")).unwrap());
    assert_eq!(d1 - d0 + fee(d_name), out.delegator_amount);
    assert_eq!(p1 - p0 + fee("provider"), out.provider_amount);
}

fn period_info(h: &mut Harness, period: i64) -> PeriodInfo {
    h.call("mallory", "rewards", METHOD_GET_PERIOD, &PeriodQuery { period })
}

#[test]
fn multi_period_rewards_with_real_proofs_price_moves_failure_and_vesting() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut h = Harness::new(&scenario_config(), cloudless_bundle::BUNDLE_CAR).unwrap().indexed();
    let total_flt = Snapshot::take(&h.node).unwrap().total_balance();
    let unit = |i: u8| Bytes32([i; 32]);
    let mut peers = vec![
        Peer { name: "peer-a", units: vec![unit(1), unit(2)], delegator: "da", rate: 3_000_000, id: 0 },
        Peer { name: "peer-b", units: vec![unit(3)], delegator: "db", rate: 5_000_000, id: 0 },
        Peer { name: "peer-c", units: vec![unit(4)], delegator: "dc", rate: 2_000_000, id: 0 },
    ];
    commit(&mut h, &mut peers);
    let reference = Reference {
        // Pools: 500 (initial; no units in period 0), then 500 × 0.5 USD / 4 units = 62.5 > 10 →
        // 450, then 450 × 0.05 / 3 = 7.5 ≤ 10 → 495, of which only 350 FLT are left to allocate
        // (1000 genesis + 300 funded − 500 − 450).
        periods: vec![
            (1, 500 * E18, vec![(0, 3 + 2), (1, 2), (2, 2)]),
            (2, 450 * E18, vec![(0, 2 + 2), (1, 3)]),
            (3, 350 * E18, vec![(0, 3 + 2), (1, 2)]),
        ],
        rates: peers.iter().map(|p| p.rate as u128).collect(),
    };
    let mut payouts = Payouts { paid: vec![(0, 0); 3] };

    // Period 1: every unit proves; peer A's first unit three times (min 2 + 1).
    goto_period(&mut h, 1);
    for (u, count) in [(1, 3), (2, 2), (3, 2), (4, 2)] {
        prove(&mut h, unit(u), count);
    }
    let p1 = period_info(&mut h, 1);
    assert_eq!((p1.pool.clone(), p1.total_count, p1.units, p1.closed), (flt("500"), 9, 4, false));

    // Period 2: the delegator of A withdraws first (this message fixes the pool at 450), then a
    // funder adds 300 FLT; C stops proving; late in the period FLT drops to 0.05 USD.
    goto_period(&mut h, 2);
    withdraw(&mut h, &reference, &mut payouts, &peers, 0, "da", 2);
    assert_eq!(period_info(&mut h, 2).pool, flt("450"));
    let p1 = period_info(&mut h, 1);
    assert_eq!((p1.closed, p1.allocated), (true, flt("500")));
    let to = h.address("rewards");
    assert_ok(&h.send_raw("funder", to, METHOD_FUND, RawBytes::default(), flt("300")));
    for (u, count) in [(1, 2), (2, 2), (3, 3)] {
        prove(&mut h, unit(u), count);
    }
    report_price(&mut h, "0.05");

    // Period 3: the pool grows back to 495; C misses again and fails.
    goto_period(&mut h, 3);
    for (u, count) in [(1, 3), (2, 2), (3, 2)] {
        prove(&mut h, unit(u), count);
    }
    assert_eq!(period_info(&mut h, 3).pool, flt("495"));

    // Period 4: the provider withdraws A (closing period 3 with what is left: 350 of 495).
    goto_period(&mut h, 4);
    let c: capacity::CommitmentInfo =
        h.call("mallory", "capacity", capacity::METHOD_GET_COMMITMENT, &capacity::CommitmentQuery { id: peers[2].id });
    assert_eq!(c.status, capacity::Status::Failed);
    withdraw(&mut h, &reference, &mut payouts, &peers, 0, "provider", 4);
    let p3 = period_info(&mut h, 3);
    assert_eq!((p3.pool, p3.allocated, p3.total_count, p3.units), (flt("495"), flt("350"), 7, 3));
    // 495 × 0.05 / 3 = 8.25 ≤ 10: the (unfunded) period 4 pool grows to 544.5.
    let totals: TotalsReturn = h.call("mallory", "rewards", METHOD_GET_TOTALS, &());
    assert_eq!((totals.current.period, totals.current.pool), (4, flt("544.5")));
    assert_eq!((totals.totals.funded, totals.totals.unallocated), (flt("1300"), TokenAmount::default()));

    // Different parties, different times; a party with nothing new is told so and nothing changes.
    goto_period(&mut h, 7);
    withdraw(&mut h, &reference, &mut payouts, &peers, 1, "db", 7);
    let to = h.address("rewards");
    let msg =
        h.expect_failure("db", to, METHOD_WITHDRAW, raw(&CommitmentQuery { id: peers[1].id }), E::USR_ILLEGAL_STATE);
    assert!(msg.contains("next unlock"), "{msg}");
    goto_period(&mut h, 9);
    withdraw(&mut h, &reference, &mut payouts, &peers, 0, "da", 9);

    // Long after the last unlock (period 14) one message each pays everything, failed C included.
    goto_period(&mut h, 40);
    withdraw(&mut h, &reference, &mut payouts, &peers, 2, "dc", 40);
    withdraw(&mut h, &reference, &mut payouts, &peers, 0, "provider", 40);
    withdraw(&mut h, &reference, &mut payouts, &peers, 1, "provider", 40);
    h.expect_failure("provider", to, METHOD_WITHDRAW, raw(&CommitmentQuery { id: peers[2].id }), E::USR_ILLEGAL_STATE);

    // Everything earned was paid; what stays is exactly the rounding dust.
    let rewarded: u128 = (0..3).map(|i| (1..=3).map(|p| reference.reward(p, i)).sum::<u128>()).sum();
    let paid: u128 = payouts.paid.iter().map(|(d, p)| d + p).sum();
    assert_eq!(paid, rewarded);
    let dust = (500 + 450 + 350) * E18 - rewarded;
    assert!(dust < 10, "dust {dust}");
    assert_eq!(h.node.balance(h.id("rewards")).unwrap(), atto(dust));
    let st: State = h.node.actor_state(h.id("rewards")).unwrap();
    let ledger = st.ledger(h.node.store()).unwrap();
    assert_eq!((ledger.dust, ledger.vested_unpaid, ledger.unvested), (atto(dust), atto(0), atto(0)));
    assert_eq!(Snapshot::take(&h.node).unwrap().total_balance(), total_flt);
}

/// Rewards whose reporter is an account ("cap"), so that reports with any params can be sent.
fn bare_config() -> String {
    format!(
        r#"
[network]
name = "rewards-bad-input"
period_length = {PERIOD}

{}
[actors.rewards]
admin = "admin"
balance = "50"
capacity = "cap"
"#,
        accounts(&["admin", "cap", "provider", "delegator", "mallory"])
    )
}

fn report(h: &Harness, period: i64, commitment: u64, count: u64, units: u64) -> RecordProofsParams {
    RecordProofsParams {
        period,
        commitment,
        count,
        units,
        provider: h.id("provider"),
        delegator: h.id("delegator"),
        delegator_reward_rate: 4_000_000,
    }
}

#[test]
fn bad_input_and_authorization_change_nothing() {
    let mut h = Harness::new(&bare_config(), cloudless_bundle::BUNDLE_CAR).unwrap();
    let to = h.address("rewards");
    let fail = |h: &mut Harness, from: &str, method: u64, params: RawBytes, code: E| -> String {
        h.expect_failure(from, to, method, params, code)
    };
    goto_period(&mut h, 1);

    // Undecodable or missing params, for every method that takes params.
    for method in [
        METHOD_RECORD_PROOFS,
        METHOD_WITHDRAW,
        METHOD_SET_POOL_CONFIG,
        METHOD_TRANSFER_ADMIN,
        METHOD_GET_PERIOD,
        METHOD_GET_COMMITMENT,
    ] {
        fail(&mut h, "admin", method, raw(&"junk"), E::USR_SERIALIZATION);
        fail(&mut h, "admin", method, RawBytes::default(), E::USR_SERIALIZATION);
    }
    fail(&mut h, "admin", 1, raw(&()), E::USR_FORBIDDEN); // constructor
    fail(&mut h, "admin", 0x7fff_fff0, RawBytes::default(), E::USR_UNHANDLED_MESSAGE);

    // RecordProofs: the capacity actor only, with sane numbers, for the current period.
    let good = raw(&report(&h, 1, 7, 4, 2));
    let msg = fail(&mut h, "mallory", METHOD_RECORD_PROOFS, good, E::USR_FORBIDDEN);
    assert!(msg.contains("not the capacity actor"), "{msg}");
    for bad in [
        report(&h, 0, 7, 4, 2),
        report(&h, 2, 7, 4, 2),
        report(&h, 1, 7, 0, 0),
        report(&h, 1, 7, 2, 3),
        RecordProofsParams { delegator_reward_rate: 0, ..report(&h, 1, 7, 4, 2) },
        RecordProofsParams { delegator_reward_rate: 10_000_001, ..report(&h, 1, 7, 4, 2) },
    ] {
        fail(&mut h, "cap", METHOD_RECORD_PROOFS, raw(&bad), E::USR_ILLEGAL_ARGUMENT);
    }
    assert_ok(&h.send("cap", "rewards", METHOD_RECORD_PROOFS, &report(&h, 1, 7, u64::MAX - 1, 2)));
    // Overflow of the period's total, and a commitment's parties changing, are refused.
    let overflow = raw(&report(&h, 1, 8, 2, 1));
    fail(&mut h, "cap", METHOD_RECORD_PROOFS, overflow, E::USR_ILLEGAL_ARGUMENT);
    let other = RecordProofsParams { delegator: h.id("mallory"), ..report(&h, 1, 7, 1, 0) };
    fail(&mut h, "cap", METHOD_RECORD_PROOFS, raw(&other), E::USR_ILLEGAL_ARGUMENT);

    // Fund needs value.
    fail(&mut h, "mallory", METHOD_FUND, RawBytes::default(), E::USR_ILLEGAL_ARGUMENT);

    // Withdraw: unknown commitment, a stranger, nothing vested yet.
    fail(&mut h, "provider", METHOD_WITHDRAW, raw(&CommitmentQuery { id: 99 }), E::USR_NOT_FOUND);
    let msg = fail(&mut h, "mallory", METHOD_WITHDRAW, raw(&CommitmentQuery { id: 7 }), E::USR_FORBIDDEN);
    assert!(msg.contains("neither the provider"), "{msg}");
    let msg = fail(&mut h, "delegator", METHOD_WITHDRAW, raw(&CommitmentQuery { id: 7 }), E::USR_ILLEGAL_STATE);
    assert!(msg.contains("once it ends"), "{msg}");

    // Admin methods.
    let pool = PoolConfig { min_pool: flt("1"), max_pool: flt("2"), usd_target_revenue_per_unit_period: flt("1") };
    fail(&mut h, "mallory", METHOD_SET_POOL_CONFIG, raw(&pool), E::USR_FORBIDDEN);
    let inverted = PoolConfig { min_pool: flt("3"), ..pool.clone() };
    fail(&mut h, "admin", METHOD_SET_POOL_CONFIG, raw(&inverted), E::USR_ILLEGAL_ARGUMENT);
    let negative = PoolConfig { min_pool: flt("-1"), ..pool.clone() };
    fail(&mut h, "admin", METHOD_SET_POOL_CONFIG, raw(&negative), E::USR_ILLEGAL_ARGUMENT);
    let new_admin = TransferAdminParams { new_admin: h.address("mallory") };
    fail(&mut h, "mallory", METHOD_TRANSFER_ADMIN, raw(&new_admin), E::USR_FORBIDDEN);
    let nobody = TransferAdminParams { new_admin: fvm_shared::address::Address::new_id(4242) };
    fail(&mut h, "admin", METHOD_TRANSFER_ADMIN, raw(&nobody), E::USR_NOT_FOUND);
    fail(&mut h, "admin", METHOD_GET_PERIOD, raw(&PeriodQuery { period: 5 }), E::USR_NOT_FOUND);

    // A replayed signed message is refused by the FVM and changes nothing.
    let msg = h.message("admin", to, METHOD_SET_POOL_CONFIG, raw(&pool));
    let signed = h.keys.key("admin").unwrap().sign_message(msg);
    assert_ok(&h.node.apply_signed(&signed).unwrap());
    let before = Snapshot::take(&h.node).unwrap();
    assert_eq!(h.node.apply_signed(&signed).unwrap().msg_receipt.exit_code, E::SYS_SENDER_STATE_INVALID);
    before.assert_unchanged_but_fees(&Snapshot::take(&h.node).unwrap(), h.id("admin"));
    let cfg: ConfigReturn = h.call("mallory", "rewards", METHOD_GET_CONFIG, &());
    assert_eq!(cfg.config.pool, pool);
    assert_ok(&h.send("admin", "rewards", METHOD_TRANSFER_ADMIN, &new_admin));
    let cfg: ConfigReturn = h.call("mallory", "rewards", METHOD_GET_CONFIG, &());
    assert_eq!(cfg.admin, h.id("mallory"));
}

/// Capacity restates the rewards interface (`ext.rs`, `RecordProofsParams`); it must match.
#[test]
fn capacity_reports_in_the_rewards_actors_own_encoding() {
    assert_eq!(capacity::ext::rewards::METHOD_RECORD_PROOFS, METHOD_RECORD_PROOFS);
    let theirs = capacity::RecordProofsParams {
        period: 3,
        commitment: 9,
        count: 31,
        units: 1,
        provider: 101,
        delegator: 102,
        delegator_reward_rate: 5,
    };
    let ours: RecordProofsParams = fvm_ipld_encoding::from_slice(raw(&theirs).bytes()).unwrap();
    assert_eq!(raw(&ours), raw(&theirs));
    assert_eq!((ours.count, ours.units, ours.delegator), (31, 1, 102));
}

/// Queries return what the state holds; `GetCommitment` settles in its view only.
#[test]
fn queries_settle_in_the_view_without_writing() {
    let mut h = Harness::new(&bare_config(), cloudless_bundle::BUNDLE_CAR).unwrap();
    goto_period(&mut h, 1);
    assert_ok(&h.send("cap", "rewards", METHOD_RECORD_PROOFS, &report(&h, 1, 7, 30, 1)));
    goto_period(&mut h, 5);
    let before = Snapshot::take(&h.node).unwrap();
    let view: CommitmentRewardsInfo = h.call("mallory", "rewards", METHOD_GET_COMMITMENT, &CommitmentQuery { id: 7 });
    // Period 1 had the only proofs: the whole initial pool (500 FLT, funded 50: all 50) is its.
    assert_eq!(view.earned, flt("50"));
    let part = TokenAmount::from_atto(flt("50").atto() / 6u64);
    assert_eq!(view.vested, &part * 2u64); // unlocks at 2 and 4
    assert_eq!(view.delegator_withdrawable, TokenAmount::from_atto(view.vested.atto() * 4u64 / 10u64));
    assert_eq!(view.vesting.len(), 4);
    let after = Snapshot::take(&h.node).unwrap();
    assert_eq!(before.0[&h.id("rewards")], after.0[&h.id("rewards")], "a query wrote state");
}

/// With an oracle that has no fresh price (no report yet: the oracle answers USR_ILLEGAL_STATE),
/// the next period's pool is unchanged even though units proved.
#[test]
fn no_fresh_price_leaves_the_pool_unchanged() {
    let config = bare_config()
        + r#"oracle = "oracle"
[actors.oracle]
admin = "admin"
[[actors.oracle.assets]]
symbol = "FLT/USD"
quorum = 1
report_expiry = 1000
reporters = ["mallory"]
"#;
    let mut h = Harness::new(&config, cloudless_bundle::BUNDLE_CAR).unwrap();
    goto_period(&mut h, 1);
    assert_ok(&h.send("cap", "rewards", METHOD_RECORD_PROOFS, &report(&h, 1, 7, 30, 1)));
    goto_period(&mut h, 2);
    let to = h.address("rewards");
    assert_ok(&h.send_raw("admin", to, METHOD_FUND, RawBytes::default(), flt("1")));
    let totals: TotalsReturn = h.call("mallory", "rewards", METHOD_GET_TOTALS, &());
    assert_eq!((totals.current.period, totals.current.pool), (2, flt("500")));
    // With a fresh price of 0.5 USD, 500 × 0.5 / 1 unit = 250 > 1 USD: the pool would shrink.
    let price = cloudless_actor_oracle::ReportParams { asset: "FLT/USD".into(), price: flt("0.5") };
    assert_ok(&h.send("mallory", "oracle", cloudless_actor_oracle::METHOD_REPORT, &price));
    assert_ok(&h.send("cap", "rewards", METHOD_RECORD_PROOFS, &report(&h, 2, 7, 30, 1)));
    goto_period(&mut h, 3);
    assert_ok(&h.send_raw("admin", to, METHOD_FUND, RawBytes::default(), flt("1")));
    let totals: TotalsReturn = h.call("mallory", "rewards", METHOD_GET_TOTALS, &());
    assert_eq!((totals.current.period, totals.current.pool), (3, flt("450")));
}
