//! The market as Wasm in the real FVM with the Cloudless kernel, with the real capacity actor
//! (real RandomX proofs), gateway (USDC) and oracle: a deal's whole life — offers, an FRC-46
//! deposit, matching with filters, workers, periods of payments with a gap, claims, a top-up and
//! a withdrawal, `Stop`, units back in their commitments and proving again. Every USDC amount is
//! checked against a reference computed here; after every message every actor's invariants,
//! the cross-actor checks (units in capacity's view, USDC held) and the FLT total are checked.

use std::sync::Mutex;

use cloudless_actor_capacity as capacity;
use cloudless_actor_gateway::{self as gateway, usdc};
use cloudless_actor_market::*;
use cloudless_host::prove::{capacity_proofs, Mode, ProveRequest};
use cloudless_runtime::bytes::Bytes32;
use cloudless_testing::{assert_ok, cid_of as cid, Harness};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// RandomX initialises 256 MiB per key: run one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

const PERIOD: i64 = 100;

fn config() -> String {
    let accounts: String = ["admin", "alice", "bob", "owner", "delegator", "user", "relayer", "reporter", "mallory"]
        .iter()
        .map(|n| format!("[[accounts]]\nname = \"{n}\"\nbalance = \"1000\"\n"))
        .collect();
    format!(
        r#"
[network]
name = "market-test"
period_length = {PERIOD}

{accounts}
[actors.oracle]
admin = "admin"
[[actors.oracle.assets]]
symbol = "FLT/USD"
quorum = 1
report_expiry = 100000
reporters = ["reporter"]

[actors.capacity]
admin = "admin"
min_proofs = 2
max_proofs = 3
flt_collateral_per_unit = "1"
difficulty = "7f{}"

[actors.gateway]
admin = "admin"
authority = "relayer"

[actors.market]
admin = "admin"
"#,
        "ff".repeat(31)
    )
}

fn unit(n: u8) -> Bytes32 {
    Bytes32([n; 32])
}

fn difficulty() -> [u8; 32] {
    let mut d = [0xff; 32];
    d[0] = 0x7f;
    d
}

struct World {
    h: Harness,
    market: Address,
    deposits: u64,
}

impl World {
    fn new() -> Self {
        Self::on(Harness::new(&config(), cloudless_bundle::BUNDLE_CAR).unwrap())
    }

    /// With the event indexer checked after every message.
    fn indexed() -> Self {
        Self::on(Harness::new(&config(), cloudless_bundle::BUNDLE_CAR).unwrap().indexed())
    }

    fn on(h: Harness) -> Self {
        let market = h.address("market");
        Self { h, market, deposits: 0 }
    }

    fn call<P: Serialize, R: DeserializeOwned>(&mut self, from: &str, to: &str, method: u64, p: &P) -> R {
        self.h.call(from, to, method, p)
    }

    fn market<P: Serialize, R: DeserializeOwned>(&mut self, from: &str, method: u64, p: &P) -> R {
        self.call(from, "market", method, p)
    }

    fn fails<P: Serialize>(&mut self, from: &str, method: u64, p: &P, code: ExitCode) -> String {
        let market = self.market;
        self.h.expect_failure(from, market, method, RawBytes::serialize(p).unwrap(), code)
    }

    fn at_period(&mut self, p: i64) {
        self.h.node.set_epoch(p * PERIOD - 1).unwrap(); // the next message lands at p * PERIOD
    }

    fn period(&self) -> i64 {
        (self.h.node.epoch() + 1) / PERIOD
    }

    /// A registered, approved provider with one committed peer per unit (collateral 1 FLT each).
    fn provider(&mut self, name: &str, units: &[u8]) {
        for cc in self.registered(name, units) {
            self.deposit(cc);
        }
    }

