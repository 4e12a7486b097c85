//! `cloudless send`: build, sign and apply one message to a state CAR.

use std::path::PathBuf;

use anyhow::{anyhow, Context};
use clap::Args;
use cloudless_host::abi;
use cloudless_host::keys::KeyStore;
use cloudless_host::node::BLOCK_GAS_LIMIT;
use cloudless_host::Node;
use cloudless_runtime::amount::parse_decimal;
use fvm_shared::econ::TokenAmount;
use fvm_shared::message::Message;
use serde_json::{json, Value};

use crate::output;

#[derive(Args)]
pub struct SendArgs {
    /// The state CAR to apply the message to.
    #[arg(long)]
    state: PathBuf,
    /// Sender: a key name from the key store, or an address whose key the store holds.
    #[arg(long)]
    from: String,
    /// Receiver: a name from the key store (account or singleton) or an address.
    #[arg(long)]
    to: String,
    /// Method name (e.g. Report) or number; default 0 (plain transfer).
    #[arg(long, default_value = "Send")]
    method: String,
    /// Params as JSON: a struct is an array of its fields, e.g. '["FLT/USD", "0.52"]'.
    #[arg(long)]
    params: Option<String>,
    /// FLT to send with the message (decimal).
    #[arg(long, default_value = "0")]
    value: String,
    /// Epoch to apply at (default: one after the state's epoch).
    #[arg(long)]
    epoch: Option<i64>,
    #[arg(long, default_value_t = BLOCK_GAS_LIMIT)]
    gas_limit: u64,
    /// FLT per gas the sender pays at most (default: the base fee).
    #[arg(long)]
    fee_cap: Option<String>,
    /// FLT per gas tipped to the block producer.
    #[arg(long, default_value = "0")]
    premium: String,
    /// The key store (default: keys.json next to the state CAR).
    #[arg(long)]
    keys: Option<PathBuf>,
    /// Where to write the new state (default: overwrite --state).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Print the receipt as JSON.
    #[arg(long)]
    json: bool,
}

fn amount(text: &str, what: &str) -> anyhow::Result<TokenAmount> {
    parse_decimal(text).map_err(|e| anyhow!("--{what}: {e}"))
}

pub fn run(args: SendArgs) -> anyhow::Result<()> {
    let mut node = Node::load_car(&args.state)?;
    let keys = KeyStore::load(&crate::keys_path(args.keys.as_deref(), &args.state))?;
    let key = match keys.key(&args.from) {
        Ok(key) => key,
        Err(by_name) => {
            let addr = keys.address_of(&args.from).map_err(|_| by_name)?;
            let addr = node.key_address(&addr)?;
            keys.key_for_address(&addr).ok_or_else(|| anyhow!("the key store has no key for {addr}"))?
        }
    };
    let to = keys.address_of(&args.to)?;
    let method = abi::find_method(&node.code_name_at(&to)?, &args.method)?;
    let params_json: Value = match &args.params {
        Some(text) => serde_json::from_str(text).context("--params is not valid JSON")?,
        None => Value::Null,
    };
    let params = method.encode_params(params_json)?.unwrap_or_default();

    node.set_epoch(args.epoch.unwrap_or(node.epoch() + 1))?;
    let from = key.address();
    let message = Message {
        version: 0,
        from,
        to,
        sequence: node.sequence(&from)?,
        value: amount(&args.value, "value")?,
        method_num: method.number,
        params,
        gas_limit: args.gas_limit,
        gas_fee_cap: match &args.fee_cap {
            Some(text) => amount(text, "fee-cap")?,
            None => node.meta().base_fee.clone(),
        },
        gas_premium: amount(&args.premium, "premium")?,
    };
    let signed = key.sign_message(message);
    let ret = node.apply_signed(&signed)?;
    let out = args.out.clone().unwrap_or(args.state.clone());
    output::write_state(&node, &out)?;

    let receipt = &ret.msg_receipt;
    let decoded = if receipt.exit_code.is_success() {
        method.decode_return(receipt.return_data.bytes()).unwrap_or_else(|e| json!({ "undecodable": e.to_string() }))
    } else {
        Value::Null
    };
    let events: Vec<Value> = ret.events.iter().map(output::event_json).collect();
    let error = ret.failure_info.as_ref().map(|f| f.to_string());
    let report = json!({
        "message": cloudless_host::keys::message_cid(&signed.message).to_string(),
        "epoch": node.epoch(),
        "exit_code": receipt.exit_code.value(),
        "gas_used": receipt.gas_used,
        "return": decoded,
        "events": events,
        "error": error,
        "state_root": node.state_root().to_string(),
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("message   {}", report["message"].as_str().unwrap_or_default());
        println!("epoch     {}", node.epoch());
        println!("exit code {}", receipt.exit_code);
        println!("gas used  {}", receipt.gas_used);
        if !decoded.is_null() {
            println!("return    {decoded}");
        }
        for e in &events {
            println!("event     {} {} {}", e["emitter"].as_str().unwrap_or_default(), e["type"], e["fields"]);
        }
        if let Some(err) = &error {
            println!("error     {}", err.trim_end());
        }
        println!("state     {} -> {}", node.state_root(), out.display());
    }
    if !receipt.exit_code.is_success() {
        // The message was applied (nonce and gas are spent) and the state is written.
        std::process::exit(2);
    }
    Ok(())
}
