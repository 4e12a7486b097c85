//! RandomX light-mode hashing for `randomx_hashes`, with Fluence's parameters (`ccp-randomx`,
//! the same vendored RandomX as Fluence's capacity-commitment prover), and a node-local cache of
//! initialized RandomX caches. The cache only saves time: gas is charged as if every key were
//! new, and results are the same either way.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use ccp_randomx::cache::CacheHandle;
use ccp_randomx::{Cache, RandomXFlags, RandomXVM};
use cloudless_syscalls::abi::{MAX_RANDOMX_HASHES, MAX_RANDOMX_KEYS, RANDOMX_KEY_LEN, RANDOMX_PAIR_LEN};

pub type Key = [u8; 32];
pub type Input = [u8; 32];
pub type Hash = [u8; 32];

/// Fixed vectors (K, H, RandomX(K, H)) in hex, computed with Fluence's `ccp-randomx` (light
/// mode); tests check the syscall reproduces them bit for bit.
pub const TEST_VECTORS: [(&str, &str, &str); 3] = [
    (
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "6b366e77bfd1e3814d18925d667254b717f7995b3688bd521c8921b0435edc88",
    ),
    (
        "0101010101010101010101010101010101010101010101010101010101010101",
        "0202020202020202020202020202020202020202020202020202020202020202",
        "1930f723ae209208f43d0d4bd53ee854c43cf2a2c3368bfaaa70df3964225ce4",
    ),
    (
        "abababababababababababababababababababababababababababababababab",
        "0101010101010101010101010101010101010101010101010101010101010101",
        "38948f5a1a0cf9b320b29a5cfa403f7b09fc52c6ecd4d8ad87c679adee83cd8b",
    ),
];

/// Bytes of one light-mode RandomX cache (RandomX's Argon2 memory, 262,144 KiB).
pub const CACHE_BYTES: u64 = 256 << 20;
/// Bytes of one light VM beyond its cache: the 2 MiB scratchpad and program buffers, rounded up.
pub const VM_BYTES: u64 = 4 << 20;
/// The most caches a node may keep between calls (`--randomx-cache-keys`).
pub const MAX_CACHED_KEYS: usize = 16;

/// The most memory `randomx_hashes` holds at once under `config`, whatever its input: a call
/// initialises its keys one after another (never two new caches together), evicting from the
/// node cache before it allocates, so at most `max(cached_keys, 1)` caches and one VM are alive.
/// A call can therefore not reach an allocation failure that a node sized for this bound would
/// not also hit on its first key; such a failure is the node's fault (fatal, as in ref-fvm),
/// never a result: another node with the memory gets the same receipt.
pub fn memory_bound(config: &RandomxConfig) -> u64 {
    config.cached_keys.clamp(1, MAX_CACHED_KEYS) as u64 * CACHE_BYTES + VM_BYTES
}

/// Node-local settings. Each cached key holds a 256 MiB RandomX cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomxConfig {
    /// Initialized caches kept between calls (0 = none; at most [`MAX_CACHED_KEYS`]).
    pub cached_keys: usize,
    /// Use RandomX's JIT compiler where the CPU supports it (false: interpreter).
    pub jit: bool,
}

impl Default for RandomxConfig {
    fn default() -> Self {
        Self { cached_keys: 2, jit: true }
    }
}

/// A validated batch: pairs in input order and how many distinct keys they use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub pairs: Vec<(Key, Input)>,
    pub distinct_keys: usize,
}

/// Checks the shape and the published limits; no RandomX work happens here.
pub fn parse_batch(bytes: &[u8]) -> Result<Batch, String> {
    if bytes.is_empty() || !bytes.len().is_multiple_of(RANDOMX_PAIR_LEN) {
        return Err(format!("input must be a non-empty list of 64-byte (K, H) pairs, got {} bytes", bytes.len()));
    }
    let n = bytes.len() / RANDOMX_PAIR_LEN;
    if n > MAX_RANDOMX_HASHES {
        return Err(format!("{n} hashes exceed the limit of {MAX_RANDOMX_HASHES} per call"));
    }
    let pairs: Vec<(Key, Input)> = bytes
        .chunks_exact(RANDOMX_PAIR_LEN)
        .map(|c| (c[..RANDOMX_KEY_LEN].try_into().expect("32"), c[RANDOMX_KEY_LEN..].try_into().expect("32")))
        .collect();
    let distinct_keys = pairs.iter().map(|(k, _)| k).collect::<std::collections::BTreeSet<_>>().len();
    if distinct_keys > MAX_RANDOMX_KEYS {
        return Err(format!("{distinct_keys} distinct keys exceed the limit of {MAX_RANDOMX_KEYS} per call"));
    }
    Ok(Batch { pairs, distinct_keys })
}

