//! The `cloudless` syscalls called from a Wasm actor in the real FVM host: results equal the
//! library's, gas is the published price charged before work, bad input is an actor-visible
//! error that does no RandomX work.

use cloudless_actor_test_syscall::*;
use cloudless_kernel::abi::{MAX_RANDOMX_HASHES, MAX_RANDOMX_KEYS};
use cloudless_kernel::groth16::testing::fixture;
use cloudless_kernel::{gas, randomx};
use cloudless_testing::{assert_ok, charged, Harness};
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

fn pairs_of(vectors: &[(&str, &str, &str)]) -> Vec<u8> {
    vectors.iter().flat_map(|(k, h, _)| [hex::decode(k).unwrap(), hex::decode(h).unwrap()].concat()).collect()
}

#[test]
fn randomx_through_wasm_matches_fluence_vectors_and_charges_the_table() {
    let _turn = serial();
    let (mut h, actor) = harness();
    // Two keys, one of them used twice.
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

/// The same message with the kernel's RandomX on 1, 2 and 5 threads, with and without the node
/// cache: identical receipts (return, gas) and state roots.
#[test]
fn receipts_and_gas_do_not_depend_on_randomx_threads() {
    let _turn = serial();
    let v = &randomx::TEST_VECTORS;
    let batch = [v[0], v[1], v[2], v[1], v[0], v[2], v[2]];
    let params = RawBytes::serialize(RandomxHashesParams { pairs: pairs_of(&batch) }).unwrap();
    let mut seen = Vec::new();
    for (threads, cached_keys) in [(1, 0), (2, 0), (5, 2)] {
        randomx::configure(randomx::RandomxConfig { cached_keys, jit: true, threads }).unwrap();
        let (mut h, actor) = harness();
        let ret = h.send_raw("alice", actor, METHOD_RANDOMX_HASHES, params.clone(), TokenAmount::default());
        assert_ok(&ret);
        seen.push((ret.msg_receipt.gas_used, ret.msg_receipt.return_data.clone(), h.node.state_root()));
    }
    randomx::configure(randomx::RandomxConfig::default()).unwrap();
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
    // Three keys and seven hashes: one wave of each on the reference validator.
    let price = gas::randomx_hashes(batch.len() * 64, 3, batch.len()).round_up();
    assert_eq!(price, gas::RANDOMX_BASE + 10 * 7 * 64 + gas::RANDOMX_PER_KEY + gas::RANDOMX_PER_HASH);
}

#[test]
fn oversized_or_unaffordable_batches_fail_before_any_randomx_work() {
    let _turn = serial();
    let (mut h, actor) = harness();
    let before = randomx::cache_inits();
    // One pair over the published limit, refused before memory is read.
    let over_limit = (MAX_RANDOMX_HASHES + 1) * 64;
    let params = RawBytes::serialize(RandomxHashesParams { pairs: vec![7; over_limit] }).unwrap();
    let failure = h.expect_failure("alice", actor, METHOD_RANDOMX_HASHES, params, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(failure.contains("exceeds the limit"), "{failure}");
    let over = RawBytes::serialize(RandomxHashesParams { pairs: vec![7; over_limit] }).unwrap();
    let msg = h.message("alice", actor, METHOD_RANDOMX_HASHES, over);
    let ret = h.node.apply_unsigned(msg).unwrap();
    assert_eq!(ret.msg_receipt.exit_code, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(ret.msg_receipt.gas_used < gas::RANDOMX_PER_HASH / 10, "refused cheaply: {} gas", ret.msg_receipt.gas_used);
    // One distinct key over the key limit.
    let keys: Vec<u8> = (0..=MAX_RANDOMX_KEYS as u8).flat_map(|i| [[i; 32], [0; 32]].concat()).collect();
    let params = RawBytes::serialize(RandomxHashesParams { pairs: keys }).unwrap();
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

/// The host's reading of raw syscall arguments, fuzzed: pointers into the actor's buffer, past
/// it, past the end of the Wasm memory and wrapping around; lengths at, around and far beyond
/// the published limits; output buffers of the wrong size; buffers of valid RandomX pairs (one
/// key, so runs stay fast) and of the Groth16 fixture with flipped bytes. Every call must come
/// back to the actor as a value or an error number: never a trap, an abort or a fatal error,
/// never a RandomX result for a malformed batch, never a verified forgery.
#[test]
fn raw_pointers_and_lengths_through_the_host_are_an_error_number_never_a_crash() {
    use rand::{Rng, SeedableRng};
    let _turn = serial();
    let (mut h, actor) = harness();
    h.node.set_tracing(false);
    let f = fixture();
    let v = &randomx::TEST_VECTORS[0];
    let pair = [hex::decode(v.0).unwrap(), hex::decode(v.1).unwrap()].concat();
    let mut rng = rand::rngs::StdRng::seed_from_u64(16);
    let (mut ok, mut refused, mut out_of_gas) = (0, 0, 0);
    for case in 0..160 {
        let syscall = (case % 2) as u8;
        let mut memory: Vec<u8> = if syscall == RAW_RANDOMX_HASHES {
            let n = [0, 1, 2, 17, MAX_RANDOMX_HASHES + 1][rng.gen_range(0..5)];
            pair.repeat(n)
        } else {
            [f.vk.clone(), f.proof.clone(), f.inputs.clone()].concat()
        };
        if rng.gen_bool(0.3) && !memory.is_empty() {
            let i = rng.gen_range(0..memory.len());
            memory[i] ^= rng.gen_range(1..=255u8);
        }
        memory.extend((0..rng.gen_range(0..128)).map(|_| rng.gen::<u8>()));
        let len = memory.len() as u32;
        let arg = |rng: &mut rand::rngs::StdRng, natural: (bool, u32)| -> (bool, u32) {
            match rng.gen_range(0..20) {
                0..=14 => natural,
                15 => (true, rng.gen_range(0..=len + 64)),
                16 => (false, rng.gen()),
                17 => (false, [0, 1, u32::MAX, u32::MAX - 63, 1 << 31][rng.gen_range(0..5)]),
                18 => (true, u32::MAX - rng.gen_range(0..64)),
                _ => (false, [63, 64, 65, 64 * 160, 64 * 161, 4096, 1 << 20][rng.gen_range(0..7)]),
            }
        };
        let args: Vec<(bool, u32)> = if syscall == RAW_RANDOMX_HASHES {
            // pairs at the start of the buffer, the output right after them
            let pairs_len = len - len % 64;
            let natural = [(true, 0), (false, pairs_len), (true, pairs_len), (false, pairs_len / 2)];
            let mut args: Vec<_> = natural.iter().map(|n| arg(&mut rng, *n)).collect();
            // The output is written: inside the padded buffer, or outside the Wasm memory (a
            // wild pointer into the actor's own heap would corrupt the actor, not the host).
            args[2] = match rng.gen_range(0..4) {
                0 | 1 => natural[2],
                2 => (true, rng.gen_range(0..=len + 64)),
                _ => (false, u32::MAX - rng.gen_range(0..4096)),
            };
            args
        } else {
            let (vk, proof) = (f.vk.len() as u32, f.proof.len() as u32);
            let inputs = f.inputs.len() as u32;
            let natural = [(true, 0), (false, vk), (true, vk), (false, proof), (true, vk + proof), (false, inputs)];
            natural.iter().map(|n| arg(&mut rng, *n)).collect()
        };
        let p = RawSyscallParams { syscall, memory, args: args.clone() };
        let ret =
            h.send_raw("alice", actor, METHOD_RAW_SYSCALL, RawBytes::serialize(&p).unwrap(), TokenAmount::default());
        let why = ret.failure_info.as_ref().map(|f| f.to_string()).unwrap_or_default();
        if ret.msg_receipt.exit_code == ExitCode::SYS_OUT_OF_GAS {
            // A batch whose price (keys and hashes) exceeds the block: charged before any work.
            // One key and one hash fit; more may not (a flipped key byte makes a second key).
            assert!(syscall == RAW_RANDOMX_HASHES && args[1].1 >= 128, "case {case} {args:?}: {why}");
            out_of_gas += 1;
            continue;
        }
        assert_eq!(ret.msg_receipt.exit_code, ExitCode::OK, "case {case} {args:?}: {why}");
        let out: RawSyscallReturn = ret.msg_receipt.return_data.deserialize().unwrap();
        if out.errno == 0 {
            ok += 1;
            if syscall == RAW_RANDOMX_HASHES {
                let (n, out_len) = (args[1].1, args[3].1);
                assert!(n > 0 && n % 64 == 0 && n <= 64 * 64 && out_len == n / 2, "case {case}: {args:?} hashed");
            } else {
                let natural =
                    args[0] == (true, 0) && args[2].1 == f.vk.len() as u32 && p.memory[..f.vk.len()] == f.vk[..];
                assert!(out.value == 0 || natural, "case {case}: {args:?} verified {}", out.value);
            }
        } else {
            refused += 1;
            assert_eq!(out.errno, fvm_shared::error::ErrorNumber::IllegalArgument as u32, "case {case} {args:?}");
        }
    }
    eprintln!("{ok} calls answered, {refused} refused with IllegalArgument, {out_of_gas} out of gas");
    assert!(ok >= 10 && refused >= 40, "both paths exercised: {ok} answered, {refused} refused");
}
