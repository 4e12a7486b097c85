//! The oracle as Wasm in the real FVM with the Cloudless kernel: every method, its caller
//! checks, malformed params, stale and deviating reports. Every failure must leave all actor
//! state untouched (only the FVM's gas fee and nonce on the sender), and invariants hold after
//! every message.

use cloudless_actor_oracle::*;
use cloudless_runtime::amount::parse_decimal;
use cloudless_runtime::events::event_type;
use cloudless_testing::{assert_ok, check_invariants, Harness, Snapshot};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;

const CONFIG: &str = r#"
[network]
name = "oracle-test"

[[accounts]]
name = "admin"
balance = "100"
[[accounts]]
name = "r1"
balance = "100"
[[accounts]]
name = "r2"
balance = "100"
[[accounts]]
name = "r3"
balance = "100"
[[accounts]]
name = "mallory"
balance = "100"

[actors.oracle]
id = 83
admin = "admin"
[[actors.oracle.assets]]
symbol = "FLT/USD"
quorum = 2
report_expiry = 10
max_deviation = 1000000
twap_window = 20
reporters = ["r1", "r2", "r3"]
"#;

fn usd(text: &str) -> TokenAmount {
    parse_decimal(text).unwrap()
}

fn report(asset: &str, price: &str) -> ReportParams {
    ReportParams { asset: asset.into(), price: usd(price) }
}

fn query(asset: &str) -> AssetQuery {
    AssetQuery { asset: asset.into() }
}

fn params<P: serde::Serialize>(p: &P) -> RawBytes {
    RawBytes::serialize(p).unwrap()
}

struct Test {
    h: Harness,
    total: TokenAmount,
    oracle: Address,
}

impl Test {
    fn new() -> Self {
        Self::on(Harness::new(CONFIG, cloudless_bundle::BUNDLE_CAR).unwrap())
    }

    /// With the event indexer checked after every message.
    fn indexed() -> Self {
        Self::on(Harness::new(CONFIG, cloudless_bundle::BUNDLE_CAR).unwrap().indexed())
    }

    fn on(h: Harness) -> Self {
        let total = Snapshot::take(&h.node).unwrap().total_balance();
        let t = Test { h, total, oracle: Address::new_id(83) };
        t.check();
        t
    }

    fn check(&self) {
        check_invariants(&self.h.node, &self.total).unwrap();
    }

    fn ok<P: serde::Serialize>(&mut self, from: &str, method: u64, p: &P) -> fvm::executor::ApplyRet {
        let ret = self.h.send(from, "oracle", method, p);
        assert_ok(&ret);
        self.check();
        ret
    }

    fn fails(&mut self, from: &str, method: u64, p: RawBytes, code: ExitCode) -> String {
        let msg = self.h.expect_failure(from, self.oracle, method, p, code);
        self.check();
        msg
    }

    fn price(&mut self) -> PriceInfo {
        let info = self.h.call("mallory", "oracle", METHOD_GET_PRICE, &query("FLT/USD"));
        self.check();
        info
    }
}

#[test]
fn three_reporters_make_a_median_and_twap() {
    let mut t = Test::indexed();
    let ret = t.ok("r1", METHOD_REPORT, &report("FLT/USD", "0.50"));
    let types: Vec<_> = ret.events.iter().filter_map(|e| event_type(&e.event)).collect();
    assert_eq!(types, ["price-reported"]);
    // One report is below quorum: no price.
    t.fails("mallory", METHOD_GET_PRICE, params(&query("FLT/USD")), ExitCode::USR_ILLEGAL_STATE);

    let ret = t.ok("r2", METHOD_REPORT, &report("FLT/USD", "0.52"));
    let types: Vec<_> = ret.events.iter().filter_map(|e| event_type(&e.event)).collect();
    assert_eq!(types, ["price-reported", "median-updated"]);
    t.ok("r3", METHOD_REPORT, &report("FLT/USD", "0.54"));

    let p = t.price();
    assert_eq!(p.median, usd("0.52"));
    assert_eq!(p.fresh_reports, 3);
    assert_eq!(p.updated_epoch, t.h.node.epoch() - 1);
    // Samples: 0.51 from the epoch of r2's report, 0.52 from r3's; window covers both.
    assert!(p.twap > usd("0.51") && p.twap < usd("0.52"), "{:?}", p.twap);

    let asset: Asset = t.h.call("mallory", "oracle", METHOD_GET_ASSET, &query("FLT/USD"));
    assert_eq!(asset.reports.len(), 3);
    let admin: AdminReturn = t.h.call("mallory", "oracle", METHOD_GET_ADMIN, &());
    assert_eq!(admin.admin, t.h.id("admin"));
}

