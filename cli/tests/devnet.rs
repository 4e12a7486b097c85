//! `cloudless devnet` through the binary: the quick scenario (examples/devnet-quick.toml) is run
//! twice; its report's figures are checked against values computed here from the scenario and
//! genesis parameters, the two runs must agree byte for byte, the run's vector must replay, and
//! a bad scenario must be refused naming its key.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

fn devnet(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cloudless")).arg("devnet").args(args).current_dir(repo()).output().unwrap()
}

/// A decimal amount in 10^-18 units (exact).
fn atto(text: &str) -> i128 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = format!("{frac:0<18}");
    whole.parse::<i128>().unwrap() * 10i128.pow(18) + frac.parse::<i128>().unwrap()
}

fn amount(v: &Value) -> i128 {
    atto(v.as_str().unwrap_or_else(|| panic!("not an amount: {v}")))
}

const E18: i128 = 1_000_000_000_000_000_000;

#[test]
fn the_quick_scenario_reports_what_its_parameters_imply() {
    let tmp = std::env::temp_dir().join(format!("cloudless-devnet-test-{}", std::process::id()));
    let (a, b) = (tmp.join("a"), tmp.join("b"));
    for dir in [&a, &b] {
        let out = devnet(&["examples/devnet-quick.toml", "-o", dir.to_str().unwrap(), "--quiet"]);
        assert!(out.status.success(), "devnet failed: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("period   5:"), "a summary per period: {stdout}");
    }
    // Two runs: the same figures, byte for byte, and the same state.
    let text = std::fs::read_to_string(a.join("report.json")).unwrap();
    assert_eq!(text, std::fs::read_to_string(b.join("report.json")).unwrap());
    assert_eq!(std::fs::read(a.join("state.car")).unwrap(), std::fs::read(b.join("state.car")).unwrap());
    let r: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(r["end"], "complete");
    assert_eq!(r["periods_run"], 6);
    let periods = r["periods"].as_array().unwrap();
    let last = &periods[5];

    // Collateral: 2 units × 2 USD at 0.5 USD/FLT; 10% of one unit's 4 FLT slashed for period 4,
    // the first period unit 1 stopped proving (unit 0 serves the deal and keeps proving at the
    // in-deal rate, one proof a period).
    let per_unit = 2 * E18 * E18 / (E18 / 2);
    assert_eq!(amount(&last["collateral"]), 2 * per_unit);
    assert_eq!(amount(&last["slashed"]), per_unit / 10);
    assert_eq!(amount(&periods[4]["slashed"]), 0);
    assert_eq!(last["commitments"][0]["failures"], 1);

    // The pool: 100 FLT at first, unchanged after a period with no successful unit; after each
    // period with one successful unit, pool × 0.5 USD / 1 unit > 1 USD target → −10%.
    let mut pool = 100 * E18;
    let mut expected_pools = Vec::new();
    for p in 0..5 {
        expected_pools.push(pool);
        let units = if (1..=3).contains(&p) { 1 } else { 0 };
        if units > 0 && pool / 2 / units > E18 {
            pool = pool * 9 / 10;
        }
    }
    let reward_periods = r["reward_periods"].as_array().unwrap();
    for (p, want) in expected_pools.iter().enumerate() {
        assert_eq!(amount(&reward_periods[p]["pool"]), *want, "pool of period {p}");
    }
    // Periods 1..=3 had proofs and received their pool; period 4 had none and received nothing.
    let earned: i128 = (1..=3).map(|p| expected_pools[p]).sum();
    assert_eq!(amount(&reward_periods[4]["allocated"]), 0);
    assert_eq!(amount(&r["periods"][5]["rewards"]["allocated"]), earned);
    // One vesting part one period later: everything vested by period 4 and withdrawn each
    // period, 25% to the delegator.
    let party = |role: &str| last["parties"].as_array().unwrap().iter().find(|p| p["role"] == role).unwrap().clone();
    assert_eq!(amount(&party("delegator")["withdrawn"]), earned / 4);
    assert_eq!(amount(&party("provider")["withdrawn"]), earned - earned / 4);
    assert_eq!(party("delegator")["account"], "dana");

    // The deal: 3 USDC a period from period 2 (its worker was set in period 1): periods 2, 3
    // and 4 are paid from 10 USDC, period 5 finds 1 left: a gap.
    let deal = &last["deals"][0];
    assert_eq!(amount(&deal["spent"]), 9 * E18);
    assert_eq!(amount(&deal["balance"]), E18);
    assert_eq!(deal["gaps"], 1);
    assert_eq!(deal["status"], "InsufficientFunds");
    // USDC: 100 deposited, 20 withdrawn; the market holds the deal's balance (earnings claimed).
    let usdc = &last["usdc"];
    assert_eq!(amount(&usdc["parent_accounts"]), 420 * E18);
    assert_eq!(amount(&usdc["subnet_supply"]), 80 * E18);
    assert_eq!(amount(&usdc["parent_locked"]), 80 * E18);
    assert_eq!(amount(&usdc["market_held"]), E18);

    // RandomX: in periods 1-3 one SubmitProofs carries unit 1's 2 proofs and the serving unit
    // 0's one (3 proofs, 2 keys), in periods 4-5 only unit 0's one; priced by the published
    // table for the 16-core reference validator (1 M base + 10 per byte + 4 G per wave of 16
    // keys + 0.5 G per wave of 16 hashes: one of each); 10 gas per ns.
    let randomx = r["randomx"].as_array().unwrap();
    let shape: Vec<(u64, u64)> =
        randomx.iter().map(|m| (m["proofs"].as_u64().unwrap(), m["keys"].as_u64().unwrap())).collect();
    assert_eq!(shape, [(3, 2), (3, 2), (3, 2), (1, 1), (1, 1)]);
    for (m, (proofs, _)) in randomx.iter().zip(&shape) {
        let price = 1_000_000 + 10 * 64 * proofs + 4_000_000_000 + 500_000_000u64;
        assert_eq!(m["randomx_gas"], price);
        assert_eq!(m["reference_us"], price / 10_000);
    }
    // The ceiling from the messages themselves: Σ SubmitProofs gas over the 8 unit-periods
    // proved (unit 1 in periods 1-3, unit 0 at the in-deal rate in periods 1-5).
    let messages = std::fs::read_to_string(a.join("messages.jsonl")).unwrap();
    let lines: Vec<Value> = messages.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len() as u64, r["messages"].as_u64().unwrap());
    let proof_gas: u64 =
        randomx.iter().map(|m| lines[m["message"].as_u64().unwrap() as usize]["gas_used"].as_u64().unwrap()).sum();
    assert_eq!(r["ceiling"]["unit_periods"], 8);
    let per_unit_period = proof_gas / 8;
    assert_eq!(r["ceiling"]["gas_per_unit_period"], per_unit_period);
    assert_eq!(r["ceiling"]["units_per_subnet"], 10_000_000_000u64 * 100 / per_unit_period);
    let by_kind: u64 = r["gas_by_kind"].as_array().unwrap().iter().map(|k| k["total"].as_u64().unwrap()).sum();
    assert_eq!(by_kind, lines.iter().map(|l| l["gas_used"].as_u64().unwrap()).sum::<u64>());

    // The page is one self-contained file; the vector of the run replays.
    let html = std::fs::read_to_string(a.join("report.html")).unwrap();
    assert!(html.matches("<svg").count() >= 10, "every chart is inline SVG");
    for external in ["<script", "src=", "href=", "https://"] {
        assert!(!html.contains(external), "report.html refers outside itself: {external}");
    }
    let vector = cloudless_test_vectors::format::Vector::load(&a.join("vectors/devnet.json")).unwrap();
    let outcome = cloudless_test_vectors::runner::run_vector(&vector, cloudless_bundle::BUNDLE_CAR);
    assert!(outcome.passed(), "{:?}", outcome.differences);
    // The state CAR is what the other commands read.
    let state = Command::new(env!("CARGO_BIN_EXE_cloudless"))
        .args(["state", "market", "--state"])
        .arg(a.join("state.car"))
        .output()
        .unwrap();
    assert!(state.status.success(), "{}", String::from_utf8_lossy(&state.stderr));
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn a_bad_scenario_is_refused_naming_its_key() {
    let tmp = std::env::temp_dir().join(format!("cloudless-devnet-bad-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::copy(repo().join("examples/devnet-quick-genesis.toml"), tmp.join("devnet-quick-genesis.toml")).unwrap();
    let good = std::fs::read_to_string(repo().join("examples/devnet-quick.toml")).unwrap();
    let cases = [
        (good.replace("owner = \"alice\"", "owner = \"zed\""), "deals[0].owner: \"zed\" is not an account"),
        (good.replace("periods = 6", "periods = 0"), "periods: 0 is not in 1..=1000"),
        (
            good.replace("amount = \"20\"", "amount = \"20.0000001\""),
            "withdrawals[0].amount: USDC has 6 decimal places",
        ),
        (good.replace("unit = 1, from_period = 4", "unit = 2, from_period = 4"), "providers[0].stops_proving[0].unit"),
        (
            good.replace("period = 3\nfrom", "period = 9\nfrom"),
            "withdrawals[0].period: period 9 is not below periods = 6",
        ),
        (good.replace("name = \"quick\"", "name = \"quick\"\nspeed = 3"), "unknown field `speed`"),
        (good.replace("devnet-quick-genesis.toml", "missing.toml"), "genesis = \"missing.toml\""),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let path = tmp.join(format!("bad{i}.toml"));
        std::fs::write(&path, text).unwrap();
        let out = devnet(&[path.to_str().unwrap(), "-o", tmp.join("out").to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "case {i}: {stderr}");
        assert!(stderr.contains(want), "case {i}: expected {want:?} in {stderr}");
    }
    assert!(!tmp.join("out/report.json").exists(), "nothing is written for a refused scenario");
    let _ = std::fs::remove_dir_all(&tmp);
}
