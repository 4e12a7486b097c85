//! Actor events: every state change emits one, keyed by `$type`, so an indexer can rebuild state.

use fvm_ipld_encoding::{to_vec, CBOR};
use fvm_shared::event::{ActorEvent, Entry, Flags};
use serde::Serialize;

use crate::{ActorError, ActorResult};

/// Builds an [`ActorEvent`]: `EventBuilder::new("price-reported").field("asset", &a)?.build()`.
/// Every value is CBOR (the FVM accepts only CBOR or raw event values) and every entry is indexed (key and value).
#[derive(Debug, Clone)]
pub struct EventBuilder {
    entries: Vec<Entry>,
}

impl EventBuilder {
    pub fn new(event_type: &str) -> Self {
        let builder = Self { entries: Vec::new() };
        builder.field("$type", &event_type).expect("a string always encodes")
    }

    pub fn field<T: Serialize + ?Sized>(mut self, key: &str, value: &T) -> ActorResult<Self> {
        let value = to_vec(value).map_err(|e| ActorError::serialization(format!("event field {key}: {e}")))?;
        self.entries.push(Entry { flags: Flags::FLAG_INDEXED_ALL, key: key.to_string(), codec: CBOR, value });
        Ok(self)
    }

    pub fn build(self) -> ActorEvent {
        ActorEvent { entries: self.entries }
    }
}

/// The `$type` of an event, decoded (for tests and indexers).
pub fn event_type(event: &ActorEvent) -> Option<String> {
    let entry = event.entries.iter().find(|e| e.key == "$type")?;
    fvm_ipld_encoding::from_slice(&entry.value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_comes_first_and_decodes() {
        let evt = EventBuilder::new("admin-transferred").field("to", &7u64).unwrap().build();
        assert_eq!(evt.entries[0].key, "$type");
        assert_eq!(event_type(&evt).as_deref(), Some("admin-transferred"));
        assert_eq!(evt.entries[1].key, "to");
    }
}
