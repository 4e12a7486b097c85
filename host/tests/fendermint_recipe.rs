//! The fendermint genesis recipe on the official core set (builtin-actors v17): the Cloudless
//! actors created from their recorded states and the custom-actors CAR, as fendermint's
//! `create_custom_actor` creates them, give exactly the state the constructors gave; the actors
//! then answer messages. Refusals, each changing nothing: an account at another ID, an actor
//! already there, a reserved ID, code missing from the custom CAR.

use cloudless_host::genesis::{self, fendermint, GenesisConfig, IpcConfig};
use cloudless_testing::Harness;

const DEVNET: &str = include_str!("../../examples/devnet.toml");

fn config() -> GenesisConfig {
    let mut config = GenesisConfig::parse(DEVNET).unwrap();
    // On an IPC subnet: the gateway linked to a controller, with its own f410 address.
    config.actors.gateway.as_mut().unwrap().ipc = Some(IpcConfig {
        gateway: "f064".into(),
        parent: "/r314159".into(),
        controller: "0xcccccccccccccccccccccccccccccccccccccccc".into(),
    });
    config
}

struct World {
    official: Vec<u8>,
    full: genesis::Genesis,
    recipe: fendermint::Recipe,
    states: Vec<u8>,
    custom: Vec<u8>,
}

fn world() -> World {
    let official = cloudless_bundle::official_v17().unwrap();
    let composed = cloudless_bundle::compose(&official, cloudless_bundle::BUNDLE_CAR).unwrap();
    let config = config();
    let full = genesis::build(&config, &composed).unwrap();
    let (recipe, states) = fendermint::recipe(&full, &config).unwrap();
    World { official, full, recipe, states, custom: cloudless_bundle::fendermint::custom_car().unwrap() }
}

/// A fendermint-like genesis before the custom actors: the official core and the accounts.
fn accounts_only(w: &World, config: &GenesisConfig) -> genesis::Genesis {
    let base = GenesisConfig { actors: Default::default(), ..config.clone() };
    genesis::build(&base, &w.official).unwrap()
}

#[test]
fn the_recipe_gives_the_state_the_constructors_gave() {
    let w = world();
    let names: Vec<_> = w.recipe.actors.iter().map(|a| (a.name.as_str(), a.id)).collect();
    assert_eq!(names, [("oracle", 83), ("capacity", 80), ("rewards", 82), ("gateway", 84), ("market", 81)]);
    let gateway = w.recipe.actors.iter().find(|a| a.name == "gateway").unwrap();
    assert_eq!(gateway.delegated_address.as_deref(), Some(genesis::eth_address_of(84).to_string().as_str()));
    assert_eq!(w.recipe.accounts[0].id, 100);
    // The recipe survives its JSON file.
    let json = serde_json::to_string_pretty(&w.recipe).unwrap();
    assert_eq!(serde_json::from_str::<fendermint::Recipe>(&json).unwrap(), w.recipe);

    let mut g = accounts_only(&w, &config());
    fendermint::apply(&mut g.node, &w.recipe, &w.states, &w.custom).unwrap();
    assert_eq!(g.node.state_root(), w.full.node.state_root(), "the recipe's genesis differs from the constructed one");

    // The actors run: the harness checks every actor's invariants after each message. Its
    // indexer starts from events, and written states emitted none: it gets the constructors'.
    g.events = w.full.events.clone();
    for a in &w.recipe.actors {
        g.keys.actors.insert(a.name.clone(), format!("f0{}", a.id));
    }
    let mut h = Harness::from_genesis(g).unwrap();
    let info: cloudless_actor_gateway::BridgeInfo =
        h.call("alice", "gateway", cloudless_actor_gateway::METHOD_GET_BRIDGE, &());
    assert_eq!(info.ipc.unwrap().gateway, 64);
    let ret = h.send("alice", "oracle", cloudless_actor_oracle::METHOD_GET_ADMIN, &());
    cloudless_testing::assert_ok(&ret);
}

#[test]
fn a_recipe_that_does_not_fit_is_refused() {
    let w = world();
    // Each refusal leaves the state as it was.
    let err = |g: &mut genesis::Genesis, r: &fendermint::Recipe, custom: &[u8]| {
        let before = g.node.state_root();
        let msg = format!("{:#}", fendermint::apply(&mut g.node, r, &w.states, custom).unwrap_err());
        assert_eq!(g.node.state_root(), before, "a refused recipe changed the state: {msg}");
        msg
    };
    // Accounts in another order: the states would name the wrong actors.
    let mut swapped = config();
    swapped.accounts.swap(0, 1);
    let msg = err(&mut accounts_only(&w, &swapped), &w.recipe, &w.custom);
    assert!(msg.contains("list the genesis accounts in the same order"), "{msg}");
    // Applied twice.
    let mut g = accounts_only(&w, &config());
    fendermint::apply(&mut g.node, &w.recipe, &w.states, &w.custom).unwrap();
    let msg = err(&mut g, &w.recipe, &w.custom);
    assert!(msg.contains("already exists"), "{msg}");
    // An ID fendermint keeps for itself (its chain-metadata actor's).
    let mut reserved = w.recipe.clone();
    reserved.actors[0].id = 48;
    let msg = err(&mut accounts_only(&w, &config()), &reserved, &w.custom);
    assert!(msg.contains("reserves that ID"), "{msg}");
    // Code the custom CAR does not hold.
    let mut other = w.recipe.clone();
    other.actors[0].name = "chainmetadata".into();
    let msg = err(&mut accounts_only(&w, &config()), &other, &w.custom);
    assert!(msg.contains("has no chainmetadata"), "{msg}");
    let mut version = w.recipe.clone();
    version.version = 2;
    let msg = err(&mut accounts_only(&w, &config()), &version, &w.custom);
    assert!(msg.contains("recipe version 2"), "{msg}");
}
