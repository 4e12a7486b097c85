//! The CLI as a user meets it, through the real `cloudless` binary: the oracle walk-through with
//! its receipts checked field by field, proving, the Groth16 tools' failures, and every way a
//! command can be refused: exit 1, a clear message, and a state file left byte-identical.
//! (`tests/readme.rs` runs the README's recipes verbatim.)

use std::path::{Path, PathBuf};
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

    let st: Value = serde_json::from_str(&ok(&["state", "oracle", "--state", state, "--json"])).unwrap();
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

/// A fresh example devnet in its own directory; returns the state path.
fn devnet(tag: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("cloudless-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let state = dir.join("state.car");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/devnet.toml");
    ok(&["genesis", example.to_str().unwrap(), "-o", state.to_str().unwrap()]);
    (dir, state.to_str().unwrap().to_string())
}

/// Runs `args`, expects exit 1 with `message` on stderr and the state file unchanged.
fn refused(state: &str, args: &[&str], message: &str) {
    let before = std::fs::read(state).unwrap();
    let out = cloudless(args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(stderr.contains(message), "{args:?}: {stderr:?} does not say {message:?}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(std::fs::read(state).unwrap(), before, "{args:?} changed the state file");
}

fn send<'a>(state: &'a str, from: &'a str, to: &'a str, method: &'a str, params: &'a str) -> Vec<&'a str> {
    vec!["send", "--state", state, "--from", from, "--to", to, "--method", method, "--params", params]
}

