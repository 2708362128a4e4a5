// The package's main entry: the purchase engine and the product list (`ait-iap/headless` is the engine alone).
import * as wasm from './ait_iap.js';
import { entry } from './entry.js';

export { entitlements } from './entitlements.js';

const api = entry(new URL('ait_iap_bg.wasm', import.meta.url), { initSync: wasm.initSync, IapClient: wasm.IapClient, createIap: wasm.createIap, detectEnvironment: wasm.detectEnvironment });
export const { init, createIap, detectEnvironment } = api;

/** `mountProductList(container, client, options?)` or `mountProductList(container, { client, ...options })`. */
export function mountProductList(container, client, options) {
  api.assertReady();
  if (!(client instanceof wasm.IapClient) && client?.client instanceof wasm.IapClient) ({ client, ...options } = client);
  return wasm.mountProductList(container, client, options);
}
