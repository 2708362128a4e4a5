// The shop under `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' https:`
// (served with that header): no inline script or style anywhere in the module, the SDK or the list.
import { IAP } from '@apps-in-toss/web-bridge';
import { init, createIap, mountProductList } from '../dist/index.js';
import { installHostEmulator } from '../dist/host-emulator.js';

window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
window.hostEmulator = installHostEmulator({ environment: 'sandbox', storageKey: null, mirrorUrl: '/__emulator/orders' });
await init(new URL('/dist/ait_iap_bg.wasm', location.href));
window.iap = createIap({ sdk: IAP, grant: '/api/grant' });
mountProductList(document.getElementById('shop'), window.iap);
