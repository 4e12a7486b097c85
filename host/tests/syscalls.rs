//! The `cloudless` syscalls called from a Wasm actor in the real FVM host: results equal the
//! library's, gas is the published price charged before work, bad input is an actor-visible
//! error that does no RandomX work.

use cloudless_actor_test_syscall::*;
use cloudless_host::testing::{assert_ok, Harness};
use cloudless_kernel::groth16::testing::fixture;
use cloudless_kernel::{gas, randomx};
use fvm::executor::ApplyRet;
use fvm::trace::ExecutionEvent;
use fvm_ipld_encoding::{BytesDe, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;

const CONFIG: &str = "[network]\nname = \"syscalls\"\n[[accounts]]\nname = \"alice\"\nbalance = \"1000000\"\n";

/// Tests here read the process-wide RandomX cache counter; they take turns so another test's
/// hashing never shows up in it.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

fn harness() -> (Harness, Address) {
    let mut h = Harness::new(CONFIG, cloudless_bundle::TEST_BUNDLE_CAR).unwrap();
    let actor = h.exec("alice", "test-syscall");
    h.node.set_tracing(true);
    (h, actor)
}

fn charged(ret: &ApplyRet, name: &str) -> Vec<u64> {
    ret.exec_trace
        .iter()
        .filter_map(|e| match e {
            ExecutionEvent::GasCharge(c) if c.name == name => Some(c.compute_gas.round_up()),
            _ => None,
        })
        .collect()
}

fn pairs_of(vectors: &[(&str, &str, &str)]) -> Vec<u8> {
    vectors.iter().flat_map(|(k, h, _)| [hex::decode(k).unwrap(), hex::decode(h).unwrap()].concat()).collect()
}

#[test]
fn randomx_through_wasm_matches_fluence_vectors_and_charges_the_table() {
    let _turn = serial();
    let (mut h, actor) = harness();
    // Two keys (a third would not fit the 10B block gas limit), one of them used twice.
    let v = &randomx::TEST_VECTORS;
    let batch = [v[0], v[1], v[0]];
    let pairs = pairs_of(&batch);
    let params = RawBytes::serialize(RandomxHashesParams { pairs: pairs.clone() }).unwrap();
    let ret = h.send_raw("alice", actor, METHOD_RANDOMX_HASHES, params, TokenAmount::default());
    assert_ok(&ret);
    let BytesDe(hashes) = ret.msg_receipt.return_data.deserialize().unwrap();
    let expected: Vec<u8> = batch.iter().flat_map(|(_, _, r)| hex::decode(r).unwrap()).collect();
    assert_eq!(hashes, expected);
    let price = gas::randomx_hashes(pairs.len(), 2, 3).round_up();
    assert_eq!(charged(&ret, "cloudless_randomx_hashes"), vec![price]);
    assert!(ret.msg_receipt.gas_used > price);
}

#[test]
fn oversized_or_unaffordable_batches_fail_before_any_randomx_work() {
    let _turn = serial();
    let (mut h, actor) = harness();
    let before = randomx::cache_inits();
    // 65 pairs: over the published limit, refused before memory is read.
    let params = RawBytes::serialize(RandomxHashesParams { pairs: vec![7; 65 * 64] }).unwrap();
    let failure = h.expect_failure("alice", actor, METHOD_RANDOMX_HASHES, params, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(failure.contains("exceeds the limit"), "{failure}");
    let over = RawBytes::serialize(RandomxHashesParams { pairs: vec![7; 65 * 64] }).unwrap();
    let ret = h.node.apply_unsigned(h.message("alice", actor, METHOD_RANDOMX_HASHES, over)).unwrap();
    assert_eq!(ret.msg_receipt.exit_code, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(ret.msg_receipt.gas_used < gas::RANDOMX_PER_HASH / 10, "refused cheaply: {} gas", ret.msg_receipt.gas_used);
    // Five distinct keys: over the key limit.
    let five: Vec<u8> = (0..5u8).flat_map(|i| [[i; 32], [0; 32]].concat()).collect();
    let params = RawBytes::serialize(RandomxHashesParams { pairs: five }).unwrap();
    h.expect_failure("alice", actor, METHOD_RANDOMX_HASHES, params, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(randomx::cache_inits(), before, "no RandomX cache was initialised");

    // Not enough gas for the price: out of gas, still without RandomX work.
    let key = h.keys.key("alice").unwrap();
    let pairs = RawBytes::serialize(RandomxHashesParams { pairs: vec![9; 64] }).unwrap();
    let msg = fvm_shared::message::Message {
        gas_limit: gas::RANDOMX_PER_KEY, // below key + hash
        ..h.message("alice", actor, METHOD_RANDOMX_HASHES, pairs)
    };
    let ret = h.node.apply_signed(&key.sign_message(msg)).unwrap();
    assert_eq!(ret.msg_receipt.exit_code, ExitCode::SYS_OUT_OF_GAS);
    assert_eq!(randomx::cache_inits(), before);
}

#[test]
fn groth16_through_wasm_true_false_and_errors() {
    let _turn = serial();
    let (mut h, actor) = harness();
    let f = fixture();
    let call = |h: &mut Harness, vk: &[u8], proof: &[u8], inputs: &[u8]| {
        let p = Groth16VerifyParams { vk: vk.to_vec(), proof: proof.to_vec(), inputs: inputs.to_vec() };
        h.send_raw("alice", actor, METHOD_GROTH16_VERIFY, RawBytes::serialize(p).unwrap(), TokenAmount::default())
    };
    let ret = call(&mut h, &f.vk, &f.proof, &f.inputs);
    assert_ok(&ret);
    assert!(ret.msg_receipt.return_data.deserialize::<bool>().unwrap());
    assert_eq!(charged(&ret, "cloudless_groth16_verify_bn254"), vec![gas::groth16_verify(1).round_up()]);

    let mut wrong_input = f.inputs.clone();
    wrong_input[31] ^= 1;
    let ret = call(&mut h, &f.vk, &f.proof, &wrong_input);
    assert_ok(&ret);
    assert!(!ret.msg_receipt.return_data.deserialize::<bool>().unwrap());

    let truncated = Groth16VerifyParams { vk: f.vk.clone(), proof: f.proof[..200].to_vec(), inputs: f.inputs.clone() };
    let failure = h.expect_failure(
        "alice",
        actor,
        METHOD_GROTH16_VERIFY,
        RawBytes::serialize(truncated).unwrap(),
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    assert!(failure.contains("groth16_verify_bn254"), "{failure}");
}

#[test]
fn mined_capacity_proofs_verify_through_the_syscall() {
    use cloudless_host::prove::{parse_hex32, prove, randomx_key, Mode, ProveRequest};
    let _turn = serial();
    let (mut h, actor) = harness();
    let req = ProveRequest {
        unit_id: [0x42; 32],
        global_nonce: [0x24; 32],
        difficulty: parse_hex32(&format!("1f{}", "ff".repeat(31)), "difficulty").unwrap(),
        count: 3,
        start: [0; 32],
        mode: Mode::Light,
    };
    let proofs = prove(&req, |_| ()).unwrap();
    let key = randomx_key(&req.global_nonce, &req.unit_id);
    let pairs: Vec<u8> =
        proofs.iter().flat_map(|p| [key.to_vec(), hex::decode(&p.local_nonce).unwrap()].concat()).collect();
    let params = RawBytes::serialize(RandomxHashesParams { pairs }).unwrap();
    let ret = h.send_raw("alice", actor, METHOD_RANDOMX_HASHES, params, TokenAmount::default());
    assert_ok(&ret);
    let BytesDe(hashes) = ret.msg_receipt.return_data.deserialize().unwrap();
    let mined: Vec<u8> = proofs.iter().flat_map(|p| hex::decode(&p.result_hash).unwrap()).collect();
    assert_eq!(hashes, mined);
}

#[test]
fn the_wasm_build_of_the_verifier_agrees_with_the_syscall() {
    let _turn = serial();
    let (mut h, actor) = harness();
    let f = fixture();
    let p = Groth16VerifyParams { vk: f.vk.clone(), proof: f.proof.clone(), inputs: f.inputs.clone() };
    let native =
        h.send_raw("alice", actor, METHOD_GROTH16_VERIFY, RawBytes::serialize(&p).unwrap(), TokenAmount::default());
    let wasm = h.send_raw(
        "alice",
        actor,
        METHOD_GROTH16_VERIFY_WASM,
        RawBytes::serialize(&p).unwrap(),
        TokenAmount::default(),
    );
    assert_ok(&native);
    assert_ok(&wasm);
    assert!(wasm.msg_receipt.return_data.deserialize::<bool>().unwrap());
    assert!(wasm.msg_receipt.gas_used > native.msg_receipt.gas_used, "native verification is the cheaper path");
}

#[test]
fn random_bytes_through_the_host_are_false_or_an_error_never_a_crash() {
    use rand::{Rng, SeedableRng};
    let _turn = serial();
    let (mut h, actor) = harness();
    let f = fixture();
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    for case in 0..24 {
        // Mix valid parts with random ones so both decoding and verification are reached.
        let mut vk = f.vk.clone();
        let mut proof = f.proof.clone();
        let mut inputs = f.inputs.clone();
        match case % 4 {
            0 => vk = (0..rng.gen_range(0..700)).map(|_| rng.gen()).collect(),
            1 => proof = (0..rng.gen_range(0..300)).map(|_| rng.gen()).collect(),
            2 => inputs = (0..rng.gen_range(0..70)).map(|_| rng.gen()).collect(),
            _ => {
                let i = rng.gen_range(0..proof.len());
                proof[i] ^= rng.gen_range(1..=255u8);
            }
        }
        let p = Groth16VerifyParams { vk, proof, inputs };
        let ret =
            h.send_raw("alice", actor, METHOD_GROTH16_VERIFY, RawBytes::serialize(p).unwrap(), TokenAmount::default());
        let code = ret.msg_receipt.exit_code;
        if code.is_success() {
            assert!(!ret.msg_receipt.return_data.deserialize::<bool>().unwrap(), "case {case} verified");
        } else {
            assert_eq!(code, ExitCode::USR_ILLEGAL_ARGUMENT, "case {case}");
        }
    }
}
