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
/// The most threads one call may use (`--randomx-threads`).
pub const MAX_THREADS: usize = 64;

/// The most memory `randomx_hashes` holds at once under `config`, whatever its input: a call
/// initialises its new keys together (one thread each, at most [`MAX_RANDOMX_KEYS`]), evicting
/// from the node cache before it allocates, so at most `max(cached_keys, MAX_RANDOMX_KEYS)`
/// caches are alive, plus one VM per thread. A call can therefore not reach an allocation
/// failure that a node sized for this bound would not also hit on its first call; such a
/// failure is the node's fault (fatal, as in ref-fvm), never a result: another node with the
/// memory gets the same receipt.
pub fn memory_bound(config: &RandomxConfig) -> u64 {
    let caches = config.cached_keys.clamp(MAX_RANDOMX_KEYS, MAX_CACHED_KEYS.max(MAX_RANDOMX_KEYS)) as u64;
    caches * CACHE_BYTES + config.threads.clamp(1, MAX_THREADS) as u64 * VM_BYTES
}

/// Node-local settings. Each cached key holds a 256 MiB RandomX cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomxConfig {
    /// Initialized caches kept between calls (0 = none; at most [`MAX_CACHED_KEYS`]).
    pub cached_keys: usize,
    /// Use RandomX's JIT compiler where the CPU supports it (false: interpreter).
    pub jit: bool,
    /// Threads one call uses: new keys' caches are initialised on threads of their own, then the
    /// call's hashes are shared out over the threads, each running a light VM per key it meets
    /// (1: serial). Results and gas never depend on it.
    pub threads: usize,
}

impl Default for RandomxConfig {
    fn default() -> Self {
        Self { cached_keys: 2, jit: true, threads: default_threads() }
    }
}

/// This machine's cores, at most the reference validator's ([`crate::gas::REFERENCE_CORES`]):
/// gas is priced for a call spread over that many threads, so a node that has the cores uses them
/// (audit finding: a default of at most 8 made the largest call take ~1.5x its gas in time).
pub fn default_threads() -> usize {
    threads_for(machine_cores())
}

