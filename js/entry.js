// What both entries share: explicit, memoized async init of their own wasm build, the typed error for use
// before it, and the async order-history iterator on the client.

/** The most pages `orderHistory()` reads: a host that keeps answering `hasNext` is cut off there. */
const MAX_HISTORY_PAGES = 200;

import { aitError } from './ait-error.js';
import { NOT_INITIALIZED, WASM_LOAD_FAILED } from './error-codes.js';
import { checkGrantUrl } from './hand-off.js';

/** `wasmUrl`: the build's `.wasm` beside the entry; `wasm`: its wasm-bindgen glue's `initSync`, `IapClient`,
 *  `createIap`, `detectEnvironment`. */
export function entry(wasmUrl, wasm) {
  /** Every completed or refunded order, across all pages: `for await (const order of client.orderHistory())`. */
  wasm.IapClient.prototype.orderHistory = async function* orderHistory() {
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
  /** The answer of `init({ sdk })`'s product call until the first client takes it (then null: a later
   *  `init({ sdk })` asks no more). */
  let early;

  /** Loads and instantiates the wasm module once. `arg` is where the module is (a URL, Response, BufferSource or
   *  Module) or `{ sdk, wasm }`: then the SDK's `getProductItemList()` starts at once, while the module loads, and
   *  the first client's first product list or `products()` shows its answer (one call, no wait after the module).
   *  A failed load rejects with `WASM_LOAD_FAILED` and is not remembered: a later `init()` tries again. */
  function init(arg) {
    // A plain object is options: a URL, Response, BufferSource or Module is not.
    const { sdk, wasm: module = wasmUrl } = arg?.constructor === Object ? arg : { wasm: arg };
    if (sdk && early === undefined) {
      // A throwing SDK rejects the answer; its failure waits for the list to show it, not reported as unhandled.
      early = new Promise((resolve) => resolve(sdk.getProductItemList()));
      early.catch(() => {});
    }
    ready ??= compile(module).then(
      (compiled) => {
        wasm.initSync({ module: compiled });
        initialized = true;
      },
      (cause) => {
        ready = null;
        throw aitError(
          WASM_LOAD_FAILED,
          `the .wasm did not load (${cause?.message ?? cause}): pass its URL to init(); Vite: aitIap() or optimizeDeps.exclude`,
          cause,
        );
      },
    );
    return ready;
  }

  function assertReady() {
    if (!initialized) throw aitError(NOT_INITIALIZED, 'await init() before using the library');
  }

  return {
    init,
    assertReady,
    createIap(options) {
      assertReady();
      // The first client takes init({ sdk })'s product call: its SDK answers the first getProductItemList() with it.
      if (early && options?.sdk instanceof Object) {
        options = { ...options, sdk: answered(options.sdk, early) };
        early = null;
      }
      const client = wasm.createIap(options);
      if (wasm.detectEnvironment() === 'sandbox') checkGrantUrl(options.grant);
      return client;
    },
    /** 'toss', 'sandbox', or 'none' when the page runs without the Toss host. */
    detectEnvironment() {
      assertReady();
      return wasm.detectEnvironment();
    },
  };
}

/** The compiled module from a URL, a Response (or its promise), its bytes, or a Module: compiled as it downloads
 *  when the server says it is wasm (the browser streams nothing else). */
async function compile(source) {
  if (typeof source === 'string' || source instanceof URL || source instanceof Request) source = fetch(source);
  source = await source;
  if (source instanceof WebAssembly.Module) return source;
  if (!(source instanceof Response)) return WebAssembly.compile(source);
  if (!source.ok) throw new Error(`HTTP ${source.status} ${source.url}`);
  if (source.headers.get('content-type') === 'application/wasm') return WebAssembly.compileStreaming(source);
  return WebAssembly.compile(await source.arrayBuffer());
}

/** `sdk`, its first `getProductItemList()` answered by `answer` (the SDK's methods do not use `this`). */
function answered(sdk, answer) {
  return Object.create(sdk, {
    getProductItemList: {
      value() {
        const first = answer;
        answer = null;
        return first ?? sdk.getProductItemList();
      },
    },
  });
}
