//! What the CLI knows about each actor: method names and numbers, JSON ↔ CBOR for params and
//! returns, and decoded state.
//!
//! Params and returns are the actors' own tuple types, so in JSON a struct is an array of its
//! fields in order (amounts as decimal strings, addresses as `f0…`/`f1…` text). Returns and
//! state are labelled with field names for reading.

use std::str::FromStr;

use anyhow::{anyhow, bail, Context};
use cid::Cid;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::event::{ActorEvent, StampedEvent};
use fvm_shared::{ActorID, MethodNum};
use ipld_core::ipld::Ipld;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::node::Node;
use cloudless_actors::Kind;
use cloudless_runtime::abi::{Fields, InterfaceVisitor, MethodInfo};
use cloudless_runtime::events::Event;
use cloudless_runtime::{ActorCode, Invariants};
use fvm_shared::econ::TokenAmount;
use std::marker::PhantomData;

pub use cloudless_runtime::abi::Shape;

/// Turns positional arrays into objects following `shape`, and shows actor IDs as `f0…`
/// addresses, CIDs as text and enum values by name.
pub fn label(value: Value, shape: &Shape) -> Value {
    match (shape, value) {
        (Shape::Tuple(fields), Value::Array(items)) if items.len() == fields.len() => Value::Object(
            fields.iter().zip(items).map(|((name, s), v)| (name.to_string(), label(v, s))).collect::<Map<_, _>>(),
        ),
        // Events arrive as objects already.
        (Shape::Tuple(fields), Value::Object(mut map)) => {
            let mut out: Map<String, Value> = fields
                .iter()
                .filter_map(|(name, s)| map.remove(*name).map(|v| (name.to_string(), label(v, s))))
                .collect();
            out.extend(map);
            Value::Object(out)
        }
        (Shape::List(inner), Value::Array(items)) => Value::Array(items.into_iter().map(|v| label(v, inner)).collect()),
        (Shape::Actor, Value::Number(n)) if n.is_u64() => Value::String(format!("f0{n}")),
        (Shape::Cid, Value::Array(items)) => {
            let bytes: Option<Vec<u8>> = items.iter().map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok())).collect();
            match bytes.and_then(|b| Cid::try_from(b.as_slice()).ok()) {
                Some(c) => Value::String(c.to_string()),
                None => Value::Array(items),
            }
        }
        (Shape::Enum(values), Value::Number(n)) => match values.iter().find(|(v, _)| Some(*v) == n.as_i64()) {
            Some((_, name)) => Value::String(name.to_string()),
            None => Value::Number(n),
        },
        (_, v) => v,
    }
}

/// What params may name instead of addresses: key-store names, and the state that maps
/// addresses to actor IDs.
pub trait Names {
    /// The address a name stands for, if it is a name.
    fn address(&self, name: &str) -> Option<Address>;
    /// The actor ID of an address, if the actor exists.
    fn id(&self, addr: &Address) -> Option<ActorID>;
}

/// Addresses only: no names, and only ID addresses have IDs.
pub struct NoNames;

impl Names for NoNames {
    fn address(&self, _: &str) -> Option<Address> {
        None
    }
    fn id(&self, addr: &Address) -> Option<ActorID> {
        addr.id().ok()
    }
}

