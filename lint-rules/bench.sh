#!/usr/bin/env bash
# The checker against `cargo clippy` from cold on the same crate, and the
# checker alone on a 100,000-line tree. Prints the numbers and the machine.
#
#   lint-rules/bench.sh [CRATE_DIR]   # default: serde_json from the local registry
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
target="${CARGO_TARGET_DIR:-$here/../target}"
cargo build --release -q -p ctxkit-lint --manifest-path "$here/Cargo.toml"
bin="$target/release/cargo-ctxkit"
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"

pick() { # the newest version of a crate in the registry
    find "$registry" -mindepth 2 -maxdepth 2 -type d -name "$1-[0-9]*" 2>/dev/null | sort -V | tail -1
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# "wall cpu" seconds of one run (cpu = user + system, children included).
measure() {
    local t
    t=$(mktemp)
    /usr/bin/time -f "%e %U %S" -o "$t" "$@" >/dev/null 2>&1 || true
    # A failing command adds a "Command exited with non-zero status" line.
    tail -1 "$t" | awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }'
    rm -f "$t"
}

# "wall cpu" of the run with the least wall time out of N.
best_of() {
    local n=$1; shift
    for _ in $(seq "$n"); do measure "$@"; done | sort -n | head -1
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo "rustc:   $(rustc --version)"
echo

# 1. The same crate: checker (workspace mode, cargo metadata included) vs
#    clippy with a fresh target dir.
src="${1:-$(pick serde_json)}"
[ -d "$src" ] || { echo "bench: no crate to measure (give a crate directory)" >&2; exit 2; }
cp -r "$src" "$work/crate"
# Stand alone, outside any enclosing workspace.
grep -q '^\[workspace\]' "$work/crate/Cargo.toml" || printf '\n[workspace]\n' >> "$work/crate/Cargo.toml"
lines=$(find "$work/crate" -name '*.rs' -print0 | xargs -0 cat | wc -l)
echo "crate:   $(basename "$src") ($lines lines of Rust)"
# Resolve and download outside the timing: only the check is measured.
(cd "$work/crate" && cargo fetch -q)
read -r ours_wall ours_cpu < <(cd "$work/crate" && best_of 5 "$bin" ctxkit check)
# The library target only: clippy on --all-targets would also build the
# dev-dependencies, which would flatter the ratio.
read -r clippy_wall clippy_cpu < <(cd "$work/crate" && CARGO_TARGET_DIR="$work/clippy-target" measure cargo clippy --offline -q)
[ -d "$work/clippy-target" ] || { echo "bench: cargo clippy did not run" >&2; exit 1; }
echo "                        wall s    cpu s (user+sys)"
echo "  cargo ctxkit check:   $ours_wall     $ours_cpu   (best of 5)"
echo "  cargo clippy, cold:   $clippy_wall     $clippy_cpu"
echo "  ratio:                $(echo "scale=1; $clippy_wall / $ours_wall" | bc)x       $(echo "scale=1; $clippy_cpu / $ours_cpu" | bc)x"
echo

# 2. A 100,000-line tree of real code: tokio's sources, topped up with other
#    crates' until it passes 100k lines.
mkdir -p "$work/tree"
total=0
for c in tokio syn serde_json regex-automata clap_builder futures-util; do
    d=$(pick "$c")
    [ -n "$d" ] || continue
    cp -r "$d/src" "$work/tree/$c"
    total=$(find "$work/tree" -name '*.rs' -print0 | xargs -0 cat | wc -l)
    [ "$total" -ge 100000 ] && break
done
files=$(find "$work/tree" -name '*.rs' | wc -l)
echo "tree:    $files files, $total lines"
read -r t_wall t_cpu < <(best_of 5 "$bin" check "$work/tree")
echo "  cargo ctxkit check:   ${t_wall} s wall, ${t_cpu} s cpu (best of 5)"
echo "  lines per second:     $(echo "$total / $t_wall" | bc) (wall), $(echo "$total / $t_cpu" | bc) per cpu-second"
