//! Refusals that hold across every product actor, in the FVM with the example genesis.

use cloudless_host::abi::actor;
use cloudless_host::genesis::product_actors;
use cloudless_testing::{assert_ok, Harness};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;

const EXAMPLE: &str = include_str!("../../examples/devnet.toml");

/// FLT sent to a method that does not take it is refused before anything runs (whatever the
/// caller or params), and changes nothing; the `[payable]` methods take it.
#[test]
fn value_sent_to_a_method_that_does_not_take_it_is_refused_everywhere() {
    let mut h = Harness::new(EXAMPLE, cloudless_bundle::BUNDLE_CAR).unwrap();
    let mut refused = 0;
    for actor in product_actors() {
        let to = Address::new_id(h.node.resolve(&h.keys.address_of(actor.name()).unwrap()).unwrap().unwrap());
        for m in actor.methods() {
            if m.payable {
                continue;
            }
            let why = h.expect_failure_paying(
                "alice",
                to,
                m.number,
                RawBytes::default(),
                TokenAmount::from_atto(1),
                ExitCode::USR_ILLEGAL_ARGUMENT,
            );
            assert!(why.contains("does not take FLT"), "{}.{}: {why}", actor.name(), m.name);
            refused += 1;
        }
    }
    assert!(refused > 60, "only {refused} methods tried");
    let payable: Vec<_> = product_actors()
        .iter()
        .flat_map(|a| a.methods().into_iter().filter(|m| m.payable && m.number > 1).map(|m| (a.name(), m.name)))
        .collect();
    assert_eq!(payable, [("capacity", "DepositCollateral"), ("rewards", "Fund")]);
    let fund = actor("rewards").unwrap().methods().into_iter().find(|m| m.name == "Fund").unwrap();
    let rewards = h.keys.address_of("rewards").unwrap();
    assert_ok(&h.send_raw("alice", rewards, fund.number, RawBytes::default(), TokenAmount::from_whole(1)));
}

/// The indexer the harness runs after every message (docs/reliability.md, "Events rebuild
/// state") sees a state change whose events it did not index, and events indexed twice.
#[test]
fn the_indexer_notices_state_its_events_do_not_explain() {
    let mut h = Harness::new(EXAMPLE, cloudless_bundle::BUNDLE_CAR).unwrap().indexed();
    let rewards = h.keys.address_of("rewards").unwrap();
    let fund = actor("rewards").unwrap().methods().into_iter().find(|m| m.name == "Fund").unwrap().number;
    assert_ok(&h.send_raw("alice", rewards, fund, RawBytes::default(), TokenAmount::from_whole(1)));
    let mut indexer = h.checks().indexer.take().unwrap();
    assert!(indexer.events > 10, "genesis and the message emitted {} events", indexer.events);
    assert_eq!(indexer.differences(&h.node).unwrap(), Vec::<String>::new());

    // Applied behind the indexer's back: the rewards totals no longer match.
    let msg = fvm_shared::message::Message {
        value: TokenAmount::from_whole(2),
        ..h.message("alice", rewards, fund, RawBytes::default())
    };
    let signed = h.keys.key("alice").unwrap().sign_message(msg);
    let next = h.node.epoch() + 1;
    h.node.set_epoch(next).unwrap();
    let ret = h.node.apply_signed(&signed).unwrap();
    assert_ok(&ret);
    let found = indexer.differences(&h.node).unwrap();
    assert!(found.iter().any(|d| d.contains("(rewards): totals")), "{found:?}");

    // Its events explain it; the same events twice do not.
    indexer.observe(&h.node, &ret.events).unwrap();
    assert_eq!(indexer.differences(&h.node).unwrap(), Vec::<String>::new());
    indexer.observe(&h.node, &ret.events).unwrap();
    assert!(indexer.check(&h.node).is_err());
}
