//! The devnet run as a library: a stop request (Ctrl-C in the CLI) ends the run between
//! messages with a consistent state and a report of the finished periods.

use cloudless_host::devnet::{self, report, End, Loaded, Observer};
use cloudless_testing::{check_invariants, Snapshot};

/// Requests a stop once `at` periods have finished.
struct StopAfter {
    at: u32,
    done: u32,
}

impl Observer for StopAfter {
    fn period_done(&mut self, _: &report::PeriodFigures) {
        self.done += 1;
    }
    fn stop_requested(&self) -> bool {
        self.done >= self.at
    }
}

#[test]
fn a_stop_request_leaves_a_consistent_state_and_a_partial_report() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/devnet-quick.toml");
    let loaded = Loaded::load(&path).unwrap();
    let mut observer = StopAfter { at: 2, done: 0 };
    let outcome =
        devnet::run(&loaded, cloudless_bundle::BUNDLE_CAR, &mut observer, vec![cloudless_testing::all_checks()])
            .unwrap();
    assert_eq!(outcome.end, End::Interrupted);
    assert_eq!(outcome.report.end, "interrupted");
    assert_eq!(outcome.report.periods_run, 2);
    assert_eq!(outcome.report.periods.len(), 2);
    let node = &outcome.chain.node;
    assert_eq!(outcome.report.state_root, node.state_root().to_string());
    // Every message of the finished periods is in the journal and the state is whole: the
    // invariants hold and the FLT total is the genesis total.
    let genesis = cloudless_host::Node::from_car_with_bundle(&outcome.genesis, cloudless_bundle::BUNDLE_CAR).unwrap();
    check_invariants(node, &Snapshot::take(&genesis).unwrap().total_balance()).unwrap();
    assert_eq!(outcome.journal.len() as u64, outcome.report.messages);
    assert!(outcome.journal.iter().all(|j| j.epoch < 200), "nothing of period 2 ran");
}
