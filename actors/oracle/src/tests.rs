//! Native unit tests of the oracle's pure state logic.

use cloudless_runtime::amount::parse_decimal;
use cloudless_runtime::Invariants;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use proptest::prelude::*;

use crate::state::{median, State};
use crate::types::Asset;
use crate::types::*;

fn usd(text: &str) -> TokenAmount {
    parse_decimal(text).unwrap()
}

fn config(quorum: u32, expiry: i64, deviation: u64, twap: i64) -> AssetConfig {
    AssetConfig { quorum, report_expiry: expiry, max_deviation: deviation, twap_window: twap }
}

fn asset(cfg: AssetConfig, reporters: &[u64]) -> Asset {
    Asset::new("FLT/USD".into(), cfg, reporters.to_vec()).unwrap()
}

fn code<T: std::fmt::Debug>(r: Result<T, cloudless_runtime::ActorError>) -> ExitCode {
    r.unwrap_err().exit_code()
}

#[test]
fn median_odd_even_and_single() {
    let v = |xs: &[i64]| xs.iter().map(|x| BigInt::from(*x)).collect::<Vec<_>>();
    assert_eq!(median(&mut v(&[5])), BigInt::from(5));
    assert_eq!(median(&mut v(&[9, 1, 5])), BigInt::from(5));
    // Even: floor of the average of the two middle values.
    assert_eq!(median(&mut v(&[1, 4, 2, 9])), BigInt::from(3));
    assert_eq!(median(&mut v(&[10, 20])), BigInt::from(15));
}

#[test]
fn quorum_gates_the_price() {
    let mut a = asset(config(2, 100, 0, 0), &[101, 102, 103]);
    a.report(101, usd("0.50"), 10).unwrap();
    assert_eq!(code(a.price(10)), ExitCode::USR_ILLEGAL_STATE);
    let out = a.report(102, usd("0.60"), 11).unwrap();
    assert_eq!(out.median, Some(usd("0.55")));
    let p = a.price(11).unwrap();
    assert_eq!((p.median, p.fresh_reports, p.updated_epoch), (usd("0.55"), 2, 11));
}

#[test]
fn reports_expire() {
    let mut a = asset(config(2, 10, 0, 0), &[101, 102]);
    a.report(101, usd("1"), 0).unwrap();
    a.report(102, usd("3"), 5).unwrap();
    assert_eq!(a.price(9).unwrap().median, usd("2"));
    // At epoch 10 the report from epoch 0 is 10 epochs old: expired.
    assert_eq!(code(a.price(10)), ExitCode::USR_ILLEGAL_STATE);
}

#[test]
fn reporter_replaces_its_own_report() {
    let mut a = asset(config(1, 100, 0, 0), &[101]);
    a.report(101, usd("1"), 1).unwrap();
    a.report(101, usd("2"), 2).unwrap();
    assert_eq!(a.reports.len(), 1);
    assert_eq!(a.price(2).unwrap().median, usd("2"));
}

