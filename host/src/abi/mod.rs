//! What the CLI knows about each actor: method names and numbers, JSON ↔ CBOR for params and
//! returns, and decoded state.
//!
//! Params and returns are the actors' own tuple types, so in JSON a struct is an array of its
//! fields in order (amounts as decimal strings, addresses as `f0…`/`f1…` text). Returns and
//! state are labelled with field names for reading.

use anyhow::{anyhow, bail, Context};
use cid::Cid;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::{ActorID, MethodNum};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::node::Node;
use cloudless_runtime::abi::{Fields, InterfaceVisitor, MethodInfo};
use cloudless_runtime::{ActorCode, Invariants};
use fvm_shared::econ::TokenAmount;
use std::marker::PhantomData;

pub use cloudless_runtime::abi::Shape;

/// Turns positional arrays into objects following `shape`.
pub fn label(value: Value, shape: &Shape) -> Value {
    match (shape, value) {
        (Shape::Tuple(fields), Value::Array(items)) if items.len() == fields.len() => Value::Object(
            fields.iter().zip(items).map(|((name, s), v)| (name.to_string(), label(v, s))).collect::<Map<_, _>>(),
        ),
        (Shape::List(inner), Value::Array(items)) => Value::Array(items.into_iter().map(|v| label(v, inner)).collect()),
        (_, v) => v,
    }
}

type ParamsFn = fn(Value) -> anyhow::Result<Option<RawBytes>>;
type ReturnFn = fn(&[u8]) -> anyhow::Result<Value>;

pub struct MethodAbi {
    pub name: &'static str,
    pub number: MethodNum,
    params: ParamsFn,
    ret: ReturnFn,
    ret_shape: Shape,
}

impl MethodAbi {
    /// Encodes JSON params (`null` when the method takes none).
    pub fn encode_params(&self, params: Value) -> anyhow::Result<Option<RawBytes>> {
        (self.params)(params).with_context(|| format!("params of {}", self.name))
    }

    pub fn decode_return(&self, bytes: &[u8]) -> anyhow::Result<Value> {
        Ok(label((self.ret)(bytes).with_context(|| format!("return of {}", self.name))?, &self.ret_shape))
    }

    /// The method as the CLI sees it: name, number, whether it takes params, and the field
    /// names its return is labelled with (for the test that keeps the CLI's JSON stable).
    pub fn describe(&self) -> Value {
        json!({
            "name": self.name,
            "number": self.number,
            "takes_params": self.encode_params(Value::Null).is_err(),
            "returns": shape_json(&self.ret_shape),
        })
    }
}

/// A shape as JSON: `"_"` for a leaf, `[[name, shape], ...]` for a tuple, `{"list": shape}`.
pub fn shape_json(shape: &Shape) -> Value {
    match shape {
        Shape::Leaf => json!("_"),
        Shape::Tuple(fields) => Value::Array(fields.iter().map(|(n, s)| json!([n, shape_json(s)])).collect()),
        Shape::List(inner) => json!({ "list": shape_json(inner) }),
    }
}

fn params<T: DeserializeOwned + Serialize>(v: Value) -> anyhow::Result<Option<RawBytes>> {
    let typed: T = serde_json::from_value(v)?;
    Ok(Some(RawBytes::serialize(&typed)?))
}

fn no_params(v: Value) -> anyhow::Result<Option<RawBytes>> {
    if !v.is_null() {
        bail!("this method takes no params");
    }
    Ok(None)
}

fn ret<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> anyhow::Result<Value> {
    let typed: T = fvm_ipld_encoding::from_slice(bytes)?;
    Ok(serde_json::to_value(&typed)?)
}

fn no_return(bytes: &[u8]) -> anyhow::Result<Value> {
    if bytes.is_empty() {
        Ok(Value::Null)
    } else {
        Ok(json!({ "raw_hex": hex::encode(bytes) }))
    }
}

fn method(name: &'static str, number: MethodNum, params: ParamsFn, ret: ReturnFn) -> MethodAbi {
    MethodAbi { name, number, params, ret, ret_shape: Shape::Leaf }
}

/// Method 0 (plain FLT transfer) exists on every actor.
fn send() -> MethodAbi {
    method("Send", 0, no_params, no_return)
}

/// Collects an actor's declared interface (its `actor!` declaration) as CLI methods.
struct Collect(Vec<MethodAbi>);

impl InterfaceVisitor for Collect {
    fn method<P, R>(&mut self, m: MethodInfo)
    where
        P: Serialize + DeserializeOwned + Fields + 'static,
        R: Serialize + DeserializeOwned + Fields + 'static,
    {
        self.0.push(MethodAbi {
            name: m.name,
            number: m.number,
            params: if m.takes_params { params::<P> } else { no_params },
            ret: if m.returns { ret::<R> } else { no_return },
            ret_shape: if m.returns { R::shape() } else { Shape::Leaf },
        });
    }
}

