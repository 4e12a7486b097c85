//! `cloudless`: inspect bundles, build a genesis, send messages to a state CAR, read state.

mod output;
mod send;

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use cloudless_host::genesis::{self, GenesisConfig};
use cloudless_host::keys::KeyStore;
use cloudless_host::Node;

#[derive(Parser)]
#[command(name = "cloudless", version, about = "Cloudless subnet tools: bundle, genesis, send, state")]
struct Cli {
    /// RandomX caches (256 MiB each) this node keeps between messages; never changes gas or results.
    #[arg(long, global = true, default_value_t = 2)]
    randomx_cache_keys: usize,
    /// Run RandomX in the interpreter instead of the JIT (slower, same results).
    #[arg(long, global = true)]
    randomx_interpreter: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Actor bundle tools.
    Bundle {
        #[command(subcommand)]
        command: BundleCommand,
    },
    /// Build a genesis state from a TOML config.
    Genesis {
        /// The genesis config (see examples/devnet.toml).
        config: PathBuf,
        /// Where to write the state CAR.
        #[arg(short, long)]
        out: PathBuf,
        /// Where to write the dev key store (default: keys.json next to the state CAR).
        #[arg(long)]
        keys: Option<PathBuf>,
        /// Use this bundle CAR instead of the embedded one.
        #[arg(long)]
        bundle: Option<PathBuf>,
    },
    /// Sign a message with a key from the key store and apply it to a state CAR.
    Send(send::SendArgs),
    /// Print an actor's decoded state as JSON.
    State {
        /// Actor: a name from the key store (account or singleton) or an address.
        actor: String,
        /// The state CAR.
        #[arg(long)]
        state: PathBuf,
        /// The key store (default: keys.json next to the state CAR).
        #[arg(long)]
        keys: Option<PathBuf>,
    },
    /// Mine capacity proofs (RandomX) for a unit; prints or writes them as JSON.
    Prove {
        /// The 32-byte unit id (hex).
        #[arg(long)]
        unit: String,
        /// The period's 32-byte global nonce (hex).
        #[arg(long)]
        global_nonce: String,
        /// The 32-byte difficulty (hex); a proof's hash must be at or below it.
        #[arg(long)]
        difficulty: String,
        /// How many proofs to find.
        #[arg(long, default_value_t = 1)]
        count: usize,
        /// auto (fast when memory allows and the work repays the dataset), light or fast.
        #[arg(long, default_value = "auto")]
        mode: cloudless_host::prove::Mode,
        /// First local nonce tried (hex, 32 bytes; default zero).
        #[arg(long)]
        start: Option<String>,
        /// Write the JSON here instead of stdout.
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
    /// Groth16 files of circuit tools (snarkjs) in the encoding deals and results take.
    Groth16 {
        #[command(subcommand)]
        command: Groth16Command,
    },
    /// List the key store.
    Keys {
        #[arg(long)]
        keys: PathBuf,
    },
}

#[derive(Subcommand)]
enum BundleCommand {
    /// Print each actor's name, code CID and Wasm size (default: the embedded bundle).
    Inspect { car: Option<PathBuf> },
    /// Run an official builtin-actors core set with the Cloudless actors: keeps every actor of
    /// the core CAR in its order and appends the Cloudless actors it lacks.
    Compose {
        /// The core bundle (e.g. an official builtin-actors CAR).
        #[arg(long)]
        core: PathBuf,
        /// Where to write the composed bundle.
        #[arg(short, long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum Groth16Command {
    /// Print the market params: `verifying_key` (for CreateDeal) from a verification key,
    /// `public_inputs` and `proof` (for SubmitResult) from a proof and its public inputs.
    Encode {
        /// snarkjs verification_key.json, or gnark's exported Solidity verifier.
        #[arg(long)]
        vk: Option<PathBuf>,
        /// snarkjs proof.json, or gnark's proof (MarshalSolidity: hex or a JSON list of eight).
        #[arg(long)]
        proof: Option<PathBuf>,
        /// The public inputs: a JSON list of numbers (snarkjs public.json).
        #[arg(long)]
        public: Option<PathBuf>,
    },
    /// Check a proof locally with the verifier the syscall runs; exits 2 when it is invalid.
    Verify {
        #[arg(long)]
        vk: PathBuf,
        #[arg(long)]
        proof: PathBuf,
        #[arg(long)]
        public: PathBuf,
    },
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn groth16(command: Groth16Command) -> anyhow::Result<()> {
    use cloudless_host::groth16 as g;
    let in_file =
        |path: &Path, f: fn(&str) -> anyhow::Result<_>| f(&read(path)?).with_context(|| path.display().to_string());
    match command {
        Groth16Command::Encode { vk, proof, public } => {
            let mut out = serde_json::Map::new();
            if let Some(vk) = vk {
                out.insert("verifying_key".into(), hex::encode(in_file(&vk, g::read_verifying_key)?).into());
            }
            if let Some(public) = public {
                let inputs = g::read_public_inputs(&read(&public)?).with_context(|| public.display().to_string())?;
                out.insert("public_inputs".into(), inputs.iter().map(hex::encode).collect::<Vec<_>>().into());
            }
            if let Some(proof) = proof {
                out.insert("proof".into(), hex::encode(in_file(&proof, g::read_proof)?).into());
            }
            anyhow::ensure!(!out.is_empty(), "name --vk, --proof or --public");
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        Groth16Command::Verify { vk, proof, public } => {
            let vk = in_file(&vk, g::read_verifying_key)?;
            let proof = in_file(&proof, g::read_proof)?;
            let inputs = g::read_public_inputs(&read(&public)?).with_context(|| public.display().to_string())?;
            let valid = g::verify(&vk, &proof, &inputs)?;
            println!("{}", serde_json::json!({ "valid": valid }));
            if !valid {
                std::process::exit(2);
            }
        }
    }
    Ok(())
}

/// The key store beside a state CAR unless one is named.
pub fn keys_path(explicit: Option<&Path>, state: &Path) -> PathBuf {
    explicit.map(Path::to_path_buf).unwrap_or_else(|| state.with_file_name("keys.json"))
}

fn main() {
    if let Err(e) = run(Cli::parse()) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    cloudless_kernel::randomx::configure(cloudless_kernel::randomx::RandomxConfig {
        cached_keys: cli.randomx_cache_keys,
        jit: !cli.randomx_interpreter,
    });
    match cli.command {
        Command::Bundle { command: BundleCommand::Inspect { car } } => {
            let bytes = match &car {
                Some(path) => std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
                None => cloudless_bundle::BUNDLE_CAR.to_vec(),
            };
            print!("{}", cloudless_bundle::format_table(&cloudless_bundle::inspect(&bytes)?));
            Ok(())
        }
        Command::Bundle { command: BundleCommand::Compose { core, out } } => {
            let core = std::fs::read(&core).with_context(|| format!("reading {}", core.display()))?;
            let composed = cloudless_bundle::compose(&core, cloudless_bundle::BUNDLE_CAR)?;
            std::fs::write(&out, &composed).with_context(|| format!("writing {}", out.display()))?;
            print!("{}", cloudless_bundle::format_table(&cloudless_bundle::inspect(&composed)?));
            Ok(())
        }
        Command::Genesis { config, out, keys, bundle } => {
            let cfg = GenesisConfig::load(&config)?;
            let bundle = match &bundle {
                Some(path) => std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
                None => cloudless_bundle::BUNDLE_CAR.to_vec(),
            };
            let g = genesis::build(&cfg, &bundle)?;
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            output::write_state(&g.node, &out)?;
            let keys_path = keys_path(keys.as_deref(), &out);
            g.keys.save(&keys_path)?;
            println!("state root  {}", g.node.state_root());
            for (name, id) in &g.actors {
                println!("  f0{id:<6} {name}");
            }
            println!("state CAR   {}", out.display());
            println!("key store   {} (dev keys: never use on a public network)", keys_path.display());
            Ok(())
        }
        Command::Send(args) => send::run(args),
        Command::State { actor, state, keys } => {
            let node = Node::load_car(&state)?;
            let store = KeyStore::load(&keys_path(keys.as_deref(), &state)).unwrap_or_default();
            let addr = store.address_of(&actor)?;
            let id = node.resolve(&addr)?.with_context(|| format!("{actor} ({addr}) does not exist in this state"))?;
            println!("{}", serde_json::to_string_pretty(&cloudless_host::abi::actor_json(&node, id)?)?);
            Ok(())
        }
        Command::Prove { unit, global_nonce, difficulty, count, mode, start, out } => {
            use cloudless_host::prove::{parse_hex32, prove, Progress, ProveRequest};
            let req = ProveRequest {
                unit_id: parse_hex32(&unit, "--unit")?,
                global_nonce: parse_hex32(&global_nonce, "--global-nonce")?,
                difficulty: parse_hex32(&difficulty, "--difficulty")?,
                count,
                start: start.as_deref().map(|s| parse_hex32(s, "--start")).transpose()?.unwrap_or_default(),
                mode,
            };
            let proofs = prove(&req, |p| match p {
                Progress::Dataset { done, total } => {
                    eprint!("\rbuilding fast-mode dataset {:>3}%   ", done * 100 / total.max(1))
                }
                Progress::Mining { hashes, found, wanted, hashes_per_second } => {
                    eprint!("\rhashes {hashes:>10}  proofs {found}/{wanted}  {hashes_per_second:.1} H/s   ")
                }
            })?;
            eprintln!();
            let json = serde_json::to_string_pretty(&serde_json::json!({
                "unit_id": unit,
                "global_nonce": global_nonce,
                "difficulty": difficulty,
                "proofs": proofs,
            }))?;
            match out {
                Some(path) => {
                    std::fs::write(&path, json + "\n").with_context(|| format!("writing {}", path.display()))?
                }
                None => println!("{json}"),
            }
            Ok(())
        }
        Command::Groth16 { command } => groth16(command),
        Command::Keys { keys } => {
            let store = KeyStore::load(&keys)?;
            for (name, entry) in &store.keys {
                println!("{name:<16} {}", entry.address);
            }
            for (name, addr) in &store.actors {
                println!("{name:<16} {addr}");
            }
            Ok(())
        }
    }
}
