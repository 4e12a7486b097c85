#!/usr/bin/env bash
# Builds the bundle twice from clean Wasm target directories, the second time from a copy of the
# sources at another path, and checks every code CID and the manifest CID are identical.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build() { # $1: source dir, $2: fresh wasm target dir, $3: output table
  (cd "$1" && CLOUDLESS_WASM_TARGET_DIR="$2" CARGO_TARGET_DIR="$2/host" \
    cargo run --quiet --locked -p cloudless-bundle -- "$2/cloudless.car" | grep -v 'written to' > "$3")
}

echo "build 1: $root (clean target)"
build "$root" "$work/t1" "$work/one.txt"
echo "build 2: copy at $work/src (clean target)"
mkdir -p "$work/src"
tar -C "$root" --exclude=./target --exclude=./.git -cf - . | tar -C "$work/src" -xf -
build "$work/src" "$work/t2" "$work/two.txt"

if diff -u "$work/one.txt" "$work/two.txt"; then
  cat "$work/one.txt"
  roots=($(grep 'manifest (CAR root)' "$work/one.txt" | awk '{print $NF}'))
  echo "reproducible: both builds give bundle ${roots[0]} and custom-actors CAR ${roots[1]}"
else
  echo "NOT reproducible: the builds above differ" >&2
  exit 1
fi
