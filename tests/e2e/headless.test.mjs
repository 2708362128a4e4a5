// `ait-iap/headless` (the engine without the product list, its own wasm build) in the sandbox page: the real SDK
// against the host emulator, the dev backend over real HTTP. The same purchase as the main entry's, and no list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, hostOrders, SKU2 } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

test('headless entry: products, a purchase granted once and completed at Toss, recovery, typed errors', async () => {
  const page = await sandbox.page();
  const result = await page.evaluate(async (sku) => {
    const headless = await import('/dist/headless.js');
    const early = (() => { try { headless.createIap({}); } catch (e) { return e.code; } })();
    await headless.init(new URL('/dist/ait_iap_headless_bg.wasm', location.href));
    const client = headless.createIap({ sdk: window.sdk, grant: '/api/grant', storageKey: 'headless-test', recoverOnStart: false });
    const products = await client.products();
    const phases = [];
    client.subscribe((s) => phases.push(s.phase));
    const outcome = await client.purchase(sku);
    const invalid = (() => { try { headless.createIap({ sdk: window.sdk }); } catch (e) { return [e.name, e.code]; } })();
    return {
      early,
      exports: Object.keys(headless).sort(),
      environment: headless.detectEnvironment(),
      names: products.map((p) => p.displayName),
      outcome,
      phases,
      recovered: await client.recoverPendingOrders(),
      invalid,
    };
  }, SKU2);
  assert.equal(result.early, 'NOT_INITIALIZED');
  assert.deepEqual(result.exports, ['createIap', 'detectEnvironment', 'entitlements', 'init'], 'no product list in the headless entry');
  assert.equal(result.environment, 'sandbox');
  assert.deepEqual(result.names, ['테스트 상품 - 1', '테스트 상품 - 2']);
  assert.equal(result.outcome.status, 'completed');
  assert.equal(result.outcome.sku, SKU2);
  assert.deepEqual(result.phases.slice(-1), ['completed']);
  assert.ok(result.phases.includes('granting'));
  assert.equal(sandbox.server.backend.grants.get(result.outcome.orderId).requests, 1, 'the backend granted it once');
  const order = (await hostOrders(page)).find((o) => o.orderId === result.outcome.orderId);
  assert.equal(order.status, 'completed');
  assert.deepEqual(result.recovered, { granted: [], refused: [], failed: [] });
  assert.deepEqual(result.invalid, ['AitIapError', 'INVALID_ARGUMENT']);
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});
