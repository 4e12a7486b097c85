//! `cloudless send` (sign and apply one message to a state CAR) and `cloudless call` (run a
//! method read-only: nothing is signed, paid or written).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use clap::Args;
use cloudless_host::abi::{self, MethodAbi};
use cloudless_host::keys::{Key, KeyStore};
use cloudless_host::node::BLOCK_GAS_LIMIT;
use cloudless_host::receipt::{applied, check_funds, estimate_gas_limit, Fee};
use cloudless_host::Node;
use cloudless_runtime::amount::parse_decimal;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::message::Message;
use serde_json::Value;

use crate::output::{self, Names, Receipt};
use crate::RandomxArgs;

/// What a message is: the parts `send` and `call` share.
#[derive(Args)]
pub struct MessageArgs {
    /// The state CAR.
    #[arg(long)]
    state: PathBuf,
    /// Receiver: a name from the key store (account or singleton) or an address.
    #[arg(long)]
    to: String,
    /// Method name (e.g. Report; any case) or number; default Send (method 0, a plain transfer).
    /// A number the actor declares no method for is sent as that number, its --params the hex
    /// of their CBOR bytes (e.g. '"0x8201"').
    #[arg(long, default_value = "Send")]
    method: String,
    /// Params as JSON: a struct is an array of its fields in order, e.g. '["FLT/USD", "0.52"]', or
    /// an object by field name; names from the key store may stand for addresses. @FILE reads
    /// the JSON from a file.
    #[arg(long)]
    params: Option<String>,
    /// FLT to send with the message (decimal, 0 or more).
    #[arg(long, default_value = "0", allow_hyphen_values = true)]
    value: String,
    /// Epoch to apply the message at (default: one after the state's epoch; never earlier).
    #[arg(long)]
    epoch: Option<i64>,
    /// The key store (default: keys.json next to the state CAR).
    #[arg(long)]
    keys: Option<PathBuf>,
    /// Print the receipt as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    randomx: RandomxArgs,
}

#[derive(Args)]
pub struct SendArgs {
    /// Sender: a key name from the key store, or an address whose key the store holds.
    #[arg(long)]
    from: String,
    #[command(flatten)]
    message: MessageArgs,
    /// Gas limit (default: estimated by applying the message to a copy of the state, plus 10%).
    #[arg(long)]
    gas_limit: Option<u64>,
    /// FLT per gas the sender pays at most (default: the base fee).
    #[arg(long, allow_hyphen_values = true)]
    fee_cap: Option<String>,
    /// FLT per gas tipped to the block producer.
    #[arg(long, default_value = "0", allow_hyphen_values = true)]
    premium: String,
    /// Where to write the new state (default: overwrite --state).
    #[arg(short, long)]
    out: Option<PathBuf>,
}

/// `call` shares `send`'s message options; these say what they mean for a read-only call.
#[derive(Args)]
#[command(
    mut_arg("epoch", |a| a.help("Epoch to run the call at (default: the state's; a later one is not written)")),
    mut_arg("json", |a| a.help("Print the return and events as JSON")),
    mut_arg("method", |a| a.help("Method name (e.g. GetPrice; any case) or number (one the actor does not declare is called as it is, --params the hex of their CBOR bytes)").required(true).default_value(None::<&str>)),
    mut_arg("value", |a| a.help("FLT the call pretends to send (decimal, 0 or more; nothing is paid)"))
)]
pub struct CallArgs {
    /// Caller: a name from the key store or an address; the default, f099, has no privileges
    /// anywhere.
    #[arg(long, default_value = "f099")]
    from: String,
    #[command(flatten)]
    message: MessageArgs,
}

/// An amount option: a decimal of 0 or more (refused before anything is loaded or signed).
fn amount(text: &str, what: &str) -> anyhow::Result<TokenAmount> {
    let amount = parse_decimal(text).map_err(|e| anyhow!("--{what}: {e}"))?;
    if amount.is_negative() {
        bail!("--{what} {text}: an amount is 0 or more (e.g. --{what} 5)");
    }
    Ok(amount)
}

/// The state, the key store and the names, loaded for a message.
struct Loaded {
    node: Node,
    keys: KeyStore,
}

/// The key store: the one named (which must exist) or the one beside the state (which may
/// not, when every actor is named by address).
pub fn load_keys(explicit: Option<&Path>, state: &Path) -> anyhow::Result<KeyStore> {
    match explicit {
        Some(path) => KeyStore::load(path),
        None => {
            let path = crate::keys_path(None, state);
            if path.exists() {
                KeyStore::load(&path)
            } else {
                Ok(KeyStore::default())
            }
        }
    }
}

