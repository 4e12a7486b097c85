//! Gas of the rewards actor's messages with 10 and with 100,000 committed units, as Wasm in the
//! FVM with our kernel: the period's first touch (closes the last period, asks the oracle, fixes
//! the pool), a proof report that settles a commitment's last period, a steady report, and a
//! Withdraw that settles and pays both parties. The ratio 100,000 / 10 must stay at or below 1.1
//! (the bench fails otherwise). `make bench` (or `cargo bench -p cloudless-host --bench rewards`).
//!
//! The capacity actor's role is played by an account ("cap"): reporting 100,000 units through
//! the real capacity actor would need 30 real RandomX proofs per unit. The rewards actor cannot
//! tell the difference; capacity's own cost per report does not depend on the rewards state.
//! Units are reported in commitments of up to 64 (the capacity actor's limit per peer), at least
//! three commitments so every measured message has a commitment of its own.

use std::time::Instant;

use cloudless_actor_rewards::*;
use cloudless_testing::{assert_ok, check_invariants, print_ratio_table, Harness, Snapshot};
use fvm_shared::econ::TokenAmount;

const PERIOD: i64 = 1_000_000;
const MIN_PROOFS: u64 = 30;

fn config() -> String {
    let mut text = format!("[network]\nname = \"rewards-bench\"\nperiod_length = {PERIOD}\n");
    for name in ["admin", "cap", "provider", "delegator", "reporter"] {
        text += &format!("[[accounts]]\nname = \"{name}\"\nbalance = \"1000\"\n");
    }
    text += r#"
[actors.oracle]
admin = "admin"
[[actors.oracle.assets]]
symbol = "FLT/USD"
quorum = 1
report_expiry = 100000000
reporters = ["reporter"]

[actors.rewards]
admin = "admin"
balance = "1000000"
capacity = "cap"
oracle = "oracle"
"#;
    text
}

/// Commitment sizes for `units` units: up to 64 each, at least three commitments.
fn layout(units: u64) -> Vec<u64> {
    let n = units.div_ceil(64).max(3);
    (0..n).map(|i| units / n + u64::from(i < units % n)).collect()
}

struct World {
    h: Harness,
    commitments: u64,
}

fn report(h: &Harness, period: i64, commitment: u64, units: u64) -> RecordProofsParams {
    RecordProofsParams {
        period,
        commitment,
        count: units * MIN_PROOFS,
        units,
        provider: h.id("provider"),
        delegator: h.id("delegator"),
        delegator_reward_rate: 3_000_000,
    }
}

/// Genesis, a price, and period 1's proofs of every commitment.
fn world(units: u64) -> World {
    let mut h = Harness::new(&config(), cloudless_bundle::BUNDLE_CAR).unwrap().unchecked();
    let price = cloudless_actor_oracle::ReportParams {
        asset: "FLT/USD".into(),
        price: TokenAmount::from_atto(500_000_000_000_000_000u64),
    };
    assert_ok(&h.send("reporter", "oracle", cloudless_actor_oracle::METHOD_REPORT, &price));
    h.node.set_epoch(PERIOD).unwrap();
    let sizes = layout(units);
    for (id, size) in sizes.iter().enumerate() {
        let r = report(&h, 1, id as u64, *size);
        assert_ok(&h.send("cap", "rewards", METHOD_RECORD_PROOFS, &r));
    }
    let totals: TotalsReturn = h.call("admin", "rewards", METHOD_GET_TOTALS, &());
    assert_eq!((totals.current.units, totals.totals.commitments), (units, sizes.len() as u64));
    World { h, commitments: sizes.len() as u64 }
}

/// Sends and returns the gas used.
fn gas<P: serde::Serialize>(h: &mut Harness, from: &str, method: u64, params: &P) -> u64 {
    let ret = h.send(from, "rewards", method, params);
    assert_ok(&ret);
    ret.msg_receipt.gas_used
}

/// Gas of: the period's first touch, a settling report, a steady report, a settling Withdraw.
fn measure(w: &mut World) -> [u64; 4] {
    let h = &mut w.h;
    let last = w.commitments - 1;
    h.node.set_epoch(2 * PERIOD).unwrap();
    let (a, b) = (report(h, 2, 0, 1), report(h, 2, last, 1));
    let first = gas(h, "cap", METHOD_RECORD_PROOFS, &a);
    let settling = gas(h, "cap", METHOD_RECORD_PROOFS, &b);
    let steady = gas(h, "cap", METHOD_RECORD_PROOFS, &b);
    let withdraw = gas(h, "provider", METHOD_WITHDRAW, &CommitmentQuery { id: last - 1 });
    check_invariants(&h.node, &Snapshot::take(&h.node).unwrap().total_balance()).unwrap();
    [first, settling, steady, withdraw]
}

fn main() {
    let names =
        ["first touch of a period", "proof report (settles)", "proof report (steady)", "Withdraw (settles, pays)"];
    let mut rows = Vec::new();
    for units in [10u64, 100_000] {
        let start = Instant::now();
        let mut w = world(units);
        let setup = start.elapsed().as_secs_f64();
        let measured = measure(&mut w);
        println!("{units} committed units in {} commitments (set up in {setup:.1} s)", w.commitments);
        rows.push(measured);
    }
    let worst = print_ratio_table(&names, ["10 units", "100,000 units"], &rows[0], &rows[1]);
    println!("worst ratio {worst:.3} (limit 1.1)");
    assert!(worst <= 1.1, "the rewards actor's cost depends on the number of units: ratio {worst:.3} > 1.1");
}
