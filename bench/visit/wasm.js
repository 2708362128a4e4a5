// A first visit of the ait-iap shop in the quick start's order (README): `init({ sdk })`, the client, the list.
// The page preloads the .wasm as the Vite plugin's build does (bench/visit/wasm.html).
import { IAP } from '@apps-in-toss/web-bridge';
import { installHostEmulator } from '../../dist/host-emulator.js';
import { init, createIap, mountProductList } from '../../dist/index.js';
import { HOST_MS, visitProducts, drawn } from './shared.js';

installHostEmulator({ environment: 'sandbox', storageKey: null, latencyMs: HOST_MS, products: visitProducts() });
const container = document.getElementById('stage');
await init({ sdk: IAP, wasm: '/dist/ait_iap_bg.wasm' });
mountProductList(container, createIap({ sdk: IAP, grant: '/api/grant', recoverOnStart: false }), { testBadge: false });
new MutationObserver((_, o) => container.dataset.state === 'ready' && (o.disconnect(), drawn())).observe(container, { attributes: true });
