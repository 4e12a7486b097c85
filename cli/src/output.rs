//! Writing state and printing receipts: exit codes by name, fees, decoded returns and events,
//! addresses in one form (`f0…`) with their key-store names beside them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use cid::Cid;
use cloudless_host::abi::{self, MethodAbi};
use cloudless_host::keys::KeyStore;
use cloudless_host::receipt::{self, FailedCall, Fee};
use cloudless_host::Node;
use cloudless_runtime::amount::format_decimal;
use fvm::executor::ApplyRet;
use fvm_shared::address::Address;
use fvm_shared::error::ExitCode;
use fvm_shared::ActorID;
use serde_json::{json, Value};

/// Writes the state CAR through a temporary file, so a failure never leaves a half-written state.
pub fn write_state(node: &Node, path: &Path) -> anyhow::Result<()> {
    let tmp = path.with_extension("car.tmp");
    node.save_car(&tmp)?;
    std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))
}

/// The key store's names for addresses, and the state to resolve names in params.
pub struct Names<'a> {
    keys: &'a KeyStore,
    node: &'a Node,
    by_address: BTreeMap<String, String>,
}

impl<'a> Names<'a> {
    pub fn new(keys: &'a KeyStore, node: &'a Node) -> Self {
        let mut by_address = BTreeMap::new();
        for (name, addr) in &keys.actors {
            by_address.insert(addr.clone(), name.clone());
        }
        for (name, entry) in &keys.keys {
            by_address.entry(entry.address.clone()).or_insert_with(|| name.clone());
        }
        Names { keys, node, by_address }
    }

    /// The name of an address (`f0…` or a key address), if the key store has one.
    pub fn name_of(&self, addr: &str) -> Option<&str> {
        self.by_address.get(addr).map(String::as_str)
    }

    /// `f0100 (admin)` for every string that is a named address, in a copy of `v`.
    pub fn annotate(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => match self.name_of(s) {
                Some(name) => Value::String(format!("{s} ({name})")),
                None => v.clone(),
            },
            Value::Array(items) => Value::Array(items.iter().map(|i| self.annotate(i)).collect()),
            Value::Object(map) => Value::Object(map.iter().map(|(k, i)| (k.clone(), self.annotate(i))).collect()),
            other => other.clone(),
        }
    }

    /// The named addresses that occur in `v` (for `--json`, beside the receipt).
    pub fn used(&self, v: &Value, out: &mut BTreeMap<String, String>) {
        match v {
            Value::String(s) => {
                if let Some(name) = self.name_of(s) {
                    out.insert(s.clone(), name.to_string());
                }
            }
            Value::Array(items) => items.iter().for_each(|i| self.used(i, out)),
            Value::Object(map) => map.values().for_each(|i| self.used(i, out)),
            _ => {}
        }
    }

    /// `f084 (gateway)`.
    pub fn actor(&self, id: ActorID) -> String {
        let addr = format!("f0{id}");
        match self.name_of(&addr) {
            Some(name) => format!("{addr} ({name})"),
            None => addr,
        }
    }
}

impl abi::Names for Names<'_> {
    fn address(&self, name: &str) -> Option<Address> {
        if self.keys.keys.contains_key(name) || self.keys.actors.contains_key(name) {
            self.keys.address_of(name).ok()
        } else {
            None
        }
    }

    fn id(&self, addr: &Address) -> Option<ActorID> {
        self.node.resolve(addr).ok().flatten()
    }
}

/// A message's outcome as the CLI prints it.
pub struct Receipt {
    /// The signed message's CID (`send` only).
    pub message: Option<Cid>,
    pub epoch: i64,
    pub exit_code: ExitCode,
    pub gas_used: u64,
    pub gas_limit: Option<u64>,
    pub fee: Option<Fee>,
    pub ret: Value,
    pub events: Vec<Value>,
    pub failure: Option<(Vec<FailedCall>, Option<String>)>,
    pub state_root: Cid,
    /// Where the new state was written (`send` only; `call` writes nothing).
    pub state: Option<PathBuf>,
    /// Method names of the actors in a failure's call chain, by (actor, method number).
    pub method_names: BTreeMap<(ActorID, u64), &'static str>,
}

