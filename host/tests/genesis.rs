//! Genesis built from the example config, run in the real FVM with the Cloudless kernel.

use cloudless_host::genesis::{build, GenesisConfig};

const EXAMPLE: &str = include_str!("../../examples/devnet.toml");

#[test]
fn example_genesis_builds() {
    let config = GenesisConfig::parse(EXAMPLE).unwrap();
    let g = build(&config, cloudless_bundle::BUNDLE_CAR).unwrap();
    println!("{:?}", g.actors);
    let names: Vec<_> = g.node.manifest().unwrap().into_iter().map(|(n, _)| n).collect();
    assert!(names.contains(&"oracle".to_string()));
}
