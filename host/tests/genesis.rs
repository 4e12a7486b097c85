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
    // Every singleton of the example at its default ID, the gateway with its metadata.
    let gateway: cloudless_actor_gateway::State = g.node.actor_state(84).unwrap();
    assert_eq!((gateway.name.as_str(), gateway.symbol.as_str()), ("USD Coin", "USDC"));
    assert_eq!(gateway.authority, g.node.resolve(&g.keys.address_of("relayer").unwrap()).unwrap().unwrap());
}

fn error_of(toml: &str) -> String {
    match GenesisConfig::parse(toml).and_then(|c| build(&c, cloudless_bundle::BUNDLE_CAR).map(|_| ())) {
        Ok(()) => panic!("config should be rejected:\n{toml}"),
        Err(e) => format!("{e:#}"),
    }
}

const BASE: &str = r#"
[network]
name = "bad"
[[accounts]]
name = "admin"
balance = "1"
"#;

#[test]
fn bad_configs_name_the_line_or_key() {
    let cases: &[(&str, &str)] = &[
        ("[actors.capacity]\nid = 80\n", "line"),
        ("[actors.capacity]\nadmin = \"admin\"\nflt_collateral_per_unit = \"1\"\ndifficulty = \"abc\"\n", "actors.capacity: difficulty"),
        ("[actors.capacity]\nadmin = \"admin\"\nflt_collateral_per_unit = \"1\"\nmin_proofs = 9\nmax_proofs = 8\n", "min_proofs"),
        ("[actors.capacity]\nadmin = \"admin\"\nflt_collateral_per_unit = \"1\"\nrewards = \"ghost\"\n", "actors.capacity: rewards"),
        ("[actors.capacity]\nadmin = \"admin\"\nflt_collateral_per_unit = \"1\"\noracle = \"oracle\"\nid = 83\n[actors.oracle]\nadmin = \"admin\"\n", "f083 is already used"),
        ("[actors.rewards]\nadmin = \"admin\"\n", "actors.rewards: capacity"),
        ("[actors.rewards]\nadmin = \"admin\"\ncapacity = \"admin\"\nmin_pool = \"10\"\nmax_pool = \"5\"\n", "min_pool"),
        ("[actors.rewards]\nadmin = \"admin\"\ncapacity = \"admin\"\nvesting_period_count = 0\n", "vesting_period_count"),
        ("[actors.rewards]\nadmin = \"admin\"\ncapacity = \"admin\"\nid = 1\n", "actors.rewards.id: f01 is reserved"),
        ("[actors.oracle]\nid = 2\nadmin = \"admin\"\n", "actors.oracle.id: f02 is reserved for the reward actor"),
        ("[actors.gateway]\nadmin = \"admin\"\nauthority = \"ghost\"\n", "actors.gateway: authority"),
        ("[actors.gateway]\nadmin = \"admin\"\nsymbol = \"\"\n", "actors.gateway: symbol must be"),
        ("[actors.gateway]\nadmin = \"nobody\"\n", "actors.gateway: admin"),
        ("[actors.gateway]\nadmin = \"admin\"\nid = 83\n[actors.oracle]\nadmin = \"admin\"\n", "f083 is already used"),
        ("[actors.oracle]\nid = 100\nadmin = \"admin\"\n", "actors.oracle.id: f0100 collides with IDs init hands out"),
        ("[actors.oracle]\nid = 83\nadmin = \"nobody\"\n", "actors.oracle.admin"),
        ("[actors.oracle]\nid = 83\n", "missing field `admin`"),
        ("[[accounts]]\nname = \"admin\"\nbalance = \"1\"\n", "accounts[1].name"),
        ("[[accounts]]\nname = \"x\"\nbalance = \"one\"\n", "line"),
        ("[[accounts]]\nname = \"x\"\naddress = \"f1nope\"\nbalance = \"1\"\n", "accounts[1]"),
        ("[[accounts]]\nname = \"x\"\nkey = \"abcd\"\nbalance = \"1\"\n", "accounts[1]"),
        (
            "[actors.oracle]\nid = 83\nadmin = \"admin\"\n[[actors.oracle.assets]]\nsymbol = \"A\"\nquorum = 1\nreport_expiry = 1\nreporters = [\"ghost\"]\n",
            "actors.oracle.assets[0].reporters[0]",
        ),
        (
            "[actors.oracle]\nid = 83\nadmin = \"admin\"\n[[actors.oracle.assets]]\nsymbol = \"A\"\nquorum = 0\nreport_expiry = 1\n",
            "actors.oracle: constructor of f083 failed with exit code 16",
        ),
        // References name an actor of the right code, and the oracle has the asset.
        (
            "[actors.capacity]\nadmin = \"admin\"\nflt_collateral_per_unit = \"1\"\noracle = \"rewards\"\n[actors.rewards]\nadmin = \"admin\"\n",
            "actors.capacity: oracle: \"rewards\" is the rewards actor, not the oracle actor",
        ),
        (
            "[actors.capacity]\nadmin = \"admin\"\nflt_collateral_per_unit = \"1\"\nrewards = \"admin\"\n",
            "actors.capacity: rewards: \"admin\" is an actor of code \"account\", not the rewards actor",
        ),
        (
            "[actors.capacity]\nadmin = \"admin\"\nflt_collateral_per_unit = \"1\"\nrewards = \"f082\"\n",
            "actors.capacity: rewards: \"f082\" (f082) is not an actor at genesis",
        ),
        (
            "[actors.rewards]\nadmin = \"admin\"\ncapacity = \"admin\"\noracle = \"oracle\"\n",
            "actors.rewards: oracle: \"oracle\": there is no [actors.oracle] section",
        ),
        (
            "[actors.rewards]\nadmin = \"admin\"\ncapacity = \"admin\"\n[actors.oracle]\nadmin = \"admin\"\n",
            "actors.rewards: oracle_asset: \"FLT/USD\" is not an asset of [actors.oracle]",
        ),
        (
            "[actors.capacity]\nadmin = \"admin\"\nflt_collateral_per_unit = \"1\"\n[actors.market]\nadmin = \"admin\"\ndefault_token = \"capacity\"\n",
            "actors.market: default_token: \"capacity\" is the capacity actor, not the gateway actor",
        ),
        ("[actors.gateway]\nadmin = \"admin\"\nmax_fast_window = 0\n", "actors.gateway: max_fast_window 0 must be"),
    ];
    for (extra, expected) in cases {
        let err = error_of(&format!("{BASE}{extra}"));
        assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    }
    let err = error_of("[network]\nname = \"x\"\nversion = 5\n");
    assert!(err.contains("network.version"), "{err}");
    let err = error_of("[network]\nname = \"x\"\nfirst_actor_id = 50\n");
    assert!(err.contains("network.first_actor_id"), "{err}");
}