#[test]
fn report_rejects_outsiders_bad_params_and_deviation() {
    let mut t = Test::new();
    t.fails("mallory", METHOD_REPORT, params(&report("FLT/USD", "0.5")), ExitCode::USR_FORBIDDEN);
    t.fails("r1", METHOD_REPORT, params(&report("BTC/USD", "0.5")), ExitCode::USR_NOT_FOUND);
    t.fails("r1", METHOD_REPORT, params(&report("FLT/USD", "0")), ExitCode::USR_ILLEGAL_ARGUMENT);
    t.fails("r1", METHOD_REPORT, RawBytes::new(vec![0xff, 0x00]), ExitCode::USR_SERIALIZATION);
    t.fails("r1", METHOD_REPORT, RawBytes::default(), ExitCode::USR_SERIALIZATION);
    t.fails("r1", METHOD_REPORT, params(&("FLT/USD",)), ExitCode::USR_SERIALIZATION);

    t.ok("r1", METHOD_REPORT, &report("FLT/USD", "1.00"));
    t.ok("r2", METHOD_REPORT, &report("FLT/USD", "1.00"));
    // 10% max deviation from a fresh median of 1.00.
    let msg = t.fails("r3", METHOD_REPORT, params(&report("FLT/USD", "1.2")), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(msg.contains("deviates"), "{msg}");
    t.ok("r3", METHOD_REPORT, &report("FLT/USD", "1.1"));
}

#[test]
fn stale_reports_expire_the_price_and_lift_the_deviation_guard() {
    let mut t = Test::indexed();
    t.ok("r1", METHOD_REPORT, &report("FLT/USD", "1.00"));
    t.ok("r2", METHOD_REPORT, &report("FLT/USD", "1.00"));
    t.price();
    // report_expiry is 10 epochs: jump past it.
    let e = t.h.node.epoch();
    t.h.node.set_epoch(e + 20).unwrap();
    t.fails("mallory", METHOD_GET_PRICE, params(&query("FLT/USD")), ExitCode::USR_ILLEGAL_STATE);
    // The median is stale, so a far-off price is accepted.
    t.ok("r1", METHOD_REPORT, &report("FLT/USD", "3.00"));
    t.ok("r2", METHOD_REPORT, &report("FLT/USD", "3.10"));
    assert_eq!(t.price().median, usd("3.05"));
}

#[test]
fn admin_methods_are_admin_only_and_validated() {
    let mut t = Test::new();
    let cfg = AssetConfig { quorum: 1, report_expiry: 100, max_deviation: 0, twap_window: 0 };
    let btc = AssetParams { symbol: "BTC/USD".into(), config: cfg.clone(), reporters: vec![t.h.address("r1")] };

    t.fails("mallory", METHOD_ADD_ASSET, params(&btc), ExitCode::USR_FORBIDDEN);
    t.ok("admin", METHOD_ADD_ASSET, &btc);
    t.fails("admin", METHOD_ADD_ASSET, params(&btc), ExitCode::USR_ILLEGAL_STATE);
    let bad =
        AssetParams { symbol: "ETH/USD".into(), config: AssetConfig { quorum: 0, ..cfg.clone() }, reporters: vec![] };
    t.fails("admin", METHOD_ADD_ASSET, params(&bad), ExitCode::USR_ILLEGAL_ARGUMENT);
    let ghost = Address::new_secp256k1(&[4; 65]).unwrap();
    let unknown = AssetParams { symbol: "ETH/USD".into(), config: cfg.clone(), reporters: vec![ghost] };
    t.fails("admin", METHOD_ADD_ASSET, params(&unknown), ExitCode::USR_NOT_FOUND);
    t.fails("admin", METHOD_ADD_ASSET, RawBytes::new(vec![1, 2, 3]), ExitCode::USR_SERIALIZATION);

    let set = SetAssetConfigParams { asset: "BTC/USD".into(), config: AssetConfig { quorum: 2, ..cfg.clone() } };
    t.fails("r1", METHOD_SET_ASSET_CONFIG, params(&set), ExitCode::USR_FORBIDDEN);
    t.ok("admin", METHOD_SET_ASSET_CONFIG, &set);
    let missing = SetAssetConfigParams { asset: "XYZ".into(), config: cfg.clone() };
    t.fails("admin", METHOD_SET_ASSET_CONFIG, params(&missing), ExitCode::USR_NOT_FOUND);
    let negative =
        SetAssetConfigParams { asset: "BTC/USD".into(), config: AssetConfig { report_expiry: -1, ..cfg.clone() } };
    t.fails("admin", METHOD_SET_ASSET_CONFIG, params(&negative), ExitCode::USR_ILLEGAL_ARGUMENT);

    let add = ReporterParams { asset: "BTC/USD".into(), reporter: t.h.address("r2") };
    t.fails("r2", METHOD_ADD_REPORTER, params(&add), ExitCode::USR_FORBIDDEN);
    t.ok("admin", METHOD_ADD_REPORTER, &add);
    t.fails("admin", METHOD_ADD_REPORTER, params(&add), ExitCode::USR_ILLEGAL_STATE);
    t.ok("r2", METHOD_REPORT, &report("BTC/USD", "90000"));
    t.fails("r2", METHOD_REMOVE_REPORTER, params(&add), ExitCode::USR_FORBIDDEN);
    t.ok("admin", METHOD_REMOVE_REPORTER, &add);
    t.fails("admin", METHOD_REMOVE_REPORTER, params(&add), ExitCode::USR_NOT_FOUND);
    t.fails("r2", METHOD_REPORT, params(&report("BTC/USD", "90000")), ExitCode::USR_FORBIDDEN);
    let asset: Asset = t.h.call("mallory", "oracle", METHOD_GET_ASSET, &query("BTC/USD"));
    assert!(asset.reports.iter().all(|r| r.reporter != t.h.id("r2")), "removed reporter's report stays");
}

#[test]
fn transfer_admin_moves_every_right() {
    let mut t = Test::new();
    let to = TransferAdminParams { new_admin: t.h.address("mallory") };
    t.fails("mallory", METHOD_TRANSFER_ADMIN, params(&to), ExitCode::USR_FORBIDDEN);
    let ret = t.ok("admin", METHOD_TRANSFER_ADMIN, &to);
    assert_eq!(event_type(&ret.events[0].event).as_deref(), Some("admin-transferred"));
    let back = TransferAdminParams { new_admin: t.h.address("admin") };
    t.fails("admin", METHOD_TRANSFER_ADMIN, params(&back), ExitCode::USR_FORBIDDEN);
    t.ok("mallory", METHOD_TRANSFER_ADMIN, &back);
}

#[test]
fn constructor_unknown_methods_and_replays_are_refused() {
    let mut t = Test::new();
    let ctor = ConstructorParams { admin: t.h.address("mallory"), assets: vec![] };
    t.fails("mallory", 1, params(&ctor), ExitCode::USR_FORBIDDEN);
    t.fails("mallory", 0xdead_beef, RawBytes::default(), ExitCode::USR_UNHANDLED_MESSAGE);
    t.fails("mallory", METHOD_GET_PRICE, params(&query("NOPE")), ExitCode::USR_NOT_FOUND);

    // A replayed signed message fails the FVM's nonce check and changes nothing at all.
    let key = t.h.keys.key("r1").unwrap();
    let msg = t.h.message("r1", t.oracle, METHOD_REPORT, params(&report("FLT/USD", "0.7")));
    let signed = key.sign_message(msg);
    assert_ok(&t.h.node.apply_signed(&signed).unwrap());
    let before = Snapshot::take(&t.h.node).unwrap();
    let replay = t.h.node.apply_signed(&signed).unwrap();
    assert_eq!(replay.msg_receipt.exit_code, ExitCode::SYS_SENDER_STATE_INVALID);
    assert_eq!(Snapshot::take(&t.h.node).unwrap(), before);

    // A signature by another key is refused before execution.
    let mut forged = signed.clone();
    forged.message.sequence += 1;
    assert!(t.h.node.apply_signed(&forged).is_err());
    t.check();
}

#[test]
fn extreme_values_do_not_overflow() {
    let mut t = Test::new();
    let huge = AssetConfig { quorum: 1, report_expiry: i64::MAX, max_deviation: 10_000_000, twap_window: i64::MAX };
    t.ok("admin", METHOD_SET_ASSET_CONFIG, &SetAssetConfigParams { asset: "FLT/USD".into(), config: huge });
    let big = "1".repeat(60);
    t.ok("r1", METHOD_REPORT, &report("FLT/USD", &big));
    t.ok("r2", METHOD_REPORT, &report("FLT/USD", &big));
    assert_eq!(t.price().median, usd(&big));
}
