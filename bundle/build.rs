//! Compiles every actor crate to wasm32 with the `wasm` profile and packs two CARv1 bundles with
//! a version-1 manifest: the production bundle and a test bundle that adds the test actors.
//!
//! Every module then goes through binaryen's `wasm-opt -Oz` (docs/bundle.md): a pinned release
//! from the npm registry (`bundle/wasm-opt/package-lock.json`, with its integrity hash), compiled
//! to Wasm and run by Node.js, so the same input gives the same bytes on every machine.
//!
//! Reproducibility: a fixed toolchain (rust-toolchain.toml), `--locked` dependencies,
//! `--remap-path-prefix` so no machine-specific path ends up in the Wasm, and the pinned optimiser.

use std::path::{Path, PathBuf};
use std::process::Command;

include!("src/actors.rs");

/// Linker and path flags for every actor. A 64 KiB stack keeps per-call memory init cheap.
fn rustflags(workspace: &Path, cargo_home: &Path) -> Vec<String> {
    vec![
        "-Clink-arg=-zstack-size=65536".into(),
        format!("--remap-path-prefix={}=/cloudless", workspace.display()),
        format!("--remap-path-prefix={}=/cargo", cargo_home.display()),
    ]
}

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let workspace = manifest_dir.parent().unwrap().to_path_buf();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let cargo_home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo"));
    // Overridable so the reproducibility check can build from clean directories.
    println!("cargo:rerun-if-env-changed=CLOUDLESS_WASM_TARGET_DIR");
    let target_dir = std::env::var("CLOUDLESS_WASM_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace.join("target").join("wasm"));

    for path in [
        "actors",
        "syscalls/sdk",
        "Cargo.lock",
        "Cargo.toml",
        "rust-toolchain.toml",
        "bundle/wasm-opt/package.json",
        "bundle/wasm-opt/package-lock.json",
    ] {
        println!("cargo:rerun-if-changed={}", workspace.join(path).display());
    }
    println!("cargo:rerun-if-changed=src/actors.rs");

    let all: Vec<&ActorSpec> = ACTORS.iter().chain(TEST_ACTORS).collect();
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(&workspace)
        .arg("build")
        .arg("--locked")
        .args(["--target", "wasm32-unknown-unknown", "--profile", "wasm"])
        .arg("--target-dir")
        .arg(&target_dir);
    for spec in &all {
        cmd.args(["-p", spec.package]);
        cmd.args(["--features", &format!("{}/fil-actor", spec.package)]);
    }
    // The outer build's flags are for the host; the actors get exactly ours.
    for var in ["RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET"] {
        cmd.env_remove(var);
    }
    cmd.env("CARGO_ENCODED_RUSTFLAGS", rustflags(&workspace, &cargo_home).join("\x1f"));
    let status = cmd.status().expect("failed to run cargo for the wasm actors");
    assert!(status.success(), "building the wasm actors failed");

    let wasm_dir = target_dir.join("wasm32-unknown-unknown").join("wasm");
    let file_of = |spec: &ActorSpec| format!("{}.wasm", spec.package.replace('-', "_"));
    let files: Vec<String> = all.iter().map(|spec| file_of(spec)).collect();
    let opt_dir = target_dir.join("optimised");
    optimise(&workspace, &wasm_dir, &opt_dir, &files);
    let wasm_of = |spec: &ActorSpec| opt_dir.join(file_of(spec));
    pack(&out_dir.join("bundle.car"), ACTORS.iter(), &wasm_of);
    pack(&out_dir.join("test-bundle.car"), all.into_iter(), &wasm_of);
}

/// binaryen's `wasm-opt` flags. The features are those the FVM accepts and rustc emits (sign
/// extension, mutable globals, saturating float-to-int, `memory.copy`/`memory.fill`); not
/// multi-value, SIMD, tail calls, reference types or passive data segments.
const WASM_OPT_FLAGS: &[&str] = &[
    "-Oz",
    "--mvp-features",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-bulk-memory-opt",
    "--strip-debug",
    "--strip-producers",
];
/// The binaryen release in bundle/wasm-opt/package-lock.json; its `--version` must say so.
const BINARYEN_VERSION: &str = "wasm-opt version 132";

