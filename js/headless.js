// `ait-iap/headless`: the purchase engine without the product list, for apps that draw their own shop (a smaller
// wasm build). Use one entry per app: each loads its own module.
import * as wasm from './ait_iap_headless.js';
import { entry } from './entry.js';

export { entitlements } from './entitlements.js';

export const { init, createIap, detectEnvironment } = entry(new URL('ait_iap_headless_bg.wasm', import.meta.url), {
  initSync: wasm.initSync,
  IapClient: wasm.IapClient,
  createIap: wasm.createIap,
  detectEnvironment: wasm.detectEnvironment,
});