#[test]
fn unauthorized_and_bad_prices_are_rejected_without_change() {
    let mut a = asset(config(1, 100, 0, 0), &[101]);
    let before = a.clone();
    assert_eq!(code(a.report(999, usd("1"), 1)), ExitCode::USR_FORBIDDEN);
    assert_eq!(code(a.report(101, usd("0"), 1)), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(code(a.report(101, usd("-1"), 1)), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(a, before);
}

#[test]
fn deviation_guard_applies_only_to_a_fresh_median() {
    // 10% max deviation.
    let mut a = asset(config(2, 10, 1_000_000, 0), &[101, 102, 103]);
    a.report(101, usd("1.00"), 0).unwrap();
    a.report(102, usd("1.00"), 0).unwrap();
    // 1.10 is exactly 10% away: accepted; 1.11 is not.
    a.report(103, usd("1.10"), 1).unwrap();
    assert_eq!(code(a.report(103, usd("1.11"), 1)), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(code(a.report(103, usd("0.89"), 1)), ExitCode::USR_ILLEGAL_ARGUMENT);
    // Once the median is stale (reports expired), any price goes.
    a.report(103, usd("5"), 20).unwrap();
    a.report(101, usd("5.2"), 20).unwrap();
    assert_eq!(a.price(20).unwrap().median, usd("5.1"));
}

#[test]
fn twap_weights_medians_by_epochs_held() {
    let mut a = asset(config(1, 1000, 0, 10), &[101]);
    a.report(101, usd("1"), 100).unwrap();
    a.report(101, usd("3"), 105).unwrap();
    // Window at 109 is epochs 100..=109: five epochs at 1, five at 3.
    assert_eq!(a.price(109).unwrap().twap, usd("2"));
    // At 114 the window is 105..=114: all at 3.
    assert_eq!(a.price(114).unwrap().twap, usd("3"));
    // Only one sample per epoch: a second report in 105 overwrites it.
    a.report(101, usd("5"), 105).unwrap();
    assert_eq!(a.samples.len(), 2);
}

/// Audit finding (issue 34): one reporter re-reporting every epoch used to fill the 64-sample
/// ring with the last 64 epochs, so a 640-epoch TWAP followed the last 64 epochs' price alone.
/// Samples are now spaced by ceil(640 / 64) = 10 epochs and the ring spans the window.
#[test]
fn a_reporter_reporting_every_epoch_cannot_shrink_the_window() {
    let mut a = asset(config(1, 1000, 0, 640), &[101]);
    assert_eq!(a.sample_spacing(), 10);
    for e in 0..576 {
        a.report(101, usd("1"), e).unwrap();
    }
    for e in 576..640 {
        a.report(101, usd("3"), e).unwrap();
    }
    assert_eq!(a.samples.len(), MAX_TWAP_SAMPLES);
    assert_eq!((a.samples[0].epoch, a.samples[58].epoch), (0, 580));
    // Epochs 0..580 at 1, 580..640 at 3: (580 + 180) / 640 = 1.1875, not 3.
    assert_eq!(a.price(639).unwrap().twap, usd("1.1875"));
}

#[test]
fn twap_without_window_is_the_median() {
    let mut a = asset(config(1, 1000, 0, 0), &[101]);
    a.report(101, usd("7"), 1).unwrap();
    assert_eq!(a.price(50).unwrap().twap, usd("7"));
}

#[test]
fn sample_ring_is_bounded() {
    // A window of 64 epochs: one sample per epoch.
    let mut a = asset(config(1, 1_000_000, 0, MAX_TWAP_SAMPLES as i64), &[101]);
    for e in 0..(MAX_TWAP_SAMPLES as i64 + 10) {
        a.report(101, usd("1"), e).unwrap();
    }
    assert_eq!(a.samples.len(), MAX_TWAP_SAMPLES);
    assert_eq!(a.samples[0].epoch, 10);
    // A window of a million epochs: one sample per 15,625.
    let mut a = asset(config(1, 1_000_000, 0, 1_000_000), &[101]);
    for e in (0..1_000_000).step_by(1_000) {
        a.report(101, usd("1"), e).unwrap();
    }
    assert_eq!(a.sample_spacing(), 15_625);
    // Reports every 1,000 epochs are sampled every 16,000: 63 samples span the whole window.
    assert_eq!((a.samples.len(), a.samples[0].epoch, a.samples[62].epoch), (63, 0, 992_000));
}

#[test]
fn reporter_management() {
    let mut a = asset(config(1, 100, 0, 0), &[101]);
    assert_eq!(code(a.add_reporter(101)), ExitCode::USR_ILLEGAL_STATE);
    a.report(101, usd("1"), 1).unwrap();
    a.remove_reporter(101).unwrap();
    assert!(a.reports.is_empty());
    assert_eq!(code(a.remove_reporter(101)), ExitCode::USR_NOT_FOUND);
    for id in 0..MAX_REPORTERS as u64 {
        a.add_reporter(1000 + id).unwrap();
    }
    assert_eq!(code(a.add_reporter(5)), ExitCode::USR_ILLEGAL_ARGUMENT);
}

#[test]
fn config_and_symbol_validation() {
    for bad in [
        config(0, 10, 0, 0),
        config(65, 10, 0, 0),
        config(1, 0, 0, 0),
        config(1, 10, 10_000_001, 0),
        config(1, 10, 0, -1),
    ] {
        assert_eq!(code(Asset::new("X".into(), bad, vec![])), ExitCode::USR_ILLEGAL_ARGUMENT);
    }
    for bad in ["", "FLT USD", &"X".repeat(33)] {
        assert_eq!(code(Asset::new(bad.to_string(), config(1, 1, 0, 0), vec![])), ExitCode::USR_ILLEGAL_ARGUMENT);
    }
}

#[test]
fn state_stores_assets_and_checks_invariants() {
    let store = MemoryBlockstore::new();
    let mut st = State::new(&store, 100, vec![asset(config(1, 10, 0, 0), &[101])]).unwrap();
    assert_eq!(code(st.get_asset(&store, "BTC/USD")), ExitCode::USR_NOT_FOUND);
    let dup = asset(config(1, 10, 0, 0), &[]);
    assert_eq!(code(st.add_asset(&store, dup)), ExitCode::USR_ILLEGAL_STATE);
    let mut a = st.get_asset(&store, "FLT/USD").unwrap();
    a.report(101, usd("2"), 3).unwrap();
    st.put_asset(&store, a.clone()).unwrap();
    assert_eq!(st.get_asset(&store, "FLT/USD").unwrap(), a);
    assert!(st.check_state_invariants(&store, &TokenAmount::default()).is_empty());

    // A corrupted asset is reported.
    a.reporters.push(1);
    st.put_asset(&store, a).unwrap();
    let errors = st.check_state_invariants(&store, &TokenAmount::default());
    assert!(errors.iter().any(|e| e.contains("reporters not sorted")), "{errors:?}");
}

proptest! {
    /// Whatever sequence of reports arrives, invariants hold and the median lies between the
    /// smallest and largest fresh price.
    #[test]
    fn random_reports_keep_invariants(ops in proptest::collection::vec((0u64..6, 1u64..1_000_000, 0i64..5), 1..60)) {
        let mut a = asset(config(2, 20, 2_000_000, 15), &[0, 1, 2, 3, 4]);
        let mut now = 0;
        for (reporter, price, step) in ops {
            now += step;
            let _ = a.report(reporter, TokenAmount::from_atto(price), now);
            let mut errors = Vec::new();
            a.check_invariants(&mut errors);
            prop_assert!(errors.is_empty(), "{:?}", errors);
            if let Ok(p) = a.price(now) {
                let fresh: Vec<_> = a.reports.iter().filter(|r| now - r.epoch < 20).map(|r| r.price.clone()).collect();
                prop_assert!(fresh.iter().min().unwrap() <= &p.median && &p.median <= fresh.iter().max().unwrap());
            }
        }
    }
}
