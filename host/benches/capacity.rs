//! Gas and wall time of the capacity actor's SubmitProofs with real RandomX proofs, as Wasm in the
//! FVM with our kernel, and the unit ceiling they give a subnet (issue 18, docs/capacity.md).
//! `make bench` (or `cargo bench -p cloudless-host --bench capacity`).
//!
//! Part 1, batch shapes: 1 proof, one unit-period (30 proofs of one unit), five unit-periods
//! packed in one message (150 proofs over 5 units) and the largest legal message (160 proofs
//! over 8 units), each under the 10 G block gas limit.
//!
//! Part 2, side by side in one run: the wall time of one unit-period's SubmitProofs with the
//! kernel's RandomX on one thread and on this machine's cores (no node cache: the key is new
//! every time), the gas per unit-period under the previous price table (4 G per key and 0.5 G per
//! hash, each paid in full; 11 proofs a message, so 11 + 11 + 8) and under the published one,
//! and the units-per-subnet ceiling each gives at 10 G blocks, 1 s blocks and 1-day periods.

use std::time::{Duration, Instant};

use cloudless_actor_capacity::*;
use cloudless_host::devnet::report::{grouped, units_per_subnet};
use cloudless_host::node::BLOCK_GAS_LIMIT;
use cloudless_host::prove::{capacity_proofs, Mode, ProveRequest};
use cloudless_kernel::randomx::{self, RandomxConfig};
use cloudless_runtime::bytes::Bytes32;
use cloudless_syscalls::abi::RANDOMX_PAIR_LEN;
use cloudless_syscalls::price;
use cloudless_testing::{assert_ok, Harness};
use multihash_codetable::{Code, MultihashDigest};

const PERIOD: i64 = 1000;
/// The protocol's default min_proofs: one unit-period.
const UNIT_PERIOD: usize = 30;
/// Blocks per period with 1 s blocks and 1-day periods.
const DAY_OF_BLOCKS: i64 = 86_400;

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
min_proofs = 30
max_proofs = 200
max_failed_ratio = 1000
flt_collateral_per_unit = "1"
difficulty = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
"#;

/// The price table before issue 18: every key and every hash paid in full, whatever the cores.
fn previous_price(proofs: usize, keys: usize) -> u64 {
    1_000_000 + 10 * (proofs * RANDOMX_PAIR_LEN) as u64 + 4_000_000_000 * keys as u64 + 500_000_000 * proofs as u64
}

/// The published price of a batch of `proofs` over `keys` units.
fn published_price(proofs: usize, keys: usize) -> u64 {
    price::randomx_hashes(proofs * RANDOMX_PAIR_LEN, keys, proofs)
}

struct Bench {
    h: Harness,
    units: Vec<Bytes32>,
    period: i64,
}

impl Bench {
    fn new(units: u8) -> Self {
        let mut h = Harness::new(CONFIG, cloudless_bundle::BUNDLE_CAR).expect("genesis").unchecked();
        let metadata = cid::Cid::new_v1(0x55, Code::Sha2_256.digest(b"bench"));
        assert_ok(&h.send(
            "provider",
            "capacity",
            METHOD_REGISTER_PROVIDER,
            &ProviderParams { name: "bench".into(), metadata },
        ));
        let units: Vec<Bytes32> = (1..=units).map(|i| Bytes32([i; 32])).collect();
        let owner = h.address("provider");
        let peer = RegisterPeerParams { peer_id: b"peer".to_vec(), owner, units: units.clone() };
        assert_ok(&h.send("provider", "capacity", METHOD_REGISTER_PEER, &peer));
        let create = CreateCommitmentParams {
            peer_id: b"peer".to_vec(),
            duration: 40,
            delegator: None,
            delegator_reward_rate: 1,
        };
        let cc: CreateCommitmentReturn = h.call("provider", "capacity", METHOD_CREATE_COMMITMENT, &create);
        let to = h.address("capacity");
        let params = fvm_ipld_encoding::RawBytes::serialize(DepositParams { ids: vec![cc.id] }).unwrap();
        let collateral = &cc.collateral_per_unit * units.len() as u64;
        assert_ok(&h.send_raw("provider", to, METHOD_DEPOSIT_COLLATERAL, params, collateral));
        Bench { h, units, period: 0 }
    }

    /// Moves to the next period: every unit may prove again under a new global nonce.
    fn next_period(&mut self) {
        self.period += 1;
        self.h.node.set_epoch(self.period * PERIOD).unwrap();
    }

    /// `count` proofs of each of the first `units` units, in unit order.
    fn mine(&mut self, units: usize, count: usize) -> Vec<Proof> {
        let n: GlobalNonce = self.h.call("provider", "capacity", METHOD_GET_GLOBAL_NONCE, &());
        let mut out = Vec::new();
        for unit in &self.units[..units] {
            let req = ProveRequest {
                unit_id: unit.0,
                global_nonce: n.nonce.0,
                difficulty: [0xff; 32],
                count,
                start: [0; 32],
                mode: Mode::Light,
            };
            out.extend(capacity_proofs(&req).unwrap());
        }
        out
    }

