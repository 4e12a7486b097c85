//! Gas and wall time of the oracle's Report and GetPrice, as Wasm in the FVM with our kernel.
//! `make bench` (or `cargo bench -p cloudless-host --bench oracle`).
//!
//! Gas is exact and deterministic; wall time is the median of many applies and includes
//! everything a node does per message (machine set-up, execution, state flush).

use std::time::{Duration, Instant};

use cloudless_actor_oracle::{AssetQuery, ReportParams, METHOD_GET_PRICE, METHOD_REPORT};
use cloudless_runtime::amount::parse_decimal;
use cloudless_testing::{assert_ok, Harness};

const CONFIG: &str = include_str!("../../examples/devnet.toml");
const RUNS: usize = 60;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let mut h = Harness::new(CONFIG, cloudless_bundle::BUNDLE_CAR).expect("genesis").unchecked();
    let reporters = ["reporter1", "reporter2", "reporter3"];
    let (mut report_gas, mut report_time) = (Vec::new(), Vec::new());
    for i in 0..RUNS {
        // Prices wander within the 10% deviation guard.
        let price = parse_decimal(&format!("0.5{}", i % 5)).unwrap();
        let params = ReportParams { asset: "FLT/USD".into(), price };
        let start = Instant::now();
        let ret = h.send(reporters[i % 3], "oracle", METHOD_REPORT, &params);
        report_time.push(start.elapsed());
        assert_ok(&ret);
        report_gas.push(ret.msg_receipt.gas_used);
    }
    let (mut price_gas, mut price_time) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let start = Instant::now();
        let ret = h.send("alice", "oracle", METHOD_GET_PRICE, &AssetQuery { asset: "FLT/USD".into() });
        price_time.push(start.elapsed());
        assert_ok(&ret);
        price_gas.push(ret.msg_receipt.gas_used);
    }
    let steady = |g: &[u64]| *g[3..].iter().max().unwrap();
    println!("oracle benchmark ({RUNS} messages each, 3 reporters, quorum 2)");
    println!("{:<10} {:>14} {:>14} {:>14}", "method", "gas (steady)", "gas (first)", "wall (median)");
    println!("{:<10} {:>14} {:>14} {:>14.2?}", "Report", steady(&report_gas), report_gas[0], median(report_time));
    println!("{:<10} {:>14} {:>14} {:>14.2?}", "GetPrice", steady(&price_gas), price_gas[0], median(price_time));
}
