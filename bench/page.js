// Benchmark page: the same list work done by ait-iap (wasm) and by the plain-JS baseline, timed in the page.
// Driven by bench/run.mjs; `?init=wasm|js` times module init + the first render of 20 rows instead.
import { IAP } from '@apps-in-toss/web-bridge';
import { installHostEmulator } from '../dist/host-emulator.js';
import { soakRound } from './soak-page.js';
import { initCatchingExports, memoryOf } from './wasm-exports.js';

const stage = document.getElementById('stage');
const KINDS = ['CONSUMABLE', 'NON_CONSUMABLE', 'SUBSCRIPTION'];

/** `n` products; `version` changes skus (replace), `priced` changes the price of every 10th row (update). */
function products(n, { version = 0, priced = false } = {}) {
  return Array.from({ length: n }, (_, i) => {
    const type = KINDS[i % 3];
    return {
      sku: `p-${version}-${i}`,
      type,
      displayName: `상품 ${i}`,
      displayAmount: `${((i + 1) * 100 + (priced && i % 10 === 0 ? 1 : 0)).toLocaleString('ko-KR')}원`,
      iconUrl: '',
      description: `설명 ${i}`,
      ...(type === 'SUBSCRIPTION' ? { renewalCycle: 'MONTHLY' } : {}),
    };
  });
}

const settle = () => document.body.offsetHeight; // forces style and layout

async function makers() {
  installHostEmulator({ environment: 'sandbox', storageKey: null });
  const { init, createIap, mountProductList } = await import('../dist/index.js');
  const { mountBaselineList } = await import('./baseline-list.js');
  wasmExports = await initCatchingExports(init, '/dist/ait_iap_bg.wasm'); // its linear memory, for the report
  const client = createIap({ sdk: IAP, grant: '/api/grant', recoverOnStart: false });
  return {
    wasm: (container) => mountProductList(container, client, { products: [], testBadge: false }),
    js: (container) => mountBaselineList(container),
  };
}

const SCENARIOS = {
  create20: { before: [], run: products(20) },
  create100: { before: [], run: products(100) },
  create1000: { before: [], run: products(1000) },
  update10pct: { before: products(1000), run: products(1000, { priced: true }) },
  replace1000: { before: products(1000), run: products(1000, { version: 1 }) },
  clear: { before: products(1000), run: [] },
};

let ready = null;
let wasmExports = null;

/** A new, empty list of `impl` on the stage. */
async function freshList(impl) {
  ready ??= makers();
  const make = (await ready)[impl];
  const container = document.createElement('div');
  stage.replaceChildren(container);
  return make(container);
}

/** One timed iteration: `{ script, total }` in ms (total includes the forced style/layout). */
window.runOnce = async (impl, scenario) => {
  const { before, run } = SCENARIOS[scenario];
  const list = await freshList(impl);
  list.update(before);
  settle();
  const t0 = performance.now();
  list.update(run);
  const t1 = performance.now();
  settle();
  const t2 = performance.now();
  list.destroy();
  return { script: t1 - t0, total: t2 - t0 };
};

/** The instance's linear memory (found by type: the build minifies export names). */
const wasmMemory = () => memoryOf(wasmExports)?.buffer.byteLength ?? 0;

/** Heap after 1000 rows (JS heap; plus the wasm memory for ait-iap). */
window.memoryAfter1000 = async (impl) => {
  const list = await freshList(impl);
  list.update(products(1000));
  settle();
  window.gc?.();
  await new Promise((r) => setTimeout(r, 50));
  window.gc?.();
  return { jsHeap: performance.memory?.usedJSHeapSize ?? 0, wasmMemory: impl === 'wasm' ? wasmMemory() : 0, keep: list !== null };
};

