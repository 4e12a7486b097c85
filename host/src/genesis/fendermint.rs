//! The genesis recipe for fendermint (docs/ipc.md, "Genesis on fendermint").
//!
//! fendermint creates custom actors without running a constructor: `create_custom_actor(name,
//! id, state, balance, delegated_address)` in `fendermint/vm/interpreter/src/fvm/state/
//! genesis.rs` writes a state it was given. The recipe is those arguments for every Cloudless
//! singleton, taken from a genesis our host built on the same core set by running the
//! constructors, so the states are exactly what the constructors make:
//!
//! - `recipe.json` ([`Recipe`]): per actor its bundle name, fixed ID, code CID, state root,
//!   balance and f410 address; and the accounts the states name by ID, with the IDs they
//!   assume (fendermint numbers genesis accounts from 100 in the order of its genesis file).
//! - `cloudless-states.car`: every block of those states (roots: the state roots).
//!
//! [`apply`] is the recipe as code, doing what a fendermint genesis does with it: load the
//! states, add the Cloudless actors to the system actor's manifest (the executor preloads only
//! manifest code; fendermint's `replace_builtin_actor` rewrites that list the same way), check
//! the IDs, then create each actor. The test applies it to a genesis of accounts only and gets
//! the state root of the genesis that ran the constructors.

use std::collections::BTreeSet;
use std::str::FromStr;

use anyhow::{anyhow, bail, ensure, Context};
use cid::Cid;
use fvm::state_tree::StateTree;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::CborStore;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use multihash_codetable::Code;
use serde::{Deserialize, Serialize};

use super::{Genesis, GenesisConfig};
use crate::node::Node;

pub const RECIPE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    pub version: u32,
    pub network: String,
    /// Accounts the actors' states name by ID: each must have exactly this ID.
    pub accounts: Vec<RecipeAccount>,
    /// The Cloudless actors, in creation order.
    pub actors: Vec<RecipeActor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipeAccount {
    pub name: String,
    pub address: String,
    pub id: ActorID,
}

/// The arguments of one `create_custom_actor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipeActor {
    /// The name in the custom-actors manifest.
    pub name: String,
    pub id: ActorID,
    pub code: String,
    /// The state root; its blocks are in the states CAR.
    pub state: String,
    /// FLT in atto.
    pub balance: String,
    /// The actor's f410 address, if it has one (the gateway on IPC).
    pub delegated_address: Option<String>,
}

/// The recipe of a genesis built by [`super::build`] with `config`, and the CAR of its states.
pub fn recipe(g: &Genesis, config: &GenesisConfig) -> anyhow::Result<(Recipe, Vec<u8>)> {
    let mut accounts = Vec::new();
    for a in &config.accounts {
        let address = config.account_address(a)?;
        let id = g.node.resolve(&address)?.ok_or_else(|| anyhow!("account {} does not exist", a.name))?;
        accounts.push(RecipeAccount { name: a.name.clone(), address: address.to_string(), id });
    }
    let mut actors = Vec::new();
    let mut roots = Vec::new();
    for section in config.singletons() {
        let id = section.id();
        let actor = g.node.actor(id)?.ok_or_else(|| anyhow!("no actor at f0{id}"))?;
        roots.push(actor.state);
        actors.push(RecipeActor {
            name: section.key().to_string(),
            id,
            code: actor.code.to_string(),
            state: actor.state.to_string(),
            balance: actor.balance.atto().to_string(),
            delegated_address: actor.delegated_address.map(|a| a.to_string()),
        });
    }
    let mut car = Vec::new();
    crate::car::export_without(g.node.store(), &roots, &BTreeSet::new(), &mut car)?;
    Ok((Recipe { version: RECIPE_VERSION, network: config.network.name.clone(), accounts, actors }, car))
}

