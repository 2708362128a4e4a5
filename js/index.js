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

function aitError(code, message, cause) {
  const error = new Error(message, { cause });
  error.name = 'AitIapError';
  error.code = code;
  return error;
}

/** Loads and instantiates the wasm module once. `wasm` may be a URL, Response, BufferSource or Module. A failed
 *  load rejects with `WASM_LOAD_FAILED` and is not remembered: a later `init()` tries again. */
export function init(wasm) {
  ready ??= initWasm(wasm === undefined ? undefined : { module_or_path: wasm }).then(
    () => {
      initialized = true;
    },
    (cause) => {
      ready = null;
      throw aitError(
        'WASM_LOAD_FAILED',
        `ait-iap: the .wasm did not load (${cause?.message ?? cause}). Vite's dev server: add optimizeDeps: { exclude: ['ait-iap'] }. ` +
          `Elsewhere pass its URL, init('/assets/ait_iap_bg.wasm'), served as application/wasm.`,
        cause,
      );
    },
  );
  return ready;
}

function assertReady() {
  if (!initialized) throw aitError('NOT_INITIALIZED', 'ait-iap: await init() before using the library');
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