fn field_list(fields: &[(&'static str, Shape)]) -> String {
    fields.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

fn at(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// Brings JSON params into the form the actor's types decode, following `shape`: a struct may
/// be an array of its fields in order or an object of them by name (checked against the field
/// list, so a wrong count says which fields are expected), an actor or address may be a
/// key-store name, an actor an `f0…`/`f1…` address, a CID its text or `{"/": text}`, an enum
/// value its name.
pub fn normalize(value: Value, shape: &Shape, names: &dyn Names, path: &str) -> anyhow::Result<Value> {
    let here = if path.is_empty() { "params".to_string() } else { path.to_string() };
    Ok(match (shape, value) {
        // An optional value of any shape.
        (_, Value::Null) => Value::Null,
        (Shape::Tuple(fields), Value::Array(items)) => {
            if items.len() != fields.len() {
                bail!("{here}: expected {} fields [{}], got {}", fields.len(), field_list(fields), items.len());
            }
            Value::Array(
                fields
                    .iter()
                    .zip(items)
                    .map(|((name, s), v)| normalize(v, s, names, &at(path, name)))
                    .collect::<anyhow::Result<_>>()?,
            )
        }
        (Shape::Tuple(fields), Value::Object(mut map)) => {
            let mut out = Vec::with_capacity(fields.len());
            for (name, s) in fields {
                let v = map
                    .remove(*name)
                    .ok_or_else(|| anyhow!("{here}: missing field {name:?} (fields: [{}])", field_list(fields)))?;
                out.push(normalize(v, s, names, &at(path, name))?);
            }
            if let Some(extra) = map.keys().next() {
                bail!("{here}: unknown field {extra:?} (fields: [{}])", field_list(fields));
            }
            Value::Array(out)
        }
        (Shape::Tuple(fields), other) => {
            bail!("{here}: expected [{}] (an array, or an object by field name), got {other}", field_list(fields))
        }
        (Shape::List(inner), Value::Array(items)) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| normalize(v, inner, names, &format!("{here}[{i}]")))
                .collect::<anyhow::Result<_>>()?,
        ),
        (Shape::List(_), other) => bail!("{here}: expected a list, got {other}"),
        (Shape::Actor, Value::String(text)) => {
            let addr = names
                .address(&text)
                .or_else(|| Address::from_str(&text).ok())
                .ok_or_else(|| anyhow!("{here}: {text:?} is neither a name in the key store nor an address"))?;
            let id = names.id(&addr).ok_or_else(|| anyhow!("{here}: {text} ({addr}) is not an actor in this state"))?;
            json!(id)
        }
        (Shape::Address, Value::String(text)) => match names.address(&text) {
            Some(addr) => Value::String(addr.to_string()),
            None if Address::from_str(&text).is_ok() => Value::String(text),
            None => bail!("{here}: {text:?} is neither a name in the key store nor an address"),
        },
        (Shape::Cid, Value::String(text)) => cid_bytes(&text, &here)?,
        (Shape::Cid, Value::Object(map)) if map.len() == 1 && map.get("/").is_some_and(Value::is_string) => {
            cid_bytes(map["/"].as_str().unwrap_or_default(), &here)?
        }
        (Shape::Enum(values), Value::String(text)) => {
            let found = values.iter().find(|(_, name)| name.eq_ignore_ascii_case(&text));
            let (v, _) = found.ok_or_else(|| {
                let known: Vec<_> = values.iter().map(|(_, n)| *n).collect();
                anyhow!("{here}: {text:?} is not one of {}", known.join(", "))
            })?;
            json!(v)
        }
        (_, v) => v,
    })
}

fn cid_bytes(text: &str, here: &str) -> anyhow::Result<Value> {
    let c = Cid::from_str(text).map_err(|e| anyhow!("{here}: {text:?} is not a CID: {e}"))?;
    Ok(json!(c.to_bytes()))
}

type ParamsFn = fn(Value) -> anyhow::Result<Option<RawBytes>>;
type ReturnFn = fn(&[u8]) -> anyhow::Result<Value>;

pub struct MethodAbi {
    pub name: &'static str,
    pub number: MethodNum,
    params: ParamsFn,
    params_shape: Option<Shape>,
    ret: ReturnFn,
    ret_shape: Shape,
    /// Takes FLT sent with the message (other product methods refuse it).
    pub payable: bool,
}

impl MethodAbi {
    /// Encodes JSON params (`null` when the method takes none) that name only addresses.
    pub fn encode_params(&self, params: Value) -> anyhow::Result<Option<RawBytes>> {
        self.encode_params_with(params, &NoNames)
    }

    /// Encodes JSON params, resolving names (see [`normalize`]). A method whose params are one
    /// value (not a struct) also takes that value alone in an array.
    pub fn encode_params_with(&self, params: Value, names: &dyn Names) -> anyhow::Result<Option<RawBytes>> {
        let params = match &self.params_shape {
            Some(shape) => {
                let params = match (shape, params) {
                    (Shape::Tuple(_) | Shape::List(_), v) => v,
                    (_, Value::Array(mut items)) if items.len() == 1 => items.remove(0),
                    (_, v) => v,
                };
                normalize(params, shape, names, "").with_context(|| format!("params of {}", self.name))?
            }
            None => params,
        };
        (self.params)(params).map_err(|e| anyhow!("params of {}: {}", self.name, plain_serde_error(&e.to_string())))
    }

    pub fn decode_return(&self, bytes: &[u8]) -> anyhow::Result<Value> {
        Ok(label((self.ret)(bytes).with_context(|| format!("return of {}", self.name))?, &self.ret_shape))
    }

    /// The method as the CLI sees it: name, number, the fields its params take (`null`: none)
    /// and the field names its return is labelled with (for the test that keeps the CLI's JSON stable).
    pub fn describe(&self) -> Value {
        json!({
            "name": self.name,
            "number": self.number,
            "params": match &self.params_shape {
                Some(shape) => shape_json(shape),
                None if (self.params)(Value::Null).is_err() => json!("_"),
                None => Value::Null,
            },
            "returns": shape_json(&self.ret_shape),
            "payable": self.payable,
        })
    }
}

/// serde's messages name the private types of tuple encodings (`tuple struct Inner`); what
/// they expect is the field list, which [`normalize`] already checked.
fn plain_serde_error(text: &str) -> String {
    text.replace("tuple struct Inner", "a list of fields").replace("struct Inner", "a list of fields")
}

/// A shape as JSON: `"_"` for a leaf, `"actor"`, `"address"`, `"cid"`, `{"enum": [names]}`,
/// `[[name, shape], ...]` for a tuple, `{"list": shape}`.
pub fn shape_json(shape: &Shape) -> Value {
    match shape {
        Shape::Leaf => json!("_"),
        Shape::Actor => json!("actor"),
        Shape::Address => json!("address"),
        Shape::Cid => json!("cid"),
        Shape::Enum(values) => json!({ "enum": values.iter().map(|(_, n)| *n).collect::<Vec<_>>() }),
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

/// Method 0 (plain FLT transfer) exists on every actor.
fn send() -> MethodAbi {
    MethodAbi {
        name: "Send",
        number: 0,
        params: no_params,
        params_shape: None,
        ret: no_return,
        ret_shape: Shape::Leaf,
        payable: true,
    }
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
            params_shape: m.takes_params.then(P::shape),
            ret: if m.returns { ret::<R> } else { no_return },
            ret_shape: if m.returns { R::shape() } else { Shape::Leaf },
            payable: m.payable,
        });
    }
}

/// What the host's tools (CLI, test harness, conformance runner) know of an actor of the bundle
/// (core, product or test), all from its own `actor!` declaration: its methods, its state view
/// and its invariant check.
pub trait HostActor {
    /// The bundle name.
    fn name(&self) -> &'static str;
    /// Core, product or test actor.
    fn kind(&self) -> Kind;
    fn methods(&self) -> Vec<MethodAbi>;
    /// The state as `cloudless state` prints it.
    fn state_json(&self, node: &Node, id: ActorID) -> anyhow::Result<Value>;
    fn check_state_invariants(&self, node: &Node, id: ActorID, balance: &TokenAmount) -> anyhow::Result<Vec<String>>;
    /// The events it declares: type and fields.
    fn events(&self) -> Vec<EventAbi>;
    /// An event of type `event_type` decoded with the actor's declaration of it, if declared
    /// (`{"undecodable": why}` when the entries do not match the declaration).
    fn decode_event(&self, event_type: &str, event: &ActorEvent) -> Option<Value> {
        let abi = self.events().into_iter().find(|e| e.event_type == event_type)?;
        Some((abi.decode)(event).unwrap_or_else(|e| json!({ "undecodable": e.to_string() })))
    }
}

/// One declared event type.
pub struct EventAbi {
    pub event_type: &'static str,
    pub shape: Shape,
    decode: fn(&ActorEvent) -> anyhow::Result<Value>,
}

impl EventAbi {
    pub fn describe(&self) -> Value {
        json!({ "type": self.event_type, "fields": shape_json(&self.shape) })
    }
}

fn decode_event<E: Event>(event: &ActorEvent) -> anyhow::Result<Value> {
    let e: E = cloudless_runtime::events::decode(event).map_err(|e| anyhow!(e))?;
    Ok(label(serde_json::to_value(&e)?, &E::shape()))
}

/// Collects an actor's declared events.
struct CollectEvents(Vec<EventAbi>);

impl InterfaceVisitor for CollectEvents {
    fn method<P, R>(&mut self, _: MethodInfo) {}

    fn event<E: Event + 'static>(&mut self) {
        for t in E::TYPES {
            self.0.push(EventAbi { event_type: t, shape: E::shape(), decode: decode_event::<E> });
        }
    }
}