/// The cores this machine offers the process (1 if it cannot tell).
pub fn machine_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The default thread count on a machine of `cores` cores.
pub fn threads_for(cores: usize) -> usize {
    cores.clamp(1, crate::gas::REFERENCE_CORES as usize)
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
    if !(1..=MAX_THREADS).contains(&config.threads) {
        anyhow::bail!("RandomX threads must be 1..={MAX_THREADS}, not {}", config.threads);
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
    /// The caches of `keys` (distinct, at most [`MAX_RANDOMX_KEYS`]), in order: cached ones are
    /// taken from the node cache, new ones initialised together on `threads` threads.
    fn get_all(&mut self, keys: &[Key], flags: RandomXFlags, threads: usize) -> anyhow::Result<Vec<CacheHandle>> {
        let mut found: Vec<Option<CacheHandle>> = Vec::with_capacity(keys.len());
        for key in keys {
            found.push(self.entries.iter().position(|(k, _)| k == key).map(|pos| {
                // Most recently used last.
                let entry = self.entries.remove(pos);
                let cache = entry.1.clone();
                self.entries.push(entry);
                cache
            }));
        }
        let missing: Vec<usize> = (0..keys.len()).filter(|i| found[*i].is_none()).collect();
        // Evict first, so the new caches never coexist with a full node cache.
        let keep = self.config.cached_keys.saturating_sub(missing.len());
        while self.entries.len() > keep {
            self.entries.remove(0);
        }
        let mut made: Vec<(usize, anyhow::Result<CacheHandle>)> = Vec::with_capacity(missing.len());
        for group in missing.chunks(threads.max(1)) {
            std::thread::scope(|scope| {
                let jobs: Vec<_> = group
                    .iter()
                    .map(|&i| {
                        let key = keys[i];
                        (i, scope.spawn(move || Cache::new(&key, flags).map(|c| c.handle())))
                    })
                    .collect();
                for (i, job) in jobs {
                    let result = match job.join() {
                        Ok(r) => r.map_err(|e| anyhow::anyhow!("RandomX cache allocation failed: {e}")),
                        Err(_) => Err(anyhow::anyhow!("RandomX cache initialisation panicked")),
                    };
                    made.push((i, result));
                }
            });
        }
        for (i, cache) in made {
            let cache = cache?;
            self.inits += 1;
            if self.config.cached_keys > 0 {
                if self.entries.len() >= self.config.cached_keys {
                    self.entries.remove(0);
                }
                self.entries.push((keys[i], cache.clone()));
            }
            found[i] = Some(cache);
        }
        Ok(found.into_iter().map(|c| c.expect("every key found or made")).collect())
    }
}

/// Runs `jobs` (each a key's cache and an input; jobs of one key adjacent) on up to `threads`
/// workers, each taking a contiguous share and creating a light VM whenever its key changes, as
/// the reference validator schedules them (`price::randomx_hashes`). The output is in job order,
/// so it never depends on the thread count.
fn hash_jobs(jobs: &[(&CacheHandle, &Input)], flags: RandomXFlags, threads: usize) -> anyhow::Result<Vec<Hash>> {
    let workers = threads.clamp(1, jobs.len().max(1));
    let share = jobs.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let running: Vec<_> = jobs
            .chunks(share)
            .map(|chunk| {
                scope.spawn(move || -> anyhow::Result<Vec<Hash>> {
                    let mut out = Vec::with_capacity(chunk.len());
                    let mut vm: Option<(&CacheHandle, RandomXVM<CacheHandle>)> = None;
                    for &(cache, input) in chunk {
                        if vm.as_ref().is_none_or(|(c, _)| !std::ptr::eq(*c, cache)) {
                            drop(vm.take()); // one VM per worker at a time (the memory bound)
                            let made = RandomXVM::light(cache.clone(), flags)
                                .map_err(|e| anyhow::anyhow!("RandomX VM creation failed: {e}"))?;
                            vm = Some((cache, made));
                        }
                        let (_, v) = vm.as_ref().expect("set above");
                        out.push(v.hash(input).into_slice());
                    }
                    Ok(out)
                })
            })
            .collect();
        let mut out = Vec::with_capacity(jobs.len());
        for job in running {
            out.extend(job.join().map_err(|_| anyhow::anyhow!("a RandomX thread panicked"))??);
        }
        Ok(out)
    })
}

/// Computes every hash of the batch, grouping pairs by key so each key's cache is initialised
/// (or taken from the node cache) once; new keys are initialised in parallel, then all hashes
/// are spread over the configured threads. Errors are node failures (memory), never input errors.
pub fn hash_batch(batch: &Batch) -> anyhow::Result<Vec<Hash>> {
    let mut caches = caches().lock().unwrap_or_else(|p| p.into_inner());
    let flags = light_flags(caches.config.jit);
    let threads = caches.config.threads.clamp(1, MAX_THREADS);
    let mut by_key: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, (k, _)) in batch.pairs.iter().enumerate() {
        by_key.entry(*k).or_default().push(i);
    }
    let keys: Vec<Key> = by_key.keys().copied().collect();
    let handles = caches.get_all(&keys, flags, threads)?;
    let order: Vec<(usize, &CacheHandle)> =
        by_key.values().zip(&handles).flat_map(|(indices, cache)| indices.iter().map(move |i| (*i, cache))).collect();
    let jobs: Vec<(&CacheHandle, &Input)> = order.iter().map(|(i, cache)| (*cache, &batch.pairs[*i].1)).collect();
    let mut out = vec![[0u8; 32]; batch.pairs.len()];
    for ((i, _), hash) in order.iter().zip(hash_jobs(&jobs, flags, threads)?) {
        out[*i] = hash;
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
