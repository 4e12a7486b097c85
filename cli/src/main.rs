//! `cloudless`: inspect bundles, build a genesis, send messages to a state CAR, read state.

mod devnet;
mod output;
mod prove;
mod send;

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use cloudless_host::genesis::{self, GenesisConfig};
use cloudless_host::keys::KeyStore;
use cloudless_host::Node;

#[derive(Parser)]
#[command(
    name = "cloudless",
    version,
    about = "Cloudless subnet tools: bundles, genesis, messages and read-only calls on a state CAR, state, keys, capacity proofs, Groth16 files, devnet rehearsals",
    after_help = "Exit codes: 0 success; 1 nothing was applied (bad arguments or input, a message the chain would refuse); 2 a message was applied and failed (its receipt says why; `call`: the call failed)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Node-local RandomX settings (they never change gas or results).
#[derive(clap::Args)]
pub struct RandomxArgs {
    /// RandomX caches (256 MiB each) kept between messages, 0..=16; the syscall holds at most
    /// max(this, 8) caches plus one 4 MiB VM per thread at once, whatever the messages.
    #[arg(long, default_value_t = 2, help_heading = "RandomX", value_parser = clap::value_parser!(u64).range(0..=16))]
    randomx_cache_keys: u64,
    /// Threads for RandomX verification, 1..=64 (default: the machine's cores, at most 8): new
    /// keys initialise on threads of their own, then the hashes are shared out over the threads.
    #[arg(long, help_heading = "RandomX", value_parser = clap::value_parser!(u64).range(1..=64))]
    randomx_threads: Option<u64>,
    /// Run RandomX in the interpreter instead of the JIT (slower, same results).
    #[arg(long, help_heading = "RandomX")]
    randomx_interpreter: bool,
}

