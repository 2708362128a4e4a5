// The sandbox mini-app: the real SDK (web-bridge) against the host emulator when no Toss host is present,
// our wasm module rendering the shop, and the dev backend receiving orderIds.
import { IAP } from '@apps-in-toss/web-bridge';
import { init, createIap, mountProductList } from '../dist/index.js';
import { installHostEmulator } from '../dist/host-emulator.js';

const params = new URLSearchParams(location.search);
const environment = document.getElementById('environment');

if (!window.ReactNativeWebView && params.get('host') !== 'none') {
  window.hostEmulator = installHostEmulator({ environment: params.get('env') ?? 'sandbox' });
  environment.textContent = '호스트 에뮬레이터 (sandbox) · Host emulator';
} else if (window.ReactNativeWebView) {
  environment.textContent = 'Toss 호스트 · Toss host';
} else {
  environment.textContent = '호스트 없음 · No host';
}

await init(new URL('/dist/ait_iap_bg.wasm', location.href));
const iap = createIap({ sdk: IAP, grant: { url: '/api/grant' } });
window.iap = iap;
mountProductList(document.getElementById('shop'), iap);
