//! Turns scenarios into vectors by running them in the host with the current bundle.

use anyhow::{anyhow, bail, Context};
use cloudless_host::abi;
use cloudless_host::genesis;
use cloudless_host::node::BLOCK_GAS_LIMIT;
use cloudless_host::testing::{check_invariants, Snapshot};
use cloudless_runtime::amount::parse_decimal;
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
        gas_limit: BLOCK_GAS_LIMIT,
        gas_fee_cap: node.meta().base_fee.clone(),
        gas_premium: Default::default(),
    })
}

/// Resolves placeholders in params: `"@code:NAME"` → the code CID of a bundle actor,
/// `"@sign:NAME:HEX"` → NAME's signature of the bytes HEX (hex), `"@null"` → null (an absent
/// option; TOML has no null), `"@NAME"` → NAME's address.
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
        Value::String(s) if s == "@null" => Value::Null,
        Value::String(s) if s.starts_with('@') => Value::String(keys.address_of(&s[1..])?.to_string()),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| resolve(v, node, keys)).collect::<anyhow::Result<_>>()?)
        }
        other => other,
    })
}

/// Generates every vector of a scenario file.
pub fn generate(file: &ScenarioFile, bundle_car: &[u8]) -> anyhow::Result<Vec<Vector>> {
    let bundle = cloudless_bundle::inspect(bundle_car)?.root.to_string();
    let mut out = Vec::new();
    for scenario in &file.vectors {
        let g = genesis::build(&file.genesis, bundle_car).with_context(|| format!("{}: genesis", scenario.id))?;
        let (mut node, keys) = (g.node, g.keys);
        let total = Snapshot::take(&node)?.total_balance();
        let pre_epoch = node.epoch();
        let pre_root = node.state_root();
        let car = gzip_b64(&node.state_car_without_code()?)?;
        let (mut messages, mut receipts) = (Vec::new(), Vec::new());
        for (i, step) in scenario.steps.iter().enumerate() {
            let context = || format!("{} step {i}", scenario.id);
            let msg = message(&node, &keys, step).with_context(context)?;
            node.set_epoch(node.epoch() + step.advance).with_context(context)?;
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
            bundle: BundleRef { manifest: bundle.clone() },
            car,
            preconditions: Preconditions {
                variants: vec![Variant { id: "cloudless".into(), epoch: pre_epoch, nv: node.meta().network_version }],
                basefee: node.meta().base_fee.atto().to_string(),
                state_tree: StateTree { root_cid: CidJson { cid: pre_root.to_string() } },
            },
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
