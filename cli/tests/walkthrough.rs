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

/// The words of a shell command line: single- and double-quoted strings, no expansions.
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, '#') if !any => break,
            (None, ' ') => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            (_, c) => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

/// The `$C …` commands of the README's code block that follows `heading`.
fn readme_commands(heading: &str) -> Vec<Vec<String>> {
    doc_commands("README.md", heading)
}

/// The `$C …` commands of the first code block after `heading` in a file of the repository, with
/// the block's other variables (`F=…`) substituted and comments dropped.
fn doc_commands(file: &str, heading: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(file)).unwrap();
    let section = &text[text.find(heading).expect("the section")..];
    let block = section.split("```sh").nth(1).unwrap().split("```").next().unwrap();
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut commands = Vec::new();
    for line in block.lines() {
        if let Some(rest) = line.strip_prefix("$C ") {
            let line = vars.iter().fold(rest.to_string(), |l, (k, v)| l.replace(&format!("${k}"), v));
            commands.push(shell_words(&line));
        } else if let Some((k, v)) = line.split_once('=').filter(|(k, _)| k.chars().all(|c| c.is_ascii_uppercase())) {
            if k != "C" {
                vars.push((k.to_string(), v.trim_matches('"').to_string()));
            }
        }
    }
    commands
}

/// The circuit-tool commands of docs/market.md, verbatim, on the real circom/snarkjs fixture; a
/// tampered proof exits 2 and a malformed file exits 1.
#[test]
fn groth16_commands_from_the_market_docs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let commands = doc_commands("docs/market.md", "### Circuit tools");
    assert_eq!(commands.len(), 3, "{commands:?}");
    let run = |args: &[String]| Command::new(env!("CARGO_BIN_EXE_cloudless")).args(args).current_dir(&root).output();
    let outputs: Vec<Value> = commands
        .iter()
        .map(|args| {
            let out = run(args).unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout).to_string();
            assert!(out.status.success(), "{args:?}:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
            serde_json::from_str(&stdout).unwrap()
        })
        .collect();
    assert_eq!(outputs[0], serde_json::json!({ "valid": true }));
    let vk = outputs[1]["verifying_key"].as_str().unwrap();
    assert!(vk.len() > 2 * 64 * 5, "an encoded key: {vk}");
    assert_eq!(outputs[2]["proof"].as_str().unwrap().len(), 2 * 256, "a proof is 256 bytes");
    let inputs = outputs[2]["public_inputs"].as_array().unwrap();
    assert!(!inputs.is_empty() && inputs.iter().all(|i| i.as_str().unwrap().len() == 64));

    // The same proof against other public inputs is invalid: exit 2.
    let fixture = root.join("host/tests/fixtures/snarkjs");
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
        let args: Vec<String> = ["groth16", "verify", "--vk", &vk, "--proof", proof, "--public", public]
            .iter()
            .map(|s| s.to_string())
            .collect();
        run(&args).unwrap()
    };
    let invalid = verify(&proof, &path(&dir.join("public.json")));
    assert_eq!(invalid.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&invalid.stdout).trim(), r#"{"valid":false}"#);
    let malformed = verify(&path(&dir.join("junk.json")), &path(&fixture.join("public.json")));
    assert_eq!(malformed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&malformed.stderr).contains("junk.json"), "names the file");
    let none = run(&["groth16".into(), "encode".into()]).unwrap();
    assert_eq!(none.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn market_walkthrough_from_the_readme_verbatim() {
    let dir = std::env::temp_dir().join(format!("cloudless-market-walkthrough-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("examples")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/devnet.toml"),
        dir.join("examples/devnet.toml"),
    )
    .unwrap();
    let commands = readme_commands("## The compute market (SPEC §6)");
    assert!(commands.len() >= 15, "{commands:?}");
    let mut outputs = Vec::new();
    for args in &commands {
        let out = Command::new(env!("CARGO_BIN_EXE_cloudless")).args(args).current_dir(&dir).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "{args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        outputs.push((args.clone(), stdout));
    }
    let output_of =
        |method: &str| outputs.iter().find(|(a, _)| a.iter().any(|w| w == method)).map(|(_, o)| o.clone()).unwrap();
    assert!(output_of("MatchDeal").contains("\"skipped\":[]"), "{}", output_of("MatchDeal"));
    assert!(output_of("GetDeal").contains("\"balance\":\"6\""), "{}", output_of("GetDeal"));
    assert!(output_of("ClaimEarnings").contains("\"amount\":\"4\""), "{}", output_of("ClaimEarnings"));
    assert!(output_of("Balance").contains("return    \"4\""), "{}", output_of("Balance"));
    assert!(output_of("Stop").contains("unit-returned-from-deal"), "{}", output_of("Stop"));
}
