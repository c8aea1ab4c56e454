#!/usr/bin/env bash
# Compile time of 1,000 `#[cancellable]` functions against 1,000
# `#[tracing::instrument]` ones and 1,000 plain async functions, each in a
# generated crate of its own (in a temporary directory, removed at the end).
#
#   macros/compile-bench.sh            # 1,000 functions, 3 runs each
#   N=200 RUNS=5 macros/compile-bench.sh
#
# Dependencies are built once first; each run then touches the crate and
# rebuilds it alone (dev profile, no incremental cache), so the times are the
# macro expansion plus the compilation of what it generated. The best of the
# runs is reported.
set -euo pipefail

N=${N:-1000}
RUNS=${RUNS:-3}
REPO=${CTXKIT_REPO:-$(cd "$(dirname "$0")/.." && pwd)}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$WORK/target"

cat > "$WORK/Cargo.toml" <<TOML
[workspace]
resolver = "3"
members = ["plain", "cancellable", "instrument"]

[workspace.dependencies]
ctxkit = { path = "$REPO/runtime" }
tokio = { version = "1", features = ["rt", "time"] }
tracing = "0.1"
TOML

crate() { # name, dependencies, function template (@ is the index)
  mkdir -p "$WORK/$1/src"
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n%s\n' \
    "$1" "$2" > "$WORK/$1/Cargo.toml"
  {
    echo '#![allow(dead_code, clippy::all)]'
    for i in $(seq 1 "$N"); do echo "${3//@/$i}"; done
  } > "$WORK/$1/src/lib.rs"
}

crate plain 'tokio.workspace = true' \
  'pub async fn f@(x: u64) -> Result<u64, std::io::Error> { tokio::task::yield_now().await; tokio::task::yield_now().await; Ok(x + @) }'
crate cancellable $'ctxkit.workspace = true\ntokio.workspace = true' \
  '#[ctxkit::cancellable] pub async fn f@(x: u64) -> Result<u64, ctxkit::Cancelled> { tokio::task::yield_now().await; tokio::task::yield_now().await; Ok(x + @) }'
crate instrument $'tracing.workspace = true\ntokio.workspace = true' \
  '#[tracing::instrument] pub async fn f@(x: u64) -> Result<u64, std::io::Error> { tokio::task::yield_now().await; tokio::task::yield_now().await; Ok(x + @) }'

cd "$WORK"
cargo build --quiet --workspace >/dev/null 2>&1 || cargo build --workspace
echo "functions per crate: $N; best of $RUNS runs; $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for name in plain cancellable instrument; do
  best=""
  for _ in $(seq 1 "$RUNS"); do
    touch "$name/src/lib.rs"
    start=$(date +%s%N)
    cargo build --quiet -p "$name"
    t=$(( $(date +%s%N) - start ))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  printf '%-12s %d.%02d s\n' "$name" $(( best / 1000000000 )) $(( best / 10000000 % 100 ))
done
