#!/usr/bin/env bash
# Checks that the Cloudless kernel builds against fendermint's FVM (fvm 4.7.4): the kernel
# crates are copied into target/fvm-4.7 with syscalls/fvm-4.7/workspace.toml as their workspace
# and its committed Cargo.lock, then `cargo check`ed (the library and its tests). `--update`
# re-resolves the lock and copies it back. Not part of `make test` (it builds a second wasmtime).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/target/fvm-4.7"
rm -rf "$dir/syscalls"
mkdir -p "$dir/syscalls"
for crate in sdk groth16 kernel; do
    cp -r "$root/syscalls/$crate" "$dir/syscalls/$crate"
done
cp "$root/syscalls/fvm-4.7/workspace.toml" "$dir/Cargo.toml"
cp "$root/rust-toolchain.toml" "$dir/"
cd "$dir"
if [ "${1:-}" = "--update" ]; then
    cp "$root/syscalls/fvm-4.7/Cargo.lock" Cargo.lock
    cargo update -w
    cp Cargo.lock "$root/syscalls/fvm-4.7/Cargo.lock"
    exit 0
fi
cp "$root/syscalls/fvm-4.7/Cargo.lock" Cargo.lock
cargo check --locked -p cloudless-kernel --tests
grep -A1 '^name = "fvm"$' Cargo.lock | sed -n 2p | sed 's/^/checked against fvm /'
