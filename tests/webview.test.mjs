// The oldest WebViews ait-iap supports: iOS 15 Safari (WKWebView) and Android System WebView 96. Fails when the
// shipped wasm, JS or CSS needs anything newer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (file) => `${root}dist/${file}`;
export const TARGETS = ['safari15', 'chrome96'];

/** The wasm proposals both have (Safari version / Chrome version that shipped each). */
const WASM_FEATURES = {
  'mutable-globals': [12, 74],
  'sign-ext': [14.1, 74],
  'nontrapping-float-to-int': [15, 75],
  'bulk-memory': [15, 75],
  multivalue: [13.1, 85],
  'reference-types': [15, 96],
};

/** Validates a module with only `features` enabled; returns binaryen's complaint or ''. */
function newerFeatures(wasmPath, features = Object.keys(WASM_FEATURES)) {
  const flags = features.map((f) => `--enable-${f}`);
  try {
    execFileSync(`${root}node_modules/.bin/wasm-opt`, ['--mvp-features', ...flags, wasmPath, '-o', '/dev/null'], { stdio: 'pipe' });
    return '';
  } catch (e) {
    return String(e.stderr).split('\n').filter((l) => l.includes('validator error') || l.includes('Fatal')).slice(0, 3).join('\n') || 'invalid';
  }
}

for (const file of ['ait_iap_bg.wasm', 'ait_iap_headless_bg.wasm']) {
  test(`${file} uses no WebAssembly feature newer than iOS 15 Safari and Android WebView 96`, (t) => {
    const wasm = dist(file);
    assert.equal(newerFeatures(wasm), '');
    // The features it does use: those without which it no longer validates.
    const all = Object.keys(WASM_FEATURES);
    const used = all.filter((f) => newerFeatures(wasm, all.filter((g) => g !== f)) !== '');
    t.diagnostic(`wasm uses: ${used.map((f) => `${f} (Safari ${WASM_FEATURES[f][0]}, Chrome ${WASM_FEATURES[f][1]})`).join(', ')}`);
    assert.ok(used.length > 0, 'the feature probe sees the module');
  });
}

test('the feature check rejects a module that needs more (SIMD: Safari 16.4)', () => {
  const wat = `${root}target/simd.wat`, wasm = `${root}target/simd.wasm`;
  execFileSync('sh', ['-c', `printf '(module (func (export "f") (result v128) (v128.const i32x4 1 2 3 4)))' > ${wat}`]);
  execFileSync(`${root}node_modules/.bin/wasm-as`, ['--enable-simd', wat, '-o', wasm]);
  assert.match(newerFeatures(wasm), /validat/);
});

const SHIPPED_JS = ['index.js', 'headless.js', 'entitlements.js', 'ait-error.js', 'error-codes.js', 'host-emulator.js', 'emulator-catalogue.js', 'emulator-ledger.js', 'emulator-scenarios.js', 'emulator-sheet.js'];

test('the shipped JS needs no syntax newer than the targets', () => {
  for (const file of SHIPPED_JS) {
    const code = readFileSync(dist(file), 'utf8');
    const as = (target) => transformSync(code, { format: 'esm', minify: true, target }).code;
    assert.equal(as(TARGETS), as('esnext'), `${file} would need lowering for ${TARGETS}`);
  }
});

/** Web platform APIs newer than one of the targets, with the first Safari / Chrome that has them. */
const NEWER_APIS = {
  structuredClone: 'Safari 15.4', 'Object.hasOwn': 'Safari 15.4', '.at(': 'Safari 15.4', findLast: 'Safari 15.4',
  'crypto.randomUUID': 'Safari 15.4', 'AbortSignal.timeout': 'Safari 16', 'AbortSignal.any': 'Safari 17.4',
  toSorted: 'Safari 16', toReversed: 'Safari 16', 'Array.fromAsync': 'Safari 16.4', 'Promise.withResolvers': 'Safari 17.4',
  showPopover: 'Safari 17', checkVisibility: 'Safari 17.4',
  'Set.prototype.union': 'Safari 17', 'navigator.userActivation': 'Safari 16.4',
};
const NEWER_CSS = { ':has(': 'Chrome 105', 'color-mix(': 'Safari 16.2', '@container': 'Safari 16', '@layer': 'Safari 15.4', 'dvh': 'Safari 15.4', '&:': 'nesting, Safari 16.5' };

test('the shipped JS and CSS use no web API newer than the targets', () => {
  for (const file of SHIPPED_JS) {
    const code = readFileSync(dist(file), 'utf8');
    for (const [api, since] of Object.entries(NEWER_APIS)) assert.ok(!code.includes(api), `${file} uses ${api} (${since})`);
  }
  const css = readFileSync(dist('ait-iap.css'), 'utf8');
  for (const [feature, since] of Object.entries(NEWER_CSS)) assert.ok(!css.includes(feature), `ait-iap.css uses ${feature} (${since})`);
});
