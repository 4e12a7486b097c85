//! Capacity proofs (docs/protocol.md §2): mining RandomX for a unit. K = keccak256(global_nonce ‖ unit_id),
//! H = a 32-byte local nonce; a proof is (local_nonce, RandomX(K, H)) with the hash at or below
//! the difficulty (32-byte big-endian comparison). Hashes are Fluence's RandomX, identical in
//! light and fast mode, so proofs mined here verify bit for bit in the kernel.

use std::time::Instant;

use anyhow::{anyhow, bail, Context};
use ccp_randomx::{Dataset, RandomXFlags, RandomXVM};
use cloudless_kernel::randomx::light_flags;
use multihash_codetable::{Code, MultihashDigest};
use serde::{Deserialize, Serialize};

pub type Bytes32 = [u8; 32];

/// keccak256 on the host (the kernel's in actors).
pub fn keccak256(data: &[u8]) -> Bytes32 {
    Code::Keccak256.digest(data).digest().try_into().expect("keccak256 is 32 bytes")
}

/// keccak256(global_nonce ‖ unit_id): the RandomX key of a unit in a period.
pub fn randomx_key(global_nonce: &Bytes32, unit_id: &Bytes32) -> Bytes32 {
    keccak256(&[global_nonce.as_slice(), unit_id.as_slice()].concat())
}

/// The period terms (period, global nonce, difficulty) that the capacity actor of `node` applies
/// to proofs at the node's epoch: its `GetPeriodInfo`, which advances the period in memory. When
/// `nonce_fixed` is false the nonce holds for a message at this epoch only (docs/capacity.md).
pub fn period_terms(node: &crate::Node) -> anyhow::Result<cloudless_actor_capacity::PeriodInfo> {
    use fvm_shared::address::Address;
    let mut capacity = None;
    for (id, actor) in node.actors()? {
        if node.code_name(&actor.code)?.as_deref() == Some("capacity") {
            capacity = Some(id);
            break;
        }
    }
    let capacity = capacity.ok_or_else(|| anyhow!("the state has no capacity actor"))?;
    let method = crate::abi::find_method("capacity", "GetPeriodInfo")?;
    node.query(Address::new_id(capacity), method.number, &()).context("GetPeriodInfo")
}

/// `hash <= difficulty`, both read as 32-byte big-endian numbers.
pub fn meets_difficulty(hash: &Bytes32, difficulty: &Bytes32) -> bool {
    hash <= difficulty
}

pub fn parse_hex32(text: &str, what: &str) -> anyhow::Result<Bytes32> {
    let bytes = hex::decode(text.trim_start_matches("0x")).with_context(|| format!("{what} is not hex"))?;
    bytes.try_into().map_err(|b: Vec<u8>| anyhow!("{what} must be 32 bytes, got {}", b.len()))
}

/// One proof as JSON (hex strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofJson {
    pub unit_id: String,
    pub local_nonce: String,
    pub result_hash: String,
}

