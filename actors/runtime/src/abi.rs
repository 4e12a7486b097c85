//! What an actor declares about its interface, for the host's CLI: the methods (name, FRC-42
//! number, params and return types, from [`crate::actor!`]) and the field names of its tuple
//! types ([`Fields`], usually `#[derive(Fields)]`). On chain every struct is a CBOR tuple; the CLI
//! decodes it to a JSON array and labels the array with these names.

use fvm_shared::MethodNum;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The field structure of a type as encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A value shown as itself (a number, a string, a custom text form).
    Leaf,
    /// An actor ID (a number on chain), shown as an `f0…` address.
    Actor,
    /// An address (bytes on chain; the actors' serde forms show it as text).
    Address,
    /// A CID (bytes in serde's JSON form), shown as its text form.
    Cid,
    /// A number that names one of these values (a `serde_repr` enum).
    Enum(Vec<(i64, &'static str)>),
    /// A tuple struct: its fields, in encoding order.
    Tuple(Vec<(&'static str, Shape)>),
    /// A list of values of one shape.
    List(Box<Shape>),
}

/// A type whose field names the CLI can show. Leaves are implemented here; structs and enums
/// derive it (`#[derive(Fields)]`, which also marks `ActorID` fields and fields serialized
/// with the `address` modules, whatever their Rust type).
pub trait Fields {
    fn shape() -> Shape;
}

macro_rules! leaves {
    ($($t:ty),* $(,)?) => {
        $(impl Fields for $t {
            fn shape() -> Shape {
                Shape::Leaf
            }
        })*
    };
}

impl Fields for cid::Cid {
    fn shape() -> Shape {
        Shape::Cid
    }
}

impl Fields for fvm_shared::address::Address {
    fn shape() -> Shape {
        Shape::Address
    }
}

leaves!(
    (),
    bool,
    u8,
    u16,
    u32,
    u64,
    i32,
    i64,
    String,
    fvm_shared::econ::TokenAmount,
    fvm_shared::bigint::BigInt,
    fvm_ipld_encoding::RawBytes,
    crate::bytes::Bytes32,
);

impl<T: Fields> Fields for Vec<T> {
    fn shape() -> Shape {
        Shape::List(Box::new(T::shape()))
    }
}

/// A pair, shown as itself (a JSON array of two values).
impl<A: Fields, B: Fields> Fields for (A, B) {
    fn shape() -> Shape {
        Shape::Leaf
    }
}

/// `null` or the value itself.
impl<T: Fields> Fields for Option<T> {
    fn shape() -> Shape {
        T::shape()
    }
}

/// One method of an actor's interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodInfo {
    /// The FRC-42 name (`Constructor` for method 1).
    pub name: &'static str,
    pub number: MethodNum,
    /// Whether the method decodes params (`P` in [`InterfaceVisitor::method`]).
    pub takes_params: bool,
    /// Whether the method returns a value (`R`).
    pub returns: bool,
    /// Whether the method takes FLT sent with the message (`[payable]` in `actor!`).
    pub payable: bool,
}

/// Receives an actor's methods with their params and return types (`()` when absent), and
/// the events it declares.
pub trait InterfaceVisitor {
    fn method<P, R>(&mut self, method: MethodInfo)
    where
        P: Serialize + DeserializeOwned + Fields + 'static,
        R: Serialize + DeserializeOwned + Fields + 'static;

    fn event<E: crate::events::Event + 'static>(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_lists_and_options() {
        assert_eq!(<Vec<Option<u64>>>::shape(), Shape::List(Box::new(Shape::Leaf)));
        assert_eq!(<Option<String>>::shape(), Shape::Leaf);
    }
}