    /// A registered, approved provider with one peer per unit, each with a commitment that
    /// waits for its collateral; returns the commitment ids.
    fn registered(&mut self, name: &str, units: &[u8]) -> Vec<u64> {
        let p = capacity::ProviderParams { name: name.into(), metadata: cid(name.as_bytes()) };
        let _: () = self.call(name, "capacity", capacity::METHOD_REGISTER_PROVIDER, &p);
        let provider = self.h.address(name);
        let _: () =
            self.call("admin", "capacity", capacity::METHOD_APPROVE_PROVIDER, &capacity::ProviderQuery { provider });
        let mut ids = Vec::new();
        for u in units {
            let peer_id = vec![b'p', *u];
            let owner = self.h.address("owner");
            let reg = capacity::RegisterPeerParams { peer_id: peer_id.clone(), owner, units: vec![unit(*u)] };
            let _: () = self.call(name, "capacity", capacity::METHOD_REGISTER_PEER, &reg);
            let create = capacity::CreateCommitmentParams {
                peer_id,
                duration: 10,
                delegator: Some(self.h.address("delegator")),
                delegator_reward_rate: 1,
            };
            let cc: capacity::CreateCommitmentReturn =
                self.call(name, "capacity", capacity::METHOD_CREATE_COMMITMENT, &create);
            ids.push(cc.id);
        }
        ids
    }

    /// The delegator deposits commitment `cc`'s collateral (1 FLT).
    fn deposit(&mut self, cc: u64) {
        let to = self.h.address("capacity");
        let dep = RawBytes::serialize(capacity::DepositParams { ids: vec![cc] }).unwrap();
        assert_ok(&self.h.send_raw(
            "delegator",
            to,
            capacity::METHOD_DEPOSIT_COLLATERAL,
            dep,
            TokenAmount::from_whole(1),
        ));
    }

    fn usable_offers(&mut self) -> Vec<u64> {
        let index: Vec<IndexEntry> = self.market("mallory", METHOD_GET_OFFER_INDEX, &TokenQuery { token: None });
        index.iter().filter(|e| e.usable).map(|e| e.offer).collect()
    }

    fn usdc_of(&self, name: &str) -> TokenAmount {
        let st: gateway::State = self.h.node.actor_state(self.h.id("gateway")).unwrap();
        let id = match name {
            "market" => self.h.node.resolve(&self.market).unwrap().unwrap(),
            other => self.h.id(other),
        };
        st.token.get_balance(self.h.node.store(), id).unwrap()
    }

    /// The relayer delivers a parent deposit of `amount` to `to`.
    fn bridge_in(&mut self, to: &str, amount: TokenAmount) {
        let p = gateway::DepositParams {
            nonce: self.deposits,
            parent_sender: cloudless_host::keys::Key::dev("parent").address(),
            recipient: self.h.address(to),
            amount,
        };
        self.deposits += 1;
        let r: gateway::DepositReturn = self.call("relayer", "gateway", gateway::METHOD_APPLY_DEPOSIT, &p);
        assert!(r.delivered);
    }

    /// `from` pays `amount` USDC into `deal` (an FRC-46 transfer whose operator data names it).
    fn fund(&mut self, from: &str, deal: u64, amount: TokenAmount) -> fvm::executor::ApplyRet {
        let p = gateway::TransferParams {
            to: self.market,
            amount,
            operator_data: RawBytes::serialize(DepositTarget { deal }).unwrap().to_vec(),
        };
        self.h.send(from, "gateway", gateway::METHOD_TRANSFER, &p)
    }

    fn deal(&mut self, id: u64) -> DealView {
        self.market("mallory", METHOD_GET_DEAL, &DealQuery { deal: id })
    }

    /// Mines and submits `count` proofs of `u` in the current period.
    fn prove(&mut self, u: u8, count: usize) -> capacity::SubmitProofsReturn {
        let nonce: capacity::GlobalNonce = self.call("owner", "capacity", capacity::METHOD_GET_GLOBAL_NONCE, &());
        let req = ProveRequest {
            unit_id: unit(u).0,
            global_nonce: nonce.nonce.0,
            difficulty: difficulty(),
            count,
            start: [0; 32],
            mode: Mode::Light,
        };
        let proofs = capacity_proofs(&req).unwrap();
        self.call("owner", "capacity", capacity::METHOD_SUBMIT_PROOFS, &capacity::SubmitProofsParams { proofs })
    }

    fn capacity_unit(&mut self, u: u8) -> capacity::Unit {
        self.call("mallory", "capacity", capacity::METHOD_GET_UNIT, &capacity::UnitQuery { unit_id: unit(u) })
    }
}

