//! Every method of the market through its real dispatch, natively against the mock runtime. The
//! capacity actor and the token are small models scripted here (the real ones run in
//! `host/tests/market.rs`); every refusal changes nothing.

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
use crate::results::{output_scalar, scalar};
use crate::*;

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

#[test]
fn offers_register_update_and_remove() {
    let w = World::new();
    w.add_unit(1, 1, PROV, true);
    w.add_unit(2, 2, PROV, true);
    w.add_unit(3, 3, PROV2, true);
    let id = w.offer(PROV, 5, &[1]);
    assert_eq!(w.rt.event_types().last().map(String::as_str), Some("offer-registered"));
    w.refused(MALLORY, METHOD_REGISTER_OFFER, &offer_params(1, &[2]), ExitCode::USR_FORBIDDEN);
    w.refused(PROV, METHOD_REGISTER_OFFER, &offer_params(1, &[3]), ExitCode::USR_FORBIDDEN);
    w.refused(PROV, METHOD_REGISTER_OFFER, &offer_params(1, &[1]), ExitCode::USR_ILLEGAL_STATE);
    w.refused(PROV, METHOD_REGISTER_OFFER, &offer_params(1, &[9]), ExitCode::USR_NOT_FOUND);
    w.refused(PROV, METHOD_REGISTER_OFFER, &offer_params(1, &[]), ExitCode::USR_ILLEGAL_ARGUMENT);
    w.refused(
        PROV,
        METHOD_REGISTER_OFFER,
        &OfferParams { min_version: 4, ..offer_params(1, &[2]) },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    w.refused(PROV, METHOD_REGISTER_OFFER, &RawBytes::new(vec![1]), ExitCode::USR_SERIALIZATION);
    w.cap.borrow_mut().approved.clear();
    w.refused(PROV, METHOD_REGISTER_OFFER, &offer_params(1, &[2]), ExitCode::USR_FORBIDDEN);
    w.cap.borrow_mut().approved.push(PROV);
    let cheap = w.offer(PROV, 2, &[2]);
    let index: Vec<IndexEntry> = w.ok(MALLORY, METHOD_GET_OFFER_INDEX, &TokenQuery { token: None });
    assert_eq!(index.iter().map(|e| e.offer).collect::<Vec<_>>(), [cheap, id], "cheapest first");

    let update = UpdateOfferParams { offer: id, params: offer_params(1, &[1]) };
    w.refused(PROV2, METHOD_UPDATE_OFFER, &update, ExitCode::USR_FORBIDDEN);
    w.ok::<_, ()>(PROV, METHOD_UPDATE_OFFER, &update);
    let index: Vec<IndexEntry> = w.ok(MALLORY, METHOD_GET_OFFER_INDEX, &TokenQuery { token: None });
    assert_eq!(index.iter().map(|e| e.offer).collect::<Vec<_>>(), [id, cheap], "re-sorted by the new price");
    w.refused(PROV2, METHOD_REMOVE_OFFER, &OfferQuery { offer: id }, ExitCode::USR_FORBIDDEN);
    w.ok::<_, ()>(PROV, METHOD_REMOVE_OFFER, &OfferQuery { offer: id });
    w.refused(PROV, METHOD_GET_OFFER, &OfferQuery { offer: id }, ExitCode::USR_NOT_FOUND);
    // Its peer is free to be offered again.
    w.offer(PROV, 1, &[1]);
    w.sound();
}

#[test]
fn deals_deposits_and_activation() {
    let w = World::new();
    let bad = [
        CreateDealParams { min_workers: 0, ..deal_params(1, 1, 2) },
        CreateDealParams { min_workers: 3, ..deal_params(1, 1, 2) },
        CreateDealParams { target_workers: MAX_TARGET_WORKERS + 1, ..deal_params(1, 1, 2) },
        CreateDealParams { price: TokenAmount::default(), ..deal_params(1, 1, 2) },
        CreateDealParams { require_results: true, ..deal_params(1, 1, 2) },
        CreateDealParams { verifying_key: vec![1, 2, 3], ..deal_params(1, 1, 2) },
        CreateDealParams { access_list: vec![Address::new_id(PROV)], ..deal_params(1, 1, 2) },
    ];
    for p in &bad {
        w.refused(OWNER, METHOD_CREATE_DEAL, p, ExitCode::USR_ILLEGAL_ARGUMENT);
    }
    let unknown = CreateDealParams {
        access: Access::Whitelist,
        access_list: vec![Address::new_id(4242)],
        ..deal_params(1, 1, 2)
    };
    w.refused(OWNER, METHOD_CREATE_DEAL, &unknown, ExitCode::USR_NOT_FOUND);
    let d = w.deal(&deal_params(10, 1, 2));
    assert_eq!(w.view(d).status, DealStatus::InsufficientFunds);
    // Deposits: only from the deal's token, naming an existing deal, positive.
    cloudless_runtime::mock::expect_code(w.deposit(OTHER_TOKEN, d, usdc(5)), ExitCode::USR_FORBIDDEN);
    cloudless_runtime::mock::expect_code(w.deposit(USDC, 7, usdc(5)), ExitCode::USR_NOT_FOUND);
    cloudless_runtime::mock::expect_code(w.deposit(USDC, d, TokenAmount::default()), ExitCode::USR_ILLEGAL_ARGUMENT);
    let junk = ReceiveParams { type_: token::FRC46_TOKEN_TYPE, payload: RawBytes::new(vec![1]) };
    w.refused(USDC, METHOD_RECEIVE, &junk, ExitCode::USR_SERIALIZATION);
    w.deposit(USDC, d, usdc(30)).unwrap();
    assert_eq!(w.view(d).status, DealStatus::InsufficientFunds, "the reserve is 10 × 2 × 2 = 40");
    w.deposit(USDC, d, usdc(10)).unwrap();
    let v = w.view(d);
    assert_eq!((v.status, v.reserve, v.withdrawable), (DealStatus::NotEnoughWorkers, usdc(40), TokenAmount::default()));
    w.sound();
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
fn matching_checks_every_rule_and_skips() {
    let (w, d, o1, o2) = matched_world();
    w.add_unit(3, 3, PROV, false); // uncommitted
    w.add_unit(4, 1, PROV, true); // second unit of peer 1
    w.add_unit(5, 5, PROV2, true);
    let expensive = w.offer(PROV2, 50, &[5]);
    let candidates = vec![
        Candidate { offer: 77, units: vec![unit(1)] },
        Candidate { offer: expensive, units: vec![unit(5)] },
        Candidate { offer: o1, units: vec![unit(9), unit(2), unit(3), unit(1), unit(4)] },
        Candidate { offer: o2, units: vec![unit(2)] },
    ];
    let r: MatchReturn = w.ok(MALLORY, METHOD_MATCH_DEAL, &MatchDealParams { deal: d, candidates });
    assert_eq!(r.matched, [unit(1), unit(2)]);
    let reasons: Vec<(u64, Option<Bytes32>, Skip)> = r.skipped.iter().map(|s| (s.offer, s.unit, s.reason)).collect();
    assert_eq!(
        reasons,
        [
            (77, None, Skip::UnknownOffer),
            (expensive, None, Skip::PriceTooLow),
            (o1, Some(unit(9)), Skip::UnknownUnit),
            (o1, Some(unit(2)), Skip::NotOfferPeer),
            (o1, Some(unit(3)), Skip::NotOfferPeer),
            (o1, Some(unit(4)), Skip::PeerInDeal),
        ]
    );
    assert_eq!(w.cap.borrow().units[&unit(1)].deal, Some(d));
    // Full now; and too soon to match again anyway.
    let again = MatchDealParams { deal: d, candidates: vec![Candidate { offer: o1, units: vec![unit(4)] }] };
    w.refused(MALLORY, METHOD_MATCH_DEAL, &again, ExitCode::USR_ILLEGAL_STATE);
    w.at_period(2);
    let r: MatchReturn = w.ok(MALLORY, METHOD_MATCH_DEAL, &again);
    assert_eq!((r.matched.len(), r.skipped[0].reason), (0, Skip::DealFull));
    w.sound();
}

#[test]
fn matching_fails_only_below_min_workers_and_filters_whole_offers() {
    let w = World::new();
    w.add_unit(1, 1, PROV, true);
    let o1 = w.offer(PROV, 5, &[1]);
    let mut p = deal_params(10, 2, 2);
    p.effectors.push(cid(b"gpu"));
    let d = w.deal(&p);
    let c = MatchDealParams { deal: d, candidates: vec![Candidate { offer: o1, units: vec![unit(1)] }] };
    w.refused(MALLORY, METHOD_MATCH_DEAL, &c, ExitCode::USR_ILLEGAL_STATE); // no reserve yet
    w.deposit(USDC, d, usdc(40)).unwrap();
    let msg = w.refused(MALLORY, METHOD_MATCH_DEAL, &c, ExitCode::USR_ILLEGAL_STATE);
    assert!(msg.contains("min_workers"), "{msg}");
    for (change, reason) in [
        (CreateDealParams { protocol_version: 9, ..deal_params(10, 1, 1) }, Skip::Version),
        (CreateDealParams { token: Some(Address::new_id(OTHER_TOKEN)), ..deal_params(10, 1, 1) }, Skip::OtherToken),
        (
            CreateDealParams {
                access: Access::Blacklist,
                access_list: vec![Address::new_id(PROV)],
                ..deal_params(10, 1, 1)
            },
            Skip::AccessList,
        ),
        (
            CreateDealParams {
                access: Access::Whitelist,
                access_list: vec![Address::new_id(PROV2)],
                ..deal_params(10, 1, 1)
            },
            Skip::AccessList,
        ),
        (CreateDealParams { effectors: vec![cid(b"gpu")], ..deal_params(10, 1, 1) }, Skip::MissingEffectors),
    ] {
        let token = if change.token.is_some() { OTHER_TOKEN } else { USDC };
        let d = w.deal(&change);
        w.deposit(token, d, usdc(20)).unwrap();
        let c = MatchDealParams { deal: d, candidates: vec![Candidate { offer: o1, units: vec![unit(1)] }] };
        let msg = w.refused(MALLORY, METHOD_MATCH_DEAL, &c, ExitCode::USR_ILLEGAL_STATE);
        assert!(msg.contains("min_workers"), "{msg}");
        // The same candidates with min 0 would report the reason: check through the filter itself.
        let st: State = w.rt.state().unwrap();
        let deal = st.get_deal(w.rt.store(), d).unwrap();
        let offer = st.get_offer(w.rt.store(), o1).unwrap();
        assert_eq!(crate::matching::offer_mismatch(&deal, &offer), Some(reason));
    }
    w.sound();
}

#[test]
fn auto_matching_picks_the_cheapest_suitable_offers() {
    let w = World::new();
    for (u, p, prov) in [(1, 1, PROV), (2, 2, PROV2), (3, 3, PROV2)] {
        w.add_unit(u, p, prov, true);
    }
    w.add_unit(4, 2, PROV2, true); // a second unit of peer 2: one per peer per deal
    let dear = w.offer(PROV, 8, &[1]);
    let cheap = w.offer(PROV2, 3, &[2, 3]);
    let d = w.deal(&deal_params(10, 1, 2));
    w.refused(MALLORY, METHOD_MATCH_DEAL_AUTO, &MatchAutoParams { deal: d, max_units: 1 }, ExitCode::USR_ILLEGAL_STATE);
    w.deposit(USDC, d, usdc(40)).unwrap();
    w.refused(
        MALLORY,
        METHOD_MATCH_DEAL_AUTO,
        &MatchAutoParams { deal: d, max_units: 0 },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    let r: MatchReturn = w.ok(MALLORY, METHOD_MATCH_DEAL_AUTO, &MatchAutoParams { deal: d, max_units: 5 });
    assert_eq!(r.matched, [unit(2), unit(3)], "both from the cheaper offer, one per peer");
    let deal = w.view(d).deal;
    assert!(deal.units.iter().all(|s| s.offer == cheap) && dear != cheap);
    w.sound();
}

#[test]
fn workers_are_paid_per_period_with_gaps_claims_and_withdrawals() {
    let (w, d, o1, o2) = matched_world();
    let c = vec![Candidate { offer: o1, units: vec![unit(1)] }, Candidate { offer: o2, units: vec![unit(2)] }];
    w.ok::<_, MatchReturn>(MALLORY, METHOD_MATCH_DEAL, &MatchDealParams { deal: d, candidates: c });
    let set = |u: u8, worker: u8| SetWorkerParams { deal: d, unit: unit(u), worker: Bytes32([worker; 32]) };
    w.refused(MALLORY, METHOD_SET_WORKER, &set(1, 1), ExitCode::USR_FORBIDDEN);
    w.refused(PEER_OWNER, METHOD_SET_WORKER, &set(1, 0), ExitCode::USR_ILLEGAL_ARGUMENT);
    w.refused(PEER_OWNER, METHOD_SET_WORKER, &set(9, 1), ExitCode::USR_NOT_FOUND);
    w.ok::<_, ()>(PEER_OWNER, METHOD_SET_WORKER, &set(1, 1)); // period 0: paid from period 1
    assert_eq!(w.view(d).status, DealStatus::Active);
    w.at_period(3); // periods 1, 2, 3 charged: one worker, 10 each
    let v = w.view(d);
    assert_eq!((v.deal.paid_periods, v.deal.balance.clone(), v.status), (3, usdc(70), DealStatus::Active));
    w.ok::<_, ()>(PROV2, METHOD_SET_WORKER, &set(2, 2)); // the provider may too: paid from period 4
    w.at_period(6); // periods 4, 5, 6: two workers, 20 each
    let v = w.view(d);
    assert_eq!((v.deal.paid_periods, v.deal.balance.clone(), v.status), (6, usdc(10), DealStatus::SmallBalance));
    let claimable = |u: u8| {
        w.ok::<_, DealUnitView>(MALLORY, METHOD_GET_DEAL_UNIT, &UnitParams { deal: d, unit: unit(u) }).claimable
    };
    assert_eq!((claimable(1), claimable(2)), (usdc(60), usdc(30)));
    w.at_period(7); // 10 left: period 7 is a gap
    let v = w.view(d);
    assert_eq!((v.deal.paid_periods, v.deal.gaps, v.status), (6, 1, DealStatus::InsufficientFunds));
    w.refused(MALLORY, METHOD_CLAIM_EARNINGS, &UnitParams { deal: d, unit: unit(1) }, ExitCode::USR_FORBIDDEN);
    let c: ClaimReturn = w.ok(PEER_OWNER, METHOD_CLAIM_EARNINGS, &UnitParams { deal: d, unit: unit(1) });
    assert_eq!((c.provider, c.amount.clone()), (PROV, usdc(60)));
    assert_eq!(w.tok.borrow().paid[&PROV], usdc(60), "paid to the provider through the token");
    w.refused(PROV, METHOD_CLAIM_EARNINGS, &UnitParams { deal: d, unit: unit(1) }, ExitCode::USR_ILLEGAL_STATE);
    // Withdrawals: nothing above the reserve; a deposit funds from the next period.
    w.refused(OWNER, METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(1) }, ExitCode::USR_INSUFFICIENT_FUNDS);
    w.deposit(USDC, d, usdc(100)).unwrap();
    w.at_period(8);
    let v = w.view(d);
    assert_eq!((v.deal.balance.clone(), v.withdrawable.clone()), (usdc(90), usdc(50)));
    w.refused(MALLORY, METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(1) }, ExitCode::USR_FORBIDDEN);
    w.refused(OWNER, METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(51) }, ExitCode::USR_INSUFFICIENT_FUNDS);
    w.ok::<_, ()>(OWNER, METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(50) });
    assert_eq!(w.tok.borrow().paid[&OWNER], usdc(50));
    // A unit leaves: its earnings become its provider's payable earnings.
    w.refused(MALLORY, METHOD_REMOVE_UNIT, &UnitParams { deal: d, unit: unit(2) }, ExitCode::USR_FORBIDDEN);
    w.ok::<_, ()>(OWNER, METHOD_REMOVE_UNIT, &UnitParams { deal: d, unit: unit(2) });
    assert_eq!(w.cap.borrow().units[&unit(2)].deal, None, "returned to its commitment");
    let payable = |p: ActorID| {
        w.ok::<_, methods::TokenAmountReturn>(
            MALLORY,
            METHOD_GET_PAYABLE,
            &PayableQuery { provider: Address::new_id(p), token: None },
        )
        .amount
    };
    assert_eq!(payable(PROV2), usdc(40), "periods 4, 5, 6 and 8");
    // Stop: the other unit leaves too; the rest can be withdrawn two periods later.
    w.refused(MALLORY, METHOD_STOP, &DealQuery { deal: d }, ExitCode::USR_FORBIDDEN);
    w.ok::<_, ()>(OWNER, METHOD_STOP, &DealQuery { deal: d });
    w.refused(OWNER, METHOD_STOP, &DealQuery { deal: d }, ExitCode::USR_ILLEGAL_STATE);
    assert_eq!((w.view(d).status, payable(PROV)), (DealStatus::Ended, usdc(10)));
    cloudless_runtime::mock::expect_code(w.deposit(USDC, d, usdc(1)), ExitCode::USR_ILLEGAL_STATE);
    w.refused(OWNER, METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(40) }, ExitCode::USR_INSUFFICIENT_FUNDS);
    w.at_period(10);
    w.ok::<_, ()>(OWNER, METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(40) });
    let claim = PayableQuery { provider: Address::new_id(PROV2), token: None };
    w.refused(MALLORY, METHOD_CLAIM_PAYABLE, &claim, ExitCode::USR_FORBIDDEN);
    assert_eq!(w.ok::<_, ClaimReturn>(PROV2, METHOD_CLAIM_PAYABLE, &claim).amount, usdc(40));
    w.refused(PROV2, METHOD_CLAIM_PAYABLE, &claim, ExitCode::USR_ILLEGAL_STATE);
    w.sound();
}

