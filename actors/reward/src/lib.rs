//! Reward actor (f02): the FVM pays every message's gas premium to f02, so it must exist. On a
//! Cloudless subnet it only accumulates premiums; FLT rewards for providers are the separate
//! rewards actor (docs/protocol.md §3).

use cloudless_runtime::construct_stateless;

cloudless_runtime::actor! {
    /// The reward actor (bundle name `reward`, ID f02): no methods but the constructor.
    pub struct RewardActor = "reward";
    state: ();
    events: [];
    constructor => construct_stateless;
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(RewardActor);
