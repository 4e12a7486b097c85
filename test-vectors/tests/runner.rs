//! The runner catches changed behaviour and gas with a readable diff; the generator is
//! deterministic and the committed corpus is what it generates.

use std::path::Path;

use cloudless_test_vectors::format::{b64, unb64, Vector};
use cloudless_test_vectors::generate::{file_name, generate};
use cloudless_test_vectors::runner::{run_vector, vector_files};
use cloudless_test_vectors::scenario::ScenarioFile;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn corpus_vector(id: &str) -> Vector {
    Vector::load(&root().join("corpus").join(file_name(id))).unwrap()
}

#[test]
fn generating_twice_gives_identical_files_and_the_committed_corpus() {
    let mut generated = 0;
    for entry in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let scenario = ScenarioFile::load(&entry.unwrap().path()).unwrap();
        let bundle = scenario.bundle_car().unwrap();
        let a = generate(&scenario, &bundle).unwrap();
        let b = generate(&scenario, &bundle).unwrap();
        for (x, y) in a.iter().zip(&b) {
            let text = x.to_text().unwrap();
            assert_eq!(text, y.to_text().unwrap(), "{} differs between two runs", x.meta.id);
            let committed = std::fs::read_to_string(root().join("corpus").join(file_name(&x.meta.id)))
                .unwrap_or_else(|_| panic!("{} is not in the corpus: run `make vectors`", x.meta.id));
            assert!(committed == text, "{} in the corpus is stale: run `make vectors`", x.meta.id);
            generated += 1;
        }
    }
    assert_eq!(
        generated,
        vector_files(&root().join("corpus")).unwrap().len(),
        "the corpus has vectors no scenario makes"
    );
}

#[test]
fn changed_gas_return_exit_code_or_state_fail_with_a_readable_diff() {
    let original = corpus_vector("oracle/report-median-twap");
    assert!(run_vector(&original, cloudless_bundle::BUNDLE_CAR).passed());

    // An actor that now burns 7 more gas on GetPrice.
    let mut v = original.clone();
    v.postconditions.receipts[3].gas_used -= 7;
    let out = run_vector(&v, cloudless_bundle::BUNDLE_CAR);
    assert!(!out.passed());
    assert!(
        out.differences[0].contains("message 3: gas used expected") && out.differences[0].contains("(+7)"),
        "{:?}",
        out.differences
    );

    // An actor that now returns a different median.
    let mut v = original.clone();
    let mut ret = unb64(&v.postconditions.receipts[3].return_data).unwrap();
    let last = ret.len() - 1;
    ret[last] ^= 1;
    v.postconditions.receipts[3].return_data = b64(&ret);
    let out = run_vector(&v, cloudless_bundle::BUNDLE_CAR);
    assert!(out.differences.iter().any(|d| d.starts_with("message 3: return expected")), "{:?}", out.differences);

    // An actor that now refuses the first report.
    let mut v = original.clone();
    v.postconditions.receipts[0].exit_code = 18;
    let out = run_vector(&v, cloudless_bundle::BUNDLE_CAR);
    assert!(
        out.differences.iter().any(|d| d.contains("message 0: exit code expected 18, got 0")),
        "{:?}",
        out.differences
    );

    // An actor that now emits a different event (or none) for the first report.
    let mut v = original.clone();
    assert!(v.postconditions.receipts[0].events_root.is_some(), "a report emits an event");
    v.postconditions.receipts[0].events_root = None;
    let out = run_vector(&v, cloudless_bundle::BUNDLE_CAR);
    assert!(
        out.differences.iter().any(|d| d.starts_with("message 0: events root expected None")),
        "{:?}",
        out.differences
    );

    // A different final state.
    let mut v = original.clone();
    v.postconditions.state_tree.root_cid.cid = v.preconditions.state_tree.root_cid.cid.clone();
    let out = run_vector(&v, cloudless_bundle::BUNDLE_CAR);
    assert!(out.differences.iter().any(|d| d.starts_with("final state root expected")), "{:?}", out.differences);
}

#[test]
fn a_vector_from_another_bundle_says_so_and_how_to_regenerate() {
    let mut v = corpus_vector("core/transfer");
    v.bundle.manifest = "bafy2bzaceolder".into();
    let out = run_vector(&v, cloudless_bundle::BUNDLE_CAR);
    assert_eq!(out.differences.len(), 1);
    assert!(out.differences[0].contains("make vectors"), "{:?}", out.differences);
}

#[test]
fn syscall_vectors_run_on_the_test_bundle_they_name() {
    use cloudless_test_vectors::runner::bundle_for;
    let v = corpus_vector("syscalls/randomx-hashes");
    assert_eq!(v.bundle.test_actors, ["test-syscall"], "the production bundle plus the actor it installs");
    let bundle = bundle_for(&v).unwrap();
    assert_eq!(cloudless_bundle::inspect(&bundle).unwrap().root.to_string(), v.bundle.manifest);
    assert!(run_vector(&v, &bundle).passed());
    for wrong in [cloudless_bundle::BUNDLE_CAR, cloudless_bundle::TEST_BUNDLE_CAR] {
        let out = run_vector(&v, wrong);
        assert!(out.differences[0].contains("generated against bundle"), "{:?}", out.differences);
    }
    let capacity = corpus_vector("capacity/commitment-life-with-proofs");
    assert!(capacity.bundle.test_actors.is_empty());
    assert!(bundle_for(&capacity).unwrap() == cloudless_bundle::BUNDLE_CAR);
}
