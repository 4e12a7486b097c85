//! RandomX with Fluence's parameters: fixed vectors, JIT vs interpreter, batching, limits and
//! the node-local cache.

use cloudless_kernel::randomx::{self, hash_batch, hash_one, parse_batch, RandomxConfig, TEST_VECTORS};

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
    let pairs: Vec<_> = TEST_VECTORS.iter().map(|(k, h, _)| (h32(k), h32(h))).collect();
    let expected: Vec<_> = TEST_VECTORS.iter().map(|(_, _, r)| h32(r)).collect();
    // A repeated key in the batch uses one cache.
    let mut with_repeat = pairs.clone();
    with_repeat.push(pairs[1]);
    let batch = parse_batch(&batch_bytes(&with_repeat)).unwrap();
    assert_eq!(batch.distinct_keys, 3);

    for config in [
        RandomxConfig { cached_keys: 0, jit: true },
        RandomxConfig { cached_keys: 0, jit: false },
        RandomxConfig { cached_keys: 2, jit: true },
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
    let too_many: Vec<_> = (0..65).map(|_| (k(0), k(1))).collect();
    assert!(parse_batch(&batch_bytes(&too_many)).unwrap_err().contains("64"));
    let too_many_keys: Vec<_> = (0..5).map(|i| (k(i), k(0))).collect();
    assert!(parse_batch(&batch_bytes(&too_many_keys)).unwrap_err().contains("distinct keys"));
    let max: Vec<_> = (0..64).map(|i| (k(i % 4), k(i))).collect();
    assert_eq!(parse_batch(&batch_bytes(&max)).unwrap().distinct_keys, 4);
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
    let too_many = RandomxConfig { cached_keys: randomx::MAX_CACHED_KEYS + 1, jit: true };
    assert!(randomx::configure(too_many).is_err());
    let mib = |c: usize| randomx::memory_bound(&RandomxConfig { cached_keys: c, jit: true }) >> 20;
    assert_eq!((mib(0), mib(1), mib(2), mib(16)), (260, 260, 516, 4100));
}