fn offer(price: u64, peers: &[u8], effectors: &[&[u8]]) -> OfferParams {
    OfferParams {
        min_price: usdc(price),
        token: None,
        effectors: effectors.iter().map(|e| cid(e)).collect(),
        peers: peers.iter().map(|u| vec![b'p', *u]).collect(),
        min_version: 1,
        max_version: 1,
    }
}

#[test]
fn a_deal_from_offer_to_stop_with_exact_usdc() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut w = World::indexed();
    // Period 0: two providers, four committed units; offers; a user with 50 USDC.
    w.provider("alice", &[1, 2]);
    w.provider("bob", &[3, 4]);
    let oa: OfferReturn = w.market("alice", METHOD_REGISTER_OFFER, &offer(2, &[1, 2], &[b"ipfs"]));
    let ob_dear: OfferReturn = w.market("bob", METHOD_REGISTER_OFFER, &offer(5, &[3], &[b"ipfs"]));
    let ob: OfferReturn = w.market("bob", METHOD_REGISTER_OFFER, &offer(3, &[4], &[b"ipfs", b"gpu"]));
    w.fails("mallory", METHOD_REGISTER_OFFER, &offer(1, &[1], &[]), ExitCode::USR_FORBIDDEN);
    w.fails("bob", METHOD_REGISTER_OFFER, &offer(1, &[1], &[]), ExitCode::USR_FORBIDDEN);
    w.bridge_in("user", usdc(50));

    let deal_params = CreateDealParams {
        app: cid(b"app"),
        input_data: Some(cid(b"dataset on filecoin")),
        token: None,
        min_workers: 1,
        target_workers: 2,
        max_workers_per_provider: 1,
        price: usdc(4),
        effectors: vec![cid(b"ipfs")],
        access: Access::All,
        access_list: vec![],
        protocol_version: 1,
        verifying_key: vec![],
        require_results: false,
    };
    let d: DealQuery = w.market("user", METHOD_CREATE_DEAL, &deal_params);
    let d = d.deal;
    // A transfer naming no deal is refused by the market's hook: nothing moves.
    let gw = w.h.address("gateway");
    let stray = gateway::TransferParams { to: w.market, amount: usdc(1), operator_data: vec![] };
    w.h.expect_failure(
        "user",
        gw,
        gateway::METHOD_TRANSFER,
        RawBytes::serialize(&stray).unwrap(),
        ExitCode::USR_FORBIDDEN,
    );
    // 20 USDC: over the reserve of 4 × 2 × 2 = 16.
    assert_ok(&w.fund("user", d, usdc(20)));
    assert_eq!((w.usdc_of("market"), w.deal(d).status), (usdc(20), DealStatus::NotEnoughWorkers));

    // Period 1: commitments start; unit 1 proves before it joins the deal.
    w.at_period(1);
    assert_eq!(w.prove(1, 2).accepted, 2);
    let candidates = vec![
        Candidate { offer: oa.offer, units: vec![unit(1), unit(2)] },
        Candidate { offer: ob_dear.offer, units: vec![unit(3)] },
        Candidate { offer: ob.offer, units: vec![unit(4)] },
    ];
    let m: MatchReturn = w.market("mallory", METHOD_MATCH_DEAL, &MatchDealParams { deal: d, candidates });
    assert_eq!(m.matched, [unit(1), unit(4)]);
    let skipped: Vec<(Option<Bytes32>, Skip)> = m.skipped.iter().map(|s| (s.unit, s.reason)).collect();
    assert_eq!(skipped, [(Some(unit(2)), Skip::ProviderLimit), (None, Skip::PriceTooLow)]);
    assert_eq!((w.capacity_unit(1).deal, w.capacity_unit(4).deal, w.capacity_unit(2).deal), (Some(d), Some(d), None));
    // A unit in a deal still proves, min_proofs_in_deal (1) a period, for no rewards; unit 1
    // already proved this period before it was matched, so a further proof is skipped.
    let nonce: capacity::GlobalNonce = w.call("owner", "capacity", capacity::METHOD_GET_GLOBAL_NONCE, &());
    let req = ProveRequest {
        unit_id: unit(1).0,
        global_nonce: nonce.nonce.0,
        difficulty: difficulty(),
        count: 1,
        start: [9; 32],
        mode: Mode::Light,
    };
    let proofs = capacity_proofs(&req).unwrap();
    let r: capacity::SubmitProofsReturn =
        w.call("owner", "capacity", capacity::METHOD_SUBMIT_PROOFS, &capacity::SubmitProofsParams { proofs });
    assert_eq!((r.accepted, r.skipped), (0, 1));

    let worker = |u: u8| SetWorkerParams { deal: d, unit: unit(u), worker: Bytes32([0xa0 + u; 32]) };
    w.fails("mallory", METHOD_SET_WORKER, &worker(1), ExitCode::USR_FORBIDDEN);
    let _: () = w.market("owner", METHOD_SET_WORKER, &worker(1)); // paid from period 2
    w.at_period(2);
    let _: () = w.market("bob", METHOD_SET_WORKER, &worker(4)); // paid from period 3
                                                                // While it serves, unit 1 proves at the in-deal rate (its commitment would fail otherwise).
    assert_eq!(w.prove(1, 1).accepted, 1);

    // Reference: period 2 pays unit 1 (4); periods 3 and 4 pay both (8 each); 20 is then spent,
    // and period 5 is a gap.
    w.at_period(3);
    assert_eq!(w.prove(1, 1).accepted, 1);
    let v = w.deal(d);
    assert_eq!((v.deal.balance.clone(), v.status), (usdc(8), DealStatus::SmallBalance));
    w.at_period(5);
    assert_eq!(w.prove(1, 1).accepted, 1);
    let v = w.deal(d);
    assert_eq!(
        (v.deal.balance.clone(), v.deal.paid_periods, v.deal.gaps, v.status),
        (usdc(0), 3, 1, DealStatus::InsufficientFunds)
    );
    let c: ClaimReturn = w.market("owner", METHOD_CLAIM_EARNINGS, &UnitParams { deal: d, unit: unit(1) });
    assert_eq!((c.provider, c.amount.clone()), (w.h.id("alice"), usdc(12)));
    assert_eq!(w.usdc_of("alice"), usdc(12));
    w.fails("alice", METHOD_CLAIM_EARNINGS, &UnitParams { deal: d, unit: unit(1) }, ExitCode::USR_ILLEGAL_STATE);

    // A top-up in period 5 funds period 6 on; then the owner withdraws what is above the reserve.
    assert_ok(&w.fund("user", d, usdc(30)));
    w.at_period(6);
    assert_eq!(w.prove(1, 1).accepted, 1);
    let v = w.deal(d);
    assert_eq!((v.deal.balance.clone(), v.withdrawable.clone()), (usdc(22), usdc(6)));
    w.fails("user", METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(7) }, ExitCode::USR_INSUFFICIENT_FUNDS);
    w.fails("mallory", METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(1) }, ExitCode::USR_FORBIDDEN);
    let _: () = w.market("user", METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(6) });
    assert_eq!(w.usdc_of("user"), usdc(6));

    // Stop in period 6: both units go back to their commitments; their earnings are payable.
    let _: () = w.market("user", METHOD_STOP, &DealQuery { deal: d });
    assert_eq!((w.capacity_unit(1).deal, w.capacity_unit(4).deal), (None, None));
    let payable = |w: &mut World, who: &str| -> TokenAmount {
        let q = PayableQuery { provider: w.h.address(who), token: None };
        w.market::<_, methods::TokenAmountReturn>("mallory", METHOD_GET_PAYABLE, &q).amount
    };
    assert_eq!((payable(&mut w, "alice"), payable(&mut w, "bob")), (usdc(4), usdc(12)));
    w.fails("user", METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(16) }, ExitCode::USR_INSUFFICIENT_FUNDS);

    // Period 7: unit 1 proves again; period 8: the rest of the deal goes back to its owner.
    w.at_period(7);
    assert_eq!(w.prove(1, 2).accepted, 2);
    w.at_period(8);
    let _: () = w.market("user", METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(16) });
    for who in ["alice", "bob"] {
        let q = PayableQuery { provider: w.h.address(who), token: None };
        let _: ClaimReturn = w.market(who, METHOD_CLAIM_PAYABLE, &q);
    }
    // Every USDC accounted for: 50 in = 22 back to the user + 16 to alice + 12 to bob; the market
    // holds nothing.
    assert_eq!((w.usdc_of("user"), w.usdc_of("alice"), w.usdc_of("bob")), (usdc(22), usdc(16), usdc(12)));
    assert!(w.usdc_of("market").is_zero());
    assert_eq!(w.period(), 8);
}

