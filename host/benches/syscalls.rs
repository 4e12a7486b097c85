//! The `cloudless` syscalls through the full node path (signed message, Wasm actor, kernel):
//! wall time against the library called directly, and gas per proof as batches grow.
//! `make bench` (or `cargo bench -p cloudless-host --bench syscalls`).

use std::time::Instant;

use cloudless_actor_test_syscall::{
    Groth16VerifyParams, RandomxHashesParams, METHOD_GROTH16_VERIFY, METHOD_GROTH16_VERIFY_WASM, METHOD_RANDOMX_HASHES,
};
use cloudless_kernel::abi::{MAX_RANDOMX_HASHES, MAX_RANDOMX_KEYS, RANDOMX_PAIR_LEN};
use cloudless_kernel::randomx::{self, hash_batch, parse_batch, RandomxConfig};
use cloudless_testing::{assert_ok, Harness};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::message::Message;

const CONFIG: &str = "[network]\nname = \"bench\"\n[[accounts]]\nname = \"alice\"\nbalance = \"1000000\"\n";

fn pairs(keys: u8, hashes_per_key: u8) -> Vec<u8> {
    (0..keys).flat_map(|k| (0..hashes_per_key).flat_map(move |h| [[k + 1; 32], [h; 32]].concat())).collect()
}

fn main() {
    // Same work on both paths: no node-local cache.
    randomx::configure(RandomxConfig { cached_keys: 0, jit: true, threads: 1 }).unwrap();
    let mut h = Harness::new(CONFIG, cloudless_bundle::TEST_BUNDLE_CAR).unwrap().unchecked();
    let actor = h.exec("alice", "test-syscall");
    let key = h.keys.key("alice").unwrap();

    let send = |h: &mut Harness, method_num: u64, params: RawBytes| {
        // Beyond the block limit: measures the large batches too.
        let msg = Message { gas_limit: 50_000_000_000, ..h.message("alice", actor, method_num, params) };
        let signed = key.sign_message(msg);
        let start = Instant::now();
        let ret = h.node.apply_signed(&signed).unwrap();
        let elapsed = start.elapsed();
        assert_ok(&ret);
        (ret.msg_receipt.gas_used, elapsed)
    };
    let run = |h: &mut Harness, bytes: Vec<u8>| {
        send(h, METHOD_RANDOMX_HASHES, RawBytes::serialize(RandomxHashesParams { pairs: bytes }).unwrap())
    };

    println!("randomx_hashes: syscall (signed message through Wasm) vs library, 1 key x 8 hashes");
    let batch = pairs(1, 8);
    let parsed = parse_batch(&batch).unwrap();
    let median = |mut v: Vec<std::time::Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let direct = median(
        (0..3)
            .map(|_| {
                let start = Instant::now();
                hash_batch(&parsed).unwrap();
                start.elapsed()
            })
            .collect(),
    );
    let via_syscall = median((0..3).map(|_| run(&mut h, batch.clone()).1).collect());
    println!(
        "  library {direct:.2?}  syscall {via_syscall:.2?}  overhead ratio {:.4}",
        via_syscall.as_secs_f64() / direct.as_secs_f64()
    );

    println!("gas per proof as the batch grows");
    println!("  {:>5} {:>7} {:>16} {:>14} {:>10}", "keys", "hashes", "gas", "gas/proof", "wall");
    for (keys, per_key) in [(1u8, 1u8), (1, 8), (1, 32), (1, 64), (2, 1), (2, 8), (8, 20)] {
        let (gas, wall) = run(&mut h, pairs(keys, per_key));
        let proofs = keys as u64 * per_key as u64;
        println!("  {keys:>5} {proofs:>7} {gas:>16} {:>14} {wall:>10.2?}", gas / proofs);
    }
    let largest = cloudless_syscalls::price::randomx_hashes(
        MAX_RANDOMX_HASHES * RANDOMX_PAIR_LEN,
        MAX_RANDOMX_KEYS,
        MAX_RANDOMX_HASHES,
    );
    println!(
        "  (the largest call, {MAX_RANDOMX_HASHES} hashes over {MAX_RANDOMX_KEYS} keys, is priced {largest}; block gas limit {})",
        cloudless_host::node::BLOCK_GAS_LIMIT
    );

    println!("groth16 (BN254, 1 public input): native syscall vs the same verifier compiled to Wasm");
    let f = cloudless_kernel::groth16::testing::fixture();
    let p = RawBytes::serialize(Groth16VerifyParams { vk: f.vk, proof: f.proof, inputs: f.inputs }).unwrap();
    let (native_gas, native_wall) = send(&mut h, METHOD_GROTH16_VERIFY, p.clone());
    let (wasm_gas, wasm_wall) = send(&mut h, METHOD_GROTH16_VERIFY_WASM, p);
    println!("  native  gas {native_gas:>14}  wall {native_wall:>10.2?}");
    println!("  wasm    gas {wasm_gas:>14}  wall {wasm_wall:>10.2?}");
    println!(
        "  wasm / native: gas {:.1}x, wall {:.1}x",
        wasm_gas as f64 / native_gas as f64,
        wasm_wall.as_secs_f64() / native_wall.as_secs_f64()
    );
}