struct Product<A>(PhantomData<fn() -> A>, Kind);

impl<A: ActorCode + 'static> HostActor for Product<A>
where
    A::State: 'static,
{
    fn name(&self) -> &'static str {
        A::NAME
    }

    fn kind(&self) -> Kind {
        self.1
    }

    fn methods(&self) -> Vec<MethodAbi> {
        let mut collect = Collect(vec![send()]);
        A::interface(&mut collect);
        collect.0
    }

    fn state_json(&self, node: &Node, id: ActorID) -> anyhow::Result<Value> {
        if stateless::<A>() {
            let actor = node.actor(id)?.ok_or_else(|| anyhow!("no actor f0{id}"))?;
            return Ok(json!({ "head": cid_text(&actor.state) }));
        }
        let st: A::State = node.actor_state(id)?;
        let view = A::view(&st, node.store()).map_err(|e| anyhow!("{}: {}", A::NAME, e.msg()))?;
        Ok(label(serde_json::to_value(&view)?, &A::View::shape()))
    }

    fn check_state_invariants(&self, node: &Node, id: ActorID, balance: &TokenAmount) -> anyhow::Result<Vec<String>> {
        if stateless::<A>() {
            return Ok(Vec::new());
        }
        let st: A::State = node.actor_state(id)?;
        Ok(st.check_state_invariants(node.store(), balance))
    }

    fn events(&self) -> Vec<EventAbi> {
        let mut collect = CollectEvents(Vec::new());
        A::interface(&mut collect);
        collect.0
    }
}

