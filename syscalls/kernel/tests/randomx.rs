//! RandomX with Fluence's parameters: fixed vectors, JIT vs interpreter, batching, limits and
//! the node-local cache.

use cloudless_kernel::abi::{MAX_RANDOMX_HASHES, MAX_RANDOMX_KEYS};
use cloudless_kernel::randomx::{self, hash_batch, hash_one, parse_batch, RandomxConfig, TEST_VECTORS};

/// The RandomX settings and the cache-init counter are process-wide: tests that configure or
/// count run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn h32(text: &str) -> [u8; 32] {
    hex::decode(text).unwrap().try_into().unwrap()
}

fn batch_bytes(pairs: &[([u8; 32], [u8; 32])]) -> Vec<u8> {
    pairs.iter().flat_map(|(k, h)| k.iter().chain(h).copied()).collect()
}

#[test]
fn fluence_parameters_not_stock_randomx() {
    // Fluence's own test vector (ccp-randomx light_mode_works) holds...
    let fluence = hash_one(&[1, 2, 3, 4, 5, 6, 7], &[2, 3, 4, 5, 6, 7], true).unwrap();
    assert_eq!(hex::encode(fluence), "43ef5412f7085db63dfbb799435457da870ef9a31fbe0f5a393c508a25b67a23");
    // ...and stock RandomX's first test vector does not (stock gives 639183aa…0b4e3f).
    let stock = hash_one(b"test key 000", b"This is a test", true).unwrap();
    assert_eq!(hex::encode(stock), "624b43f2a96dc33698d3b5146e30ece99b62386b445808c513b032e5171222eb");
    assert!(!hex::encode(stock).starts_with("639183aa"));
}

#[test]
fn batched_hashes_match_vectors_in_both_modes_and_with_or_without_cache() {
    let _serial = serial();
    let pairs: Vec<_> = TEST_VECTORS.iter().map(|(k, h, _)| (h32(k), h32(h))).collect();
    let expected: Vec<_> = TEST_VECTORS.iter().map(|(_, _, r)| h32(r)).collect();
    // A repeated key in the batch uses one cache.
    let mut with_repeat = pairs.clone();
    with_repeat.push(pairs[1]);
    let batch = parse_batch(&batch_bytes(&with_repeat)).unwrap();
    assert_eq!(batch.distinct_keys, 3);

    for config in [
        RandomxConfig { cached_keys: 0, jit: true, threads: 1 },
        RandomxConfig { cached_keys: 0, jit: false, threads: 1 },
        RandomxConfig { cached_keys: 0, jit: true, threads: 3 },
        RandomxConfig { cached_keys: 0, jit: false, threads: 2 },
        RandomxConfig { cached_keys: 2, jit: true, threads: 8 },
    ] {
        randomx::configure(config).unwrap();
        let before = randomx::cache_inits();
        let out = hash_batch(&batch).unwrap();
        assert_eq!(&out[..3], &expected[..], "{config:?}");
        assert_eq!(out[3], expected[1]);
        assert_eq!(randomx::cache_inits() - before, 3, "one cache per distinct key ({config:?})");
    }
    // With keys cached, a second call initialises nothing new for them.
    let again = parse_batch(&batch_bytes(&pairs[1..])).unwrap();
    let before = randomx::cache_inits();
    assert_eq!(hash_batch(&again).unwrap(), expected[1..].to_vec());
    assert_eq!(randomx::cache_inits(), before, "the two most recent keys were cached");
    randomx::configure(RandomxConfig::default()).unwrap();
}

#[test]
fn limits_and_shapes_are_checked_before_any_work() {
    let k = |i: u8| [i; 32];
    assert!(parse_batch(&[]).unwrap_err().contains("non-empty"));
    assert!(parse_batch(&[0; 63]).is_err());
    let (max_hashes, max_keys) = (MAX_RANDOMX_HASHES as u8, MAX_RANDOMX_KEYS as u8);
    let too_many: Vec<_> = (0..=max_hashes).map(|_| (k(0), k(1))).collect();
    assert!(parse_batch(&batch_bytes(&too_many)).unwrap_err().contains(&format!("limit of {max_hashes}")));
    let too_many_keys: Vec<_> = (0..=max_keys).map(|i| (k(i), k(0))).collect();
    assert!(parse_batch(&batch_bytes(&too_many_keys)).unwrap_err().contains("distinct keys"));
    let max: Vec<_> = (0..max_hashes).map(|i| (k(i % max_keys), k(i))).collect();
    assert_eq!(parse_batch(&batch_bytes(&max)).unwrap().distinct_keys, MAX_RANDOMX_KEYS);
}