/// Applies `recipe` to `node` as a fendermint genesis would, with the actors' code from
/// `custom_car` (a custom-actors CAR, checked under fendermint's manifest rules).
pub fn apply(node: &mut Node, recipe: &Recipe, states_car: &[u8], custom_car: &[u8]) -> anyhow::Result<()> {
    ensure!(recipe.version == RECIPE_VERSION, "recipe version {} (this host reads {RECIPE_VERSION})", recipe.version);
    let codes = cloudless_bundle::fendermint::check_custom_manifest(custom_car, false).context("custom-actors CAR")?;
    fvm_ipld_car::load_car_unchecked(node.store(), custom_car).context("loading the custom-actors CAR")?;
    fvm_ipld_car::load_car_unchecked(node.store(), states_car).context("loading the states CAR")?;
    for a in &recipe.accounts {
        let address = Address::from_str(&a.address).map_err(|e| anyhow!("account {}: {e}", a.name))?;
        let id = node.resolve(&address)?;
        ensure!(
            id == Some(a.id),
            "account {} ({}) is {} here; the recipe's states name it f0{} (list the genesis accounts in the same order)",
            a.name,
            a.address,
            id.map(|i| format!("f0{i}")).unwrap_or_else(|| "missing".into()),
            a.id
        );
    }
    // Every entry is checked before anything is written: a recipe that does not fit changes nothing.
    let mut creations = Vec::new();
    for actor in &recipe.actors {
        let what = format!("{} (f0{})", actor.name, actor.id);
        let code = *codes.get(&actor.name).ok_or_else(|| anyhow!("the custom-actors CAR has no {}", actor.name))?;
        ensure!(
            code.to_string() == actor.code,
            "{what}: the custom-actors CAR has code {code}, the recipe {}",
            actor.code
        );
        if cloudless_bundle::fendermint::RESERVED_IDS.contains(&actor.id)
            || actor.id >= cloudless_bundle::fendermint::FIRST_NON_SINGLETON_ID
        {
            bail!("{what}: fendermint reserves that ID or hands it out to accounts");
        }
        ensure!(node.actor(actor.id)?.is_none(), "{what}: an actor already exists at f0{}", actor.id);
        let state = Cid::from_str(&actor.state).with_context(|| what.clone())?;
        ensure!(node.store().has(&state)?, "{what}: state {state} is not in the states CAR");
        let balance = TokenAmount::from_atto(
            actor.balance.parse::<fvm_shared::bigint::BigInt>().map_err(|e| anyhow!("{what}: balance: {e}"))?,
        );
        let delegated = actor
            .delegated_address
            .as_deref()
            .map(Address::from_str)
            .transpose()
            .map_err(|e| anyhow!("{what}: delegated address: {e}"))?;
        creations.push((what, actor.name.clone(), actor.id, code, state, balance, delegated));
    }

    // The system actor's manifest gains the Cloudless actors, so the executor loads their code.
    let mut tree = StateTree::new_from_root(node.store(), &node.state_root())?;
    let mut system = tree.get_actor(0)?.ok_or_else(|| anyhow!("no system actor"))?;
    let st: cloudless_actor_system::State =
        node.store().get_cbor(&system.state)?.ok_or_else(|| anyhow!("system state missing"))?;
    let mut manifest: Vec<(String, Cid)> =
        node.store().get_cbor(&st.builtin_actors)?.ok_or_else(|| anyhow!("system manifest missing"))?;
    for (_, name, _, code, ..) in &creations {
        if !manifest.iter().any(|(n, _)| n == name) {
            manifest.push((name.clone(), *code));
        }
    }
    let builtin_actors = node.store().put_cbor(&manifest, Code::Blake2b256)?;
    system.state = node.store().put_cbor(&cloudless_actor_system::State { builtin_actors }, Code::Blake2b256)?;
    tree.set_actor(0, system);
    node.set_state_root(tree.flush()?);

    for (what, _, id, code, state, balance, delegated) in creations {
        node.create_actor(id, code, state, balance, delegated).context(what)?;
    }
    Ok(())
}