#[test]
fn too_few_workers_are_not_paid() {
    let (w, d, o1, o2) = matched_world();
    // Deal with min 2: one worker alone is not paid.
    let p = CreateDealParams { min_workers: 2, ..deal_params(10, 2, 2) };
    let d2 = w.deal(&p);
    w.deposit(USDC, d2, usdc(100)).unwrap();
    let c = vec![Candidate { offer: o1, units: vec![unit(1)] }, Candidate { offer: o2, units: vec![unit(2)] }];
    w.ok::<_, MatchReturn>(MALLORY, METHOD_MATCH_DEAL, &MatchDealParams { deal: d2, candidates: c });
    w.ok::<_, ()>(
        PEER_OWNER,
        METHOD_SET_WORKER,
        &SetWorkerParams { deal: d2, unit: unit(1), worker: Bytes32([1; 32]) },
    );
    w.at_period(3);
    let v = w.view(d2);
    assert_eq!(
        (v.deal.paid_periods, v.deal.gaps, v.deal.balance.clone(), v.status),
        (0, 3, usdc(100), DealStatus::NotEnoughWorkers)
    );
    assert!(w.view(d).deal.units.is_empty());
    w.sound();
}

/// A deal that requires verified results, its prover, and a matched unit with a worker.
fn results_world(require: bool) -> (World, u64, cloudless_groth16::testing::BoundProver) {
    let prover = cloudless_groth16::testing::BoundProver::new(BOUND_INPUTS);
    let (w, _, o1, _) = matched_world();
    let p = CreateDealParams { verifying_key: prover.vk.clone(), require_results: require, ..deal_params(10, 1, 1) };
    let d = w.deal(&p);
    w.deposit(USDC, d, usdc(25)).unwrap();
    let c = vec![Candidate { offer: o1, units: vec![unit(1)] }];
    w.ok::<_, MatchReturn>(MALLORY, METHOD_MATCH_DEAL, &MatchDealParams { deal: d, candidates: c });
    w.ok::<_, ()>(PEER_OWNER, METHOD_SET_WORKER, &SetWorkerParams { deal: d, unit: unit(1), worker: Bytes32([1; 32]) });
    (w, d, prover)
}