impl RandomxArgs {
    pub fn configure(&self) {
        cloudless_kernel::randomx::configure(cloudless_kernel::randomx::RandomxConfig {
            cached_keys: self.randomx_cache_keys as usize,
            jit: !self.randomx_interpreter,
            threads: self.randomx_threads.map_or_else(cloudless_kernel::randomx::default_threads, |t| t as usize),
        })
        .expect("clap bounds --randomx-cache-keys and --randomx-threads");
    }
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
        /// Run on this core set (an official builtin-actors CAR): its actors, then the Cloudless
        /// ones appended; genesis writes the core states as fendermint does.
        #[arg(long)]
        core: Option<PathBuf>,
        /// Also write the fendermint genesis recipe into this directory: recipe.json (each
        /// Cloudless actor's ID, code, state, balance, f410 address) and cloudless-states.car
        /// (docs/ipc.md, "Genesis on fendermint").
        #[arg(long)]
        recipe: Option<PathBuf>,
    },
    /// Sign a message with a key from the key store and apply it to a state CAR.
    Send(send::SendArgs),
    /// Run a method read-only (like Lotus StateCall): prints the return; nothing is signed,
    /// paid or written.
    Call(send::CallArgs),
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
        /// Addresses as they are, with a `names` map of the named ones (default: each named
        /// address shown with its name, `f0104 (alice)`).
        #[arg(long)]
        json: bool,
    },
    /// Mine capacity proofs (RandomX) for a unit: writes `SubmitProofs` params.
    Prove(prove::ProveArgs),
    /// Rehearse a subnet economy from a scenario and its genesis config (default: the embedded
    /// example): real actors and proofs; writes the state, messages and report.html.
    Devnet(devnet::DevnetArgs),
    /// Groth16 files of circuit tools (snarkjs) in the encoding deals and results take.
    Groth16 {
        #[command(subcommand)]
        command: Groth16Command,
    },
    /// List the key store: names, ID addresses, key addresses.
    Keys {
        /// The state CAR whose key store (keys.json beside it) to list.
        #[arg(long)]
        state: Option<PathBuf>,
        /// The key store file (instead of the one beside --state).
        #[arg(long)]
        keys: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum BundleCommand {
    /// Print each actor's name, code CID and Wasm size.
    Inspect {
        /// A bundle CAR (default: the bundle built into this binary).
        car: Option<PathBuf>,
    },
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
    /// Write the Cloudless actors as a fendermint custom-actors CAR (docs/ipc.md); with
    /// --merge, appended to fendermint's own custom-actors CAR, the one CAR fendermint loads.
    Custom {
        /// fendermint's custom-actors CAR (`fendermint/actors/output/custom_actors_bundle.car`).
        #[arg(long)]
        merge: Option<PathBuf>,
        /// Where to write the CAR.
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
        /// snarkjs verification_key.json, or gnark's exported Solidity verifier.
        #[arg(long)]
        vk: PathBuf,
        /// snarkjs proof.json, or gnark's proof (MarshalSolidity: hex or a JSON list of eight).
        #[arg(long)]
        proof: PathBuf,
        /// The public inputs: a JSON list of numbers (snarkjs public.json); as many as the key takes.
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
            g::check_input_count(&vk, inputs.len())
                .with_context(|| format!("{} does not match the verifying key", public.display()))?;
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
    restore_sigpipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version are not errors; bad arguments exit 1 (nothing was applied), so
            // that 2 always means "applied and failed".
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    if let Err(e) = run(cli) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

/// Output piped into a reader that stops early (`| head`) ends the program quietly, as other
/// command-line tools do, instead of a panic on the failed write.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: resetting a signal's disposition to the default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Devnet(args) => match devnet::devnet(args)? {
            0 => Ok(()),
            code => std::process::exit(code),
        },
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
        Command::Bundle { command: BundleCommand::Custom { merge, out } } => {
            let mut car = cloudless_bundle::fendermint::custom_car()?;
            if let Some(path) = merge {
                let theirs = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
                car = cloudless_bundle::fendermint::merge_custom(&theirs, &car)?;
            }
            std::fs::write(&out, &car).with_context(|| format!("writing {}", out.display()))?;
            print!("{}", cloudless_bundle::format_table(&cloudless_bundle::inspect(&car)?));
            Ok(())
        }
        Command::Genesis { config, out, keys, bundle, core, recipe } => {
            let cfg = GenesisConfig::load(&config)?;
            let mut bundle = match &bundle {
                Some(path) => std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
                None => cloudless_bundle::BUNDLE_CAR.to_vec(),
            };
            if let Some(path) = &core {
                let core = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                bundle = cloudless_bundle::compose(&core, &bundle)
                    .with_context(|| format!("composing the core set of {}", path.display()))?;
            }
            let g = genesis::build(&cfg, &bundle)?;
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            output::write_state(&g.node, &out)?;
            let keys_path = keys_path(keys.as_deref(), &out);
            g.keys.save(&keys_path)?;
            println!(
                "core set    {}",
                if g.core == genesis::CoreSet::Official { "official (states written)" } else { "Cloudless" }
            );
            println!("state root  {}", g.node.state_root());
            for (name, id) in &g.actors {
                match g.node.actor(*id)?.and_then(|a| a.delegated_address) {
                    Some(f4) => println!(
                        "  f0{id:<6} {name} ({f4}, 0x{})",
                        hex::encode(cloudless_ipc::eth_address(&f4).unwrap_or_default())
                    ),
                    None => println!("  f0{id:<6} {name}"),
                }
            }
            println!("state CAR   {}", out.display());
            if let Some(dir) = &recipe {
                let (r, states) = genesis::fendermint::recipe(&g, &cfg)?;
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
                std::fs::write(dir.join("recipe.json"), serde_json::to_string_pretty(&r)? + "\n")?;
                std::fs::write(dir.join("cloudless-states.car"), &states)?;
                println!("recipe      {} ({} actors)", dir.join("recipe.json").display(), r.actors.len());
            }
            println!("key store   {} (dev keys: never use on a public network)", keys_path.display());
            Ok(())
        }
        Command::Send(args) => send::send(args),
        Command::Call(args) => send::call(args),
        Command::State { actor, state, keys, json: as_json } => {
            let node = Node::load_car(&state)?;
            let store = send::load_keys(keys.as_deref(), &state)?;
            let addr = store.address_of(&actor)?;
            let id = node.resolve(&addr)?.with_context(|| format!("{actor} ({addr}) does not exist in this state"))?;
            let mut json = cloudless_host::abi::actor_json(&node, id)?;
            let names = output::Names::new(&store, &node);
            if as_json {
                let mut used = std::collections::BTreeMap::new();
                names.used(&json, &mut used);
                json["names"] = serde_json::json!(used);
            } else {
                json = names.annotate(&json);
            }
            println!("{}", serde_json::to_string_pretty(&json)?);
            Ok(())
        }
        Command::Prove(args) => prove::run(args),
        Command::Groth16 { command } => groth16(command),
        Command::Keys { state, keys } => {
            let path = match (&keys, &state) {
                (Some(keys), _) => keys.clone(),
                (None, Some(state)) => keys_path(None, state),
                (None, None) => anyhow::bail!("name --state STATE.car (its keys.json) or --keys FILE"),
            };
            let store = KeyStore::load(&path)?;
            print!("{}", keys_table(&store));
            Ok(())
        }
    }
}

/// One row per name: its ID address, its key address and whether the store holds its key.
fn keys_table(store: &KeyStore) -> String {
    let mut names: Vec<&String> = store.actors.keys().chain(store.keys.keys()).collect();
    names.sort();
    names.dedup();
    let mut out = format!("{:<16} {:<8} {:<44} {}\n", "NAME", "ID", "KEY ADDRESS", "KEY");
    for name in names {
        let id = store.actors.get(name).map(String::as_str).unwrap_or("-");
        let (addr, key) = match store.keys.get(name) {
            Some(entry) => (entry.address.as_str(), "yes"),
            None => ("-", "no"),
        };
        out += &format!("{name:<16} {id:<8} {addr:<44} {key}\n");
    }
    out
}