impl Receipt {
    pub fn new(node: &Node, method: &MethodAbi, ret: &ApplyRet) -> Self {
        let r = &ret.msg_receipt;
        let decoded = if r.exit_code.is_success() {
            method.decode_return(r.return_data.bytes()).unwrap_or_else(|e| json!({ "undecodable": e.to_string() }))
        } else {
            Value::Null
        };
        let failure = receipt::failure(ret);
        let mut method_names = BTreeMap::new();
        for call in failure.iter().flat_map(|(calls, _)| calls) {
            let code = node.code_name_at(&Address::new_id(call.actor)).unwrap_or_default();
            if let Some(m) = abi::methods(&code).into_iter().find(|m| m.number == call.method) {
                method_names.insert((call.actor, call.method), m.name);
            }
        }
        Receipt {
            message: None,
            epoch: node.epoch(),
            exit_code: r.exit_code,
            gas_used: r.gas_used,
            gas_limit: None,
            fee: None,
            ret: decoded,
            events: ret.events.iter().map(|e| abi::event_json(node, e)).collect(),
            failure,
            state_root: node.state_root(),
            state: None,
            method_names,
        }
    }

    fn call_text(&self, names: &Names, c: &FailedCall) -> String {
        let method = match self.method_names.get(&(c.actor, c.method)) {
            Some(name) => name.to_string(),
            None => format!("method {}", c.method),
        };
        format!("{} {method}: {}: {}", names.actor(c.actor), receipt::exit_code_text(c.code), c.message)
    }

    pub fn print(&self, names: &Names, as_json: bool) -> anyhow::Result<()> {
        let errors: Vec<String> = match &self.failure {
            Some((calls, cause)) => calls
                .iter()
                .map(|c| self.call_text(names, c))
                .chain(cause.iter().map(|c| format!("caused by {c}")))
                .collect(),
            None => Vec::new(),
        };
        if as_json {
            let fee = self.fee.as_ref().map(|f| {
                json!({
                    "total": format_decimal(&f.total()),
                    "base_fee_burn": format_decimal(&f.base_fee_burn),
                    "over_estimation_burn": format_decimal(&f.over_estimation_burn),
                    "miner_tip": format_decimal(&f.miner_tip),
                })
            });
            let mut report = json!({
                "message": self.message.map(|c| c.to_string()),
                "epoch": self.epoch,
                "exit_code": self.exit_code.value(),
                "exit_name": receipt::exit_code_name(self.exit_code),
                "gas_used": self.gas_used,
                "gas_limit": self.gas_limit,
                "fee": fee,
                "return": self.ret,
                "events": self.events,
                "error": if errors.is_empty() { Value::Null } else { json!(errors) },
                "state_root": self.state_root.to_string(),
                "state": self.state.as_ref().map(|p| p.display().to_string()),
            });
            let mut used = BTreeMap::new();
            names.used(&report, &mut used);
            report["names"] = json!(used);
            println!("{}", serde_json::to_string_pretty(&report)?);
            return Ok(());
        }
        if let Some(cid) = &self.message {
            println!("message   {cid}");
        }
        println!("epoch     {}", self.epoch);
        println!("exit code {}", receipt::exit_code_text(self.exit_code));
        match self.gas_limit {
            Some(limit) => println!("gas used  {} (limit {limit})", self.gas_used),
            None => println!("gas used  {}", self.gas_used),
        }
        if let Some(f) = &self.fee {
            println!(
                "fee       {} FLT (base fee burn {}, over-estimation burn {}, tip {})",
                format_decimal(&f.total()),
                format_decimal(&f.base_fee_burn),
                format_decimal(&f.over_estimation_burn),
                format_decimal(&f.miner_tip)
            );
        }
        if !self.ret.is_null() {
            println!("return    {}", names.annotate(&self.ret));
        }
        for e in &self.events {
            let emitter = e["emitter"].as_str().unwrap_or_default();
            let emitter = names.annotate(&json!(emitter));
            println!(
                "event     {} {} {}",
                emitter.as_str().unwrap_or_default(),
                e["type"].as_str().unwrap_or("?"),
                names.annotate(&e["fields"])
            );
        }
        for (i, line) in errors.iter().enumerate() {
            println!("{}{line}", if i == 0 { "error     " } else { "          " });
        }
        match &self.state {
            Some(path) => println!("state     {} -> {}", self.state_root, path.display()),
            None => println!("state     unchanged (read-only call)"),
        }
        Ok(())
    }
}
