// What both entries share: explicit, memoized async init of their own wasm build, the typed error for use
// before it, and the async order-history iterator on the client.

/** The most pages `orderHistory()` reads: a host that keeps answering `hasNext` is cut off there. */
const MAX_HISTORY_PAGES = 200;

import { aitError } from './ait-error.js';
import { NOT_INITIALIZED, WASM_LOAD_FAILED } from './error-codes.js';
import { checkGrantUrl } from './hand-off.js';

/** `initWasm` and `wasm` are one wasm-bindgen build's default export and its `IapClient`, `createIap`, `detectEnvironment`. */
export function entry(initWasm, wasm) {
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

  /** Loads and instantiates the wasm module once. `module` may be a URL, Response, BufferSource or Module. A failed
   *  load rejects with `WASM_LOAD_FAILED` and is not remembered: a later `init()` tries again. */
  function init(module) {
    ready ??= initWasm({ module_or_path: module }).then(
      () => {
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
