#!/usr/bin/env bash
# Release build: cargo (wasm32) → wasm-bindgen --target web → wasm-opt -Oz → dist/, then the shipped sizes.
# Two builds of the crate: `ait_iap` (the main entry: engine and product list) and `ait_iap_headless` (the
# engine alone, for `ait-iap/headless`; the `list` feature off).
set -euo pipefail
cd "$(dirname "$0")/.."

# Panic locations embed each dependency's source path: drop the registry prefix from them.
REMAP=""
for dir in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do REMAP="$REMAP --remap-path-prefix=$dir="; done
# A 128 KB stack instead of Rust's default 1 MB, as in .cargo/config.toml (which RUSTFLAGS here would override): the
# module's calls are shallow, and the unused megabyte was most of its memory. An overflow traps (the stack is first).
STACK=" -C link-arg=-zstack-size=131072"
# Stripped Rust wasm needs its features named; --all-features would emit stringref and break the module.
# -iit: Rust code never relies on loads or arithmetic trapping.
FEATURES="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals"

rm -rf dist && mkdir -p dist
# wasm-bindgen writes into a folder of this build's own: its glue, snippets and .d.ts never land in dist/ (index.d.ts
# types the entries), and a build running beside this one cannot delete them. scripts/glue.mjs writes the glue.
mkdir -p target && BINDGEN=$(mktemp -d target/bindgen.XXXXXX)
trap 'rm -rf "$BINDGEN"' EXIT
SNIPPETS=""
# build <out-name> <cargo feature flags...>
build() {
  local name="$1"
  shift
  RUSTFLAGS="${RUSTFLAGS:-}$REMAP$STACK" cargo build --quiet --release --target wasm32-unknown-unknown "$@"
  wasm-bindgen --target web --encode-into always --out-dir "$BINDGEN" --out-name "$name" target/wasm32-unknown-unknown/release/ait_iap.wasm
  node_modules/.bin/wasm-opt -iit --merge-similar-functions --flatten --rereloop -Oz -Oz $FEATURES --strip-producers "$BINDGEN/${name}_bg.wasm" -o "dist/${name}_bg.wasm"
  # Short import/export names (wasm-bindgen's carry hashes: ~6 KB that barely compress), the glue rewritten to match,
  # and the module's JS imports (src/: #[wasm_bindgen(module = "/js/…")]) taken from js/ as the entries import them:
  # one module, one copy in the bundle. A rewrite that does not match as expected fails the build (scripts/glue.mjs,
  # which prints those imports' file names).
  node_modules/.bin/wasm-opt --minify-imports-and-exports-and-modules $FEATURES "dist/${name}_bg.wasm" -o "dist/${name}_bg.wasm" > "target/${name}-names.json"
  SNIPPETS="$SNIPPETS $(node scripts/glue.mjs "$BINDGEN/${name}.js" "target/${name}-names.json" "dist/${name}_bg.wasm" "dist/${name}.js" "target/${name}-glue.json")"
}
build ait_iap --features small
build ait_iap_headless --no-default-features --features small

cp js/*.css js/*.d.ts js/host-emulator.js js/emulator-*.js dist/
cp -r js/server js/vite dist/ # ait-iap/server and ait-iap/vite: Node code, shipped as written (readable; no bundling needed)
cp -r js/toss-emulator dist/ # ait-iap/toss-emulator and the `ait-iap` command (package.json bin): Node code, shipped as written
# What the app ships, one minified file per entry: the entry, the code both share (js/entry.js) and its build's
# wasm-bindgen glue, bundled (glue exports nobody uses, e.g. initSync, drop out). import.meta.url stays as it is,
# so the .wasm beside the file is found and bundlers emit it.
SHARED="entry.js error-codes.js $(printf '%s\n' $SNIPPETS | sort -u | tr '\n' ' ')" # and the module's JS imports, as glue.mjs found them
# `entitlements` (js/entitlements.js: plain JS, no wasm) is a file of its own, which both entries and ait-iap/react
# import (kept external to their bundles): an app pays its bytes only when it calls it (bundlers drop an unused one).
cp js/index.js js/headless.js js/entitlements.js $(printf 'js/%s ' $SHARED) dist/
for entry in index headless; do
  node_modules/.bin/esbuild "dist/$entry.js" --bundle --minify --format=esm --target=chrome96,safari15 \
    --external:./entitlements.js --outfile="dist/$entry.js" --allow-overwrite --log-level=warning
done
node_modules/.bin/esbuild dist/entitlements.js --bundle --minify --format=esm --target=chrome96,safari15 \
  --outfile=dist/entitlements.js --allow-overwrite --log-level=warning
(cd dist && rm $SHARED ait_iap.js ait_iap_headless.js)
# ait-iap/react and ait-iap/react/product-list: shipped as written; they import react, the first ./headless.js and the
# second ./index.js, which the provider then loads instead (one module instance each), and the typed error
# (ait-error.js, error-codes.js: as written, beside them).
cp js/react.js js/react-product-list.js js/ait-error.js js/error-codes.js dist/
node scripts/size.mjs
# The golden test of the rewritten glue (scripts/glue.mjs): each rewrite applied as expected, both entries' imports
# resolve against their .wasm, nothing rewritten left over. Unset NODE_TEST_CONTEXT: under a test (npm pack's
# prepack in tests/package.test.mjs) node --test would print nothing and exit 0 even on a failure.
env -u NODE_TEST_CONTEXT node --test --test-reporter=dot tests/glue.test.mjs
