//! The short soak in `make test` (`make soak` runs 100,000 messages): random traffic and fuzzed
//! params across every actor, checked after every message (see host/src/testing/soak.rs).

use std::path::Path;

use cloudless_testing::soak::{corpus_seeds, Soak};

#[test]
fn a_short_soak_keeps_every_invariant_and_refuses_cleanly() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/corpus");
    let seeds = corpus_seeds(&corpus).unwrap();
    assert!(seeds.len() > 100, "the committed corpus gives the fuzzer its seeds ({})", seeds.len());
    let mut soak = Soak::new(7, seeds, cloudless_bundle::BUNDLE_CAR).unwrap();
    soak.run(1_500, 1_500, |_| {});
    let s = &soak.stats;
    for (kind, (sent, ok)) in &s.kinds {
        eprintln!("{kind:<48} {sent:>5} {ok:>5}");
    }
    // The run exercised what it claims: every actor fuzzed, real traffic succeeding, refusals.
    let products = cloudless_actors::ACTORS.iter().filter(|a| a.kind == cloudless_actors::Kind::Product);
    for actor in products.map(|a| a.name).chain(["init", "account"]) {
        let fuzzed: u64 =
            s.kinds.iter().filter(|(k, _)| k.starts_with(&format!("fuzz {actor}."))).map(|(_, n)| n.0).sum();
        assert!(fuzzed >= 10, "{actor} fuzzed {fuzzed} times");
    }
    for kind in ["oracle.Report", "gateway.Transfer", "gateway.Withdraw", "market.CreateDeal", "market.fund", "relay"] {
        let (sent, ok) = s.kinds.get(kind).copied().unwrap_or_default();
        assert!(sent >= 10 && ok >= 5, "{kind}: {sent} sent, {ok} succeeded");
    }
    assert!(s.succeeded * 4 > s.messages, "most real traffic succeeds: {} of {}", s.succeeded, s.messages);
    assert!(s.refusals.values().sum::<u64>() * 4 > s.fuzzed, "most fuzz is refused");
}