/// RandomX flags for light mode, with or without the JIT.
pub fn light_flags(jit: bool) -> RandomXFlags {
    let mut flags = RandomXFlags::recommended();
    flags.remove(RandomXFlags::FULL_MEM | RandomXFlags::LARGE_PAGES);
    if !jit {
        flags.remove(RandomXFlags::FLAG_JIT);
    }
    flags
}

struct Caches {
    config: RandomxConfig,
    /// Most recently used last. A handle shares the C cache (reference counted).
    entries: Vec<(Key, CacheHandle)>,
    /// Cache initialisations performed (for tests and metrics).
    inits: u64,
}

fn caches() -> &'static Mutex<Caches> {
    static CACHES: OnceLock<Mutex<Caches>> = OnceLock::new();
    CACHES.get_or_init(|| Mutex::new(Caches { config: RandomxConfig::default(), entries: Vec::new(), inits: 0 }))
}

/// Sets the node-local RandomX settings (drops cached keys); refuses more than
/// [`MAX_CACHED_KEYS`] cached keys.
pub fn configure(config: RandomxConfig) -> anyhow::Result<()> {
    if config.cached_keys > MAX_CACHED_KEYS {
        anyhow::bail!("at most {MAX_CACHED_KEYS} cached RandomX keys (256 MiB each), not {}", config.cached_keys);
    }
    let mut c = caches().lock().unwrap_or_else(|p| p.into_inner());
    c.config = config;
    c.entries.clear();
    Ok(())
}

pub fn config() -> RandomxConfig {
    caches().lock().unwrap_or_else(|p| p.into_inner()).config
}

/// How many RandomX caches this process has initialised.
pub fn cache_inits() -> u64 {
    caches().lock().unwrap_or_else(|p| p.into_inner()).inits
}

impl Caches {
    fn get(&mut self, key: &Key, flags: RandomXFlags) -> anyhow::Result<CacheHandle> {
        if let Some(pos) = self.entries.iter().position(|(k, _)| k == key) {
            let entry = self.entries.remove(pos);
            let cache = entry.1.clone();
            self.entries.push(entry);
            return Ok(cache);
        }
        // Evict first, so the new cache never coexists with a full node cache.
        if self.config.cached_keys > 0 && self.entries.len() >= self.config.cached_keys {
            self.entries.remove(0);
        }
        let cache =
            Cache::new(key, flags).map_err(|e| anyhow::anyhow!("RandomX cache allocation failed: {e}"))?.handle();
        self.inits += 1;
        if self.config.cached_keys > 0 {
            self.entries.push((*key, cache.clone()));
        }
        Ok(cache)
    }
}

/// Computes every hash of the batch, grouping pairs by key so each key's cache is initialised
/// (or taken from the node cache) once. Errors are node failures (memory), never input errors.
pub fn hash_batch(batch: &Batch) -> anyhow::Result<Vec<Hash>> {
    let mut caches = caches().lock().unwrap_or_else(|p| p.into_inner());
    let flags = light_flags(caches.config.jit);
    let mut by_key: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, (k, _)) in batch.pairs.iter().enumerate() {
        by_key.entry(*k).or_default().push(i);
    }
    let mut out = vec![[0u8; 32]; batch.pairs.len()];
    for (key, indices) in by_key {
        let cache = caches.get(&key, flags)?;
        let vm = RandomXVM::light(cache, flags).map_err(|e| anyhow::anyhow!("RandomX VM creation failed: {e}"))?;
        for i in indices {
            out[i] = vm.hash(&batch.pairs[i].1).into_slice();
        }
    }
    Ok(out)
}

/// One hash without the node cache (reference path for tests and the prover).
pub fn hash_one(key: &[u8], input: &[u8], jit: bool) -> anyhow::Result<Hash> {
    let flags = light_flags(jit);
    let cache = Cache::new(key, flags).map_err(|e| anyhow::anyhow!("{e}"))?;
    let vm = RandomXVM::light(cache, flags).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(vm.hash(input).into_slice())
}
