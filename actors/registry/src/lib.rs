//! The one list of Cloudless actors: [`ACTORS`] (kind, bundle name, package, in manifest order)
//! and [`visit`], which hands every actor's [`ActorCode`] type to a [`Visitor`] — how the host
//! learns every actor's methods, state view and invariants.
//!
//! The list itself is `src/list.rs`, one `actors!` invocation that every consumer interprets
//! with its own `actors!` macro: this crate (types), `bundle/` (which Wasm to build and pack,
//! from its build script, which cannot link the actors), the host's genesis (the
//! `[actors.<name>]` sections) and its test indexer (the views rebuilt from events).

pub use cloudless_runtime::ActorCode;

/// What an actor is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An actor the FVM itself needs (system, init, accounts, ...).
    Core,
    /// A Cloudless actor.
    Product,
    /// In the test bundle only.
    Test,
}

/// One actor of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    /// Its name in the bundle manifest (`ActorCode::NAME`).
    pub name: &'static str,
    /// The crate that builds it.
    pub package: &'static str,
}

/// Receives every actor's code type, in list order.
pub trait Visitor {
    fn actor<A: ActorCode + 'static>(&mut self, kind: Kind)
    where
        A::State: 'static;
}

macro_rules! kind {
    (core) => {
        Kind::Core
    };
    (product) => {
        Kind::Product
    };
    (test) => {
        Kind::Test
    };
}

// The list, read twice: as types here, and exported (`with_list!`) to the host's modules.
macro_rules! actors {
    ($($list:tt)*) => {
        typed! { $($list)* }

        /// Invokes `actors! { <the list> }` with the caller's own `actors!` macro, so a module of
        /// the host (its genesis sections, its test indexer) reads the list where it stands (an
        /// `include!`d list would resolve `mod` declarations next to the list, not the module).
        #[macro_export]
        macro_rules! with_list {
            () => {
                actors! { $($list)* }
            };
        }
    };
}

macro_rules! typed {
    ($(
        $kind:ident $name:literal = $krate:ident :: $actor:ident in $package:literal
        $(, genesis $gmod:ident :: $gsec:ident)? $(, index $imod:ident :: $iview:ident)?;
    )*) => {
        /// Every actor, in manifest order.
        pub const ACTORS: &[Entry] = &[$(Entry { kind: kind!($kind), name: $name, package: $package }),*];

        /// Hands every actor's code type to `v`, in list order.
        pub fn visit<V: Visitor>(v: &mut V) {
            $( v.actor::<$krate::$actor>(kind!($kind)); )*
        }

        #[cfg(test)]
        #[test]
        fn names_are_the_declared_bundle_names() {
            $( assert_eq!(<$krate::$actor as ActorCode>::NAME, $name); )*
        }
    };
}

include!("list.rs");

/// The entry of bundle name `name`.
pub fn entry(name: &str) -> Option<&'static Entry> {
    ACTORS.iter().find(|e| e.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_first_then_product_then_test_each_name_once() {
        let rank = |k: Kind| k as u8;
        assert!(ACTORS.windows(2).all(|w| rank(w[0].kind) <= rank(w[1].kind)), "kinds in order");
        for (i, e) in ACTORS.iter().enumerate() {
            assert!(ACTORS[..i].iter().all(|o| o.name != e.name && o.package != e.package), "{} twice", e.name);
        }
        assert_eq!(entry("market").map(|e| e.kind), Some(Kind::Product));
    }

    #[test]
    fn the_visitor_sees_every_actor_in_order() {
        struct Names(Vec<&'static str>);
        impl Visitor for Names {
            fn actor<A: ActorCode + 'static>(&mut self, _: Kind)
            where
                A::State: 'static,
            {
                self.0.push(A::NAME);
            }
        }
        let mut names = Names(Vec::new());
        visit(&mut names);
        assert_eq!(names.0, ACTORS.iter().map(|e| e.name).collect::<Vec<_>>());
    }
}
