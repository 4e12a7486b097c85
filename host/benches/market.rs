//! Gas of the market's messages, as Wasm in the FVM with our kernel and the real capacity and
//! gateway actors. `make bench` (or `cargo bench -p cloudless-host --bench market`).
//!
//! - A deposit (the whole FRC-46 transfer into a deal), a claim that settles one period, a claim
//!   that settles 1,000 idle periods, and a withdrawal, with 10 and with 10,000 deals: the ratio
//!   10,000 / 10 must stay at or below 1.1 (the bench fails otherwise), and settling 1,000
//!   periods must cost what settling one does (within 1.1).
//! - `MatchDeal` and `MatchDealAuto` for 1, 8 and 64 candidate units (64 is the per-message cap):
//!   each must stay under the 10 G block gas limit.
//! - `SubmitResult` with a Groth16 proof of a small circuit (8 public inputs: the 7 bound ones
//!   and the circuit's own output).

use std::time::Instant;

use cloudless_actor_capacity as capacity;
use cloudless_actor_gateway::{self as gateway, usdc};
use cloudless_actor_market::*;
use cloudless_host::node::BLOCK_GAS_LIMIT;
use cloudless_runtime::bytes::Bytes32;
use cloudless_testing::{assert_ok, check_invariants, cid_of as cid, print_ratio_table, Harness, Snapshot};
use fvm::executor::ApplyRet;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::econ::TokenAmount;
use serde::Serialize;

const PERIOD: i64 = 1_000_000;
/// Units of the provider, one per peer: 0..63 in offer 0 for the matches, 64 in offer 1 for the
/// payments.
const UNITS: u8 = 65;

fn config() -> String {
    let mut text = format!("[network]\nname = \"market-bench\"\nperiod_length = {PERIOD}\n");
    for name in ["admin", "provider", "owner", "delegator", "user", "relayer"] {
        text += &format!("[[accounts]]\nname = \"{name}\"\nbalance = \"100000\"\n");
    }
    text += r#"
[actors.capacity]
admin = "admin"
whitelist = false
flt_collateral_per_unit = "1"

[actors.gateway]
admin = "admin"
authority = "relayer"

[actors.market]
admin = "admin"
"#;
    text
}

fn unit(n: u8) -> Bytes32 {
    Bytes32([n; 32])
}

fn ok(ret: ApplyRet) -> ApplyRet {
    assert_ok(&ret);
    ret
}

fn send<P: Serialize>(h: &mut Harness, from: &str, method: u64, p: &P) -> ApplyRet {
    ok(h.send(from, "market", method, p))
}

fn deal_params(target: u32, verifying_key: Vec<u8>) -> CreateDealParams {
    CreateDealParams {
        app: cid(b"app"),
        input_data: None,
        token: None,
        min_workers: 1,
        target_workers: target,
        max_workers_per_provider: target,
        price: usdc(1),
        effectors: vec![],
        access: Access::All,
        access_list: vec![],
        protocol_version: 1,
        require_results: !verifying_key.is_empty(),
        verifying_key,
    }
}

fn fund(h: &mut Harness, deal: u64, amount: TokenAmount) -> ApplyRet {
    let market = h.address("market");
    let p = gateway::TransferParams {
        to: market,
        amount,
        operator_data: RawBytes::serialize(DepositTarget { deal }).unwrap().to_vec(),
    };
    ok(h.send("user", "gateway", gateway::METHOD_TRANSFER, &p))
}

fn create(h: &mut Harness, params: &CreateDealParams) -> u64 {
    let ret = send(h, "user", METHOD_CREATE_DEAL, params);
    ret.msg_receipt.return_data.deserialize::<DealQuery>().unwrap().deal
}

