//! The CLI's JSON stays what it was: every core and product actor's method table (names, numbers, the fields
//! of its params and of its return), its declared events and the decoded state of every actor of the example
//! genesis, compared with `tests/golden/cli.json`. After an intended change, regenerate it with
//! `CLOUDLESS_BLESS=1 cargo test -p cloudless-host --test cli_json`.

use cloudless_host::abi;
use cloudless_host::genesis::{build, GenesisConfig};
use serde_json::{json, Value};

const EXAMPLE: &str = include_str!("../../examples/devnet.toml");
const GOLDEN: &str = "tests/golden/cli.json";

fn current() -> Value {
    let mut methods = serde_json::Map::new();
    let mut events = serde_json::Map::new();
    // What users meet: the core and product actors (test actors are the test bundle's own).
    for actor in abi::actors().into_iter().filter(|a| a.kind() != cloudless_actors::Kind::Test) {
        methods.insert(actor.name().into(), actor.methods().iter().map(|m| m.describe()).collect());
        events.insert(actor.name().into(), actor.events().iter().map(|e| e.describe()).collect());
    }
    let g = build(&GenesisConfig::parse(EXAMPLE).unwrap(), cloudless_bundle::BUNDLE_CAR).unwrap();
    let mut states = serde_json::Map::new();
    for (id, actor) in g.node.actors().unwrap() {
        let name = g.node.code_name(&actor.code).unwrap().unwrap();
        // The system actor's state is the bundle manifest: it changes with every actor build.
        if name != "system" {
            states.insert(format!("f0{id}"), abi::actor_json(&g.node, id).unwrap());
        }
    }
    json!({ "methods": methods, "events": events, "states": states })
}

#[test]
fn cli_json_is_unchanged() {
    let now = current();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    if std::env::var_os("CLOUDLESS_BLESS").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
        return;
    }
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for section in ["methods", "events", "states"] {
        for (key, want) in golden[section].as_object().unwrap() {
            assert_eq!(&now[section][key], want, "{section}.{key} differs from {GOLDEN}");
        }
        assert_eq!(
            now[section].as_object().unwrap().len(),
            golden[section].as_object().unwrap().len(),
            "{section}: entries added or removed"
        );
    }
}
