//! Every cross-actor call checked against the callee's declaration: the `ext` restatements (an
//! actor crate never links another actor crate, docs/runtime.md) call a method the callee
//! declares under that number and name, with params and returns of the callee's field shapes
//! that the callee's own types decode and re-encode byte for byte.

use std::collections::BTreeMap;

use cloudless_actor_capacity as capacity;
use cloudless_actor_gateway as gateway;
use cloudless_actor_market::ext;
use cloudless_actor_oracle as oracle;
use cloudless_actor_rewards as rewards;
use cloudless_runtime::abi::{Fields, InterfaceVisitor, MethodInfo, Shape};
use cloudless_runtime::bytes::Bytes32;
use cloudless_runtime::{ActorCode, MethodNum};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use serde::de::DeserializeOwned;
use serde::Serialize;

type Roundtrip = fn(&[u8]) -> Result<Vec<u8>, String>;

/// One declared method: its name, and its params and return (shape, re-encoding by its type).
struct Declared {
    name: &'static str,
    params: Option<(Shape, Roundtrip)>,
    ret: Option<(Shape, Roundtrip)>,
}

fn roundtrip<T: Serialize + DeserializeOwned>(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let value: T = fvm_ipld_encoding::from_slice(bytes).map_err(|e| e.to_string())?;
    fvm_ipld_encoding::to_vec(&value).map_err(|e| e.to_string())
}

struct Collect(BTreeMap<MethodNum, Declared>);

impl InterfaceVisitor for Collect {
    fn method<P, R>(&mut self, m: MethodInfo)
    where
        P: Serialize + DeserializeOwned + Fields + 'static,
        R: Serialize + DeserializeOwned + Fields + 'static,
    {
        let params = m.takes_params.then(|| (P::shape(), roundtrip::<P> as Roundtrip));
        let ret = m.returns.then(|| (R::shape(), roundtrip::<R> as Roundtrip));
        self.0.insert(m.number, Declared { name: m.name, params, ret });
    }
}

fn interface<A: ActorCode>() -> BTreeMap<MethodNum, Declared> {
    let mut c = Collect(BTreeMap::new());
    A::interface(&mut c);
    c.0
}

/// `value` as the callee's declared type decodes and re-encodes it (and, when given, its shape).
fn same_wire<T: Serialize>(what: &str, declared: &Option<(Shape, Roundtrip)>, value: &T, shape: Option<Shape>) {
    let (declared_shape, roundtrip) = declared.as_ref().unwrap_or_else(|| panic!("{what}: the callee declares none"));
    if let Some(shape) = shape {
        assert_eq!(&shape, declared_shape, "{what}: field shapes differ");
    }
    let bytes = fvm_ipld_encoding::to_vec(value).unwrap();
    assert_eq!(
        roundtrip(&bytes).unwrap_or_else(|e| panic!("{what}: the callee cannot decode it: {e}")),
        bytes,
        "{what}"
    );
}

/// The caller's `number` is the callee's method `name`; params and return (if any) match.
fn call<A: ActorCode, P: Serialize + Fields, R: Serialize + Fields>(
    number: MethodNum,
    name: &str,
    p: &P,
    r: Option<&R>,
) {
    let all = interface::<A>();
    let m = all.get(&number).unwrap_or_else(|| panic!("{} declares no method {number} ({name})", A::NAME));
    assert_eq!(m.name, name, "{}: method {number}", A::NAME);
    same_wire(&format!("{}.{name} params", A::NAME), &m.params, p, Some(P::shape()));
    match r {
        Some(r) => same_wire(&format!("{}.{name} return", A::NAME), &m.ret, r, Some(R::shape())),
        None => assert!(m.ret.is_none(), "{}.{name} returns a value the caller ignores", A::NAME),
    }
}

fn unit(n: u8) -> Bytes32 {
    Bytes32([n; 32])
}

