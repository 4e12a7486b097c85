//! Every scenario on the official core set: the builtin-actors v17 bundle (the one fendermint
//! runs) with the Cloudless actors appended, genesis written the way fendermint writes it.
//!
//! Generating a vector already checks each step's expected exit code, every actor's invariants
//! after each step and that every event is declared. On top, each receipt must equal the one the
//! committed corpus has from our own core set (exit code, return, events), gas aside: the core
//! actors' code differs, so gas may too, and the test prints by how much.

use std::path::Path;

use cloudless_test_vectors::format::Vector;
use cloudless_test_vectors::generate::{file_name, generate};
use cloudless_test_vectors::scenario::ScenarioFile;

#[test]
fn every_scenario_runs_on_the_official_core_set_with_the_same_receipts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let official = cloudless_bundle::official_v17().unwrap();
    let (mut vectors, mut skipped, mut messages, mut gas_ours, mut gas_official) = (0, 0, 0, 0u64, 0u64);
    let mut paths: Vec<_> = std::fs::read_dir(root.join("scenarios")).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        let mut scenario = ScenarioFile::load(&path).unwrap();
        let before = scenario.vectors.len();
        scenario.vectors.retain(|v| !v.cloudless_core_only);
        skipped += before - scenario.vectors.len();
        let bundle = cloudless_bundle::compose(&official, &scenario.bundle_car().unwrap()).unwrap();
        let generated =
            generate(&scenario, &bundle).unwrap_or_else(|e| panic!("{} on the official core: {e:#}", path.display()));
        for v in generated {
            let ours = Vector::load(&root.join("corpus").join(file_name(&v.meta.id))).unwrap();
            let (theirs, ours) = (&v.postconditions.receipts, &ours.postconditions.receipts);
            assert_eq!(theirs.len(), ours.len(), "{}", v.meta.id);
            for (i, (t, o)) in theirs.iter().zip(ours).enumerate() {
                let what = format!("{} message {i}", v.meta.id);
                assert_eq!(t.exit_code, o.exit_code, "{what}: exit code");
                assert_eq!(t.return_data, o.return_data, "{what}: return");
                assert_eq!(
                    t.events_root.as_ref().map(|c| &c.cid),
                    o.events_root.as_ref().map(|c| &c.cid),
                    "{what}: events"
                );
                gas_ours += o.gas_used;
                gas_official += t.gas_used;
                messages += 1;
            }
            vectors += 1;
        }
    }
    let corpus = cloudless_test_vectors::runner::vector_files(&root.join("corpus")).unwrap().len();
    assert_eq!(vectors + skipped, corpus, "every vector of the corpus is either run or marked");
    assert!(skipped <= 4, "{skipped} vectors marked cloudless_core_only");
    println!(
        "{vectors} vectors, {messages} messages on the official core: same receipts; gas {gas_official} vs {gas_ours} \
         on ours (ratio {:.4}); {skipped} vectors of our core actors' own behaviour not run",
        gas_official as f64 / gas_ours as f64
    );
}