/// Genesis; a provider with [`UNITS`] committed units, one per peer, offered in one offer; a user
/// with USDC; `deals` deals.
fn world(deals: u64) -> Harness {
    let mut h = Harness::new(&config(), cloudless_bundle::BUNDLE_CAR).unwrap().unchecked();
    let p = capacity::ProviderParams { name: "acme".into(), metadata: cid(b"acme") };
    assert_ok(&h.send("provider", "capacity", capacity::METHOD_REGISTER_PROVIDER, &p));
    let cap = h.address("capacity");
    for u in 0..UNITS {
        let reg =
            capacity::RegisterPeerParams { peer_id: vec![b'p', u], owner: h.address("owner"), units: vec![unit(u)] };
        assert_ok(&h.send("provider", "capacity", capacity::METHOD_REGISTER_PEER, &reg));
        let create = capacity::CreateCommitmentParams {
            peer_id: vec![b'p', u],
            duration: 100_000,
            delegator: None,
            delegator_reward_rate: 1,
        };
        assert_ok(&h.send("provider", "capacity", capacity::METHOD_CREATE_COMMITMENT, &create));
        let dep = RawBytes::serialize(capacity::DepositParams { ids: vec![u as u64] }).unwrap();
        assert_ok(&h.send_raw("delegator", cap, capacity::METHOD_DEPOSIT_COLLATERAL, dep, TokenAmount::from_whole(1)));
    }
    for peers in [0..64, 64..UNITS] {
        let offer = OfferParams {
            min_price: usdc(1),
            token: None,
            effectors: vec![],
            peers: peers.map(|u| vec![b'p', u]).collect(),
            min_version: 1,
            max_version: 1,
        };
        send(&mut h, "provider", METHOD_REGISTER_OFFER, &offer);
    }
    let deposit = gateway::DepositParams {
        nonce: 0,
        parent_sender: cloudless_host::keys::Key::dev("parent").address(),
        recipient: h.address("user"),
        amount: usdc(10_000_000),
    };
    assert_ok(&h.send("relayer", "gateway", gateway::METHOD_APPLY_DEPOSIT, &deposit));
    let params = deal_params(64, vec![]);
    for _ in 0..deals {
        create(&mut h, &params);
    }
    h.node.set_epoch(PERIOD).unwrap(); // period 1: the commitments have started
    h
}

fn candidates(units: std::ops::Range<u8>) -> Vec<Candidate> {
    vec![Candidate { offer: 0, units: units.map(unit).collect() }]
}

/// Deposit, claim (one period), claim (1,000 periods), withdraw — on the last deal of `h`.
fn measure(h: &mut Harness, deals: u64) -> [u64; 4] {
    let d = deals - 1;
    fund(h, d, usdc(1_000_000));
    let c = vec![Candidate { offer: 1, units: vec![unit(64)] }];
    send(h, "user", METHOD_MATCH_DEAL, &MatchDealParams { deal: d, candidates: c });
    send(h, "owner", METHOD_SET_WORKER, &SetWorkerParams { deal: d, unit: unit(64), worker: Bytes32([1; 32]) });
    let deposit = fund(h, d, usdc(10)).msg_receipt.gas_used;
    h.node.set_epoch(3 * PERIOD).unwrap();
    let claim = |h: &mut Harness| {
        send(h, "owner", METHOD_CLAIM_EARNINGS, &UnitParams { deal: d, unit: unit(64) }).msg_receipt.gas_used
    };
    let one = claim(h);
    h.node.set_epoch(1_003 * PERIOD).unwrap();
    let thousand = claim(h);
    let withdraw = send(h, "user", METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(1) }).msg_receipt.gas_used;
    check_invariants(&h.node, &Snapshot::take(&h.node).unwrap().total_balance()).unwrap();
    [deposit, one, thousand, withdraw]
}

