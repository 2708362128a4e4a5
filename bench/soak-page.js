// The soak benchmark's page side (bench/soak.mjs drives it): one page, a product list mounted, purchases one after
// another through the real SDK and the host emulator, each paid order handed to a grant function that grants it
// (an app's own call to its backend; no HTTP, so that the page's memory is all that is measured and thousands of
// purchases take minutes). ait-iap: the list's buy buttons (the engine, the list, the outbox and the hand-off all take
// part). The baseline: the raw SDK and a plain-JS list (bench/baseline-list.js), the same grant function called from
// `processProductGrant`, without the engine.
import { IAP } from '@apps-in-toss/web-bridge';
import { installHostEmulator, SANDBOX_PRODUCTS } from '../dist/host-emulator.js';
import { initCatchingExports, memoryOf } from './wasm-exports.js';

/** Listed by the app but unknown to the host: its purchase fails with INVALID_PRODUCT_ID. */
const UNKNOWN = 'ait.bench.unknown.sku';
const PRODUCTS = [
  ...SANDBOX_PRODUCTS.map((p) => ({ ...p })),
  { sku: UNKNOWN, type: 'CONSUMABLE', displayName: '없는 상품', displayAmount: '500원', iconUrl: '', description: '호스트가 모르는 상품' },
];
/** Purchase `i`'s sku: of every 7, 6 of the two sandbox products (granted) and one unknown sku. */
const skuOf = (i) => (i % 7 === 6 ? UNKNOWN : PRODUCTS[i % 2].sku);
const ENDED = new Set(['completed', 'canceled', 'pending', 'failed']);

let soak = null;

/** The app's grant: its backend granted the order (after a round trip, here a task). */
const grant = () => new Promise((resolve) => setTimeout(() => resolve(true), 0));

/** Sets the page up for `impl` ('wasm' or 'js'): the host emulator and the list. */
async function setUp(impl) {
  installHostEmulator({ environment: 'sandbox', storageKey: null, autoConfirm: true });
  const container = document.createElement('div');
  document.getElementById('stage').replaceChildren(container);
  if (impl === 'wasm') return setUpWasm(container);
  const { mountBaselineList } = await import('./baseline-list.js');
  mountBaselineList(container).update(PRODUCTS);
  const status = container.appendChild(document.createElement('p'));
  return { buy: (sku) => rawPurchase(sku, status), wasmMemory: () => 0 };
}

async function setUpWasm(container) {
  const { init, createIap, mountProductList } = await import('../dist/index.js');
  const memory = memoryOf(await initCatchingExports(init, '/dist/ait_iap_bg.wasm'));
  const client = createIap({ sdk: IAP, grant, recoverOnStart: false });
  mountProductList(container, client, { products: PRODUCTS, testBadge: false });
  // A tap on the row's buy button; the outcome is in once the client's phase ends (the list has drawn it by then:
  // listeners run after the effects). One that never ends counts as stuck, and the soak goes on.
  const buy = (sku) =>
    new Promise((resolve) => {
      const stuck = setTimeout(() => resolve('stuck'), 40_000);
      const unsubscribe = client.subscribe((state) => {
        if (!ENDED.has(state.phase)) return;
        clearTimeout(stuck);
        unsubscribe();
        resolve(state.phase);
      });
      container.querySelector(`button.ait-iap-buy[data-sku="${sku}"]`).click();
    });
  return { buy, wasmMemory: () => memory?.buffer.byteLength ?? 0 };
}

/** A purchase through the raw SDK, as an app without ait-iap writes it: the grant called from processProductGrant. */
function rawPurchase(sku, status) {
  return new Promise((resolve) => {
    let cleanup = null;
    const end = (phase) => {
      cleanup?.();
      status.textContent = `${sku}: ${phase}`;
      resolve(phase);
    };
    const processProductGrant = ({ orderId }) => grant({ orderId, sku, environment: 'sandbox' });
    cleanup = IAP.createOneTimePurchaseOrder({
      options: { sku, processProductGrant },
      onEvent: (event) => event.type === 'success' && end('completed'),
      onError: () => end('failed'),
    });
  });
}

/** Runs purchases `from` … `from + count − 1` one after another; returns how many ended in each phase and the wasm
 *  linear memory after them (0 for the baseline). */
export async function soakRound(impl, from, count) {
  soak ??= await setUp(impl);
  const phases = {};
  for (let i = from; i < from + count; i++) {
    const phase = await soak.buy(skuOf(i));
    phases[phase] = (phases[phase] ?? 0) + 1;
  }
  return { phases, wasmMemory: soak.wasmMemory() };
}