/// Optimises `files` from `from` into `to`, in parallel. A module whose input bytes and flags are
/// those of its last run is not optimised again (the dev and release builds share the results).
fn optimise(workspace: &Path, from: &Path, to: &Path, files: &[String]) {
    let wasm_opt = install_wasm_opt(workspace);
    std::fs::create_dir_all(to).unwrap();
    let stamp = format!("{BINARYEN_VERSION} {}", WASM_OPT_FLAGS.join(" "));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(file) = files.get(i) else { break };
                let (input, output) = (from.join(file), to.join(file));
                let (seen_input, seen_stamp) = (to.join(format!("{file}.input")), to.join(format!("{file}.flags")));
                let bytes = std::fs::read(&input).unwrap_or_else(|e| panic!("reading {}: {e}", input.display()));
                let fresh = std::fs::read(&seen_input).ok().as_deref() == Some(bytes.as_slice())
                    && std::fs::read_to_string(&seen_stamp).ok().as_deref() == Some(stamp.as_str())
                    && output.exists();
                if fresh {
                    continue;
                }
                let out = Command::new("node")
                    .arg(&wasm_opt)
                    .args(WASM_OPT_FLAGS)
                    .arg(&input)
                    .arg("-o")
                    .arg(&output)
                    .output()
                    .expect("running node for wasm-opt");
                assert!(
                    out.status.success(),
                    "wasm-opt failed on {}: {}",
                    input.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
                std::fs::write(&seen_input, &bytes).unwrap();
                std::fs::write(&seen_stamp, &stamp).unwrap();
            });
        }
    });
}

/// Installs the pinned binaryen with `npm ci` into target/tools/wasm-opt (again when the lock file
/// changes) and returns its `wasm-opt` script. Needs Node.js and npm (`make setup` installs them).
fn install_wasm_opt(workspace: &Path) -> PathBuf {
    let spec = workspace.join("bundle").join("wasm-opt");
    let dir = workspace.join("target").join("tools").join("wasm-opt");
    let script = dir.join("node_modules").join("binaryen").join("bin").join("wasm-opt");
    let lock = std::fs::read(spec.join("package-lock.json")).expect("reading bundle/wasm-opt/package-lock.json");
    if !script.exists() || std::fs::read(dir.join("package-lock.json")).ok() != Some(lock) {
        std::fs::create_dir_all(&dir).unwrap();
        for file in ["package.json", "package-lock.json"] {
            std::fs::copy(spec.join(file), dir.join(file)).unwrap();
        }
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix"])
            .arg(&dir)
            .status()
            .unwrap_or_else(|e| {
                panic!("the bundle build runs binaryen's wasm-opt from npm and needs Node.js and npm ({e}); `make setup` installs them")
            });
        assert!(status.success(), "npm ci of bundle/wasm-opt failed");
    }
    let version = Command::new("node").arg(&script).arg("--version").output().expect("running node for wasm-opt");
    let version = String::from_utf8_lossy(&version.stdout);
    assert!(
        version.trim().starts_with(BINARYEN_VERSION),
        "{} reports {:?}, the bundle needs {BINARYEN_VERSION}",
        script.display(),
        version.trim()
    );
    script
}

fn pack<'a>(dst: &Path, actors: impl Iterator<Item = &'a ActorSpec>, wasm_of: &dyn Fn(&ActorSpec) -> PathBuf) {
    let mut bundler = fil_actor_bundler::Bundler::new(dst);
    for (spec, id) in actors.zip(1u32..) {
        let path = wasm_of(spec);
        bundler
            .add_from_file(id, spec.name.to_string(), None, &path)
            .unwrap_or_else(|e| panic!("adding {} from {}: {e}", spec.name, path.display()));
    }
    bundler.finish().expect("writing the bundle CAR");
}
