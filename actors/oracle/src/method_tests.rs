//! Every method of the oracle through its real dispatch, natively against the mock runtime:
//! callers, params, events, and that every refusal changes nothing.

use cloudless_runtime::amount::parse_decimal;
use cloudless_runtime::mock::{expect_code, MockRuntime};
use cloudless_runtime::Invariants;
use cloudless_runtime::{ActorResult, IpldBlock, Runtime};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::ActorID;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::*;

const ORACLE: ActorID = 83;
const ADMIN: ActorID = 100;
const R1: ActorID = 101;
const R2: ActorID = 102;
const MALLORY: ActorID = 666;

fn usd(text: &str) -> TokenAmount {
    parse_decimal(text).unwrap()
}

fn flt_usd() -> AssetParams {
    AssetParams {
        symbol: "FLT/USD".into(),
        config: AssetConfig { quorum: 2, report_expiry: 100, max_deviation: 0, twap_window: 0 },
        reporters: vec![Address::new_id(R1), Address::new_id(R2)],
    }
}

fn oracle() -> MockRuntime {
    let rt = MockRuntime::new::<OracleActor>(ORACLE);
    for id in [ADMIN, R1, R2, MALLORY] {
        rt.add_actor(id, TokenAmount::from_whole(10));
    }
    rt.construct(&ConstructorParams { admin: Address::new_id(ADMIN), assets: vec![flt_usd()] }).unwrap();
    rt
}

fn send<P: Serialize>(rt: &MockRuntime, from: ActorID, method: u64, p: &P) {
    rt.ok::<_, ()>(from, method, p)
}

fn call<P: Serialize, T: DeserializeOwned>(rt: &MockRuntime, from: ActorID, method: u64, p: &P) -> ActorResult<T> {
    rt.call(from, method, Some(p), TokenAmount::default()).map(|b| b.expect("a return").deserialize().unwrap())
}

fn state(rt: &MockRuntime) -> State {
    rt.state().unwrap()
}

#[test]
fn constructor_only_from_system_and_emits_everything() {
    let rt = MockRuntime::new::<OracleActor>(ORACLE);
    rt.add_actor(ADMIN, TokenAmount::default());
    rt.add_actor(R1, TokenAmount::default());
    let params = ConstructorParams { admin: Address::new_id(ADMIN), assets: vec![] };
    rt.refused(ADMIN, 1, &params, ExitCode::USR_FORBIDDEN);
    let ghost = ConstructorParams { admin: Address::new_id(4242), assets: vec![] };
    expect_code(rt.construct(&ghost), ExitCode::USR_NOT_FOUND);
    expect_code(
        rt.call_raw(0, 1, Some(IpldBlock { codec: 0x51, data: vec![1] }), TokenAmount::default()),
        ExitCode::USR_SERIALIZATION,
    );
    assert!(rt.state_root().is_none());
    let mut asset = flt_usd();
    asset.reporters.truncate(1);
    rt.construct(&ConstructorParams { admin: Address::new_id(ADMIN), assets: vec![asset] }).unwrap();
    assert_eq!(rt.event_types(), ["admin-transferred", "asset-added", "reporter-added"]);
    assert!(state(&rt).check_state_invariants(rt.store(), &rt.balance()).is_empty());
}