/// Gas of matching k units into a fresh deal by hand and by the on-chain matcher; the deal is
/// stopped after, which returns its units.
fn matching(h: &mut Harness) -> Vec<(usize, u64, u64)> {
    let mut rows = Vec::new();
    for k in [1u8, 8, 64] {
        let mut gas = [0u64; 2];
        for (i, auto) in [false, true].into_iter().enumerate() {
            let d = create(h, &deal_params(64, vec![]));
            fund(h, d, usdc(200));
            let ret = if auto {
                send(h, "user", METHOD_MATCH_DEAL_AUTO, &MatchAutoParams { deal: d, max_units: k as u32 })
            } else {
                send(h, "user", METHOD_MATCH_DEAL, &MatchDealParams { deal: d, candidates: candidates(0..k) })
            };
            let r: MatchReturn = ret.msg_receipt.return_data.deserialize().unwrap();
            assert_eq!(r.matched.len(), k as usize);
            gas[i] = ret.msg_receipt.gas_used;
            send(h, "user", METHOD_STOP, &DealQuery { deal: d });
        }
        rows.push((k as usize, gas[0], gas[1]));
    }
    rows
}

fn submit_result(h: &mut Harness) -> u64 {
    use cloudless_actor_market::results::bound_inputs;
    let prover = cloudless_kernel::groth16::testing::BoundProver::new(BOUND_INPUTS);
    let d = create(h, &deal_params(1, prover.vk.clone()));
    fund(h, d, usdc(100));
    send(h, "user", METHOD_MATCH_DEAL, &MatchDealParams { deal: d, candidates: candidates(10..11) });
    send(h, "owner", METHOD_SET_WORKER, &SetWorkerParams { deal: d, unit: unit(10), worker: Bytes32([1; 32]) });
    let period = (h.node.epoch() + 1) / PERIOD + 1;
    h.node.set_epoch(period * PERIOD).unwrap();
    let output = cid(b"output");
    let bound = bound_inputs(d, period, Some(&output), &unit(10), &Bytes32([1; 32])).map(|b| b.0);
    let (proof, inputs) = prover.prove(&bound, 3);
    let p = SubmitResultParams {
        deal: d,
        unit: unit(10),
        period,
        output: Some(output),
        public_inputs: inputs.into_iter().map(Bytes32).collect(),
        proof,
    };
    send(h, "owner", METHOD_SUBMIT_RESULT, &p).msg_receipt.gas_used
}

fn main() {
    let names = [
        "deposit (FRC-46 transfer into a deal)",
        "claim (settles 1 period)",
        "claim (settles 1,000 periods)",
        "withdraw",
    ];
    let mut rows = Vec::new();
    for deals in [10u64, 10_000] {
        let start = Instant::now();
        let mut h = world(deals);
        println!("{deals} deals set up in {:.1} s", start.elapsed().as_secs_f64());
        rows.push(measure(&mut h, deals));
    }
    let worst = print_ratio_table(&names, ["10 deals", "10,000 deals"], &rows[0], &rows[1]);
    let periods = rows[1][2] as f64 / rows[1][1] as f64;
    println!("worst ratio {worst:.3} (limit 1.1); 1,000 periods / 1 period {periods:.3} (limit 1.1)");
    assert!(worst <= 1.1, "the market's cost depends on the number of deals: ratio {worst:.3} > 1.1");
    assert!(periods <= 1.1, "settlement depends on the number of periods: {periods:.3} > 1.1");

    // A fresh world: the one above jumped 1,000 periods, which commitments must settle first.
    let mut h = world(10);
    println!("\n{:<12} {:>16} {:>16} {:>10}", "candidates", "MatchDeal", "MatchDealAuto", "of 10 G");
    for (k, by_hand, auto) in matching(&mut h) {
        let share = by_hand.max(auto) as f64 / BLOCK_GAS_LIMIT as f64;
        println!("{k:<12} {by_hand:>16} {auto:>16} {share:>10.4}");
        assert!(by_hand.max(auto) < BLOCK_GAS_LIMIT, "a match of {k} units exceeds the block gas limit");
    }
    println!("\nSubmitResult (Groth16, 8 public inputs): {} gas", submit_result(&mut h));
}