/// What the host's tools (CLI, test harness, conformance runner) know of a product actor, all
/// from the actor's own declarations: its methods, its state view and its invariant check.
pub trait HostActor {
    /// The bundle name.
    fn name(&self) -> &'static str;
    fn methods(&self) -> Vec<MethodAbi>;
    /// The state as `cloudless state` prints it.
    fn state_json(&self, node: &Node, id: ActorID) -> anyhow::Result<Value>;
    fn check_state_invariants(&self, node: &Node, id: ActorID, balance: &TokenAmount) -> anyhow::Result<Vec<String>>;
}

struct Product<A>(PhantomData<fn() -> A>);

impl<A: ActorCode> HostActor for Product<A> {
    fn name(&self) -> &'static str {
        A::NAME
    }

    fn methods(&self) -> Vec<MethodAbi> {
        let mut collect = Collect(vec![send()]);
        A::interface(&mut collect);
        collect.0
    }

    fn state_json(&self, node: &Node, id: ActorID) -> anyhow::Result<Value> {
        let st: A::State = node.actor_state(id)?;
        let view = A::view(&st, node.store()).map_err(|e| anyhow!("{}: {}", A::NAME, e.msg()))?;
        Ok(label(serde_json::to_value(&view)?, &A::View::shape()))
    }

    fn check_state_invariants(&self, node: &Node, id: ActorID, balance: &TokenAmount) -> anyhow::Result<Vec<String>> {
        let st: A::State = node.actor_state(id)?;
        Ok(st.check_state_invariants(node.store(), balance))
    }
}

/// The host's view of product actor `A`.
pub fn host_actor<A: ActorCode + 'static>() -> &'static dyn HostActor {
    Box::leak(Box::new(Product::<A>(PhantomData)))
}

/// The product actor whose bundle name is `code_name`, if any.
pub fn product(code_name: &str) -> Option<&'static dyn HostActor> {
    crate::genesis::product_actors().into_iter().find(|a| a.name() == code_name)
}

fn account_methods() -> Vec<MethodAbi> {
    use cloudless_actor_account::*;
    vec![
        send(),
        method("PubkeyAddress", METHOD_PUBKEY_ADDRESS, no_params, ret::<AddressText>),
        method("AuthenticateMessage", METHOD_AUTHENTICATE_MESSAGE, authenticate_params, ret::<bool>),
    ]
}

/// `AuthenticateMessage` in JSON: `[signature hex, message hex]`.
fn authenticate_params(v: Value) -> anyhow::Result<Option<RawBytes>> {
    let (signature, message): (String, String) = serde_json::from_value(v)?;
    let p = cloudless_actor_account::AuthenticateMessageParams {
        signature: hex::decode(signature).context("signature is not hex")?,
        message: hex::decode(message).context("message is not hex")?,
    };
    Ok(Some(RawBytes::serialize(p)?))
}

/// `Exec` in JSON: `[code CID, constructor params hex]`.
fn exec_params(v: Value) -> anyhow::Result<Option<RawBytes>> {
    let (code, params): (String, String) = serde_json::from_value(v)?;
    let p = cloudless_actor_init::ExecParams {
        code_cid: code.parse().with_context(|| format!("{code:?} is not a CID"))?,
        constructor_params: hex::decode(params).context("constructor params are not hex")?.into(),
    };
    Ok(Some(RawBytes::serialize(p)?))
}

fn exec_return(bytes: &[u8]) -> anyhow::Result<Value> {
    let r: cloudless_actor_init::ExecReturn = fvm_ipld_encoding::from_slice(bytes)?;
    Ok(json!({ "id_address": r.id_address.to_string(), "robust_address": r.robust_address.to_string() }))
}

fn init_methods() -> Vec<MethodAbi> {
    vec![send(), method("Exec", cloudless_actor_init::METHOD_EXEC, exec_params, exec_return)]
}