impl ProofJson {
    /// The proof as the capacity actor's `SubmitProofs` takes it.
    pub fn to_proof(&self) -> anyhow::Result<cloudless_actor_capacity::Proof> {
        let field = |text: &str, what: &str| parse_hex32(text, what).map(cloudless_runtime::bytes::Bytes32);
        Ok(cloudless_actor_capacity::Proof {
            unit_id: field(&self.unit_id, "unit_id")?,
            local_nonce: field(&self.local_nonce, "local_nonce")?,
            result_hash: field(&self.result_hash, "result_hash")?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Fast mode when memory allows and the expected work repays the dataset, light otherwise.
    Auto,
    /// 256 MiB cache, ~45 ms a hash.
    Light,
    /// 2 GiB dataset (slow to build), a few ms a hash.
    Fast,
}

impl std::str::FromStr for Mode {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s {
            "auto" => Ok(Mode::Auto),
            "light" => Ok(Mode::Light),
            "fast" => Ok(Mode::Fast),
            _ => bail!("mode must be auto, light or fast, not {s:?}"),
        }
    }
}

/// What to mine.
#[derive(Debug, Clone)]
pub struct ProveRequest {
    pub unit_id: Bytes32,
    pub global_nonce: Bytes32,
    pub difficulty: Bytes32,
    pub count: usize,
    /// The first local nonce tried (a 32-byte big-endian counter from there on).
    pub start: Bytes32,
    pub mode: Mode,
}

/// Progress reported while mining.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// Building the fast-mode dataset: items done out of total.
    Dataset { done: u64, total: u64 },
    /// Hashing.
    Mining { hashes: u64, found: usize, wanted: usize, hashes_per_second: f64 },
}

/// Builds the 2 GiB fast-mode dataset on every core, in slices, reporting progress.
fn build_dataset(key: &Bytes32, flags: RandomXFlags, progress: &mut impl FnMut(Progress)) -> anyhow::Result<Dataset> {
    let cache = ccp_randomx::Cache::new(key, flags).map_err(|e| anyhow!("building the RandomX cache: {e}"))?;
    let dataset = Dataset::allocate(false).map_err(|e| anyhow!("allocating the RandomX dataset: {e}"))?;
    let total = dataset.items_count();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let slices = 32u64;
    let per_slice = total.div_ceil(slices);
    for slice in 0..slices {
        let (start, end) = (slice * per_slice, ((slice + 1) * per_slice).min(total));
        let per_thread = (end - start).div_ceil(threads);
        std::thread::scope(|scope| {
            for t in 0..threads {
                let (from, to) = (start + t * per_thread, (start + (t + 1) * per_thread).min(end));
                if from >= to {
                    continue;
                }
                // Disjoint item ranges of one dataset may be initialised concurrently.
                let mut handle = dataset.handle();
                let cache = cache.handle();
                scope.spawn(move || handle.initialize(&cache, from, to - from));
            }
        });
        progress(Progress::Dataset { done: end, total });
    }
    Ok(dataset)
}

fn increment(nonce: &mut Bytes32) {
    for b in nonce.iter_mut().rev() {
        let (v, carry) = b.overflowing_add(1);
        *b = v;
        if !carry {
            return;
        }
    }
}

/// Expected hashes per proof: 2^256 / (difficulty + 1) (an estimate for progress reports and
/// the mode choice; never part of a result).
pub fn expected_hashes(difficulty: &Bytes32) -> f64 {
    let value = difficulty.iter().fold(0f64, |acc, b| acc * 256.0 + f64::from(*b));
    2f64.powi(256) / (value + 1.0)
}

fn available_memory_bytes() -> u64 {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn choose_fast(req: &ProveRequest) -> bool {
    match req.mode {
        Mode::Light => false,
        Mode::Fast => true,
        // A dataset takes tens of seconds to build; light mode wins below a few thousand hashes.
        Mode::Auto => {
            available_memory_bytes() >= 3 << 30 && req.count as f64 * expected_hashes(&req.difficulty) > 4000.0
        }
    }
}

/// Mines proofs without progress reports, as `SubmitProofs` params (tests, benchmarks).
pub fn capacity_proofs(req: &ProveRequest) -> anyhow::Result<Vec<cloudless_actor_capacity::Proof>> {
    prove(req, |_| ())?.iter().map(ProofJson::to_proof).collect()
}

/// Mines `count` proofs, reporting progress now and then.
pub fn prove(req: &ProveRequest, mut progress: impl FnMut(Progress)) -> anyhow::Result<Vec<ProofJson>> {
    if req.count == 0 {
        return Ok(Vec::new());
    }
    let key = randomx_key(&req.global_nonce, &req.unit_id);
    let mut hash: Box<dyn FnMut(&Bytes32) -> Bytes32> = if choose_fast(req) {
        let mut flags = RandomXFlags::recommended_full_mem();
        flags.remove(RandomXFlags::LARGE_PAGES);
        let dataset = build_dataset(&key, flags, &mut progress)?;
        let vm = RandomXVM::fast(dataset.handle(), flags).map_err(|e| anyhow!("{e}"))?;
        Box::new(move |h| vm.hash(h).into_slice())
    } else {
        let flags = light_flags(true);
        let cache = ccp_randomx::Cache::new(&key, flags).map_err(|e| anyhow!("building the RandomX cache: {e}"))?;
        let vm = RandomXVM::light(cache.handle(), flags).map_err(|e| anyhow!("{e}"))?;
        Box::new(move |h| vm.hash(h).into_slice())
    };
    let started = Instant::now();
    let (mut nonce, mut hashes, mut proofs) = (req.start, 0u64, Vec::new());
    while proofs.len() < req.count {
        let result = hash(&nonce);
        hashes += 1;
        if meets_difficulty(&result, &req.difficulty) {
            proofs.push(ProofJson {
                unit_id: hex::encode(req.unit_id),
                local_nonce: hex::encode(nonce),
                result_hash: hex::encode(result),
            });
        }
        if hashes % 64 == 0 || proofs.len() == req.count {
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            progress(Progress::Mining {
                hashes,
                found: proofs.len(),
                wanted: req.count,
                hashes_per_second: hashes as f64 / secs,
            });
        }
        increment(&mut nonce);
    }
    Ok(proofs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mined_proofs_verify_with_the_kernel_hash() {
        let req = ProveRequest {
            unit_id: [7; 32],
            global_nonce: [9; 32],
            difficulty: parse_hex32(&format!("3f{}", "ff".repeat(31)), "difficulty").unwrap(),
            count: 2,
            start: [0; 32],
            mode: Mode::Light,
        };
        let mut reports = 0;
        let proofs = prove(&req, |_| reports += 1).unwrap();
        assert_eq!(proofs.len(), 2);
        assert!(reports >= 1);
        let key = randomx_key(&req.global_nonce, &req.unit_id);
        for p in &proofs {
            let nonce = parse_hex32(&p.local_nonce, "nonce").unwrap();
            let hash = cloudless_kernel::randomx::hash_one(&key, &nonce, true).unwrap();
            assert_eq!(hex::encode(hash), p.result_hash);
            assert!(meets_difficulty(&hash, &req.difficulty));
        }
        // Deterministic: the same request mines the same proofs.
        assert_eq!(prove(&req, |_| ()).unwrap(), proofs);
    }

    #[test]
    fn keys_counters_and_parsing() {
        // keccak256 of 64 zero bytes.
        assert_eq!(
            hex::encode(randomx_key(&[0; 32], &[0; 32])),
            "ad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5"
        );
        let mut n = [0xff; 32];
        n[0] = 0;
        increment(&mut n);
        assert_eq!(n[0], 1);
        assert!(n[1..].iter().all(|b| *b == 0));
        assert!(parse_hex32("abcd", "x").unwrap_err().to_string().contains("32 bytes"));
        assert!(parse_hex32("zz", "x").is_err());
        assert!("turbo".parse::<Mode>().is_err());
        assert_eq!(expected_hashes(&parse_hex32(&format!("00{}", "ff".repeat(31)), "d").unwrap()), 256.0);
    }
}
