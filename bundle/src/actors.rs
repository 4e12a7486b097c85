// The actors of the bundle, in manifest order. Shared by `build.rs` (which compiles and packs
// them) and the library (which exposes the names). The FVM numbers actor types by manifest
// position, so the core actors come first and their order never changes.

/// One actor of a bundle: its manifest name and the crate that builds it.
pub struct ActorSpec {
    pub name: &'static str,
    pub package: &'static str,
}

const fn actor(name: &'static str, package: &'static str) -> ActorSpec {
    ActorSpec { name, package }
}

/// The production bundle: core actors the FVM needs, then the Cloudless actors.
pub const ACTORS: &[ActorSpec] = &[
    actor("system", "cloudless-actor-system"),
    actor("init", "cloudless-actor-init"),
    actor("account", "cloudless-actor-account"),
    actor("placeholder", "cloudless-actor-placeholder"),
    actor("ethaccount", "cloudless-actor-ethaccount"),
    actor("eam", "cloudless-actor-eam"),
    actor("reward", "cloudless-actor-reward"),
    actor("oracle", "cloudless-actor-oracle"),
    actor("capacity", "cloudless-actor-capacity"),
    actor("rewards", "cloudless-actor-rewards"),
    actor("gateway", "cloudless-actor-gateway"),
    actor("market", "cloudless-actor-market"),
];

/// Added after [`ACTORS`] in the test bundle only.
pub const TEST_ACTORS: &[ActorSpec] = &[
    actor("test-syscall", "cloudless-actor-test-syscall"),
    actor("test-receiver", "cloudless-actor-test-receiver"),
    actor("test-ipc-gateway", "cloudless-actor-test-ipc-gateway"),
];