/// A stateless actor (`state: ()`) keeps nothing the host decodes; the official core's actor
/// of the same name may keep state of its own, which is not ours to read.
fn stateless<A: ActorCode>() -> bool
where
    A::State: 'static,
{
    std::any::TypeId::of::<A::State>() == std::any::TypeId::of::<()>()
}

/// Every actor the host knows, core and test actors included, in the list's order
/// (actors/registry/src/list.rs).
pub fn actors() -> Vec<&'static dyn HostActor> {
    struct Collect(Vec<&'static dyn HostActor>);
    impl cloudless_actors::Visitor for Collect {
        fn actor<A: ActorCode + 'static>(&mut self, kind: Kind)
        where
            A::State: 'static,
        {
            self.0.push(Box::leak(Box::new(Product::<A>(PhantomData, kind))));
        }
    }
    let mut all = Collect(Vec::new());
    cloudless_actors::visit(&mut all);
    all.0
}

/// The actor whose bundle name is `code_name`, if any.
pub fn actor(code_name: &str) -> Option<&'static dyn HostActor> {
    actors().into_iter().find(|a| a.name() == code_name)
}

/// The methods of the actor whose manifest name is `code_name` (only `Send` for a code no
/// Cloudless actor declares, e.g. an official core actor's own).
pub fn methods(code_name: &str) -> Vec<MethodAbi> {
    actor(code_name).map_or_else(|| vec![send()], |a| a.methods())
}

/// Finds a method by name (any case) or number; an unknown name gets the closest known one
/// as a suggestion.
pub fn find_method(code_name: &str, method: &str) -> anyhow::Result<MethodAbi> {
    let all = methods(code_name);
    let number: Option<MethodNum> = method.parse().ok();
    let known: Vec<&str> = all.iter().map(|m| m.name).collect();
    let suggestion = known
        .iter()
        .map(|k| (edit_distance(&k.to_ascii_lowercase(), &method.to_ascii_lowercase()), *k))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, k)| format!("did you mean {k}? "))
        .unwrap_or_default();
    all.into_iter().find(|m| m.name.eq_ignore_ascii_case(method) || Some(m.number) == number).ok_or_else(|| {
        anyhow!("the {code_name} actor has no method {method:?} ({suggestion}known: {})", known.join(", "))
    })
}

/// [`find_method`], or, for a number the actor declares no method for, that number as it is:
/// its params are the CBOR bytes as a hex string (`"0x…"` or bare; none for `null`) and its
/// return is shown as hex. What `cloudless send|call --method NUMBER` sends.
pub fn find_method_or_number(code_name: &str, method: &str) -> anyhow::Result<MethodAbi> {
    match (find_method(code_name, method), method.parse::<MethodNum>()) {
        (Ok(m), _) => Ok(m),
        (Err(_), Ok(number)) => Ok(MethodAbi {
            name: "(undeclared)",
            number,
            params: raw_params,
            params_shape: None,
            ret: no_return,
            ret_shape: Shape::Leaf,
            payable: true,
        }),
        (Err(e), Err(_)) => Err(e),
    }
}

/// Params given as the hex of their bytes.
fn raw_params(v: Value) -> anyhow::Result<Option<RawBytes>> {
    match v {
        Value::Null => Ok(None),
        Value::String(text) => {
            let digits = text.strip_prefix("0x").unwrap_or(&text);
            let bytes = hex::decode(digits).map_err(|e| anyhow!("{text:?} is not hex ({e})"))?;
            Ok(Some(RawBytes::new(bytes)))
        }
        _ => bail!("an undeclared method takes its params as the hex of their CBOR bytes, e.g. \"0x8201\""),
    }
}

/// Levenshtein distance (short names only).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

