//! Gas of the capacity actor's SubmitProofs with real RandomX proofs, as Wasm in the FVM with our
//! kernel: 1, 8 and 32 proofs of one unit (32 needs three messages: one message verifies at most
//! 11 proofs of one unit under the 10 G block gas limit), the largest one-unit batch (11) and the
//! largest two-unit batch (3). `make bench` (or `cargo bench -p cloudless-host --bench capacity`).

use std::time::Instant;

use cloudless_actor_capacity::*;
use cloudless_host::node::BLOCK_GAS_LIMIT;
use cloudless_host::prove::{capacity_proofs, Mode, ProveRequest};
use cloudless_host::testing::{assert_ok, Harness};
use cloudless_runtime::bytes::Bytes32;
use multihash_codetable::{Code, MultihashDigest};

const PERIOD: i64 = 1000;

const CONFIG: &str = r#"
[network]
name = "capacity-bench"
period_length = 1000
[[accounts]]
name = "admin"
balance = "100"
[[accounts]]
name = "provider"
balance = "1000"
[actors.capacity]
admin = "admin"
whitelist = false
min_duration = 1
flt_collateral_per_unit = "1"
difficulty = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
"#;

fn mine(h: &mut Harness, unit: Bytes32, count: usize, start: u8) -> Vec<Proof> {
    let n: GlobalNonce = h.call("provider", "capacity", METHOD_GET_GLOBAL_NONCE, &());
    let req = ProveRequest {
        unit_id: unit.0,
        global_nonce: n.nonce.0,
        difficulty: [0xff; 32],
        count,
        start: [start; 32],
        mode: Mode::Light,
    };
    capacity_proofs(&req).unwrap()
}

/// Submits `proofs` in one message; returns (gas, wall ms).
fn submit(h: &mut Harness, proofs: Vec<Proof>) -> (u64, f64) {
    let n = proofs.len() as u32;
    let start = Instant::now();
    let ret = h.send("provider", "capacity", METHOD_SUBMIT_PROOFS, &SubmitProofsParams { proofs });
    let ms = start.elapsed().as_secs_f64() * 1e3;
    assert_ok(&ret);
    let r: SubmitProofsReturn = ret.msg_receipt.return_data.deserialize().unwrap();
    assert_eq!(r.accepted, n);
    (ret.msg_receipt.gas_used, ms)
}

fn main() {
    let mut h = Harness::new(CONFIG, cloudless_bundle::BUNDLE_CAR).expect("genesis").unchecked();
    let metadata = cid::Cid::new_v1(0x55, Code::Sha2_256.digest(b"bench"));
    assert_ok(&h.send(
        "provider",
        "capacity",
        METHOD_REGISTER_PROVIDER,
        &ProviderParams { name: "bench".into(), metadata },
    ));
    let units = [Bytes32([1; 32]), Bytes32([2; 32])];
    let owner = h.address("provider");
    let peer = RegisterPeerParams { peer_id: b"peer".to_vec(), owner, units: units.to_vec() };
    assert_ok(&h.send("provider", "capacity", METHOD_REGISTER_PEER, &peer));
    let create =
        CreateCommitmentParams { peer_id: b"peer".to_vec(), duration: 10, delegator: None, delegator_reward_rate: 1 };
    let cc: CreateCommitmentReturn = h.call("provider", "capacity", METHOD_CREATE_COMMITMENT, &create);
    let to = h.address("capacity");
    let params = fvm_ipld_encoding::RawBytes::serialize(DepositParams { ids: vec![cc.id] }).unwrap();
    assert_ok(&h.send_raw("provider", to, METHOD_DEPOSIT_COLLATERAL, params, &cc.collateral_per_unit * 2u64));

    println!("SubmitProofs benchmark (real RandomX light-mode proofs, block gas limit {BLOCK_GAS_LIMIT})");
    println!("{:<34} {:>9} {:>15} {:>15} {:>11}", "batch", "messages", "gas (total)", "gas / proof", "wall ms");
    let row = |name: &str, runs: Vec<(u64, f64)>, proofs: usize| {
        let gas: u64 = runs.iter().map(|r| r.0).sum();
        let ms: f64 = runs.iter().map(|r| r.1).sum();
        assert!(runs.iter().all(|r| r.0 < BLOCK_GAS_LIMIT));
        println!("{name:<34} {:>9} {gas:>15} {:>15} {ms:>11.0}", runs.len(), gas / proofs as u64);
    };
    let mut period = 1;
    let mut next_period = |h: &mut Harness| {
        h.node.set_epoch(period * PERIOD).unwrap();
        period += 1;
    };
    for (count, name) in
        [(1usize, "1 proof, one unit"), (8, "8 proofs, one unit"), (32, "32 proofs, one unit (11+11+10)")]
    {
        next_period(&mut h);
        let proofs = mine(&mut h, units[0], count, 0);
        let runs = proofs.chunks(11).map(|c| submit(&mut h, c.to_vec())).collect();
        row(name, runs, count);
    }
    next_period(&mut h);
    let proofs = mine(&mut h, units[0], 11, 0);
    row("largest: 11 proofs, one unit", vec![submit(&mut h, proofs)], 11);
    let proofs = [mine(&mut h, units[0], 2, 100), mine(&mut h, units[1], 1, 0)].concat();
    row("largest: 3 proofs, two units", vec![submit(&mut h, proofs)], 3);
}