#[test]
fn report_get_price_and_events() {
    let rt = oracle();
    rt.clear_records();
    rt.set_epoch(10);
    send(&rt, R1, METHOD_REPORT, &ReportParams { asset: "FLT/USD".into(), price: usd("0.5") });
    assert_eq!(rt.event_types(), ["price-reported"], "no median before a quorum");
    expect_code(
        call::<_, PriceInfo>(&rt, MALLORY, METHOD_GET_PRICE, &AssetQuery { asset: "FLT/USD".into() }),
        ExitCode::USR_ILLEGAL_STATE,
    );
    send(&rt, R2, METHOD_REPORT, &ReportParams { asset: "FLT/USD".into(), price: usd("0.7") });
    assert_eq!(rt.event_types(), ["price-reported", "price-reported", "median-updated"]);
    let p: PriceInfo = call(&rt, MALLORY, METHOD_GET_PRICE, &AssetQuery { asset: "FLT/USD".into() }).unwrap();
    assert_eq!((p.median, p.fresh_reports, p.updated_epoch), (usd("0.6"), 2, 10));
    let a: Asset = call(&rt, MALLORY, METHOD_GET_ASSET, &AssetQuery { asset: "FLT/USD".into() }).unwrap();
    assert_eq!(a.reports.len(), 2);
    let admin: AdminReturn = rt.ok::<_, _>(MALLORY, METHOD_GET_ADMIN, &());
    assert_eq!(admin.admin, ADMIN);

    // Refusals: a stranger, a bad price, an unknown asset, undecodable and missing params.
    rt.refused(
        MALLORY,
        METHOD_REPORT,
        &ReportParams { asset: "FLT/USD".into(), price: usd("1") },
        ExitCode::USR_FORBIDDEN,
    );
    rt.refused(
        R1,
        METHOD_REPORT,
        &ReportParams { asset: "FLT/USD".into(), price: usd("0") },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    rt.refused(R1, METHOD_REPORT, &ReportParams { asset: "BTC/USD".into(), price: usd("1") }, ExitCode::USR_NOT_FOUND);
    rt.refused(R1, METHOD_REPORT, &RawBytes::new(vec![1, 2]), ExitCode::USR_SERIALIZATION);
    expect_code(rt.call::<()>(R1, METHOD_REPORT, None, TokenAmount::default()), ExitCode::USR_SERIALIZATION);
    expect_code(
        call::<_, Asset>(&rt, R1, METHOD_GET_ASSET, &AssetQuery { asset: "X".into() }),
        ExitCode::USR_NOT_FOUND,
    );
    expect_code(rt.call::<()>(R1, 12345, None, TokenAmount::default()), ExitCode::USR_UNHANDLED_MESSAGE);
}

#[test]
fn admin_methods_and_their_refusals() {
    let rt = oracle();
    let btc = AssetParams {
        symbol: "BTC/USD".into(),
        config: AssetConfig { quorum: 1, report_expiry: 10, max_deviation: 0, twap_window: 0 },
        reporters: vec![Address::new_id(R1)],
    };
    rt.refused(MALLORY, METHOD_ADD_ASSET, &btc, ExitCode::USR_FORBIDDEN);
    let ghost = AssetParams { reporters: vec![Address::new_id(4242)], ..btc.clone() };
    rt.refused(ADMIN, METHOD_ADD_ASSET, &ghost, ExitCode::USR_NOT_FOUND);
    rt.clear_records();
    send(&rt, ADMIN, METHOD_ADD_ASSET, &btc);
    assert_eq!(rt.event_types(), ["asset-added", "reporter-added"]);
    rt.refused(ADMIN, METHOD_ADD_ASSET, &btc, ExitCode::USR_ILLEGAL_STATE);

    let cfg = SetAssetConfigParams {
        asset: "BTC/USD".into(),
        config: AssetConfig { quorum: 1, report_expiry: 50, max_deviation: 0, twap_window: 5 },
    };
    rt.refused(MALLORY, METHOD_SET_ASSET_CONFIG, &cfg, ExitCode::USR_FORBIDDEN);
    let bad = SetAssetConfigParams { config: AssetConfig { quorum: 0, ..cfg.config.clone() }, ..cfg.clone() };
    rt.refused(ADMIN, METHOD_SET_ASSET_CONFIG, &bad, ExitCode::USR_ILLEGAL_ARGUMENT);
    send(&rt, ADMIN, METHOD_SET_ASSET_CONFIG, &cfg);
    assert_eq!(state(&rt).get_asset(rt.store(), "BTC/USD").unwrap().config, cfg.config);

    let add = ReporterParams { asset: "BTC/USD".into(), reporter: Address::new_id(R2) };
    rt.refused(MALLORY, METHOD_ADD_REPORTER, &add, ExitCode::USR_FORBIDDEN);
    send(&rt, ADMIN, METHOD_ADD_REPORTER, &add);
    rt.refused(ADMIN, METHOD_ADD_REPORTER, &add, ExitCode::USR_ILLEGAL_STATE);
    rt.refused(
        ADMIN,
        METHOD_ADD_REPORTER,
        &ReporterParams { reporter: Address::new_id(4242), ..add.clone() },
        ExitCode::USR_NOT_FOUND,
    );
    send(&rt, ADMIN, METHOD_REMOVE_REPORTER, &add);
    rt.refused(ADMIN, METHOD_REMOVE_REPORTER, &add, ExitCode::USR_NOT_FOUND);
    rt.refused(MALLORY, METHOD_REMOVE_REPORTER, &add, ExitCode::USR_FORBIDDEN);
    assert_eq!(&rt.event_types()[2..], ["asset-config-set", "reporter-added", "reporter-removed"]);
    assert!(state(&rt).check_state_invariants(rt.store(), &rt.balance()).is_empty());
}

#[test]
fn transfer_admin_moves_every_right() {
    let rt = oracle();
    cloudless_runtime::admin::check_transfer_admin(&rt, METHOD_TRANSFER_ADMIN, ADMIN, MALLORY);
    assert_eq!(state(&rt).admin, MALLORY);
    let add = ReporterParams { asset: "FLT/USD".into(), reporter: Address::new_id(ADMIN) };
    rt.refused(ADMIN, METHOD_ADD_REPORTER, &add, ExitCode::USR_FORBIDDEN);
    send(&rt, MALLORY, METHOD_ADD_REPORTER, &add);
}