fn result(
    prover: &cloudless_groth16::testing::BoundProver,
    deal: u64,
    period: i64,
    output: &Cid,
) -> SubmitResultParams {
    let bound = [scalar(deal).0, scalar(period as u64).0, output_scalar(Some(output)).0];
    let (proof, inputs) = prover.prove(&bound, 3);
    SubmitResultParams {
        deal,
        unit: unit(1),
        period,
        output: Some(*output),
        public_inputs: inputs.into_iter().map(Bytes32).collect(),
        proof,
    }
}

#[test]
fn verified_results_pay_result_required_deals_and_cannot_be_replayed() {
    let (w, d, prover) = results_world(true);
    let out = cid(b"output of period 1");
    // Not yet a paid worker in period 0.
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &result(&prover, d, 0, &out), ExitCode::USR_ILLEGAL_STATE);
    w.at_period(1);
    let good = result(&prover, d, 1, &out);
    w.refused(MALLORY, METHOD_SUBMIT_RESULT, &good, ExitCode::USR_FORBIDDEN);
    // Another deal's, another period's, another output's, a tampered proof.
    let other_deal = SubmitResultParams { deal: d, ..result(&prover, d + 1, 1, &out) };
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &other_deal, ExitCode::USR_ILLEGAL_ARGUMENT);
    let other_period = SubmitResultParams { period: 1, ..result(&prover, d, 0, &out) };
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &other_period, ExitCode::USR_ILLEGAL_ARGUMENT);
    let other_output = SubmitResultParams { output: Some(cid(b"else")), ..good.clone() };
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &other_output, ExitCode::USR_ILLEGAL_ARGUMENT);
    let mut tampered = good.clone();
    tampered.public_inputs[3] = Bytes32([0; 32]);
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &tampered, ExitCode::USR_ILLEGAL_ARGUMENT);
    let mut broken = good.clone();
    broken.proof[0] ^= 1;
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &broken, ExitCode::USR_ILLEGAL_ARGUMENT);
    let r: ResultReturn = w.ok(PEER_OWNER, METHOD_SUBMIT_RESULT, &good);
    assert_eq!((r.verified, r.paid), (true, usdc(10)));
    // The same period again, a period too old.
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &good, ExitCode::USR_ILLEGAL_ARGUMENT);
    w.at_period(3);
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &result(&prover, d, 1, &out), ExitCode::USR_ILLEGAL_ARGUMENT);
    // Period 2 had no result: its share stays in the balance. Period 3 pays; period 4 finds 5 left.
    let r: ResultReturn = w.ok(PEER_OWNER, METHOD_SUBMIT_RESULT, &result(&prover, d, 3, &out));
    assert_eq!(r.paid, usdc(10));
    w.at_period(4);
    let r: ResultReturn = w.ok(PEER_OWNER, METHOD_SUBMIT_RESULT, &result(&prover, d, 4, &out));
    assert_eq!(r, ResultReturn { verified: true, paid: TokenAmount::default() });
    let v: DealUnitView = w.ok(MALLORY, METHOD_GET_DEAL_UNIT, &UnitParams { deal: d, unit: unit(1) });
    assert_eq!((v.claimable, v.record.last_result.unwrap().period), (usdc(20), 4));
    assert_eq!(w.view(d).deal.balance, usdc(5));
    w.sound();
}

