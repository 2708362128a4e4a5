#!/usr/bin/env bash
# Release build: cargo (wasm32) → wasm-bindgen --target web → wasm-opt -Oz → dist/, then the shipped sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

# Panic locations embed each dependency's source path: drop the registry prefix from them.
REMAP=""
for dir in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do REMAP="$REMAP --remap-path-prefix=$dir="; done
RUSTFLAGS="${RUSTFLAGS:-}$REMAP" cargo build --quiet --release --target wasm32-unknown-unknown --features small
rm -rf dist && mkdir -p dist
wasm-bindgen --target web --encode-into always --out-dir dist --out-name ait_iap target/wasm32-unknown-unknown/release/ait_iap.wasm
# Stripped Rust wasm needs its features named; --all-features would emit stringref and break the module.
# -iit: Rust code never relies on loads or arithmetic trapping.
FEATURES="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals"
node_modules/.bin/wasm-opt -iit --merge-similar-functions --flatten --rereloop -Oz -Oz $FEATURES --strip-producers dist/ait_iap_bg.wasm -o dist/ait_iap_bg.wasm
# Short import/export names (wasm-bindgen's carry hashes: ~6 KB that barely compress), the glue rewritten to match.
node_modules/.bin/wasm-opt --minify-imports-and-exports-and-modules $FEATURES dist/ait_iap_bg.wasm -o dist/ait_iap_bg.wasm > target/wasm-names.json
node scripts/minify-names.mjs dist/ait_iap.js target/wasm-names.json dist/ait_iap_bg.wasm
cp js/*.js js/*.css dist/
cp js/*.d.ts dist/
rm -f dist/ait_iap.d.ts dist/ait_iap_bg.wasm.d.ts  # wasm-bindgen's own types: index.d.ts types the entry
# Minify what the app ships (the wasm-bindgen glue and our entry); exports and import.meta.url stay as they are.
node_modules/.bin/esbuild dist/ait_iap.js dist/index.js --minify --format=esm --target=chrome96,safari15 \
  --outdir=dist --allow-overwrite --log-level=warning
node scripts/size.mjs
