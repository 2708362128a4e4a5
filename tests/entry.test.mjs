// The package entry outside a browser page: a typed error before init, init memoized, then the module works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { init, createIap, mountProductList, detectEnvironment } from '../dist/index.js';
import { assertDocumented } from './documented-errors.mjs';

/** A JS-side error: routed as documented, its message the developer's English, `ait-iap: ` and its detail. */
const developers = (code, says) => (e) => assertDocumented(e) && e.code === code && says.test(e.detail) && e.message === `ait-iap: ${e.detail}`;

test('every entry point throws NOT_INITIALIZED before init()', () => {
  for (const call of [() => createIap({ sdk: {}, grant: '/g' }), () => mountProductList(null, null), () => detectEnvironment()]) {
    assert.throws(call, (e) => e instanceof Error && e.name === 'AitIapError' && e.code === 'NOT_INITIALIZED' && /init\(\)/.test(e.message));
  }
});

test('a failed load rejects with WASM_LOAD_FAILED, says how to fix it, and is not remembered', async () => {
  // What Vite's dev server answers for a pre-bundled dependency's .wasm: its index.html.
  const html = new Response('<!doctype html><html></html>', { headers: { 'content-type': 'text/html' } });
  await assert.rejects(init(html), (e) => e.name === 'AitIapError' && e.code === 'WASM_LOAD_FAILED' && /optimizeDeps/.test(e.message) && e.cause !== undefined);
  assert.throws(() => detectEnvironment(), (e) => e.code === 'NOT_INITIALIZED');
});

test('NOT_INITIALIZED and WASM_LOAD_FAILED carry their code\'s documented routing, as the module\'s errors', async () => {
  const headless = await import('../dist/headless.js');
  for (const call of [() => createIap({ sdk: {}, grant: '/g' }), () => mountProductList(null, null), () => detectEnvironment(), () => headless.createIap({ grant: '/g' })]) {
    assert.throws(call, developers('NOT_INITIALIZED', /^await init\(\)/));
  }
  const html = () => new Response('<!doctype html><html></html>', { headers: { 'content-type': 'text/html' } });
  await assert.rejects(init(html()), developers('WASM_LOAD_FAILED', /optimizeDeps/));
  await assert.rejects(headless.init(html()), developers('WASM_LOAD_FAILED', /optimizeDeps/));
});

test('ait-iap/react: a hook outside <IapProvider> throws NOT_INITIALIZED with its documented routing', async () => {
  const { createElement } = await import('react');
  const { renderToString } = await import('react-dom/server');
  const { useIapClient, usePurchase } = await import('../dist/react.js');
  for (const hook of [useIapClient, usePurchase]) {
    assert.throws(() => renderToString(createElement(() => (hook(), null))), developers('NOT_INITIALIZED', /<IapProvider>/));
  }
});

test('init() is memoized: one instantiation however often it is called', async () => {
  const bytes = readFileSync(new URL('../dist/ait_iap_bg.wasm', import.meta.url));
  const first = init(bytes);
  assert.equal(init(bytes), first);
  assert.equal(init(), first, 'a later call without arguments gets the same promise');
  await first;
  assert.equal(detectEnvironment(), 'none', 'no Toss host in Node');
  assert.throws(() => createIap({ grant: '/g' }), (e) => e.code === 'INVALID_ARGUMENT' && e.category === 'developer');
  assert.throws(() => createIap({ grant: '/g' }), developers('INVALID_ARGUMENT', /^createIap: sdk/));
});

test('ait-iap/headless: NOT_INITIALIZED before its own init(), which loads the headless build', async () => {
  const headless = await import('../dist/headless.js');
  assert.deepEqual(Object.keys(headless).sort(), ['createIap', 'detectEnvironment', 'entitlements', 'init']);
  const main = await import('../dist/index.js');
  assert.equal(headless.entitlements, main.entitlements, 'one entitlements() for both entries: dist/entitlements.js, outside their bundles');
  await assert.rejects(headless.entitlements('http://127.0.0.1:9/none', { timeoutMs: 2000 }), (e) => e.name === 'AitIapError' && e.code === 'ENTITLEMENTS_UNREACHABLE', 'it needs no init()');
  assert.throws(() => headless.detectEnvironment(), (e) => e.name === 'AitIapError' && e.code === 'NOT_INITIALIZED');
  const bytes = readFileSync(new URL('../dist/ait_iap_headless_bg.wasm', import.meta.url));
  const first = headless.init(bytes);
  assert.equal(headless.init(), first, 'memoized');
  await first;
  assert.equal(headless.detectEnvironment(), 'none');
  assert.throws(() => headless.createIap({ grant: '/g' }), (e) => e.code === 'INVALID_ARGUMENT' && e.category === 'developer');
});

test('init({ sdk, wasm }) asks the SDK for its products at once, and a failing SDK neither throws nor goes unhandled', async () => {
  const fresh = await import('../dist/headless.js?init-options'); // a module instance of its own: not initialized yet
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  let asked = 0;
  const sdk = {
    getProductItemList() {
      asked++;
      throw Object.assign(new Error('no host'), { code: 'INTERNAL_ERROR' });
    },
  };
  const bytes = readFileSync(new URL('../dist/ait_iap_headless_bg.wasm', import.meta.url));
  const ready = fresh.init({ sdk, wasm: bytes });
  assert.equal(asked, 1, 'asked before the module is ready');
  assert.equal(fresh.init({ sdk }), ready, 'memoized, and asked once');
  await ready;
  await new Promise((resolve) => setTimeout(resolve, 10));
  process.off('unhandledRejection', onUnhandled);
  assert.equal(asked, 1);
  assert.deepEqual(unhandled, []);
  assert.equal(fresh.detectEnvironment(), 'none');
});