#[test]
fn results_without_requirement_or_key() {
    let (w, d, prover) = results_world(false);
    w.at_period(1);
    let r: ResultReturn = w.ok(PEER_OWNER, METHOD_SUBMIT_RESULT, &result(&prover, d, 1, &cid(b"o")));
    assert_eq!(r, ResultReturn { verified: true, paid: TokenAmount::default() }, "paid by time instead");
    // A deal without a key records outputs unverified, and refuses proofs.
    let (w2, _, o1, _) = matched_world();
    let d2 = w2.deal(&deal_params(10, 1, 1));
    w2.deposit(USDC, d2, usdc(20)).unwrap();
    w2.ok::<_, MatchReturn>(
        MALLORY,
        METHOD_MATCH_DEAL,
        &MatchDealParams { deal: d2, candidates: vec![Candidate { offer: o1, units: vec![unit(1)] }] },
    );
    w2.ok::<_, ()>(PROV, METHOD_SET_WORKER, &SetWorkerParams { deal: d2, unit: unit(1), worker: Bytes32([1; 32]) });
    w2.at_period(1);
    let plain = SubmitResultParams {
        deal: d2,
        unit: unit(1),
        period: 1,
        output: Some(cid(b"o")),
        public_inputs: vec![],
        proof: vec![],
    };
    w2.refused(
        PEER_OWNER,
        METHOD_SUBMIT_RESULT,
        &SubmitResultParams { proof: vec![1], ..plain.clone() },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    let r: ResultReturn = w2.ok(PEER_OWNER, METHOD_SUBMIT_RESULT, &plain);
    assert!(!r.verified);
    w.sound();
    w2.sound();
}

#[test]
fn a_malformed_key_is_refused_at_creation() {
    let w = World::new();
    let prover = cloudless_groth16::testing::BoundProver::new(BOUND_INPUTS);
    let mut vk = prover.vk.clone();
    vk[5] ^= 0x40; // alpha off the curve
    let p = CreateDealParams { verifying_key: vk, require_results: true, ..deal_params(1, 1, 1) };
    let msg = w.refused(OWNER, METHOD_CREATE_DEAL, &p, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(msg.contains("verifying key"), "{msg}");
    let short = cloudless_groth16::testing::BoundProver::new(1);
    let p = CreateDealParams { verifying_key: short.vk, ..deal_params(1, 1, 1) };
    w.refused(OWNER, METHOD_CREATE_DEAL, &p, ExitCode::USR_ILLEGAL_ARGUMENT);
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

mod properties {
    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Op {
        Deposit(u64, u64),
        Match(u64, Vec<u8>),
        Auto(u64, u32),
        SetWorker(u64, u8),
        Advance(i64),
        Claim(u64, u8),
        Remove(u64, u8),
        Stop(u64),
        Withdraw(u64, u64),
        ClaimPayable(bool),
    }

    fn op() -> impl Strategy<Value = Op> {
        let deal = 0u64..3;
        let unit = 1u8..5;
        prop_oneof![
            3 => (deal.clone(), 1u64..60).prop_map(|(d, a)| Op::Deposit(d, a)),
            3 => (deal.clone(), proptest::collection::vec(1u8..6, 1..5)).prop_map(|(d, u)| Op::Match(d, u)),
            2 => (deal.clone(), 1u32..4).prop_map(|(d, n)| Op::Auto(d, n)),
            5 => (deal.clone(), unit.clone()).prop_map(|(d, u)| Op::SetWorker(d, u)),
            3 => (0i64..4).prop_map(Op::Advance),
            4 => (deal.clone(), unit.clone()).prop_map(|(d, u)| Op::Claim(d, u)),
            1 => (deal.clone(), unit).prop_map(|(d, u)| Op::Remove(d, u)),
            1 => deal.clone().prop_map(Op::Stop),
            2 => (deal, 1u64..40).prop_map(|(d, a)| Op::Withdraw(d, a)),
            3 => any::<bool>().prop_map(Op::ClaimPayable),
        ]
    }

    /// Random deposits, matches, workers, gaps, claims, removals, stops and withdrawals: after
    /// every step the invariants hold, the market's token balance (deposits in, payments out, as
    /// the token saw them) equals its ledger, the capacity actor's view of every unit agrees with
    /// the deals, and a refused step changed nothing. Every kind of step succeeds at least once
    /// over the run (asserted), so the properties are not vacuous.
    #[test]
    fn random_lives_keep_the_books() {
        use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
        let successes = std::cell::RefCell::new([0u32; 10]);
        // A fixed seed: the same sequences, and the same coverage, on every run.
        let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
        let mut runner =
            TestRunner::new_with_rng(Config { cases: 128, failure_persistence: None, ..Config::default() }, rng);
        runner.run(&proptest::collection::vec(op(), 20..80), |ops| run(ops, &successes)).unwrap();
        let counts = successes.into_inner();
        eprintln!("successful steps by kind: {counts:?}");
        assert!(counts.iter().all(|c| *c > 0), "some kind of step never succeeded: {counts:?}");
    }

    fn kind(op: &Op) -> usize {
        match op {
            Op::Deposit(..) => 0,
            Op::Match(..) => 1,
            Op::Auto(..) => 2,
            Op::SetWorker(..) => 3,
            Op::Advance(..) => 4,
            Op::Claim(..) => 5,
            Op::Remove(..) => 6,
            Op::Stop(..) => 7,
            Op::Withdraw(..) => 8,
            Op::ClaimPayable(..) => 9,
        }
    }

    fn run(ops: Vec<Op>, successes: &std::cell::RefCell<[u32; 10]>) -> Result<(), TestCaseError> {
        {
            let w = World::new();
            let provider = |u: u8| if u % 2 == 1 { PROV } else { PROV2 };
            for u in 1..=5u8 {
                w.add_unit(u, u, provider(u), u != 5);
            }
            let o1 = w.offer(PROV, 3, &[1, 3, 5]);
            let o2 = w.offer(PROV2, 4, &[2, 4]);
            for (price, min, target) in [(4, 1, 2), (5, 2, 3), (6, 1, 1)] {
                w.deal(&CreateDealParams { max_workers_per_provider: 2, ..deal_params(price, min, target) });
            }
            let mut deposited = TokenAmount::default();
            let mut period = 0;
            for op in ops {
                let root = w.rt.state_root();
                let result = match &op {
                    Op::Deposit(d, a) => w.deposit(USDC, *d, usdc(*a)),
                    Op::Match(d, units) => {
                        let pick = |odd: bool| {
                            units.iter().filter(|u| (*u % 2 == 1) == odd).map(|u| unit(*u)).collect::<Vec<_>>()
                        };
                        let candidates = vec![
                            Candidate { offer: o1, units: pick(true) },
                            Candidate { offer: o2, units: pick(false) },
                        ];
                        w.rt.call(
                            MALLORY,
                            METHOD_MATCH_DEAL,
                            Some(&MatchDealParams { deal: *d, candidates }),
                            TokenAmount::default(),
                        )
                    }
                    Op::Auto(d, n) => w.rt.call(
                        MALLORY,
                        METHOD_MATCH_DEAL_AUTO,
                        Some(&MatchAutoParams { deal: *d, max_units: *n }),
                        TokenAmount::default(),
                    ),
                    Op::SetWorker(d, u) => w.rt.call(
                        PEER_OWNER,
                        METHOD_SET_WORKER,
                        Some(&SetWorkerParams { deal: *d, unit: unit(*u), worker: Bytes32([*u; 32]) }),
                        TokenAmount::default(),
                    ),
                    Op::Advance(n) => {
                        period += n;
                        w.at_period(period);
                        Ok(None)
                    }
                    Op::Claim(d, u) => w.rt.call(
                        provider(*u),
                        METHOD_CLAIM_EARNINGS,
                        Some(&UnitParams { deal: *d, unit: unit(*u) }),
                        TokenAmount::default(),
                    ),
                    Op::Remove(d, u) => w.rt.call(
                        OWNER,
                        METHOD_REMOVE_UNIT,
                        Some(&UnitParams { deal: *d, unit: unit(*u) }),
                        TokenAmount::default(),
                    ),
                    Op::Stop(d) => w.rt.call(OWNER, METHOD_STOP, Some(&DealQuery { deal: *d }), TokenAmount::default()),
                    Op::Withdraw(d, a) => w.rt.call(
                        OWNER,
                        METHOD_WITHDRAW,
                        Some(&WithdrawParams { deal: *d, amount: usdc(*a) }),
                        TokenAmount::default(),
                    ),
                    Op::ClaimPayable(first) => {
                        let p = if *first { PROV } else { PROV2 };
                        w.rt.call(
                            p,
                            METHOD_CLAIM_PAYABLE,
                            Some(&PayableQuery { provider: Address::new_id(p), token: None }),
                            TokenAmount::default(),
                        )
                    }
                };
                match (&op, result) {
                    (_, Err(e)) => {
                        prop_assert_eq!(w.rt.state_root(), root, "refused {:?} ({}) changed the state", op, e.msg())
                    }
                    (op, Ok(_)) => {
                        successes.borrow_mut()[kind(op)] += 1;
                        if let Op::Deposit(_, a) = op {
                            deposited += usdc(*a);
                        }
                    }
                }
                w.sound();
                let st: State = w.rt.state().unwrap();
                let paid: TokenAmount = w.tok.borrow().paid.values().sum();
                prop_assert_eq!(&deposited - &paid, st.ledger(w.rt.store(), USDC).unwrap().held, "after {:?}", op);
                for d in 0..3 {
                    let deal = st.get_deal(w.rt.store(), d).unwrap();
                    for s in &deal.units {
                        prop_assert_eq!(w.cap.borrow().units[&s.unit].deal, Some(d));
                    }
                }
                let in_deals = w.cap.borrow().units.values().filter(|u| u.deal.is_some()).count();
                let listed: usize = (0..3).map(|d| st.get_deal(w.rt.store(), d).unwrap().units.len()).sum();
                prop_assert_eq!(in_deals, listed);
            }
        }
        Ok(())
    }
}
