//! Writing state and printing receipts.

use std::path::Path;

use anyhow::Context;
use cloudless_host::Node;
use fvm_shared::event::StampedEvent;
use ipld_core::ipld::Ipld;
use serde_json::{json, Value};

/// Writes the state CAR through a temporary file, so a failure never leaves a half-written state.
pub fn write_state(node: &Node, path: &Path) -> anyhow::Result<()> {
    let tmp = path.with_extension("car.tmp");
    node.save_car(&tmp)?;
    std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))
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

/// An event as `{emitter, type, fields}` with CBOR values decoded.
pub fn event_json(event: &StampedEvent) -> Value {
    let mut fields = serde_json::Map::new();
    let mut event_type = Value::Null;
    for entry in &event.event.entries {
        let value = fvm_ipld_encoding::from_slice::<Ipld>(&entry.value)
            .map(ipld_json)
            .unwrap_or_else(|_| json!({ "raw": entry.value.len() }));
        if entry.key == "$type" {
            event_type = value;
        } else {
            fields.insert(entry.key.clone(), value);
        }
    }
    json!({ "emitter": format!("f0{}", event.emitter), "type": event_type, "fields": fields })
}
