#!/usr/bin/env bash
# The wasm tests' runner (`cargo test --target wasm32-unknown-unknown`, scripts/test.mjs): wasm-bindgen-test-runner at
# the pinned version, built from its crate with one fix to its HTTP server, tiny_http 0.12's thread pool.
# Why: `TaskPool::spawn` queues a new connection's task when it sees an idle worker, but a worker already woken for
# a queued task still counts as idle until it takes it; a second connection arriving then waits behind a keep-alive
# connection that never ends, and the page's module request with it ("Failed to detect test as having been run",
# after ~5 min; seen three runs in a row on these machines). The fix: a new thread unless more workers wait than
# tasks are queued. Usage: scripts/test-runner.sh <version>; prints the runner's path.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="$1"
OUT="$PWD/target/test-runner"
BIN="$OUT/wasm-bindgen-test-runner"
if [ -x "$BIN" ] && [ "$("$BIN" --version 2>/dev/null | awk '{print $2}')" = "$VERSION" ]; then
  echo "$BIN"
  exit 0
fi
echo "[setup] building wasm-bindgen-test-runner $VERSION with tiny_http's thread pool fixed (about two minutes, once)" >&2
SRC="$OUT/src"
rm -rf "$SRC" && mkdir -p "$SRC"
# A crate from crates.io, checked against the checksum `$3`.
fetch() {
  curl -sSfL -o "$SRC/$1.crate" "https://static.crates.io/crates/$1/$1-$2.crate"
  echo "$3  $SRC/$1.crate" | sha256sum -c --quiet -
  tar -xzf "$SRC/$1.crate" -C "$SRC"
}
# The runner's crate, as the registry's index lists it; tiny_http as the runner's lockfile pins it.
INDEX=$(curl -sSfL https://index.crates.io/wa/sm/wasm-bindgen-cli)
SUM=$(echo "$INDEX" | node -e '
  const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  process.stdout.write(lines.find((l) => l.vers === process.argv[1])?.cksum ?? "")' "$VERSION")
[ -n "$SUM" ] || { echo "[setup] wasm-bindgen-cli $VERSION is not in the crates.io index" >&2; exit 1; }
fetch wasm-bindgen-cli "$VERSION" "$SUM"
CLI="$SRC/wasm-bindgen-cli-$VERSION"
TINY=$(grep -A3 '^name = "tiny_http"$' "$CLI/Cargo.lock" | awk -F'"' '/^version/{v=$2} /^checksum/{c=$2} END{print v, c}')
read -r TINY_VERSION TINY_SUM <<<"$TINY"
fetch tiny_http "$TINY_VERSION" "$TINY_SUM"
POOL="$SRC/tiny_http-$TINY_VERSION/src/util/task_pool.rs"
BEFORE='if self.sharing.waiting_tasks.load(Ordering::Acquire) == 0 {'
AFTER='if self.sharing.waiting_tasks.load(Ordering::Acquire) <= queue.len() {'
grep -qF "$BEFORE" "$POOL" || { echo "[setup] tiny_http's TaskPool::spawn is not as expected: $POOL" >&2; exit 1; }
sed -i "s/$BEFORE/$AFTER/" "$POOL" # basic regex: the parentheses and braces are literal, a dot any character
grep -qF "$AFTER" "$POOL"
printf '\n[workspace]\n\n[patch.crates-io]\ntiny_http = { path = "../tiny_http-%s" }\n' "$TINY_VERSION" >> "$CLI/Cargo.toml" # its own workspace, not ours
# The crate's own lockfile (only tiny_http's entry changes: a path now); its lints are not ours to read.
RUSTFLAGS="--cap-lints allow" CARGO_TARGET_DIR="$OUT/build" cargo build --quiet --release --manifest-path "$CLI/Cargo.toml" --bin wasm-bindgen-test-runner >&2
cp "$OUT/build/release/wasm-bindgen-test-runner" "$BIN"
rm -rf "$OUT/build" "$SRC"
echo "$BIN"
