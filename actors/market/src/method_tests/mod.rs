//! Every method of the market through its real dispatch, natively against the mock runtime. The
//! capacity actor and the token are small models scripted here (the real ones run in
//! `host/tests/market.rs`); every refusal changes nothing. The world and its helpers are here,
//! the tests in one module per topic.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use cid::Cid;
use cloudless_runtime::bytes::Bytes32;
use cloudless_runtime::mock::MockRuntime;
use cloudless_runtime::{actor_error, Invariants, Runtime};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::ActorID;
use multihash_codetable::{Code, MultihashDigest};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::ext::{capacity as cap, token};
use crate::results::bound_inputs;
use crate::*;

mod matching;
mod offers_deals;
mod payments;
mod properties;
mod results;

const MARKET: ActorID = 81;
const CAPACITY: ActorID = 80;
const USDC: ActorID = 84;
const OTHER_TOKEN: ActorID = 85;
const ADMIN: ActorID = 99_000;
const OWNER: ActorID = 100;
const PROV: ActorID = 101;
const PEER_OWNER: ActorID = 102;
const PROV2: ActorID = 103;
const MALLORY: ActorID = 666;
const LEN: i64 = 10;

fn usdc(n: u64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

fn unit(n: u8) -> Bytes32 {
    Bytes32([n; 32])
}

fn peer(n: u8) -> Vec<u8> {
    vec![b'p', n]
}

fn cid(data: &[u8]) -> Cid {
    Cid::new_v1(0x55, Code::Sha2_256.digest(data))
}

/// The capacity actor as the market sees it: units (peer, provider, owner, deal, committed).
#[derive(Default)]
struct CapacityModel {
    units: BTreeMap<Bytes32, cap::UnitInfo>,
    approved: Vec<ActorID>,
}

/// The token as the market sees it: what it paid out, to whom.
#[derive(Default)]
struct TokenModel {
    paid: BTreeMap<ActorID, TokenAmount>,
}

struct World {
    rt: MockRuntime,
    cap: Rc<RefCell<CapacityModel>>,
    tok: Rc<RefCell<TokenModel>>,
}

impl World {
    fn new() -> Self {
        let rt = MockRuntime::new::<MarketActor>(MARKET);
        for id in [CAPACITY, USDC, OTHER_TOKEN, ADMIN, OWNER, PROV, PEER_OWNER, PROV2, MALLORY] {
            rt.add_actor(id, TokenAmount::default());
        }
        let cap = Rc::new(RefCell::new(CapacityModel { approved: vec![PROV, PROV2], ..Default::default() }));
        let tok = Rc::new(RefCell::new(TokenModel::default()));
        let c = cap.clone();
        rt.on_send(CAPACITY, Some(cap::METHOD_GET_PROVIDER), move |_, sent| {
            let q: cap::ProviderQuery = sent.decode();
            let id = q.provider.id().unwrap();
            let approved = c.borrow().approved.contains(&id);
            if id == MALLORY {
                return Err(actor_error!(not_found; "not a provider"));
            }
            cloudless_runtime::ret(&cap::Provider { id, name: "p".into(), metadata: vec![], approved, peers: 1 })
        });
        let c = cap.clone();
        rt.on_send(CAPACITY, Some(cap::METHOD_GET_UNITS_INFO), move |_, sent| {
            let q: cap::UnitsQuery = sent.decode();
            let m = c.borrow();
            cloudless_runtime::ret(&q.units.iter().map(|u| m.units.get(u).cloned()).collect::<Vec<_>>())
        });
        let c = cap.clone();
        rt.on_send(CAPACITY, Some(cap::METHOD_GET_PEERS_INFO), move |_, sent| {
            let q: cap::PeersQuery = sent.decode();
            let m = c.borrow();
            let infos: Vec<Option<cap::PeerInfo>> = q
                .peers
                .iter()
                .map(|p| {
                    let units: Vec<cap::UnitInfo> = m.units.values().filter(|u| &u.peer_id == p).cloned().collect();
                    units.first().map(|u| cap::PeerInfo {
                        peer_id: p.clone(),
                        provider: u.provider,
                        owner: u.owner,
                        commitment_active: u.commitment_active,
                        units: units.clone(),
                    })
                })
                .collect();
            cloudless_runtime::ret(&infos)
        });
        let c = cap.clone();
        rt.on_send(CAPACITY, Some(cap::METHOD_MOVE_UNIT_TO_DEAL), move |_, sent| {
            let p: cap::MoveUnitParams = sent.decode();
            let mut m = c.borrow_mut();
            let u = m.units.get_mut(&p.unit_id).ok_or_else(|| actor_error!(not_found; "unit"))?;
            if u.deal.is_some() || !u.commitment_active {
                return Err(actor_error!(illegal_state; "unit busy or uncommitted"));
            }
            u.deal = Some(p.deal);
            Ok(None)
        });
        let c = cap.clone();
        rt.on_send(CAPACITY, Some(cap::METHOD_RETURN_UNIT_FROM_DEAL), move |_, sent| {
            let p: cap::UnitQuery = sent.decode();
            let mut m = c.borrow_mut();
            let u = m.units.get_mut(&p.unit_id).ok_or_else(|| actor_error!(not_found; "unit"))?;
            u.deal.take().ok_or_else(|| actor_error!(illegal_state; "not in a deal"))?;
            Ok(None)
        });
        for t in [USDC, OTHER_TOKEN] {
            let k = tok.clone();
            rt.on_send(t, Some(token::METHOD_TRANSFER), move |_, sent| {
                let p: token::TransferParams = sent.decode();
                *k.borrow_mut().paid.entry(p.to.id().unwrap()).or_default() += p.amount;
                Ok(None)
            });
        }
        let config = Config {
            genesis_epoch: 0,
            period_length: LEN,
            capacity: CAPACITY,
            default_token: USDC,
            min_deposited_periods: 2,
            min_rematching_periods: 2,
        };
        rt.construct(&ConstructorParams { admin: Address::new_id(ADMIN), config }).unwrap();
        Self { rt, cap, tok }
    }

    /// A unit of `provider` on peer `p`, committed (or not).
    fn add_unit(&self, u: u8, p: u8, provider: ActorID, committed: bool) {
        let info = cap::UnitInfo {
            unit_id: unit(u),
            peer_id: peer(p),
            provider,
            owner: PEER_OWNER,
            deal: None,
            commitment_active: committed,
        };
        self.cap.borrow_mut().units.insert(unit(u), info);
    }

    fn ok<P: Serialize, T: DeserializeOwned>(&self, from: ActorID, method: u64, p: &P) -> T {
        self.rt.ok(from, method, p)
    }

    fn refused<P: Serialize>(&self, from: ActorID, method: u64, p: &P, code: ExitCode) -> String {
        self.rt.refused(from, method, p, code)
    }

    fn at_period(&self, period: i64) {
        self.rt.set_epoch(period * LEN);
    }

    fn offer(&self, provider: ActorID, price: u64, peers: &[u8]) -> u64 {
        let p = offer_params(price, peers);
        self.ok::<_, OfferReturn>(provider, METHOD_REGISTER_OFFER, &p).offer
    }

    fn deal(&self, p: &CreateDealParams) -> u64 {
        self.ok::<_, DealQuery>(OWNER, METHOD_CREATE_DEAL, p).deal
    }

    /// A deposit: the token calls the market's hook for a transfer naming `deal`.
    fn deposit(
        &self,
        token: ActorID,
        deal: u64,
        amount: TokenAmount,
    ) -> cloudless_runtime::ActorResult<Option<cloudless_runtime::IpldBlock>> {
        let got = token::FRC46TokenReceived {
            from: OWNER,
            to: MARKET,
            operator: OWNER,
            amount,
            operator_data: RawBytes::serialize(DepositTarget { deal }).unwrap(),
            token_data: RawBytes::default(),
        };
        let p = ReceiveParams { type_: token::FRC46_TOKEN_TYPE, payload: RawBytes::serialize(got).unwrap() };
        self.rt.call(token, METHOD_RECEIVE, Some(&p), TokenAmount::default())
    }

    fn view(&self, deal: u64) -> DealView {
        self.ok(MALLORY, METHOD_GET_DEAL, &DealQuery { deal })
    }

    fn sound(&self) {
        let st: State = self.rt.state().unwrap();
        let errors = st.check_state_invariants(self.rt.store(), &TokenAmount::default());
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

fn offer_params(price: u64, peers: &[u8]) -> OfferParams {
    OfferParams {
        min_price: usdc(price),
        token: None,
        effectors: vec![cid(b"ipfs"), cid(b"curl")],
        peers: peers.iter().map(|p| peer(*p)).collect(),
        min_version: 1,
        max_version: 3,
    }
}

fn deal_params(price: u64, min: u32, target: u32) -> CreateDealParams {
    CreateDealParams {
        app: cid(b"app"),
        input_data: Some(cid(b"input")),
        token: None,
        min_workers: min,
        target_workers: target,
        max_workers_per_provider: target,
        price: usdc(price),
        effectors: vec![cid(b"ipfs")],
        access: Access::All,
        access_list: vec![],
        protocol_version: 2,
        verifying_key: vec![],
        require_results: false,
    }
}

/// A funded deal (price 10, min 1, target 2) and two committed units of two providers' offers.
fn matched_world() -> (World, u64, u64, u64) {
    let w = World::new();
    w.add_unit(1, 1, PROV, true);
    w.add_unit(2, 2, PROV2, true);
    let o1 = w.offer(PROV, 5, &[1]);
    let o2 = w.offer(PROV2, 5, &[2]);
    let d = w.deal(&deal_params(10, 1, 2));
    w.deposit(USDC, d, usdc(100)).unwrap();
    (w, d, o1, o2)
}

#[test]
fn config_admin_and_unknown_methods() {
    let w = World::new();
    let c: ConfigReturn = w.ok(MALLORY, METHOD_GET_CONFIG, &());
    assert_eq!((c.admin, c.config.min_deposited_periods), (ADMIN, 2));
    cloudless_runtime::admin::check_transfer_admin(&w.rt, METHOD_TRANSFER_ADMIN, ADMIN, MALLORY);
    w.refused(MALLORY, 4242, &(), ExitCode::USR_UNHANDLED_MESSAGE);
    w.refused(MALLORY, METHOD_GET_DEAL, &DealQuery { deal: 0 }, ExitCode::USR_NOT_FOUND);
}
