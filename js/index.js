// The package's main entry: explicit, memoized async init, then the wasm exports.
import initWasm, {
  createIap as createIapWasm,
  mountProductList as mountProductListWasm,
  detectEnvironment as detectEnvironmentWasm,
} from './ait_iap.js';

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

export function mountProductList(container, client) {
  assertReady();
  return mountProductListWasm(container, client);
}

/** 'toss', 'sandbox', or 'none' when the page runs without the Toss host. */
export function detectEnvironment() {
  assertReady();
  return detectEnvironmentWasm();
}