#[test]
fn market_calls_capacity_as_capacity_declares() {
    use ext::capacity::*;
    let info = UnitInfo {
        unit_id: unit(1),
        peer_id: vec![1, 2],
        provider: 100,
        owner: 101,
        deal: Some(3),
        commitment_active: true,
    };
    let peer =
        PeerInfo { peer_id: vec![1, 2], provider: 100, owner: 101, commitment_active: true, units: vec![info.clone()] };
    let provider = Provider { id: 100, name: "p".into(), metadata: vec![9], approved: true, peers: 1 };
    let query = ProviderQuery { provider: Address::new_id(100) };
    call::<capacity::CapacityActor, _, _>(METHOD_GET_PROVIDER, "GetProvider", &query, Some(&provider));
    let units = UnitsQuery { units: vec![unit(1), unit(2)] };
    call::<capacity::CapacityActor, _, _>(METHOD_GET_UNITS_INFO, "GetUnitsInfo", &units, Some(&vec![Some(info), None]));
    let peers = PeersQuery { peers: vec![vec![1, 2]] };
    call::<capacity::CapacityActor, _, _>(METHOD_GET_PEERS_INFO, "GetPeersInfo", &peers, Some(&vec![Some(peer), None]));
    let moved = MoveUnitParams { unit_id: unit(1), deal: 3 };
    call::<capacity::CapacityActor, _, ()>(METHOD_MOVE_UNIT_TO_DEAL, "MoveUnitToDeal", &moved, None);
    let back = UnitQuery { unit_id: unit(1) };
    call::<capacity::CapacityActor, _, ()>(METHOD_RETURN_UNIT_FROM_DEAL, "ReturnUnitFromDeal", &back, None);
}

#[test]
fn market_pays_and_is_paid_through_the_gateway_token_as_it_declares() {
    use ext::token::*;
    // FRC-46's own types (no field list of ours): the wire alone is compared.
    let all = interface::<gateway::GatewayActor>();
    let transfer = &all[&METHOD_TRANSFER];
    assert_eq!(transfer.name, "Transfer");
    let p = TransferParams {
        to: Address::new_id(100),
        amount: TokenAmount::from_atto(5),
        operator_data: fvm_ipld_encoding::RawBytes::new(vec![7]),
    };
    same_wire("gateway.Transfer params", &transfer.params, &p, None);
    assert_eq!(
        METHOD_RECEIVE,
        cloudless_actor_market::METHOD_RECEIVE,
        "the market declares the hook it is paid through"
    );
}

#[test]
fn capacity_reports_proofs_as_rewards_declares() {
    let record = capacity::RecordProofsParams {
        period: 2,
        commitment: 1,
        count: 3,
        units: 2,
        provider: 100,
        delegator: 101,
        delegator_reward_rate: 5,
    };
    call::<rewards::RewardsActor, _, ()>(capacity::ext::rewards::METHOD_RECORD_PROOFS, "RecordProofs", &record, None);
}

#[test]
fn capacity_tells_the_market_of_peer_units_as_it_declares() {
    let peers =
        capacity::PeerUnitsParams { peers: vec![capacity::PeerUnits { peer_id: b"p1".to_vec(), free_units: 3 }] };
    call::<cloudless_actor_market::MarketActor, _, ()>(
        capacity::ext::market::METHOD_PEER_UNITS_CHANGED,
        "PeerUnitsChanged",
        &peers,
        None,
    );
}

#[test]
fn price_consumers_ask_the_oracle_as_it_declares() {
    use cloudless_runtime::oracle::*;
    let info = PriceInfo {
        median: TokenAmount::from_atto(3),
        updated_epoch: 4,
        fresh_reports: 2,
        twap: TokenAmount::from_atto(3),
    };
    call::<oracle::OracleActor, _, _>(
        METHOD_GET_PRICE,
        "GetPrice",
        &AssetQuery { asset: "FLT/USD".into() },
        Some(&info),
    );
}

/// The check bites: a restatement with other fields, or a return the callee does not declare.
#[test]
fn a_mismatched_restatement_fails() {
    use ext::capacity::*;
    let units = UnitsQuery { units: vec![unit(1)] };
    let wrong = std::panic::catch_unwind(|| {
        call::<capacity::CapacityActor, _, ()>(METHOD_GET_PROVIDER, "GetProvider", &units, None);
    });
    assert!(wrong.is_err(), "other params");
    let moved = MoveUnitParams { unit_id: unit(1), deal: 3 };
    let wrong = std::panic::catch_unwind(|| {
        call::<capacity::CapacityActor, _, _>(METHOD_MOVE_UNIT_TO_DEAL, "MoveUnitToDeal", &moved, Some(&1u64));
    });
    assert!(wrong.is_err(), "a return it does not declare");
    let wrong = std::panic::catch_unwind(|| {
        call::<capacity::CapacityActor, _, ()>(METHOD_MOVE_UNIT_TO_DEAL, "ReturnUnitFromDeal", &moved, None);
    });
    assert!(wrong.is_err(), "another method's name");
}
