//! Calibration of the `cloudless` syscall price table: times each priced component on this
//! machine and prints the gas it implies at 10 gas/ns next to the constant in `gas.rs`, measures
//! how this machine's cores share RandomX keys and hashes (the waves the reference validator is
//! priced by) and the speedup of parallel verification for one and five unit-periods.
//! `make calibrate` (or `cargo bench -p cloudless-kernel --bench calibrate`).

use std::time::{Duration, Instant};

use ark_bn254::{Fr, G1Affine};
use ark_ec::{AffineRepr, CurveGroup};
use cloudless_kernel::gas::{self, GAS_PER_NS};
use cloudless_kernel::groth16::{self, testing::fixture};
use cloudless_kernel::randomx::{self, hash_batch, parse_batch, RandomxConfig};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    std::hint::black_box(f());
    start.elapsed()
}

fn row(component: &str, per: Duration, constant: u64) {
    let implied = per.as_nanos() as u64 * GAS_PER_NS;
    let verdict = if constant >= implied { "ok" } else { "UNDERPRICED" };
    println!("{component:<34} {:>12.3?} {implied:>16} {constant:>16}  {verdict}", per);
}

fn batch(keys: u8, hashes_per_key: u8) -> Vec<u8> {
    let mut out = Vec::new();
    for k in 0..keys {
        for h in 0..hashes_per_key {
            out.extend([[k.wrapping_add(0x40); 32], [h; 32]].concat());
        }
    }
    out
}

fn randomx_rows(jit: bool) {
    randomx::configure(RandomxConfig { cached_keys: 0, jit, threads: 1 }).unwrap();
    let one = parse_batch(&batch(1, 1)).unwrap();
    let sixteen = parse_batch(&batch(1, 16)).unwrap();
    let t1 = median((0..3).map(|_| time(|| hash_batch(&one).unwrap())).collect());
    let t16 = median((0..3).map(|_| time(|| hash_batch(&sixteen).unwrap())).collect());
    let per_hash = (t16 - t1) / 15;
    let per_key = t1.saturating_sub(per_hash);
    let mode = if jit { "jit" } else { "interpreter" };
    row(&format!("randomx per key ({mode})"), per_key, gas::RANDOMX_PER_KEY);
    row(&format!("randomx per hash ({mode})"), per_hash, gas::RANDOMX_PER_HASH);
}

/// The reference validator's waves (`price::randomx_hashes`): on this machine's cores, how long a
/// wave of keys initialised together and a wave of hashes run together take. Their price is what
/// the reference validator is assumed to achieve on its 16 cores with the same sharing; a wave
/// slower than one key or hash alone shows memory-bandwidth contention.
fn wave_rows() {
    let threads = randomx::default_threads();
    randomx::configure(RandomxConfig { cached_keys: 0, jit: true, threads }).unwrap();
    let t = |keys: u8, hashes: u8| {
        let b = parse_batch(&batch(keys, hashes)).unwrap();
        median((0..3).map(|_| time(|| hash_batch(&b).unwrap())).collect())
    };
    let per = threads as u8;
    // One key; its hashes in 1 and 17 waves: the difference is 16 waves.
    let hash_wave = (t(1, per * 17) - t(1, per)) / 16;
    // `threads` keys with one hash each: one key wave and one hash wave.
    let key_wave = t(per, 1).saturating_sub(hash_wave);
    row(&format!("randomx key wave ({threads} keys, {threads} thr)"), key_wave, gas::RANDOMX_PER_KEY);
    row(&format!("randomx hash wave ({threads} thr)"), hash_wave, gas::RANDOMX_PER_HASH);
    println!(
        "reference validator ({} cores): a call of k keys and h hashes takes key wave x ceil(k/{0}) + hash wave x ceil(h/{0})",
        gas::REFERENCE_CORES
    );
    let cores = randomx::machine_cores();
    println!(
        "threads: gas is priced for {} per call; this machine has {cores} cores, so a node here defaults to {threads} (--randomx-threads){}",
        gas::REFERENCE_CORES,
        if threads < gas::REFERENCE_CORES as usize { ": fewer than priced, so calls here take longer than their gas" } else { ", the priced count" }
    );
}

/// One unit-period's verification (30 hashes of one new key) serial and on this machine's
/// cores: the speedup parallel verification gives (results are the same; tests check it).
fn parallel_rows() {
    let threads = randomx::default_threads();
    for (keys, name) in [(1u8, "one unit-period (1 key, 30 hashes)"), (5, "five unit-periods (5 keys, 150 hashes)")] {
        let batch = parse_batch(&batch(keys, 30)).unwrap();
        let mut timed = Vec::new();
        for t in [1, threads] {
            randomx::configure(RandomxConfig { cached_keys: 0, jit: true, threads: t }).unwrap();
            timed.push(median((0..3).map(|_| time(|| hash_batch(&batch).unwrap())).collect()));
        }
        println!(
            "{name}: serial {:.3?}, {threads} threads {:.3?}, ratio {:.2}",
            timed[0],
            timed[1],
            timed[1].as_secs_f64() / timed[0].as_secs_f64()
        );
    }
}

fn main() {
    println!("{:<34} {:>12} {:>16} {:>16}", "component", "time", "implied gas", "table gas");
    randomx_rows(true);
    randomx_rows(false);
    wave_rows();
    parallel_rows();
    randomx::configure(RandomxConfig::default()).unwrap();

    let f = fixture();
    let t1 = median((0..20).map(|_| time(|| groth16::verify(&f.vk, &f.proof, &f.inputs).unwrap())).collect());
    row("groth16 verify, 1 input (base)", t1, gas::GROTH16_BASE + gas::GROTH16_PER_INPUT);

    // A key with 64 inputs: the same pairing work plus 64 input checks and scalar
    // multiplications; the proof no longer verifies, which costs the same.
    let n = cloudless_kernel::abi::MAX_GROTH16_PUBLIC_INPUTS;
    let mut vk = f.vk[..cloudless_kernel::abi::groth16_vk_len(0) - cloudless_kernel::abi::G1_LEN].to_vec();
    for i in 0..=n as u64 {
        vk.extend(groth16::encode_g1(&(G1Affine::generator() * Fr::from(i + 2)).into_affine()));
    }
    let inputs: Vec<u8> = (0..n as u64).flat_map(|i| groth16::encode_scalar(&-Fr::from(i + 1))).collect();
    let tn = median((0..10).map(|_| time(|| groth16::verify(&vk, &f.proof, &inputs).unwrap())).collect());
    row("groth16 per public input", (tn - t1) / (n as u32 - 1), gas::GROTH16_PER_INPUT);
}
