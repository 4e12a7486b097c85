//! Actor events: every state change emits one, keyed by `$type`, so an indexer can rebuild state.

use fvm_ipld_encoding::{to_vec, CBOR};
use fvm_shared::error::ExitCode;
use fvm_shared::event::{ActorEvent, Entry, Flags};
use serde::de::DeserializeOwned;
use serde::ser::{Impossible, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::abi::Fields;
use crate::{ActorError, ActorResult};

/// An event an actor declares (in its [`actor!`](crate::actor) `events` list, so the CLI
/// decodes it as it decodes returns): a struct with named fields, each one entry after `$type`,
/// in declaration order, encoded as serde encodes the field (its `#[serde(with)]` included).
/// `#[derive(Event)]` with `#[event("type", ...)]` implements it; the first type is the one
/// [`EventBuilder::of`] emits, the others share the struct through [`EventBuilder::typed`].
pub trait Event: Serialize + DeserializeOwned + Fields {
    const TYPES: &'static [&'static str];
}

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

    /// The declared event `event`, of its first type.
    pub fn of<E: Event>(event: &E) -> ActorResult<Self> {
        Self::typed(E::TYPES[0], event)
    }

    /// The declared event `event` as `event_type`, one of the types it declares.
    pub fn typed<E: Event>(event_type: &str, event: &E) -> ActorResult<Self> {
        if !E::TYPES.contains(&event_type) {
            return Err(ActorError::new(ExitCode::USR_ASSERTION_FAILED, format!("undeclared event type {event_type}")));
        }
        let mut builder = Self::new(event_type);
        event
            .serialize(Fieldwise(&mut builder.entries))
            .map_err(|e| ActorError::serialization(format!("event {event_type}: {}", e.0)))?;
        Ok(builder)
    }
}

/// Serializes a struct as one event entry per field.
struct Fieldwise<'a>(&'a mut Vec<Entry>);

#[derive(Debug)]
struct FieldError(String);

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FieldError {}

impl serde::ser::Error for FieldError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        FieldError(msg.to_string())
    }
}

impl SerializeStruct for Fieldwise<'_> {
    type Ok = ();
    type Error = FieldError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), FieldError> {
        let value = to_vec(value).map_err(|e| FieldError(format!("field {key}: {e}")))?;
        self.0.push(Entry { flags: Flags::FLAG_INDEXED_ALL, key: key.to_string(), codec: CBOR, value });
        Ok(())
    }

    fn end(self) -> Result<(), FieldError> {
        Ok(())
    }
}

/// Everything but a struct with named fields is refused.
macro_rules! not_a_struct {
    ($($method:ident($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ret, FieldError> {
            Err(FieldError("an event is a struct with named fields".into()))
        })*
    };
}

impl<'a> Serializer for Fieldwise<'a> {
    type Ok = ();
    type Error = FieldError;
    type SerializeSeq = Impossible<(), FieldError>;
    type SerializeTuple = Impossible<(), FieldError>;
    type SerializeTupleStruct = Impossible<(), FieldError>;
    type SerializeTupleVariant = Impossible<(), FieldError>;
    type SerializeMap = Impossible<(), FieldError>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), FieldError>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, FieldError> {
        Ok(self)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), FieldError> {
        Err(FieldError("an event is a struct with named fields".into()))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Result<(), FieldError> {
        Err(FieldError("an event is a struct with named fields".into()))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), FieldError> {
        Err(FieldError("an event is a struct with named fields".into()))
    }

    not_a_struct! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

/// Decodes a declared event from its entries (the host's CLI; tests): the fields as one CBOR
/// map, so the struct decodes as serde decodes it.
pub fn decode<E: Event>(event: &ActorEvent) -> Result<E, String> {
    let fields: Vec<&Entry> = event.entries.iter().filter(|e| e.key != "$type").collect();
    let mut cbor = Vec::new();
    cbor_head(&mut cbor, 5, fields.len() as u64);
    for e in fields {
        cbor_head(&mut cbor, 3, e.key.len() as u64);
        cbor.extend_from_slice(e.key.as_bytes());
        cbor.extend_from_slice(&e.value);
    }
    fvm_ipld_encoding::from_slice(&cbor).map_err(|e| e.to_string())
}

/// A CBOR item head: major type and argument.
fn cbor_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(n as u16).to_be_bytes())
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(n as u32).to_be_bytes())
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&n.to_be_bytes())
        }
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
    use crate::{address, amount, Event, Fields};
    use fvm_shared::address::Address;
    use fvm_shared::econ::TokenAmount;

    #[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, Fields, Event)]
    #[event("thing-done", "thing-undone")]
    struct Thing {
        who: u64,
        #[serde(with = "amount")]
        amount: TokenAmount,
        #[serde(with = "address")]
        to: Address,
        maybe: Option<u64>,
        #[serde(with = "crate::bytes::hex")]
        data: Vec<u8>,
    }

    fn thing() -> Thing {
        Thing {
            who: 101,
            amount: TokenAmount::from_atto(1_500_000_000_000_000_000u64),
            to: Address::new_id(7),
            maybe: None,
            data: vec![1, 2, 3],
        }
    }

    #[test]
    fn a_declared_event_is_one_entry_per_field_encoded_as_the_builder_encodes() {
        let t = thing();
        let typed = EventBuilder::of(&t).unwrap().build();
        let by_hand = EventBuilder::new("thing-done")
            .field("who", &t.who)
            .unwrap()
            .field("amount", &t.amount)
            .unwrap()
            .field("to", &t.to)
            .unwrap()
            .field("maybe", &t.maybe)
            .unwrap()
            .field("data", &fvm_ipld_encoding::BytesSer(&t.data))
            .unwrap()
            .build();
        assert_eq!(typed, by_hand);
        assert_eq!(decode::<Thing>(&typed).unwrap(), t);
        let undone = EventBuilder::typed("thing-undone", &t).unwrap().build();
        assert_eq!(event_type(&undone).as_deref(), Some("thing-undone"));
        let err = EventBuilder::typed("thing-lost", &t).unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::USR_ASSERTION_FAILED);
        assert!(decode::<Thing>(&EventBuilder::new("thing-done").field("who", &1u64).unwrap().build()).is_err());
    }

    #[test]
    fn type_comes_first_and_decodes() {
        let evt = EventBuilder::new("admin-transferred").field("to", &7u64).unwrap().build();
        assert_eq!(evt.entries[0].key, "$type");
        assert_eq!(event_type(&evt).as_deref(), Some("admin-transferred"));
        assert_eq!(evt.entries[1].key, "to");
    }
}
