//! The market as Wasm in the real FVM with the Cloudless kernel, with the real capacity actor
//! (real RandomX proofs), gateway (USDC) and oracle: a deal's whole life — offers, an FRC-46
//! deposit, matching with filters, workers, periods of payments with a gap, claims, a top-up and
//! a withdrawal, `Stop`, units back in their commitments and proving again. Every USDC amount is
//! checked against a reference computed here; after every message every actor's invariants,
//! the cross-actor checks (units in capacity's view, USDC held) and the FLT total are checked.

use std::sync::Mutex;

use cloudless_actor_capacity as capacity;
use cloudless_actor_gateway as gateway;
use cloudless_actor_market::*;
use cloudless_host::prove::{capacity_proofs, Mode, ProveRequest};
use cloudless_host::testing::{assert_ok, Harness};
use cloudless_runtime::bytes::Bytes32;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use multihash_codetable::{Code, MultihashDigest};
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

fn usdc(whole: u64) -> TokenAmount {
    gateway::micro_usdc(whole * 1_000_000)
}

fn unit(n: u8) -> Bytes32 {
    Bytes32([n; 32])
}

fn cid(data: &[u8]) -> cid::Cid {
    cid::Cid::new_v1(0x55, Code::Sha2_256.digest(data))
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
        let h = Harness::new(&config(), cloudless_bundle::BUNDLE_CAR).unwrap().check_every_message();
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
        let p = capacity::ProviderParams { name: name.into(), metadata: cid(name.as_bytes()) };
        let _: () = self.call(name, "capacity", capacity::METHOD_REGISTER_PROVIDER, &p);
        let provider = self.h.address(name);
        let _: () =
            self.call("admin", "capacity", capacity::METHOD_APPROVE_PROVIDER, &capacity::ProviderQuery { provider });
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
            let to = self.h.address("capacity");
            let dep = RawBytes::serialize(capacity::DepositParams { ids: vec![cc.id] }).unwrap();
            assert_ok(&self.h.send_raw(
                "delegator",
                to,
                capacity::METHOD_DEPOSIT_COLLATERAL,
                dep,
                TokenAmount::from_whole(1),
            ));
        }
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
    let mut w = World::new();
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
    // A unit in a deal needs no proofs, and cannot send them.
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
    let cap_addr = w.h.address("capacity");
    let p = RawBytes::serialize(capacity::SubmitProofsParams { proofs }).unwrap();
    w.h.expect_failure("owner", cap_addr, capacity::METHOD_SUBMIT_PROOFS, p, ExitCode::USR_ILLEGAL_STATE);

    let worker = |u: u8| SetWorkerParams { deal: d, unit: unit(u), worker: Bytes32([0xa0 + u; 32]) };
    w.fails("mallory", METHOD_SET_WORKER, &worker(1), ExitCode::USR_FORBIDDEN);
    let _: () = w.market("owner", METHOD_SET_WORKER, &worker(1)); // paid from period 2
    w.at_period(2);
    let _: () = w.market("bob", METHOD_SET_WORKER, &worker(4)); // paid from period 3

    // Reference: period 2 pays unit 1 (4); periods 3 and 4 pay both (8 each); 20 is then spent,
    // and period 5 is a gap.
    w.at_period(3);
    let v = w.deal(d);
    assert_eq!((v.deal.balance.clone(), v.status), (usdc(8), DealStatus::SmallBalance));
    w.at_period(5);
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
