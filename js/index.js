// The package's main entry: explicit, memoized async init, then the wasm exports.
import initWasm, {
  IapClient,
  createIap as createIapWasm,
  mountProductList as mountProductListWasm,
  detectEnvironment as detectEnvironmentWasm,
} from './ait_iap.js';

/** The most pages `orderHistory()` reads: a host that keeps answering `hasNext` is cut off there. */
const MAX_HISTORY_PAGES = 200;

/** Every completed or refunded order, across all pages: `for await (const order of client.orderHistory())`. */
IapClient.prototype.orderHistory = async function* orderHistory() {
  let key;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const { orders, nextKey } = await this.historyPage(key);
    yield* orders;
    if (nextKey === null) return;
    key = nextKey;
  }
};

let ready = null;
let initialized = false;

/** Loads and instantiates the wasm module once. `wasm` may be a URL, Response, BufferSource or Module. */
export function init(wasm) {
  ready ??= initWasm(wasm === undefined ? undefined : { module_or_path: wasm }).then(() => {
    initialized = true;
  });
  return ready;
}

function assertReady() {
  if (!initialized) {
    const error = new Error('ait-iap: await init() before using the library');
    error.name = 'AitIapError';
    error.code = 'NOT_INITIALIZED';
    throw error;
  }
}

export function createIap(options) {
  assertReady();
  return createIapWasm(options);
}

/** `mountProductList(container, client, options?)` or `mountProductList(container, { client, ...options })`. */
export function mountProductList(container, client, options) {
  assertReady();
  if (!(client instanceof IapClient) && client?.client instanceof IapClient) {
    options = client;
    client = client.client;
  }
  return mountProductListWasm(container, client, options);
}

/** 'toss', 'sandbox', or 'none' when the page runs without the Toss host. */
export function detectEnvironment() {
  assertReady();
  return detectEnvironmentWasm();
}
