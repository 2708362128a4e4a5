// A first visit of the plain-JS shop, for bench/run.mjs's network runs: the SDK, the host emulator and the baseline
// list in one bundle; the host answers the product list after 150 ms.
import { IAP } from '@apps-in-toss/web-bridge';
import { installHostEmulator } from '../../dist/host-emulator.js';
import { mountBaselineList } from '../baseline-list.js';
import { HOST_MS, visitProducts, drawn } from './shared.js';

installHostEmulator({ environment: 'sandbox', storageKey: null, latencyMs: HOST_MS, products: visitProducts() });
const container = document.getElementById('stage');
const { products } = await IAP.getProductItemList();
mountBaselineList(container).update(products);
drawn();