/** Module init (fetch + compile + instantiate) and the first render of 20 rows, from a fresh page. */
window.initAndFirstRender = async (impl) => {
  const t0 = performance.now();
  const container = document.createElement('div');
  stage.replaceChildren(container);
  if (impl === 'wasm') {
    installHostEmulator({ environment: 'sandbox', storageKey: null });
    const { init, createIap, mountProductList } = await import('../dist/index.js');
    await init(new URL('/dist/ait_iap_bg.wasm', location.href));
    const client = createIap({ sdk: IAP, grant: '/api/grant', recoverOnStart: false });
    mountProductList(container, client, { products: products(20), testBadge: false });
  } else {
    const { mountBaselineList } = await import('./baseline-list.js');
    mountBaselineList(container).update(products(20));
  }
  settle();
  return performance.now() - t0;
};
/** The host's answer to `getProductItemList` on a first visit: a round trip to Toss's servers. */
const HOST_MS = 150;

/** A first visit as a mini-app has it: the host answers `getProductItemList` after HOST_MS, for both sides.
 *  `order`: 'quickstart' (the README's: `init({ sdk })` asks for the products while the module loads, then the
 *  client and the list, which shows that answer), 'sequential' (`await init()`, then `client.products()`, then the
 *  list: the order before the fast start, with its phases timed), or 'repeat' (the quick start on a repeat visit:
 *  the last catalogue in storage, drawn before the SDK answers; plain JS has no such store and waits). Returns the
 *  total (until the 20 rows are drawn) and, for 'sequential', ait-iap's phases in ms: fetch, compile, instantiate,
 *  client creation, waiting for products, drawing. */
window.initFromHost = async (impl, order = 'quickstart') => {
  installHostEmulator({ environment: 'sandbox', storageKey: null, latencyMs: HOST_MS, products: products(20) });
  if (order === 'repeat') localStorage.setItem('ait-iap:catalogue', JSON.stringify(products(20)));
  const container = document.createElement('div');
  stage.replaceChildren(container);
  const t0 = performance.now();
  const phases = {};
  let last = t0;
  const mark = (name) => {
    const now = performance.now();
    phases[name] = now - last;
    last = now;
  };
  if (impl === 'js') {
    const { mountBaselineList } = await import('./baseline-list.js');
    const { products: items } = await IAP.getProductItemList();
    mountBaselineList(container).update(items);
  } else if (order === 'sequential') {
    const { init, createIap, mountProductList } = await import('../dist/index.js');
    const bytes = await (await fetch('/dist/ait_iap_bg.wasm')).arrayBuffer();
    mark('fetch');
    const module = await WebAssembly.compile(bytes);
    mark('compile');
    await init(module);
    mark('instantiate');
    const client = createIap({ sdk: IAP, grant: '/api/grant', recoverOnStart: false });
    mark('client');
    const items = await client.products();
    mark('products');
    mountProductList(container, client, { products: items, testBadge: false });
    settle();
    mark('render');
  } else {
    const { init, createIap, mountProductList } = await import('../dist/index.js');
    mark('import');
    await init({ sdk: IAP, wasm: '/dist/ait_iap_bg.wasm' });
    mark('init');
    const client = createIap({ sdk: IAP, grant: '/api/grant', recoverOnStart: false });
    mark('client');
    mountProductList(container, client, { testBadge: false });
    mark('mount');
    await new Promise((resolve) => new MutationObserver((_, o) => container.dataset.state === 'ready' && (o.disconnect(), resolve())).observe(container, { attributes: true }));
    mark('ready');
  }
  settle();
  mark('layout');
  return { total: performance.now() - t0, phases };
};

window.soakRound = soakRound; // bench/soak.mjs
window.benchReady = true;

/** For profiling: set up once, then alternate between the scenario's two lists `n` times (no layout). */
window.repeatTimed = async (impl, scenario, n) => {
  const { before, run } = SCENARIOS[scenario];
  const list = await freshList(impl);
  for (let i = 0; i < n; i++) list.update(i % 2 ? before : run);
  list.destroy();
};