    /// Submits `proofs` in one message; returns (gas, wall time).
    fn submit(&mut self, proofs: Vec<Proof>) -> (u64, Duration) {
        let n = proofs.len() as u32;
        let start = Instant::now();
        let ret = self.h.send("provider", "capacity", METHOD_SUBMIT_PROOFS, &SubmitProofsParams { proofs });
        let wall = start.elapsed();
        assert_ok(&ret);
        let r: SubmitProofsReturn = ret.msg_receipt.return_data.deserialize().unwrap();
        assert_eq!(r.accepted, n);
        assert!(ret.msg_receipt.gas_used < BLOCK_GAS_LIMIT, "a SubmitProofs must fit one block");
        (ret.msg_receipt.gas_used, wall)
    }
}

/// Best-of-two wall time of a SubmitProofs of `units` whole unit-periods with the kernel's RandomX
/// on one thread and on `threads`, every key new (no node cache).
fn serial_and_parallel(b: &mut Bench, units: usize, threads: usize) -> [Duration; 2] {
    let mut wall = [Duration::MAX; 2];
    for _ in 0..2 {
        for (slot, t) in [1, threads].into_iter().enumerate() {
            randomx::configure(RandomxConfig { cached_keys: 0, jit: true, threads: t }).unwrap();
            b.next_period();
            let proofs = b.mine(units, UNIT_PERIOD);
            wall[slot] = wall[slot].min(b.submit(proofs).1);
        }
    }
    wall
}

fn main() {
    let threads = randomx::default_threads();
    randomx::configure(RandomxConfig { cached_keys: 0, jit: true, threads }).unwrap();
    let mut b = Bench::new(MAX_UNITS_PER_MESSAGE as u8);

    println!("SubmitProofs benchmark (real RandomX light-mode proofs, block gas limit {BLOCK_GAS_LIMIT})");
    println!(
        "{:<40} {:>15} {:>15} {:>15} {:>9}",
        "batch (one message)", "gas", "RandomX price", "gas / proof", "wall ms"
    );
    let mut shapes = Vec::new();
    for (units, per_unit, name) in [
        (1, 1, "1 proof, one unit"),
        (1, UNIT_PERIOD, "one unit-period: 30 proofs, one unit"),
        (5, UNIT_PERIOD, "five unit-periods: 150 proofs, 5 units"),
        (MAX_UNITS_PER_MESSAGE, MAX_PROOFS_PER_MESSAGE / MAX_UNITS_PER_MESSAGE, "largest: 160 proofs, 8 units"),
    ] {
        b.next_period();
        let proofs = b.mine(units, per_unit);
        let n = proofs.len();
        let (gas, wall) = b.submit(proofs);
        println!(
            "{name:<40} {:>15} {:>15} {:>15} {:>9}",
            grouped(gas),
            grouped(published_price(n, units)),
            grouped(gas / n as u64),
            wall.as_millis()
        );
        shapes.push((units, n, gas));
    }
    let largest = shapes.last().unwrap();
    assert_eq!(largest.1, MAX_PROOFS_PER_MESSAGE);

    // Part 2: one unit-period and five packed, serial vs parallel wall (best of two each), and
    // the gas per unit-period before and after.
    let single_gas = shapes[1].2;
    let one = serial_and_parallel(&mut b, 1, threads);
    let five = serial_and_parallel(&mut b, 5, threads);
    // The previous table's shape: 11 + 11 + 8 proofs in three messages, each paying the key.
    // The actor's own work is what this run measures for the same messages; only the syscall
    // price differs between the tables.
    b.next_period();
    let proofs = b.mine(1, UNIT_PERIOD);
    let mut before = 0;
    for chunk in proofs.chunks(11) {
        let (gas, _) = b.submit(chunk.to_vec());
        before += gas - published_price(chunk.len(), 1) + previous_price(chunk.len(), 1);
    }
    let packed = shapes[2].2 / 5;
    let best = largest.2 * UNIT_PERIOD as u64 / MAX_PROOFS_PER_MESSAGE as u64;

    println!();
    for (name, wall) in
        [("one unit-period (30 proofs, 1 new key)", one), ("five unit-periods (150 proofs, 5 new keys)", five)]
    {
        println!(
            "SubmitProofs wall, {name:<42}: 1 thread {:>6.0} ms, {threads} threads {:>6.0} ms, ratio {:.2}",
            wall[0].as_secs_f64() * 1e3,
            wall[1].as_secs_f64() * 1e3,
            wall[1].as_secs_f64() / wall[0].as_secs_f64()
        );
    }
    println!(
        "Ceiling at {} gas blocks, {DAY_OF_BLOCKS} blocks per period (1 s blocks, 1-day periods); reference validator {} cores",
        grouped(BLOCK_GAS_LIMIT),
        price::REFERENCE_CORES
    );
    println!("{:<56} {:>16} {:>16} {:>8}", "", "gas / unit-period", "units / subnet", "vs before");
    let ceiling_before = units_per_subnet(BLOCK_GAS_LIMIT, DAY_OF_BLOCKS, before);
    for (name, gas) in [
        ("before: previous table, 3 messages (11+11+8)", before),
        ("after: one unit alone, 1 message of 30", single_gas),
        ("after: 5 units packed, 150 proofs a message", packed),
        ("after: 8 units packed, 160 proofs a message", best),
    ] {
        let units = units_per_subnet(BLOCK_GAS_LIMIT, DAY_OF_BLOCKS, gas);
        println!(
            "{name:<56} {:>16} {:>16} {:>7.1}x",
            grouped(gas),
            grouped(units),
            units as f64 / ceiling_before as f64
        );
    }
}