#[test]
fn genesis_is_deterministic_and_conserves_flt() {
    let config = GenesisConfig::parse(EXAMPLE).unwrap();
    let a = build(&config, cloudless_bundle::BUNDLE_CAR).unwrap();
    let b = build(&config, cloudless_bundle::BUNDLE_CAR).unwrap();
    assert_eq!(a.node.state_root(), b.node.state_root());
    let accounts: fvm_shared::econ::TokenAmount = config.accounts.iter().map(|a| a.balance.clone()).sum();
    // The example also funds the reward pool at genesis.
    let total = accounts + config.actors.rewards.as_ref().unwrap().balance.clone();
    let snapshot = cloudless_testing::Snapshot::take(&a.node).unwrap();
    assert_eq!(snapshot.total_balance(), total);
    assert_eq!(
        a.node.balance(0).unwrap(),
        fvm_shared::econ::TokenAmount::default(),
        "system actor gave everything away"
    );
    cloudless_testing::check_invariants(&a.node, &total).unwrap();

    // The state CAR round-trips to the same root.
    let dir = std::env::temp_dir().join(format!("cloudless-genesis-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.car");
    a.node.save_car(&path).unwrap();
    let loaded = cloudless_host::Node::load_car(&path).unwrap();
    assert_eq!(loaded.state_root(), a.node.state_root());
    assert_eq!(loaded.meta(), a.node.meta());
    let mut again = Vec::new();
    b.node.save_car(&dir.join("b.car")).unwrap();
    again.extend(std::fs::read(dir.join("b.car")).unwrap());
    assert_eq!(std::fs::read(&path).unwrap(), again, "state CARs are byte-identical");
}

#[test]
fn host_runs_a_bundle_whose_core_set_comes_from_another_car() {
    // The core set in builtin-actors' manifest order, with an actor we do not ship (cron).
    let core = cloudless_bundle::stand_in_official_core().unwrap();
    let bundle = cloudless_bundle::compose(&core, cloudless_bundle::BUNDLE_CAR).unwrap();
    let config = GenesisConfig::parse(EXAMPLE).unwrap();
    let g = build(&config, &bundle).unwrap();
    let names: Vec<_> = g.node.manifest().unwrap().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names[2], "cron");
    two_reports_give_the_median(g);
}

#[test]
fn the_gateway_authority_defaults_to_the_system_actor() {
    let config = GenesisConfig::parse(&format!("{BASE}[actors.gateway]\nadmin = \"admin\"\n")).unwrap();
    let g = build(&config, cloudless_bundle::BUNDLE_CAR).unwrap();
    let gateway: cloudless_actor_gateway::State = g.node.actor_state(84).unwrap();
    assert_eq!(gateway.authority, 0);
    let balance = g.node.actor(84).unwrap().unwrap().balance;
    assert!(cloudless_runtime::Invariants::check_state_invariants(&gateway, g.node.store(), &balance).is_empty());
}

