// The actors of the bundle, read from the one list (actors/registry/src/list.rs) in manifest
// order. Shared by `build.rs` (which compiles and packs them; it cannot link the actor crates, so
// it reads the list's names and packages, not its types) and the library (which exposes them).

/// One actor of a bundle: its manifest name and the crate that builds it.
pub struct ActorSpec {
    pub name: &'static str,
    pub package: &'static str,
    /// Core (the FVM needs it), product (a Cloudless actor) or test (the test bundle only).
    pub kind: &'static str,
}

macro_rules! actors {
    ($(
        $kind:ident $name:literal = $krate:ident :: $actor:ident in $package:literal
        $(, genesis $gmod:ident :: $gsec:ident)? $(, index $imod:ident :: $iview:ident)?;
    )*) => {
        const LIST: &[ActorSpec] = &[$(ActorSpec { name: $name, package: $package, kind: stringify!($kind) }),*];
    };
}

include!("../../actors/registry/src/list.rs");

/// How many actors come before the first test actor (the list keeps core, product, test order).
const PRODUCTION: usize = {
    let mut n = 0;
    while n < LIST.len() && !matches!(LIST[n].kind.as_bytes(), b"test") {
        n += 1;
    }
    n
};

/// The production bundle: core actors the FVM needs, then the Cloudless actors.
pub const ACTORS: &[ActorSpec] = LIST.split_at(PRODUCTION).0;

/// Added after [`ACTORS`] in the test bundle only.
pub const TEST_ACTORS: &[ActorSpec] = LIST.split_at(PRODUCTION).1;
