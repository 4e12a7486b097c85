//! Compiles every actor crate to wasm32 with the `wasm` profile and packs two CARv1 bundles with
//! a version-1 manifest: the production bundle and a test bundle that adds the test actors.
//!
//! Reproducibility: a fixed toolchain (rust-toolchain.toml), `--locked` dependencies, and
//! `--remap-path-prefix` so no machine-specific path ends up in the Wasm.

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

    for path in ["actors", "syscalls/sdk", "Cargo.lock", "Cargo.toml", "rust-toolchain.toml"] {
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
    let wasm_of = |spec: &ActorSpec| wasm_dir.join(format!("{}.wasm", spec.package.replace('-', "_")));
    pack(&out_dir.join("bundle.car"), ACTORS.iter(), &wasm_of);
    pack(&out_dir.join("test-bundle.car"), all.into_iter(), &wasm_of);
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
