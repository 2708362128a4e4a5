// The sandbox mini-app: the real SDK (web-bridge) against the host emulator when no Toss host is present,
// our wasm module rendering the shop, the dev backend receiving orderIds.
// Query: ?host=none (no host at all), ?env=toss&version=5.218.0, ?catalogue=example, ?purchaseTimeoutMs=500, ?grantDeadlineMs=2000,
// ?sdk=1.4 (the page bundled with that web-bridge version).
import { IAP, Storage } from '@apps-in-toss/web-bridge';
import { init, createIap, mountProductList, detectEnvironment } from '../dist/index.js';
import { installHostEmulator, EXAMPLE_CATALOGUE } from '../dist/host-emulator.js';
import { mountHostPanel } from './panel.js';

const params = new URLSearchParams(location.search);
const environment = document.getElementById('environment');

if (!window.ReactNativeWebView && params.get('host') !== 'none') {
  window.hostEmulator = installHostEmulator({
    environment: params.get('env') ?? 'sandbox',
    appVersion: params.get('version') ?? '5.250.0',
    products: params.get('catalogue') === 'example' ? EXAMPLE_CATALOGUE : undefined,
    mirrorUrl: '/__emulator/orders',
  });
  environment.textContent = '호스트 에뮬레이터 · Host emulator';
  mountHostPanel(document.getElementById('host-panel'), window.hostEmulator);
} else if (window.ReactNativeWebView) {
  environment.textContent = 'Toss 호스트 · Toss host';
} else {
  environment.textContent = '호스트 없음 · No host. ';
  const link = document.createElement('a');
  link.href = '/';
  link.id = 'open-emulator';
  link.textContent = '호스트 에뮬레이터로 열기 · Open with the host emulator';
  environment.append(link);
}

// As the quick start: the SDK's product call starts now, while the module loads; the list shows its answer.
await init({ sdk: IAP, wasm: new URL('/dist/ait_iap_bg.wasm', location.href) });
const number = (name) => (params.has(name) ? Number(params.get(name)) : undefined);
window.iap = createIap({
  sdk: IAP,
  grant: { url: '/api/grant' },
  purchaseTimeoutMs: number('purchaseTimeoutMs'),
  grantDeadlineMs: number('grantDeadlineMs'),
});
window.sdk = IAP;
window.sdkStorage = Storage; // the SDK's native key-value store (async), for apps that keep the outbox there
window.detectEnvironment = detectEnvironment;
window.aitIap = { createIap, mountProductList, detectEnvironment };
window.iapList = mountProductList(document.getElementById('shop'), window.iap);
