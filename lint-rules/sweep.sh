#!/usr/bin/env bash
# Runs the release checker over every crate source in the local cargo
# registry and prints what it saw. Fails only when the checker crashes
# (an exit status other than 0 or 1): findings and unparsable files are
# expected in other people's code.
#
#   lint-rules/sweep.sh            # $CARGO_HOME/registry/src, default ~/.cargo/registry/src
#   lint-rules/sweep.sh DIR...     # other trees
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
target="${CARGO_TARGET_DIR:-$here/../target}"
cargo build --release -q -p ctxkit-lint --manifest-path "$here/Cargo.toml"
bin="$target/release/cargo-ctxkit"

if [ "$#" -gt 0 ]; then
    roots=("$@")
else
    roots=("${CARGO_HOME:-$HOME/.cargo}/registry/src")
fi

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
crates=0
for root in "${roots[@]}"; do
    [ -d "$root" ] || { echo "sweep: no such directory: $root" >&2; exit 2; }
    crates=$((crates + $(find "$root" -mindepth 2 -maxdepth 2 -type d | wc -l)))
done

start=$(date +%s.%N)
set +e
# Every rule on, so every rule's code path runs over every file.
"$bin" check "${roots[@]}" -W all --message-format json > "$out" 2> "$out.err"
status=$?
set -e
end=$(date +%s.%N)

files=$(find "${roots[@]}" -name '*.rs' -type f | wc -l)
lines=$(find "${roots[@]}" -name '*.rs' -type f -print0 | xargs -0 cat 2>/dev/null | wc -l)
echo "crates:       $crates"
echo "files:        $files"
echo "lines:        $lines"
echo "seconds:      $(awk "BEGIN { printf \"%.2f\", $end - $start }")"
echo "exit status:  $status"
echo "parse errors: $(grep -c '"could not parse' "$out" || true)"
echo "unreadable:   $(grep -c '"could not check' "$out" || true)"
echo "findings per rule:"
grep -o '"code":{"code":"ctxkit::[a-z_]*"' "$out" | sed 's/.*ctxkit::\([a-z_]*\)"/\1/' | sort | uniq -c | sort -rn | sed 's/^/  /'
if grep -q 'internal error while checking' "$out"; then
    echo "internal errors (checker panics):"
    grep -o '"message":"internal error while checking[^"]*' "$out" | sed 's/^/  /'
fi
rm -f "$out.err"
case "$status" in
    0|1) echo "sweep: ok" ;;
    *) echo "sweep: the checker crashed (exit status $status)" >&2; exit 1 ;;
esac
