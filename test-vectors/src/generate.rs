//! Turns scenarios into vectors by running them in the host with the current bundle.

use anyhow::{anyhow, bail, Context};
use cloudless_host::abi;
use cloudless_host::genesis;
use cloudless_host::node::BLOCK_GAS_LIMIT;
use cloudless_runtime::amount::parse_decimal;
use cloudless_testing::{check_invariants, Snapshot};
use fvm_shared::message::Message;

use crate::format::*;
use crate::scenario::{ScenarioFile, Step};

/// The generator's name and version, recorded in every vector.
pub fn generator() -> Generator {
    Generator { source: "cloudless-test-vectors".into(), version: env!("CARGO_PKG_VERSION").into() }
}

/// Builds the message of a step against the node's current state.
fn message(node: &cloudless_host::Node, keys: &cloudless_host::keys::KeyStore, step: &Step) -> anyhow::Result<Message> {
    let from = node.key_address(&keys.address_of(&step.from)?)?;
    let to = keys.address_of(&step.to)?;
    let code = node.code_name_at(&to)?;
    let (method_num, params) = match (&step.raw_params, step.method.parse::<u64>()) {
        // Raw params, or a method the ABI does not know: bytes as given.
        (Some(hex), _) => {
            let number = match step.method.parse() {
                Ok(n) => n,
                Err(_) => abi::find_method(&code, &step.method)?.number,
            };
            (number, hex::decode(hex).context("raw_params is not hex")?.into())
        }
        (None, Ok(number)) if abi::find_method(&code, &step.method).is_err() => (number, Default::default()),
        (None, _) => {
            let method = abi::find_method(&code, &step.method)?;
            let json = match &step.params {
                Some(p) => resolve(serde_json::to_value(p)?, node, keys)?,
                None => serde_json::Value::Null,
            };
            (method.number, method.encode_params(json)?.unwrap_or_default())
        }
    };
    let value = match &step.value {
        Some(v) => parse_decimal(v).map_err(|e| anyhow!("value: {e}"))?,
        None => Default::default(),
    };
    Ok(Message {
        version: 0,
        from,
        to,
        sequence: node.sequence(&from)?,
        value,
        method_num,
        params,
        gas_limit: step.gas_limit.unwrap_or(BLOCK_GAS_LIMIT),
        gas_fee_cap: node.meta().base_fee.clone(),
        gas_premium: Default::default(),
    })
}

/// Resolves placeholders in params: `"@code:NAME"` → the code CID of a bundle actor,
/// `"@sign:NAME:HEX"` → NAME's signature of the bytes HEX (hex), `"@proofs:UNIT:COUNT"` →
/// COUNT capacity proofs of unit UNIT (hex) for the period the message lands in, mined in light
/// mode from local nonce 0 (deterministic), `"@groth16-vk|proof|inputs:PATH"` → a Groth16 file
/// as hex, `"@groth16-input-list:PATH"` → its public inputs as a list of 32-byte hex scalars
/// (`SubmitResult`'s shape), `"@null"` → null (an absent option; TOML has no null), `"@NAME"` → NAME's address.
fn resolve(
    value: serde_json::Value,
    node: &cloudless_host::Node,
    keys: &cloudless_host::keys::KeyStore,
) -> anyhow::Result<serde_json::Value> {
    use serde_json::Value;
    Ok(match value {
        Value::String(s) if s.starts_with("@code:") => Value::String(node.code_of(&s[6..])?.to_string()),
        Value::String(s) if s.starts_with("@sign:") => {
            let (name, data) = s[6..].split_once(':').ok_or_else(|| anyhow!("{s:?}: expected @sign:NAME:HEX"))?;
            Value::String(hex::encode(keys.key(name)?.sign(&hex::decode(data)?).bytes))
        }
        Value::String(s) if s.starts_with("@proofs:") => mined(&s, node)?,
        Value::String(s) if s.starts_with("@groth16-input-list:") => {
            let text = repo_file(&s["@groth16-input-list:".len()..])?;
            let inputs = cloudless_host::groth16::read_public_inputs(&text)?;
            Value::Array(inputs.iter().map(|i| Value::String(hex::encode(i))).collect())
        }
        Value::String(s) if s.starts_with("@groth16-") => Value::String(groth16_file(&s)?),
        Value::String(s) if s == "@null" => Value::Null,
        Value::String(s) if s.starts_with('@') => Value::String(keys.address_of(&s[1..])?.to_string()),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| resolve(v, node, keys)).collect::<anyhow::Result<_>>()?)
        }
        other => other,
    })
}

/// `"@groth16-vk:PATH"`, `"@groth16-proof:PATH"`, `"@groth16-inputs:PATH"`: a verifying key,
/// proof or public inputs file (snarkjs or gnark, as `cloudless` reads them; PATH from the
/// repository root) as the hex bytes the syscall takes (inputs concatenated).
fn groth16_file(placeholder: &str) -> anyhow::Result<String> {
    use cloudless_host::groth16;
    let (kind, path) = placeholder[9..]
        .split_once(':')
        .ok_or_else(|| anyhow!("{placeholder:?}: expected @groth16-vk|proof|inputs:PATH"))?;
    let text = repo_file(path)?;
    let bytes = match kind {
        "vk" => groth16::read_verifying_key(&text)?,
        "proof" => groth16::read_proof(&text)?,
        "inputs" => groth16::read_public_inputs(&text)?.concat(),
        other => bail!("{placeholder:?}: unknown kind {other:?}"),
    };
    Ok(hex::encode(bytes))
}

