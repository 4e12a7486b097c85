//! The README walk-through, run through the real `cloudless` binary: genesis from the example
//! config, three reporters report FLT/USD, anyone reads the median back.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn cloudless(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_cloudless")).args(args).output().expect("running cloudless");
    out
}

fn ok(args: &[&str]) -> String {
    let out = cloudless(args);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "cloudless {args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

fn send_json(state: &str, from: &str, method: &str, params: &str) -> Value {
    let out = ok(&[
        "send", "--state", state, "--from", from, "--to", "oracle", "--method", method, "--params", params, "--json",
    ]);
    serde_json::from_str(&out).unwrap()
}

#[test]
fn walkthrough_reports_and_reads_the_median() {
    let dir = std::env::temp_dir().join(format!("cloudless-walkthrough-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let state = dir.join("state.car");
    let state = state.to_str().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/devnet.toml");

    let out = ok(&["genesis", example.to_str().unwrap(), "-o", state]);
    assert!(out.contains("f083") && out.contains("oracle"), "{out}");
    assert!(dir.join("keys.json").exists());

    for (reporter, price) in [("reporter1", "0.51"), ("reporter2", "0.55"), ("reporter3", "0.53")] {
        let r = send_json(state, reporter, "Report", &format!(r#"["FLT/USD", "{price}"]"#));
        assert_eq!(r["exit_code"], 0, "{r}");
        assert_eq!(r["events"][0]["type"], "price-reported");
    }
    let r = send_json(state, "alice", "GetPrice", r#"["FLT/USD"]"#);
    assert_eq!(r["exit_code"], 0, "{r}");
    assert_eq!(r["return"]["median"], "0.53");
    assert_eq!(r["return"]["fresh_reports"], 3);

    let st: Value = serde_json::from_str(&ok(&["state", "oracle", "--state", state])).unwrap();
    assert_eq!(st["code"], "oracle");
    assert_eq!(st["state"]["assets"][0]["reports"].as_array().unwrap().len(), 3);

    // A refused report: exit code 2, the receipt says USR_FORBIDDEN (18), the state is written.
    let out = cloudless(&[
        "send",
        "--state",
        state,
        "--from",
        "alice",
        "--to",
        "oracle",
        "--method",
        "Report",
        "--params",
        r#"["FLT/USD", "9"]"#,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["exit_code"], 18);
    // Bad input never reaches the chain.
    let out = cloudless(&[
        "send", "--state", state, "--from", "alice", "--to", "oracle", "--method", "Report", "--params", "[1]",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("params of Report"));
    let out = cloudless(&["genesis", "/nonexistent.toml", "-o", state]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent.toml"));

    let table = ok(&["bundle", "inspect"]);
    assert!(table.contains("oracle") && table.contains("manifest"));
}

#[test]
fn prove_mines_proofs_that_meet_the_difficulty() {
    let unit = "07".repeat(32);
    let nonce = "09".repeat(32);
    let difficulty = format!("3f{}", "ff".repeat(31));
    let out = ok(&[
        "prove",
        "--unit",
        &unit,
        "--global-nonce",
        &nonce,
        "--difficulty",
        &difficulty,
        "--count",
        "3",
        "--mode",
        "light",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let proofs = v["proofs"].as_array().unwrap();
    assert_eq!(proofs.len(), 3);
    for p in proofs {
        assert!(p["result_hash"].as_str().unwrap() <= difficulty.as_str());
    }
    let bad = cloudless(&["prove", "--unit", "abc", "--global-nonce", &nonce, "--difficulty", &difficulty]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--unit"));
}