/// Singletons point at each other by default; `"none"` opts out.
#[test]
fn singletons_are_wired_to_each_other_by_default() {
    let config = |capacity_extra: &str| {
        format!(
            "{BASE}[actors.oracle]\nadmin = \"admin\"\n[[actors.oracle.assets]]\nsymbol = \"FLT/USD\"\nquorum = 1\nreport_expiry = 10\n\
             [actors.capacity]\nadmin = \"admin\"\nflt_collateral_per_unit = \"1\"\n{capacity_extra}\
             [actors.rewards]\nadmin = \"admin\"\n[actors.gateway]\nadmin = \"admin\"\n[actors.market]\nadmin = \"admin\"\n"
        )
    };
    let g = build(&GenesisConfig::parse(&config("")).unwrap(), cloudless_bundle::BUNDLE_CAR).unwrap();
    let cap: cloudless_actor_capacity::State = g.node.actor_state(80).unwrap();
    assert_eq!((cap.config.oracle, cap.config.rewards, cap.config.market), (Some(83), Some(82), Some(81)));
    let rewards: cloudless_actor_rewards::State = g.node.actor_state(82).unwrap();
    assert_eq!((rewards.config.capacity, rewards.config.oracle), (80, Some(83)));
    let market: cloudless_actor_market::State = g.node.actor_state(81).unwrap();
    assert_eq!((market.config.capacity, market.config.default_token), (80, 84));

    let none = "oracle = \"none\"\nrewards = \"none\"\nmarket = \"none\"\n";
    let g = build(&GenesisConfig::parse(&config(none)).unwrap(), cloudless_bundle::BUNDLE_CAR).unwrap();
    let cap: cloudless_actor_capacity::State = g.node.actor_state(80).unwrap();
    assert_eq!((cap.config.oracle, cap.config.rewards, cap.config.market), (None, None, None));
}

/// builtin-actors v17 as the core set: the core states written as fendermint writes them, then
/// the accounts and singletons by messages; the result runs product messages with every
/// invariant checked.
#[test]
fn genesis_on_the_official_core_set() {
    use cloudless_host::genesis::CoreSet;
    let core = cloudless_bundle::official_v17().unwrap();
    let bundle = cloudless_bundle::compose(&core, cloudless_bundle::BUNDLE_CAR).unwrap();
    let info = cloudless_bundle::inspect(&bundle).unwrap();
    assert_eq!(CoreSet::of(&info).unwrap(), CoreSet::Official);
    let stand_in =
        cloudless_bundle::compose(&cloudless_bundle::stand_in_official_core().unwrap(), cloudless_bundle::BUNDLE_CAR);
    assert_eq!(CoreSet::of(&cloudless_bundle::inspect(&stand_in.unwrap()).unwrap()).unwrap(), CoreSet::Cloudless);
    let config = GenesisConfig::parse(EXAMPLE).unwrap();
    let g = build(&config, &bundle).unwrap();
    assert_eq!(g.node.state_root(), build(&config, &bundle).unwrap().node.state_root(), "deterministic");
    // The core actors run builtin-actors' code; f02 and f099 are keyless accounts, cron is empty.
    for (id, name) in [(0, "system"), (1, "init"), (2, "account"), (3, "cron"), (10, "eam"), (99, "account")] {
        let actor = g.node.actor(id).unwrap().unwrap();
        assert_eq!(actor.code, info.code_of(name).unwrap(), "f0{id}");
        assert_eq!(Some(actor.code), cloudless_bundle::inspect(&core).unwrap().code_of(name), "f0{id} is official");
    }
    // Every singleton sits where fendermint's genesis leaves room (below its first account ID,
    // off its own actors' IDs).
    use cloudless_bundle::fendermint::{FIRST_NON_SINGLETON_ID, RESERVED_IDS};
    let singletons: Vec<_> = g.actors.iter().filter(|(_, id)| *id < FIRST_NON_SINGLETON_ID).collect();
    assert_eq!(singletons.len(), 5, "{singletons:?}");
    for (name, id) in singletons {
        assert!(!RESERVED_IDS.contains(id), "{name} at f0{id} collides with a fendermint actor");
    }
    let init: cloudless_actor_init::State = g.node.actor_state(1).unwrap();
    assert_eq!(init.network_name, config.network.name);
    let total = cloudless_testing::Snapshot::take(&g.node).unwrap().total_balance();
    cloudless_testing::check_invariants(&g.node, &total).unwrap();
    two_reports_give_the_median(g);
}

/// reporter1 and reporter2 report FLT/USD on the example genesis; the median is their mean.
fn two_reports_give_the_median(g: cloudless_host::genesis::Genesis) {
    let mut h = cloudless_testing::Harness::from_genesis(g).unwrap();
    for (r, p) in [("reporter1", "0.5"), ("reporter2", "0.6")] {
        let params = cloudless_actor_oracle::ReportParams {
            asset: "FLT/USD".into(),
            price: cloudless_runtime::amount::parse_decimal(p).unwrap(),
        };
        cloudless_testing::assert_ok(&h.send(r, "oracle", cloudless_actor_oracle::METHOD_REPORT, &params));
    }
    let q = cloudless_actor_oracle::AssetQuery { asset: "FLT/USD".into() };
    let price: cloudless_actor_oracle::PriceInfo =
        h.call("alice", "oracle", cloudless_actor_oracle::METHOD_GET_PRICE, &q);
    assert_eq!(price.median, cloudless_runtime::amount::parse_decimal("0.55").unwrap());
}