/// A file's text, its path from the repository root.
fn repo_file(path: &str) -> anyhow::Result<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
}

/// `"@proofs:UNIT:COUNT"` as `[[unit, local nonce, result hash]…]`.
fn mined(placeholder: &str, node: &cloudless_host::Node) -> anyhow::Result<serde_json::Value> {
    use cloudless_host::prove::{capacity_proofs, parse_hex32, period_terms, Mode, ProveRequest};
    let (unit, count) =
        placeholder[8..].split_once(':').ok_or_else(|| anyhow!("{placeholder:?}: expected @proofs:UNIT:COUNT"))?;
    // The step runs at the node's epoch, so a nonce not fixed yet is the one the step fixes.
    let terms = period_terms(node)?;
    let req = ProveRequest {
        unit_id: parse_hex32(unit, "the unit")?,
        global_nonce: terms.nonce.0,
        difficulty: terms.difficulty.0,
        count: count.parse().with_context(|| format!("{placeholder:?}: COUNT is not a number"))?,
        start: [0; 32],
        mode: Mode::Light,
    };
    let proofs = capacity_proofs(&req)?;
    Ok(serde_json::Value::Array(
        proofs
            .iter()
            .map(|p| serde_json::json!([p.unit_id.to_hex(), p.local_nonce.to_hex(), p.result_hash.to_hex()]))
            .collect(),
    ))
}

/// Generates every vector of a scenario file.
pub fn generate(file: &ScenarioFile, bundle_car: &[u8]) -> anyhow::Result<Vec<Vector>> {
    let bundle = cloudless_bundle::inspect(bundle_car)?.root.to_string();
    let mut out = Vec::new();
    for scenario in &file.vectors {
        let g = genesis::build(&file.genesis, bundle_car).with_context(|| format!("{}: genesis", scenario.id))?;
        let (mut node, keys) = (g.node, g.keys);
        for i in &file.install {
            genesis::install_at(&mut node, i.id, &i.code, None, false)
                .with_context(|| format!("{}: installing {} at f0{}", scenario.id, i.code, i.id))?;
        }
        let total = Snapshot::take(&node)?.total_balance();
        let pre_epoch = node.epoch();
        let pre_root = node.state_root();
        let pre_variants = Preconditions::of(&node, &pre_root).variants;
        let car = gzip_b64(&node.state_car_without_code()?)?;
        let (mut messages, mut receipts) = (Vec::new(), Vec::new());
        for (i, step) in scenario.steps.iter().enumerate() {
            let context = || format!("{} step {i}", scenario.id);
            // The epoch first: params such as mined proofs depend on the period the message lands in.
            node.set_epoch(node.epoch() + step.advance).with_context(context)?;
            let msg = message(&node, &keys, step).with_context(context)?;
            let ret = node.apply_unsigned(msg.clone()).with_context(context)?;
            let expected = crate::scenario::exit_code(&step.expect).with_context(context)?;
            if ret.msg_receipt.exit_code != expected {
                let why = ret.failure_info.as_ref().map(|f| f.to_string()).unwrap_or_default();
                bail!("{}: expected {}, got exit code {}: {why}", context(), step.expect, ret.msg_receipt.exit_code);
            }
            check_invariants(&node, &total).with_context(context)?;
            let undeclared = abi::event_violations(&node, &ret.events);
            if !undeclared.is_empty() {
                bail!("{}: {}", context(), undeclared.join("; "));
            }
            messages.push(ApplyMessage {
                bytes: b64(&fvm_ipld_encoding::to_vec(&msg)?),
                epoch_offset: node.epoch() - pre_epoch,
                signature: None,
            });
            let r = &ret.msg_receipt;
            receipts.push(Receipt {
                exit_code: r.exit_code.value(),
                return_data: b64(r.return_data.bytes()),
                gas_used: r.gas_used,
                events_root: r.events_root.map(|c| CidJson { cid: c.to_string() }),
            });
        }
        if messages.is_empty() {
            bail!("{}: a vector needs at least one step", scenario.id);
        }
        out.push(Vector {
            class: "message".into(),
            meta: Meta { id: scenario.id.clone(), description: scenario.description.clone(), gen: vec![generator()] },
            bundle: BundleRef { manifest: bundle.clone(), test_actors: file.test_actors()? },
            car,
            preconditions: Preconditions { variants: pre_variants, ..Preconditions::of(&node, &pre_root) },
            apply_messages: messages,
            postconditions: Postconditions {
                state_tree: StateTree { root_cid: CidJson { cid: node.state_root().to_string() } },
                receipts,
            },
        });
    }
    Ok(out)
}

/// The file name of a vector: its id with `/` as `--`.
pub fn file_name(id: &str) -> String {
    format!("{}.json", id.replace('/', "--"))
}