/// A funded deal (created with `params`) whose one unit (unit 1, alice's) is matched and has a
/// worker from period 2; returns the deal id.
fn running_deal(w: &mut World, params: CreateDealParams, funds: u64) -> u64 {
    w.provider("alice", &[1]);
    let o: OfferReturn = w.market("alice", METHOD_REGISTER_OFFER, &offer(1, &[1], &[]));
    w.bridge_in("user", usdc(100));
    let d: DealQuery = w.market("user", METHOD_CREATE_DEAL, &params);
    assert_ok(&w.fund("user", d.deal, usdc(funds)));
    w.at_period(1);
    let c = vec![Candidate { offer: o.offer, units: vec![unit(1)] }];
    let _: MatchReturn = w.market("mallory", METHOD_MATCH_DEAL, &MatchDealParams { deal: d.deal, candidates: c });
    let set = SetWorkerParams { deal: d.deal, unit: unit(1), worker: Bytes32([7; 32]) };
    let _: () = w.market("owner", METHOD_SET_WORKER, &set);
    d.deal
}

fn one_unit_deal() -> CreateDealParams {
    CreateDealParams {
        app: cid(b"app"),
        input_data: None,
        token: None,
        min_workers: 1,
        target_workers: 1,
        max_workers_per_provider: 1,
        price: usdc(3),
        effectors: vec![],
        access: Access::All,
        access_list: vec![],
        protocol_version: 1,
        verifying_key: vec![],
        require_results: false,
    }
}