/// An address decoded from CBOR, shown as text.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
struct AddressText(#[serde(with = "cloudless_runtime::address")] fvm_shared::address::Address);

/// The methods of the actor whose manifest name is `code_name`.
pub fn methods(code_name: &str) -> Vec<MethodAbi> {
    if let Some(actor) = product(code_name) {
        return actor.methods();
    }
    match code_name {
        "account" => account_methods(),
        "init" => init_methods(),
        _ => vec![send()],
    }
}

/// Finds a method by name or number.
pub fn find_method(code_name: &str, method: &str) -> anyhow::Result<MethodAbi> {
    let all = methods(code_name);
    let number: Option<MethodNum> = method.parse().ok();
    let known: Vec<_> = all.iter().map(|m| m.name).collect();
    all.into_iter()
        .find(|m| m.name == method || Some(m.number) == number)
        .ok_or_else(|| anyhow!("the {code_name} actor has no method {method:?} (known: {})", known.join(", ")))
}

fn cid_text(c: &Cid) -> Value {
    Value::String(c.to_string())
}

/// An actor's decoded state as JSON, with its code name, balance and nonce.
pub fn actor_json(node: &Node, id: ActorID) -> anyhow::Result<Value> {
    let actor = node.actor(id)?.ok_or_else(|| anyhow!("no actor f0{id}"))?;
    let code = node.code_name(&actor.code)?.unwrap_or_else(|| actor.code.to_string());
    let state = match code.as_str() {
        "system" => {
            let st: cloudless_actor_system::State = node.actor_state(id)?;
            json!({ "manifest_data": cid_text(&st.builtin_actors), "manifest": node.manifest()? .iter().map(|(n, c)| json!([n, c.to_string()])).collect::<Vec<_>>() })
        }
        "init" => {
            let st: cloudless_actor_init::State = node.actor_state(id)?;
            json!({ "network_name": st.network_name, "next_id": st.next_id, "address_map": cid_text(&st.address_map) })
        }
        "account" => {
            let st: cloudless_actor_account::State = node.actor_state(id)?;
            json!({ "address": st.address.to_string() })
        }
        name => match product(name) {
            Some(actor) => actor.state_json(node, id)?,
            None => json!({ "head": cid_text(&actor.state) }),
        },
    };
    Ok(json!({
        "id": format!("f0{id}"),
        "code": code,
        "balance": cloudless_runtime::amount::format_decimal(&actor.balance),
        "sequence": actor.sequence,
        "state": state,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_nested_tuples() {
        let v = json!(["FLT/USD", [2, 3600, 0, 0], [101], [[101, "0.5", 7]], []]);
        let l = label(v, &<cloudless_actor_oracle::Asset as Fields>::shape());
        assert_eq!(l["config"]["quorum"], 2);
        assert_eq!(l["reports"][0]["price"], "0.5");
    }

    #[test]
    fn finds_methods_by_name_or_number_and_encodes_params() {
        let m = find_method("oracle", "Report").unwrap();
        assert_eq!(find_method("oracle", &m.number.to_string()).unwrap().name, "Report");
        assert!(m.encode_params(json!(["FLT/USD", "0.52"])).unwrap().is_some());
        assert!(m.encode_params(json!(["FLT/USD", 0.52])).is_err());
        let err = find_method("oracle", "Steal").err().unwrap().to_string();
        assert!(err.contains("GetPrice"), "{err}");
        assert!(find_method("oracle", "GetAdmin").unwrap().encode_params(json!([1])).is_err());
    }

    fn every_method_listed(actor: &str, table: &[(&str, u64)]) {
        for (name, number) in table {
            assert_eq!(find_method(actor, name).unwrap().number, *number, "{actor}.{name}");
        }
        assert_eq!(methods(actor).len(), table.len() + 1, "{actor}: every method and Send");
    }

    #[test]
    fn rewards_params_in_json_and_every_method_listed() {
        every_method_listed("rewards", cloudless_actor_rewards::METHODS);
        let m = find_method("rewards", "SetPoolConfig").unwrap();
        assert!(m.encode_params(json!(["100", "1000", "0.25"])).unwrap().is_some());
        assert!(m.encode_params(json!(["100", "1000"])).is_err());
    }

    #[test]
    fn gateway_params_in_json_and_every_method_listed() {
        every_method_listed("gateway", cloudless_actor_gateway::METHODS);
        let m = find_method("gateway", "Withdraw").unwrap();
        assert!(m
            .encode_params(json!(["f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za", "1.5", ["0.01", 100]]))
            .unwrap()
            .is_some());
        assert!(m.encode_params(json!(["f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za", "1.5", null])).unwrap().is_some());
        assert!(m.encode_params(json!(["f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za", 1.5, null])).is_err());
        let t = find_method("gateway", "Transfer").unwrap();
        assert!(t.encode_params(json!(["f0100", "2", ""])).unwrap().is_some());
    }

    #[test]
    fn capacity_params_in_json_and_every_method_listed() {
        every_method_listed("capacity", cloudless_actor_capacity::METHODS);
        let unit = "01".repeat(32);
        let m = find_method("capacity", "RegisterPeer").unwrap();
        assert!(m.encode_params(json!(["0a0b", "f0100", [unit]])).unwrap().is_some());
        assert!(m.encode_params(json!(["0a0b", "f0100", ["abcd"]])).is_err(), "unit ids are 32 bytes");
    }
}
