//! `cloudless prove`: mine capacity proofs for a unit, as `SubmitProofs` params.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use cloudless_host::prove::{expected_hashes, parse_hex32, period_terms, prove, Progress, ProveRequest};
use cloudless_host::Node;
use cloudless_runtime::bytes::Bytes32;
use serde_json::json;

use crate::RandomxArgs;

#[derive(Args)]
pub struct ProveArgs {
    /// The 32-byte unit id (hex).
    #[arg(long)]
    unit: String,
    /// Take the period's global nonce and difficulty from the capacity actor of this state.
    #[arg(long)]
    state: Option<PathBuf>,
    /// With --state: the epoch whose period to prove for (default: the state's epoch).
    #[arg(long, requires = "state")]
    epoch: Option<i64>,
    /// The period's 32-byte global nonce (hex), instead of --state.
    #[arg(long, required_unless_present = "state", conflicts_with = "state")]
    global_nonce: Option<String>,
    /// The 32-byte difficulty (hex; a proof's hash must be at or below it), instead of --state.
    #[arg(long, required_unless_present = "state", conflicts_with = "state")]
    difficulty: Option<String>,
    /// How many proofs to find.
    #[arg(long, default_value_t = 1)]
    count: usize,
    /// Proofs per file: with -o p.json and more proofs than this, writes p-1.json, p-2.json, …
    /// (one message takes up to 160 proofs over 8 units within the block gas limit).
    #[arg(long)]
    batch: Option<usize>,
    /// auto (fast when memory allows and the work repays the dataset), light or fast.
    #[arg(long, default_value = "auto")]
    mode: cloudless_host::prove::Mode,
    /// First local nonce tried (hex, 32 bytes; default zero).
    #[arg(long)]
    start: Option<String>,
    /// Write the params here instead of stdout.
    #[arg(short, long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    randomx: RandomxArgs,
}

/// The global nonce and difficulty of the period at `epoch`, read through the capacity actor's
/// `GetPeriodInfo` (a read-only call, so a period no message has opened yet is computed as a
/// message at `epoch` would open it). Says so on stderr when the nonce is not fixed yet.
fn period_of_state(state: &Path, epoch: Option<i64>) -> anyhow::Result<(Bytes32, Bytes32)> {
    let mut node = Node::load_car(state)?;
    if let Some(epoch) = epoch {
        node.set_epoch(epoch)?;
    }
    let info = period_terms(&node).with_context(|| format!("reading the period of {}", state.display()))?;
    eprintln!("period {}: global nonce {}, difficulty {}", info.period, info.nonce.to_hex(), info.difficulty.to_hex());
    if !info.nonce_fixed {
        eprintln!(
            "note: period {p}'s nonce is not final: a period before it accepted no proof, so the first message \
             to the capacity actor in period {p} fixes it from a tipset CID. This one holds for messages up to epoch {}: \
             submit by then, or send StartPeriod (anyone) by then to fix it for the whole period.",
            info.nonce_holds_until,
            p = info.period,
        );
    }
    Ok((info.nonce, info.difficulty))
}

/// `42 s`, `7 min`, `3.1 h` (progress reports).
fn duration_text(seconds: f64) -> String {
    if !seconds.is_finite() {
        "unknown".into()
    } else if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("{:.0} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

/// `p.json` → `p-3.json`.
fn numbered(path: &Path, n: usize) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

pub fn run(args: ProveArgs) -> anyhow::Result<()> {
    args.randomx.configure();
    let (global_nonce, difficulty) = match &args.state {
        Some(state) => {
            let (nonce, difficulty) = period_of_state(state, args.epoch)?;
            (nonce.0, difficulty.0)
        }
        None => (
            parse_hex32(args.global_nonce.as_deref().unwrap_or_default(), "--global-nonce")?,
            parse_hex32(args.difficulty.as_deref().unwrap_or_default(), "--difficulty")?,
        ),
    };
    if args.batch == Some(0) {
        anyhow::bail!("--batch must be at least 1");
    }
    let req = ProveRequest {
        unit_id: parse_hex32(&args.unit, "--unit")?,
        global_nonce,
        difficulty,
        count: args.count,
        start: args.start.as_deref().map(|s| parse_hex32(s, "--start")).transpose()?.unwrap_or_default(),
        mode: args.mode,
    };
    let per_proof = expected_hashes(&req.difficulty);
    eprintln!("about {per_proof:.0} hashes per proof");
    let proofs = prove(&req, |p| match p {
        Progress::Dataset { done, total } => {
            eprint!("\rbuilding fast-mode dataset {:>3}%   ", done * 100 / total.max(1))
        }
        Progress::Mining { hashes, found, wanted, hashes_per_second } => {
            let rate = hashes_per_second.max(1e-9);
            eprint!(
                "\rhashes {hashes:>10}  proofs {found}/{wanted}  {hashes_per_second:.1} H/s  {:.1} s/proof  ETA {}   ",
                per_proof / rate,
                duration_text((wanted - found) as f64 * per_proof / rate)
            )
        }
    })?;
    eprintln!();
    let batch = args.batch.unwrap_or(proofs.len()).max(1);
    let chunks: Vec<_> = proofs.chunks(batch).collect();
    match &args.out {
        Some(path) if chunks.len() > 1 => {
            for (i, chunk) in chunks.iter().enumerate() {
                let file = numbered(path, i + 1);
                let text = serde_json::to_string_pretty(&json!({ "proofs": chunk }))? + "\n";
                std::fs::write(&file, text).with_context(|| format!("writing {}", file.display()))?;
                eprintln!("{} proofs -> {}", chunk.len(), file.display());
            }
        }
        Some(path) => {
            let text = serde_json::to_string_pretty(&json!({ "proofs": proofs }))? + "\n";
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("{} proofs -> {}", proofs.len(), path.display());
        }
        None => {
            for chunk in chunks {
                println!("{}", serde_json::to_string_pretty(&json!({ "proofs": chunk }))?);
            }
        }
    }
    Ok(())
}