#[test]
fn bad_input_exits_1_and_leaves_the_state_file_as_it_was() {
    let (dir, state) = devnet("refusals");
    let s = state.as_str();
    // Arguments clap refuses exit 1, not 2 ("2" means a message was applied and failed).
    refused(s, &["send", "--state", s, "--bogus"], "unexpected argument");
    // Params with the wrong number of fields name the fields; no internal type names.
    let out = cloudless(&send(s, "alice", "oracle", "Report", "[1]"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("expected 2 fields [asset, price], got 1") && !stderr.contains("Inner"), "{stderr}");
    refused(s, &send(s, "alice", "oracle", "Report", "[1]"), "params of Report");
    refused(s, &send(s, "alice", "oracle", "Report", r#"["FLT/USD", 0.5]"#), "params of Report");
    refused(s, &send(s, "alice", "oracle", "Report", "not json"), "--params is not valid JSON");
    refused(s, &send(s, "alice", "oracle", "GetPrise", r#"["FLT/USD"]"#), "did you mean GetPrice?");
    refused(s, &send(s, "ghost", "oracle", "GetPrice", r#"["FLT/USD"]"#), "no key named \"ghost\"");
    refused(s, &send(s, "alice", "capacity", "RegisterProvider", r#"["acme", "not-a-cid"]"#), "is not a CID");
    refused(s, &send(s, "alice", "gateway", "Transfer", r#"["nobody", "1", ""]"#), "neither a name");
    refused(
        s,
        &["send", "--state", s, "--from", "alice", "--to", "oracle", "--keys", "/missing.json"],
        "/missing.json",
    );
    refused(s, &["state", "oracle", "--state", s, "--keys", "/missing.json"], "/missing.json");
    // A message the chain would refuse before applying it: the sender cannot pay for its gas.
    let mut args = send(s, "alice", "oracle", "GetPrice", r#"["FLT/USD"]"#);
    args.extend(["--gas-limit", "10000000000", "--fee-cap", "1"]);
    refused(s, &args, "short by");
    let mut args = send(s, "alice", "oracle", "GetPrice", r#"["FLT/USD"]"#);
    args.extend(["--fee-cap", "1000"]);
    refused(s, &args, "not applied");
    // Amounts are 0 or more, refused before signing; a value above the balance says by how much
    // it is short, counting the maximum fee.
    for value in ["--value=-5", "--premium=-1", "--fee-cap=-1"] {
        let mut args = send(s, "alice", "alice", "Send", "null");
        args.push(value);
        refused(s, &args, "an amount is 0 or more");
    }
    let mut args = send(s, "alice", "alice", "Send", "null");
    args.extend(["--value", "-5"]);
    refused(s, &args, "--value -5: an amount is 0 or more (e.g. --value 5)");
    let mut args = send(s, "alice", "alice", "Send", "null");
    args.extend(["--value", "five"]);
    refused(s, &args, "is not a decimal amount");
    for value in ["2000000", "12345678901234567890123456789012345678901"] {
        let mut args = send(s, "alice", "alice", "Send", "null");
        args.extend(["--value", value]);
        refused(s, &args, "short by");
    }
    let mut args = send(s, "alice", "alice", "Send", "null");
    args.extend(["--value", "1", "--gas-limit", "100000000", "--fee-cap", "0.01"]);
    refused(s, &args, "plus the maximum fee 1000000 FLT (gas limit 100000000 × fee cap 0.01 FLT)");
    // A method number the actor does not declare is sent as that number, params as hex.
    refused(s, &send(s, "alice", "oracle", "99", "[1]"), "hex of their CBOR bytes");
    let out = cloudless(&["call", "--state", s, "--to", "oracle", "--method", "99"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(2), "{stdout} {stderr}");
    assert!(format!("{stdout}{stderr}").contains("USR_UNHANDLED_MESSAGE"), "{stdout} {stderr}");
    // Epochs never go back.
    let mut args = send(s, "alice", "oracle", "GetAdmin", "null");
    args.push("--epoch=-1");
    refused(s, &args, "before the current epoch");
    // A truncated state says so once.
    let truncated = dir.join("truncated.car");
    std::fs::write(&truncated, &std::fs::read(s).unwrap()[..3000]).unwrap();
    let out = cloudless(&["state", "oracle", "--state", truncated.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("not a valid CARv1") && stderr.matches("expected to read").count() == 1, "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn queries_cost_nothing_and_messages_cost_their_gas() {
    let (dir, state) = devnet("fees");
    let s = state.as_str();
    let alice_balance = |s: &str| {
        let v: Value = serde_json::from_str(&ok(&["state", "alice", "--state", s, "--json"])).unwrap();
        cloudless_runtime::amount::parse_decimal(v["balance"].as_str().unwrap()).unwrap()
    };
    let before_file = std::fs::read(s).unwrap();
    let before = alice_balance(s);
    let out = ok(&["call", "--state", s, "--to", "oracle", "--method", "getadmin", "--from", "alice", "--json"]);
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["return"]["admin"], "f0100", "{r}");
    assert_eq!(r["names"]["f0100"], "admin", "{r}");
    assert_eq!(std::fs::read(s).unwrap(), before_file, "a call writes nothing");
    assert_eq!(alice_balance(s), before);

    // A message's fee is its gas at the base fee, give or take the over-estimation burn.
    let mut args = send(s, "alice", "gateway", "Balance", r#"["alice"]"#);
    args.push("--json");
    let r: Value = serde_json::from_str(&ok(&args)).unwrap();
    let gas_used = r["gas_used"].as_u64().unwrap();
    let fee = cloudless_runtime::amount::parse_decimal(r["fee"]["total"].as_str().unwrap()).unwrap();
    let base_fee = fvm_shared::econ::TokenAmount::from_atto(100_000_000u64); // 10^-10 FLT
    let at_gas = &base_fee * gas_used;
    assert!(fee >= at_gas && &fee * 100u64 <= &at_gas * 101u64, "fee {fee} for {gas_used} gas");
    assert_eq!(before - alice_balance(s), fee, "the sender paid exactly the fee");
    // The limit is 1.1× the estimate, which ran with a longer (10 G) gas limit field.
    assert!(r["gas_limit"].as_u64().unwrap() <= gas_used * 111 / 100, "{r}");
    assert_eq!(r["exit_name"], "OK");

    // A refused message names its exit code and the failing actor.
    let out = cloudless(&send(s, "alice", "oracle", "Report", r#"["FLT/USD", "0.5"]"#));
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("exit code 18 USR_FORBIDDEN"), "{stdout}");
    assert!(stdout.contains("error     f083 (oracle) Report: 18 USR_FORBIDDEN"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn output_names_addresses_decodes_events_and_survives_a_closed_pipe() {
    let (dir, state) = devnet("output");
    let s = state.as_str();
    // Events decode with the actor's declared types: amounts as decimals, actors as addresses.
    let out = ok(&send(s, "reporter1", "oracle", "Report", r#"{"asset": "FLT/USD", "price": "0.51"}"#));
    assert!(
        out.contains(r#"price-reported {"asset":"FLT/USD","epoch":1,"price":"0.51","reporter":"f0101 (reporter1)"}"#),
        "{out}"
    );
    // CIDs are accepted as text or {"/": text} and shown as text.
    ok(&send(s, "provider", "capacity", "RegisterProvider", r#"["acme", {"/": "bafkqaaa"}]"#));
    let v: Value = serde_json::from_str(&ok(&["state", "capacity", "--state", s, "--json"])).unwrap();
    assert_eq!(v["names"]["f0100"], "admin");
    // Without --json every named address carries its name, as the README shows.
    let shown = ok(&["state", "capacity", "--state", s]);
    assert!(shown.contains("\"f0100 (admin)\"") && !shown.contains("\"names\""), "{shown}");
    let out = ok(&["call", "--state", s, "--to", "capacity", "--method", "GetProvider", "--params", r#"["provider"]"#]);
    assert!(out.contains(r#""metadata":"bafkqaaa""#), "{out}");
    // Keys: one row per name, with headers.
    let keys = ok(&["keys", "--state", s]);
    assert!(keys.starts_with("NAME"), "{keys}");
    assert_eq!(keys.lines().filter(|l| l.starts_with("alice ")).count(), 1, "{keys}");
    // The help lists every command and what the exit codes mean.
    let help = ok(&["--help"]);
    for word in ["prove", "keys", "call", "groth16", "Exit codes"] {
        assert!(help.contains(word), "help lacks {word}: {help}");
    }
    // `call --help` says what its options mean for a call, not what they mean for `send`.
    let help = ok(&["call", "--help"]);
    for text in ["Print the receipt", "[default: Send]", "(send:", "(default: f099"] {
        assert!(!help.contains(text), "call --help says {text:?}: {help}");
    }
    assert!(help.contains("--method <METHOD>") && help.contains("Print the return and events as JSON"), "{help}");
    // Piped into a reader that stops early: no panic.
    let out = Command::new("bash")
        .args(["-c", &format!("{} state capacity --state {s} | head -1", env!("CARGO_BIN_EXE_cloudless"))])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn groth16_tools_refuse_invalid_proofs_and_malformed_files() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../host/tests/fixtures/snarkjs");
    let dir = std::env::temp_dir().join(format!("cloudless-groth16-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let public: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(fixture.join("public.json")).unwrap()).unwrap();
    let mut other = public.clone();
    other[0] = (other[0].parse::<u128>().unwrap() + 1).to_string();
    std::fs::write(dir.join("public.json"), serde_json::to_string(&other).unwrap()).unwrap();
    std::fs::write(dir.join("junk.json"), "{\"pi_a\": 7}").unwrap();
    let path = |p: &Path| p.to_str().unwrap().to_string();
    let (vk, proof) = (path(&fixture.join("verification_key.json")), path(&fixture.join("proof.json")));
    let verify = |proof: &str, public: &str| {
        cloudless(&["groth16", "verify", "--vk", &vk, "--proof", proof, "--public", public])
    };
    let valid = verify(&proof, &path(&fixture.join("public.json")));
    assert_eq!(valid.status.code(), Some(0));
    // The same proof against other public inputs is invalid: exit 2.
    let invalid = verify(&proof, &path(&dir.join("public.json")));
    assert_eq!(invalid.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&invalid.stdout).trim(), r#"{"valid":false}"#);
    let malformed = verify(&path(&dir.join("junk.json")), &path(&fixture.join("public.json")));
    assert_eq!(malformed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&malformed.stderr).contains("junk.json"), "names the file");
    // Public inputs of the wrong length: the mismatch between the key and the file, not the key.
    let mut longer = public.clone();
    longer.push("7".into());
    std::fs::write(dir.join("longer.json"), serde_json::to_string(&longer).unwrap()).unwrap();
    let mismatch = verify(&proof, &path(&dir.join("longer.json")));
    let stderr = String::from_utf8_lossy(&mismatch.stderr).to_string();
    assert_eq!(mismatch.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("longer.json does not match the verifying key")
            && stderr.contains(&format!(
                "the verifying key takes {} public inputs, got {}",
                public.len(),
                longer.len()
            )),
        "{stderr}"
    );
    let help = ok(&["groth16", "verify", "--help"]);
    assert!(help.contains("snarkjs public.json") && help.contains("snarkjs proof.json"), "{help}");
    let encoded: Value = serde_json::from_str(&String::from_utf8_lossy(
        &cloudless(&["groth16", "encode", "--proof", &proof, "--public", &path(&fixture.join("public.json"))]).stdout,
    ))
    .unwrap();
    assert_eq!(encoded["proof"].as_str().unwrap().len(), 2 * 256, "a proof is 256 bytes");
    assert_eq!(cloudless(&["groth16", "encode"]).status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bundle_custom_writes_the_cloudless_actors_and_refuses_a_bad_merge() {
    let dir = std::env::temp_dir().join(format!("cloudless-custom-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let car = dir.join("custom.car");
    let out = ok(&["bundle", "custom", "-o", car.to_str().unwrap()]);
    assert!(out.contains("market") && !out.contains("system"), "{out}");
    assert_eq!(std::fs::read(&car).unwrap(), cloudless_bundle::fendermint::custom_car().unwrap());
    // Our CAR is not fendermint's: it lacks fendermint's required actors. Exit 1, nothing written.
    let merged = dir.join("merged.car");
    let out = cloudless(&["bundle", "custom", "--merge", car.to_str().unwrap(), "-o", merged.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("manifest missing required actor chainmetadata"), "{stderr}");
    assert!(!merged.exists());
    let out = cloudless(&["bundle", "custom", "--merge", "/nonexistent.car", "-o", merged.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reading /nonexistent.car"));
}

#[test]
fn genesis_core_refuses_a_car_that_is_not_a_core_set() {
    let dir = std::env::temp_dir().join(format!("cloudless-core-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/devnet.toml");
    let state = dir.join("state.car");
    // The Cloudless custom-actors CAR has no system, init or account actor.
    let custom = dir.join("custom.car");
    std::fs::write(&custom, cloudless_bundle::fendermint::custom_car().unwrap()).unwrap();
    let out = cloudless(&["genesis", config, "--core", custom.to_str().unwrap(), "-o", state.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("composing the core set") && stderr.contains("core bundle has no \"system\" actor"),
        "{stderr}"
    );
    // Not a CAR at all.
    std::fs::write(&custom, b"not a car").unwrap();
    let out = cloudless(&["genesis", config, "--core", custom.to_str().unwrap(), "-o", state.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("core bundle"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!state.exists(), "nothing written");
}