#[test]
fn results_do_not_depend_on_cpu_features() {
    use ccp_randomx::{Cache, RandomXFlags, RandomXVM};
    // No JIT, software AES, portable Argon2: the most conservative configuration.
    let portable = RandomXFlags::DEFAULT;
    let (k, h, expected) = TEST_VECTORS[1];
    let cache = Cache::new(&h32(k), portable).unwrap();
    let vm = RandomXVM::light(cache.handle(), portable).unwrap();
    assert_eq!(hex::encode(vm.hash(&h32(h)).into_slice()), expected);
    assert_eq!(hex::encode(hash_one(&h32(k), &h32(h), true).unwrap()), expected, "recommended flags with JIT");
}

/// The node setting is bounded, and so is the memory a call can hold, whatever its input.
#[test]
fn the_memory_a_call_holds_is_bounded_by_the_node_setting() {
    let _serial = serial();
    let too_many = RandomxConfig { cached_keys: randomx::MAX_CACHED_KEYS + 1, jit: true, threads: 1 };
    assert!(randomx::configure(too_many).is_err());
    for threads in [0, randomx::MAX_THREADS + 1] {
        assert!(randomx::configure(RandomxConfig { cached_keys: 2, jit: true, threads }).is_err());
    }
    let mib =
        |c: usize, threads: usize| randomx::memory_bound(&RandomxConfig { cached_keys: c, jit: true, threads }) >> 20;
    // A call's new keys (at most 8) are initialised together: 8 caches at least.
    assert_eq!((mib(0, 1), mib(2, 1), mib(8, 2), mib(16, 8)), (2052, 2052, 2056, 4128));
}

/// Audit finding: gas prices a call spread over the reference validator's 16 cores
/// (`REFERENCE_CORES`), so the default uses that many threads where the machine has them (it was
/// at most 8: the largest call took ~1.5x its gas in time). The memory bound at that default:
/// 8 caches and 16 VMs.
#[test]
fn the_default_thread_count_is_the_priced_one() {
    let priced = cloudless_kernel::gas::REFERENCE_CORES as usize;
    let defaults: Vec<usize> = [1, 2, 8, 16, 64].into_iter().map(randomx::threads_for).collect();
    assert_eq!(defaults, [1, 2, 8, priced, priced]);
    assert!(randomx::default_threads() <= priced);
    let at_default = RandomxConfig { cached_keys: 2, jit: true, threads: priced };
    assert_eq!(randomx::memory_bound(&at_default) >> 20, 8 * 256 + 16 * 4);
}

/// Parallel verification gives serial verification's results for every batch shape: one key
/// with many hashes (split across VMs), several keys (initialised together), repeated keys in
/// any order, on the JIT and the interpreter, with and without the node cache.
#[test]
fn results_do_not_depend_on_the_thread_count() {
    let _serial = serial();
    let k = |i: u8| [i.wrapping_mul(37); 32];
    let h = |i: u8| [i; 32];
    let shapes: Vec<Vec<([u8; 32], [u8; 32])>> = vec![
        (0..7).map(|i| (k(1), h(i))).collect(),
        (0..8).map(|i| (k(i % 4), h(i))).collect(),
        vec![(k(2), h(9)), (k(3), h(9)), (k(2), h(1)), (k(2), h(9))],
    ];
    for jit in [true, false] {
        let mut reference = Vec::new();
        for shape in &shapes {
            randomx::configure(RandomxConfig { cached_keys: 0, jit, threads: 1 }).unwrap();
            let batch = parse_batch(&batch_bytes(shape)).unwrap();
            let serial = hash_batch(&batch).unwrap();
            for (i, (key, input)) in shape.iter().enumerate().take(2) {
                assert_eq!(serial[i], hash_one(key, input, jit).unwrap(), "serial batch against single hashes");
            }
            reference.push((batch, serial));
        }
        // The interpreter is ~5x slower: one parallel setting is enough to compare.
        let settings: &[(usize, usize)] = if jit { &[(2, 0), (3, 2), (16, 0)] } else { &[(3, 0)] };
        for &(threads, cached_keys) in settings {
            {
                randomx::configure(RandomxConfig { cached_keys, jit, threads }).unwrap();
                for (batch, serial) in &reference {
                    assert_eq!(
                        &hash_batch(batch).unwrap(),
                        serial,
                        "jit {jit}, {threads} threads, {cached_keys} cached"
                    );
                }
            }
        }
    }
    randomx::configure(RandomxConfig::default()).unwrap();
}