fn cid_text(c: &Cid) -> Value {
    Value::String(c.to_string())
}

/// An actor's decoded state as JSON, with its code name, balance and nonce.
pub fn actor_json(node: &Node, id: ActorID) -> anyhow::Result<Value> {
    let actor = node.actor(id)?.ok_or_else(|| anyhow!("no actor f0{id}"))?;
    let code = node.code_name(&actor.code)?.unwrap_or_else(|| actor.code.to_string());
    let state = match self::actor(&code) {
        Some(a) => a.state_json(node, id)?,
        None => json!({ "head": cid_text(&actor.state) }),
    };
    Ok(json!({
        "id": format!("f0{id}"),
        "code": code,
        "balance": cloudless_runtime::amount::format_decimal(&actor.balance),
        "sequence": actor.sequence,
        "state": state,
    }))
}

fn ipld_json(node: Ipld) -> Value {
    match node {
        Ipld::Null => Value::Null,
        Ipld::Bool(b) => json!(b),
        Ipld::Integer(i) => i64::try_from(i).map(|v| json!(v)).unwrap_or_else(|_| json!(i.to_string())),
        Ipld::Float(f) => json!(f),
        Ipld::String(s) => json!(s),
        Ipld::Bytes(b) => json!({ "bytes": hex::encode(b) }),
        Ipld::List(l) => Value::Array(l.into_iter().map(ipld_json).collect()),
        Ipld::Map(m) => Value::Object(m.into_iter().map(|(k, v)| (k, ipld_json(v))).collect()),
        Ipld::Link(c) => json!({ "/": c.to_string() }),
    }
}

/// An event as `{emitter, type, fields}`: decoded with the emitter's declared event types when
/// it declares this one, else value by value as CBOR.
pub fn event_json(node: &Node, event: &StampedEvent) -> Value {
    let event_type = cloudless_runtime::events::event_type(&event.event);
    let code = node.code_name_at(&Address::new_id(event.emitter)).unwrap_or_default();
    let declared = actor(&code).zip(event_type.as_deref()).and_then(|(a, t)| a.decode_event(t, &event.event));
    let fields = declared.unwrap_or_else(|| {
        Value::Object(
            event
                .event
                .entries
                .iter()
                .filter(|e| e.key != "$type")
                .map(|e| {
                    let v = fvm_ipld_encoding::from_slice::<Ipld>(&e.value)
                        .map(ipld_json)
                        .unwrap_or_else(|_| json!({ "raw_hex": hex::encode(&e.value) }));
                    (e.key.clone(), v)
                })
                .collect(),
        )
    });
    json!({ "emitter": format!("f0{}", event.emitter), "type": event_type, "fields": fields })
}

/// Every event of a product actor in `events` that its actor does not declare, or that does
/// not decode as declared (the test harness and the vector generator check every message).
pub fn event_violations(node: &Node, events: &[StampedEvent]) -> Vec<String> {
    let mut out = Vec::new();
    for e in events {
        let code = node.code_name_at(&Address::new_id(e.emitter)).unwrap_or_default();
        let Some(actor) = actor(&code) else { continue };
        let Some(event_type) = cloudless_runtime::events::event_type(&e.event) else {
            out.push(format!("f0{} ({code}) emitted an event without $type", e.emitter));
            continue;
        };
        match actor.events().into_iter().find(|d| d.event_type == event_type) {
            None => out.push(format!("{code} emitted {event_type}, which it does not declare")),
            Some(d) => {
                if let Err(err) = (d.decode)(&e.event) {
                    out.push(format!("{code} emitted {event_type} that does not decode as declared: {err}"));
                }
            }
        }
    }
    out
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
        assert_eq!(find_method("oracle", "getprice").unwrap().name, "GetPrice");
        assert!(find_method("oracle", "99").is_err());
        let raw = find_method_or_number("oracle", "99").unwrap();
        assert_eq!((raw.number, raw.name), (99, "(undeclared)"));
        assert_eq!(raw.encode_params(json!("0x8201")).unwrap().unwrap().to_vec(), vec![0x82, 0x01]);
        assert!(raw.encode_params(json!(null)).unwrap().is_none());
        assert!(raw.encode_params(json!([1])).is_err());
        assert!(raw.encode_params(json!("zz")).is_err());
        assert_eq!(find_method_or_number("oracle", "report").unwrap().name, "Report");
        assert!(find_method_or_number("oracle", "Steal").is_err());
        let err = find_method("oracle", "GetPrise").err().unwrap().to_string();
        assert!(err.contains("did you mean GetPrice?"), "{err}");
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