/// A result for `unit`'s work with `worker` in `deal` and `period`, proved by `prover` (the
/// circuit's own input is x = 4).
fn proved(
    prover: &cloudless_kernel::groth16::testing::BoundProver,
    deal: u64,
    u: u8,
    worker: Bytes32,
    period: i64,
    output: &cid::Cid,
) -> SubmitResultParams {
    let bound = cloudless_actor_market::results::bound_inputs(deal, period, Some(output), &unit(u), &worker);
    let (proof, inputs) = prover.prove(&bound.map(|b| b.0), 4);
    SubmitResultParams {
        deal,
        unit: unit(u),
        period,
        output: Some(*output),
        public_inputs: inputs.into_iter().map(Bytes32).collect(),
        proof,
    }
}

#[test]
fn verified_results_through_the_groth16_syscall() {
    use cloudless_kernel::groth16::testing::BoundProver;
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut w = World::indexed();
    let prover = BoundProver::new(BOUND_INPUTS);
    // A malformed key is refused at creation: alpha moved off the curve.
    let mut bad = prover.vk.clone();
    bad[5] ^= 0x40;
    let refused = CreateDealParams { verifying_key: bad, require_results: true, ..one_unit_deal() };
    let msg = w.fails("user", METHOD_CREATE_DEAL, &refused, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(msg.contains("verifying key"), "{msg}");
    let params = CreateDealParams { verifying_key: prover.vk.clone(), require_results: true, ..one_unit_deal() };
    let d = running_deal(&mut w, params, 7);
    // The proof binds `deal` (which may be another deal's id); it is submitted for `d`.
    let submit = |deal: u64, period: i64, output: &cid::Cid| SubmitResultParams {
        deal: d,
        ..proved(&prover, deal, 1, Bytes32([7; 32]), period, output)
    };
    let out = cid(b"results of period 2");
    w.at_period(2);
    let good = submit(d, 2, &out);
    w.fails("mallory", METHOD_SUBMIT_RESULT, &good, ExitCode::USR_FORBIDDEN);
    w.fails("owner", METHOD_SUBMIT_RESULT, &submit(d + 1, 2, &out), ExitCode::USR_ILLEGAL_ARGUMENT);
    w.fails(
        "owner",
        METHOD_SUBMIT_RESULT,
        &SubmitResultParams { period: 2, ..submit(d, 1, &out) },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    let mut tampered = good.clone();
    tampered.proof[40] ^= 1;
    w.fails("owner", METHOD_SUBMIT_RESULT, &tampered, ExitCode::USR_ILLEGAL_ARGUMENT);
    let mut wrong = good.clone();
    wrong.public_inputs[BOUND_INPUTS] = Bytes32([0; 32]); // the application's input
    w.fails("owner", METHOD_SUBMIT_RESULT, &wrong, ExitCode::USR_ILLEGAL_ARGUMENT);
    let r: ResultReturn = w.market("owner", METHOD_SUBMIT_RESULT, &good);
    assert_eq!((r.verified, r.paid), (true, usdc(3)));
    w.fails("owner", METHOD_SUBMIT_RESULT, &good, ExitCode::USR_ILLEGAL_ARGUMENT); // replay
                                                                                   // Period 3 brings no result: its share stays. Period 4 pays, period 5 finds 1 USDC left.
    w.at_period(4);
    let r: ResultReturn = w.market("owner", METHOD_SUBMIT_RESULT, &submit(d, 4, &out));
    assert_eq!(r.paid, usdc(3));
    w.at_period(5);
    let r: ResultReturn = w.market("owner", METHOD_SUBMIT_RESULT, &submit(d, 5, &out));
    assert_eq!(r.paid, TokenAmount::default());
    assert_eq!(w.deal(d).deal.balance, usdc(1));
    let c: ClaimReturn = w.market("alice", METHOD_CLAIM_EARNINGS, &UnitParams { deal: d, unit: unit(1) });
    assert_eq!(c.amount, usdc(6));
    assert_eq!(w.usdc_of("alice"), usdc(6));
}

/// Audit finding (High), in the FVM: one computation, two units; the second unit's owner copies
/// the first unit's proof from the chain and is refused with the state unchanged.
#[test]
fn a_proof_copied_from_another_unit_is_refused() {
    use cloudless_kernel::groth16::testing::BoundProver;
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut w = World::new();
    let prover = BoundProver::new(BOUND_INPUTS);
    w.provider("alice", &[1, 2]);
    let o: OfferReturn = w.market("alice", METHOD_REGISTER_OFFER, &offer(1, &[1, 2], &[]));
    w.bridge_in("user", usdc(100));
    let params = CreateDealParams {
        verifying_key: prover.vk.clone(),
        require_results: true,
        target_workers: 2,
        max_workers_per_provider: 2,
        ..one_unit_deal()
    };
    let d: DealQuery = w.market("user", METHOD_CREATE_DEAL, &params);
    let d = d.deal;
    assert_ok(&w.fund("user", d, usdc(20)));
    w.at_period(1);
    let c = vec![Candidate { offer: o.offer, units: vec![unit(1), unit(2)] }];
    let m: MatchReturn = w.market("mallory", METHOD_MATCH_DEAL, &MatchDealParams { deal: d, candidates: c });
    assert_eq!(m.matched, [unit(1), unit(2)]);
    for u in [1, 2] {
        let set = SetWorkerParams { deal: d, unit: unit(u), worker: Bytes32([u; 32]) };
        let _: () = w.market("owner", METHOD_SET_WORKER, &set);
    }
    w.at_period(2);
    let out = cid(b"one computation");
    let prove = |u: u8| proved(&prover, d, u, Bytes32([u; 32]), 2, &out);
    let honest = prove(1);
    let r: ResultReturn = w.market("owner", METHOD_SUBMIT_RESULT, &honest);
    assert_eq!(r.paid, usdc(3));
    let copied = SubmitResultParams { unit: unit(2), ..honest };
    let msg = w.fails("owner", METHOD_SUBMIT_RESULT, &copied, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(msg.contains("another deal, period, output, unit or worker"), "{msg}");
    let r: ResultReturn = w.market("owner", METHOD_SUBMIT_RESULT, &prove(2));
    assert_eq!(r.paid, usdc(3));
    assert_eq!(w.deal(d).deal.balance, usdc(14));
}

/// Audit finding (issue 34): the cheapest offer lists three peers without collateral; it used to
/// take the whole two-peer budget of a one-unit `MatchDealAuto` and starve it. The capacity actor
/// now tells the market when collateral arrives, and only usable peers are considered.
#[test]
fn automatic_matching_skips_peers_it_cannot_use() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut w = World::indexed();
    w.registered("bob", &[5, 6, 7]);
    let idle: OfferReturn = w.market("bob", METHOD_REGISTER_OFFER, &offer(1, &[5, 6, 7], &[]));
    let ccs = w.registered("alice", &[1]);
    let good: OfferReturn = w.market("alice", METHOD_REGISTER_OFFER, &offer(2, &[1], &[]));
    assert_eq!(w.usable_offers(), Vec::<u64>::new());
    w.deposit(ccs[0]);
    assert_eq!(w.usable_offers(), [good.offer]);
    w.bridge_in("user", usdc(100));
    let d: DealQuery = w.market("user", METHOD_CREATE_DEAL, &one_unit_deal());
    assert_ok(&w.fund("user", d.deal, usdc(30)));
    w.at_period(1);
    let m: MatchReturn = w.market("mallory", METHOD_MATCH_DEAL_AUTO, &MatchAutoParams { deal: d.deal, max_units: 1 });
    assert_eq!(m.matched, [unit(1)]);
    assert_eq!(w.usable_offers(), Vec::<u64>::new(), "alice's one unit is busy now");
    let told = PeerUnitsParams { peers: vec![PeerUnits { peer_id: b"p5".to_vec(), free_units: 1 }] };
    w.fails("mallory", METHOD_PEER_UNITS_CHANGED, &told, ExitCode::USR_FORBIDDEN);
    let r: RefreshReturn = w.market("mallory", METHOD_REFRESH_OFFER, &OfferQuery { offer: idle.offer });
    assert_eq!((r.free_units, r.usable_peers), (0, 0));
    w.fails("mallory", METHOD_REFRESH_OFFER, &OfferQuery { offer: 9 }, ExitCode::USR_NOT_FOUND);
}

#[test]
fn bad_input_and_outsiders_change_nothing() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut w = World::new();
    let d = running_deal(&mut w, one_unit_deal(), 20);
    let junk = RawBytes::new(vec![0x82, 0x01]);
    let market = w.market;
    for method in [
        METHOD_REGISTER_OFFER,
        METHOD_UPDATE_OFFER,
        METHOD_REMOVE_OFFER,
        METHOD_CREATE_DEAL,
        METHOD_RECEIVE,
        METHOD_WITHDRAW,
        METHOD_STOP,
        METHOD_MATCH_DEAL,
        METHOD_MATCH_DEAL_AUTO,
        METHOD_SET_WORKER,
        METHOD_REMOVE_UNIT,
        METHOD_CLAIM_EARNINGS,
        METHOD_CLAIM_PAYABLE,
        METHOD_SUBMIT_RESULT,
        METHOD_REFRESH_OFFER,
        METHOD_PEER_UNITS_CHANGED,
        METHOD_TRANSFER_ADMIN,
        METHOD_GET_OFFER,
        METHOD_GET_DEAL,
    ] {
        w.h.expect_failure("mallory", market, method, junk.clone(), ExitCode::USR_SERIALIZATION);
    }
    w.h.expect_failure("mallory", market, 1, RawBytes::default(), ExitCode::USR_FORBIDDEN);
    w.h.expect_failure("mallory", market, 4242, RawBytes::default(), ExitCode::USR_UNHANDLED_MESSAGE);
    // The receiver hook called by anyone but the deal's token: a forged deposit.
    let got = frc46_token::receiver::FRC46TokenReceived {
        from: w.h.id("mallory"),
        to: w.h.node.resolve(&market).unwrap().unwrap(),
        operator: w.h.id("mallory"),
        amount: usdc(1_000),
        operator_data: RawBytes::serialize(DepositTarget { deal: d }).unwrap(),
        token_data: RawBytes::default(),
    };
    let forged =
        ReceiveParams { type_: frc46_token::receiver::FRC46_TOKEN_TYPE, payload: RawBytes::serialize(got).unwrap() };
    w.fails("mallory", METHOD_RECEIVE, &forged, ExitCode::USR_FORBIDDEN);
    // Outsiders, overflowing and out-of-range values.
    w.fails("mallory", METHOD_STOP, &DealQuery { deal: d }, ExitCode::USR_FORBIDDEN);
    w.fails("mallory", METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(1) }, ExitCode::USR_FORBIDDEN);
    w.fails("mallory", METHOD_REMOVE_UNIT, &UnitParams { deal: d, unit: unit(1) }, ExitCode::USR_FORBIDDEN);
    w.fails("mallory", METHOD_CLAIM_EARNINGS, &UnitParams { deal: d, unit: unit(1) }, ExitCode::USR_FORBIDDEN);
    w.fails(
        "user",
        METHOD_WITHDRAW,
        &WithdrawParams { deal: d, amount: TokenAmount::from_atto(u128::MAX) },
        ExitCode::USR_INSUFFICIENT_FUNDS,
    );
    w.fails("user", METHOD_GET_DEAL, &DealQuery { deal: u64::MAX }, ExitCode::USR_NOT_FOUND);
    let huge = CreateDealParams { target_workers: u32::MAX, ..one_unit_deal() };
    w.fails("user", METHOD_CREATE_DEAL, &huge, ExitCode::USR_ILLEGAL_ARGUMENT);
    let r = SubmitResultParams {
        deal: d,
        unit: unit(1),
        period: i64::MAX,
        output: None,
        public_inputs: vec![],
        proof: vec![],
    };
    w.fails("owner", METHOD_SUBMIT_RESULT, &r, ExitCode::USR_ILLEGAL_ARGUMENT);
    w.fails(
        "mallory",
        METHOD_MATCH_DEAL_AUTO,
        &MatchAutoParams { deal: d, max_units: u32::MAX },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    // The offer cannot go while its unit serves; the unit cannot be matched twice.
    w.fails("alice", METHOD_REMOVE_OFFER, &OfferQuery { offer: 0 }, ExitCode::USR_ILLEGAL_STATE);
    w.fails(
        "mallory",
        METHOD_MATCH_DEAL,
        &MatchDealParams { deal: d, candidates: vec![Candidate { offer: 0, units: vec![unit(1)] }] },
        ExitCode::USR_ILLEGAL_STATE,
    );
    let admin = TransferAdminParams { new_admin: w.h.address("mallory") };
    w.fails("mallory", METHOD_TRANSFER_ADMIN, &admin, ExitCode::USR_FORBIDDEN);
}

/// A proof made by circom and snarkjs (tests/fixtures/snarkjs) pays a result-required deal in the
/// FVM: the files are read as `cloudless groth16 encode` reads them.
#[test]
fn a_circom_snarkjs_proof_pays_its_unit_period() {
    use cloudless_host::groth16::{public_inputs, snarkjs_proof, snarkjs_verifying_key};
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snarkjs");
    let json = |f: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap()
    };
    let vk = snarkjs_verifying_key(&json("verification_key.json")).unwrap();
    let proof = snarkjs_proof(&json("proof.json")).unwrap();
    let inputs = public_inputs(&json("public.json")).unwrap();
    let mut w = World::new();
    let params = CreateDealParams { verifying_key: vk, require_results: true, ..one_unit_deal() };
    let d = running_deal(&mut w, params, 9);
    assert_eq!(d, 0, "the fixture binds deal 0");
    w.at_period(2);
    let output = cid(b"snarkjs result");
    let submit = SubmitResultParams {
        deal: d,
        unit: unit(1),
        period: 2,
        output: Some(output),
        public_inputs: inputs.into_iter().map(Bytes32).collect(),
        proof,
    };
    let mut other_output = submit.clone();
    other_output.output = Some(cid(b"something else"));
    w.fails("owner", METHOD_SUBMIT_RESULT, &other_output, ExitCode::USR_ILLEGAL_ARGUMENT);
    let r: ResultReturn = w.market("owner", METHOD_SUBMIT_RESULT, &submit);
    assert_eq!((r.verified, r.paid), (true, usdc(3)));
}