impl Loaded {
    fn load(args: &MessageArgs) -> anyhow::Result<Self> {
        args.randomx.configure();
        let node = Node::load_car(&args.state)?;
        let keys = load_keys(args.keys.as_deref(), &args.state)?;
        Ok(Loaded { node, keys })
    }

    fn names(&self) -> Names<'_> {
        Names::new(&self.keys, &self.node)
    }

    /// The receiver, the method and its encoded params.
    fn prepare(&self, args: &MessageArgs) -> anyhow::Result<(Address, MethodAbi, fvm_ipld_encoding::RawBytes)> {
        let to = self.keys.address_of(&args.to)?;
        let method = abi::find_method_or_number(&self.node.code_name_at(&to)?, &args.method)?;
        let params_json: Value = match args.params.as_deref() {
            Some(file) if file.starts_with('@') => {
                let path = &file[1..];
                let text = std::fs::read_to_string(path).with_context(|| format!("reading --params file {path}"))?;
                serde_json::from_str(&text).with_context(|| format!("--params file {path} is not valid JSON"))?
            }
            Some(text) => serde_json::from_str(text).context("--params is not valid JSON")?,
            None => Value::Null,
        };
        let params = method.encode_params_with(params_json, &self.names())?.unwrap_or_default();
        Ok((to, method, params))
    }
}

fn signing_key(keys: &KeyStore, node: &Node, from: &str) -> anyhow::Result<Key> {
    match keys.key(from) {
        Ok(key) => Ok(key),
        Err(by_name) => {
            let addr = keys.address_of(from).map_err(|_| by_name)?;
            let addr = node.key_address(&addr)?;
            keys.key_for_address(&addr).ok_or_else(|| anyhow!("the key store has no key for {addr}"))
        }
    }
}

/// Refuses a message the FVM would not apply (bad nonce, a balance below the gas it may burn,
/// inclusion gas over the limit): nothing is written and the CLI exits 1.
pub fn send(args: SendArgs) -> anyhow::Result<()> {
    let value = amount(&args.message.value, "value")?;
    let premium = amount(&args.premium, "premium")?;
    let fee_cap = args.fee_cap.as_deref().map(|text| amount(text, "fee-cap")).transpose()?;
    let mut cx = Loaded::load(&args.message)?;
    let (to, method, params) = cx.prepare(&args.message)?;
    let key = signing_key(&cx.keys, &cx.node, &args.from)?;
    let epoch = args.message.epoch.unwrap_or(cx.node.epoch() + 1);
    cx.node.set_epoch(epoch)?;
    let from = key.address();
    let mut message = Message {
        version: 0,
        from,
        to,
        sequence: cx.node.sequence(&from)?,
        value,
        method_num: method.number,
        params,
        gas_limit: 0,
        gas_fee_cap: fee_cap.unwrap_or_else(|| cx.node.meta().base_fee.clone()),
        gas_premium: premium,
    };
    message.gas_limit = match args.gas_limit {
        Some(limit) => limit,
        None => estimate_gas_limit(&cx.node, &key, &message)?,
    };
    check_funds(&cx.node, &message)?;
    let signed = key.sign_message(message);
    let ret = applied(cx.node.apply_signed(&signed)?)?;
    let out = args.out.clone().unwrap_or(args.message.state.clone());
    output::write_state(&cx.node, &out)?;

    let receipt = Receipt {
        message: Some(cloudless_host::keys::message_cid(&signed.message)),
        gas_limit: Some(signed.message.gas_limit),
        fee: Some(Fee::of(&ret)),
        state: Some(out),
        ..Receipt::new(&cx.node, &method, &ret)
    };
    receipt.print(&cx.names(), args.message.json)?;
    if !ret.msg_receipt.exit_code.is_success() {
        // The message was applied (nonce and gas are spent) and the state is written.
        std::process::exit(2);
    }
    Ok(())
}

pub fn call(args: CallArgs) -> anyhow::Result<()> {
    let value = amount(&args.message.value, "value")?;
    let mut cx = Loaded::load(&args.message)?;
    let (to, method, params) = cx.prepare(&args.message)?;
    if let Some(epoch) = args.message.epoch {
        cx.node.set_epoch(epoch)?;
    }
    let from = cx.keys.address_of(&args.from)?;
    let message = Message {
        version: 0,
        from,
        to,
        sequence: 0,
        value,
        method_num: method.number,
        params,
        gas_limit: BLOCK_GAS_LIMIT,
        gas_fee_cap: TokenAmount::default(),
        gas_premium: TokenAmount::default(),
    };
    let ret = applied(cx.node.call(message)?)?;
    Receipt::new(&cx.node, &method, &ret).print(&cx.names(), args.message.json)?;
    if !ret.msg_receipt.exit_code.is_success() {
        std::process::exit(2);
    }
    Ok(())
}
