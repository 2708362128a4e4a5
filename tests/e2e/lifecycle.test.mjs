// The lifecycles real apps put the library through: React StrictMode mounts, destroys and mounts again; a
// client is disposed and created again; the user leaves the shop while a purchase runs and the app reuses the
// container for something else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, buy, hostOrders, setScenario, SKU1 } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

test('mount, destroy, mount again on the same container (StrictMode): one list, one tap buys once', async () => {
  const page = await sandbox.page();
  await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
  await page.evaluate(() => {
    const shop = document.getElementById('shop');
    window.iapList.destroy();
    window.aitIap.mountProductList(shop, window.iap).destroy();
    window.iapList = window.aitIap.mountProductList(shop, window.iap);
  });
  await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
  assert.equal(await page.locator('#shop .ait-iap-list').count(), 1);
  const outcome = await buy(page);
  assert.equal(outcome.status, 'completed');
  const orders = await hostOrders(page);
  assert.equal(orders.length, 1, 'one SDK purchase for one tap');
  assert.equal(sandbox.server.backend.grants.get(orders[0].orderId).requests, 1);
  await page.close();
});

test('a destroyed list leaves the container as it found it and stays out of it', async () => {
  const page = await sandbox.page();
  await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
  await setScenario(page, { delayMs: 300 });
  await page.click(`button.ait-iap-buy[data-sku="${SKU1}"]`);
  // The user leaves the shop while the order sheet is open; the app puts its own content in the container.
  const after = await page.evaluate(async () => {
    const shop = document.getElementById('shop');
    window.iapList.destroy();
    shop.innerHTML = '<p id="app-content">app</p>';
    const outcome = await new Promise((resolve) => {
      const off = window.iap.subscribe((s) => { if (s.phase === 'completed' || s.phase === 'failed') { off(); resolve(s.phase); } });
    });
    await new Promise((r) => setTimeout(r, 50));
    return { outcome, html: shop.innerHTML, className: shop.className, state: shop.getAttribute('data-state') };
  });
  assert.equal(after.outcome, 'completed', 'the purchase itself goes on (the client owns it)');
  assert.equal(after.html, '<p id="app-content">app</p>', 'no late status line in the reused container');
  assert.equal(after.className, '');
  assert.equal(after.state, null);
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});

test('a client disposed and created again keeps working; the disposed one refuses without calling the SDK', async () => {
  const page = await sandbox.page();
  await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
  const old = await page.evaluate(async () => {
    const shop = document.getElementById('shop');
    const disposed = window.iap;
    window.iapList.destroy();
    disposed.dispose();
    window.iap = window.aitIap.createIap({ sdk: window.sdk, grant: { url: '/api/grant' } });
    window.iapList = window.aitIap.mountProductList(shop, window.iap);
    const o = await disposed.purchase('ait.sandbox.test.product.1');
    return { status: o.status, code: o.error?.code };
  });
  assert.deepEqual(old, { status: 'failed', code: 'DISPOSED' });
  assert.equal((await hostOrders(page)).length, 0);
  const outcome = await buy(page);
  assert.equal(outcome.status, 'completed');
  assert.equal((await hostOrders(page)).length, 1);
  assert.deepEqual(await page.evaluate(() => window.iap.outbox()), []);
  await page.close();
});

test('a client disposed right after creation (StrictMode effects) does no recovery work; the next one recovers once', async () => {
  const page = await sandbox.page('?grantDeadlineMs=1500');
  const shown = await sandbox.whileBackend('down', () => buy(page));
  assert.equal(shown.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  const before = sandbox.server.backend.requests.filter((r) => r.orderId === shown.orderId).length;
  const report = await page.evaluate(async () => {
    window.iapList.destroy();
    window.iap.dispose();
    const options = { sdk: window.sdk, grant: { url: '/api/grant' } };
    window.aitIap.createIap(options).dispose(); // the first mount's cleanup
    window.iap = window.aitIap.createIap(options);
    return window.iap.recoverPendingOrders();
  });
  assert.deepEqual(report.granted, [shown.orderId]);
  await page.waitForFunction(() => window.hostEmulator.orders()[0]?.status === 'completed' && window.iap.outbox().length === 0);
  await new Promise((r) => setTimeout(r, 300));
  const posts = sandbox.server.backend.requests.filter((r) => r.orderId === shown.orderId).length - before;
  assert.equal(posts, 1, 'one hand-off: the disposed client posted nothing');
  const completes = (await page.evaluate(() => window.hostEmulator.calls())).filter((c) => c.functionName === 'completeProductGrant' && c.type === 'method');
  assert.equal(completes.length, 1);
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});

/** Fires what a browser fires around its back/forward cache (`persisted`: the page may come back). */
const pageTransition = (page, type, persisted) =>
  page.evaluate(([type, persisted]) => window.dispatchEvent(new PageTransitionEvent(type, { persisted })), [type, persisted]);

test('back/forward cache: a page hidden into the cache and shown again has a working client', async () => {
  const page = await sandbox.page();
  await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
  await setScenario(page, { delayMs: 400 });
  await page.click(`button.ait-iap-buy[data-sku="${SKU1}"]`);
  await page.waitForFunction(() => window.iap.state.phase === 'requesting');
  await pageTransition(page, 'pagehide', true);
  // The purchase in flight ends when the page is hidden; the list says nothing about it ("module shut down"
  // would be wrong once the page is back).
  const status = page.locator('#shop .ait-iap-status[data-status="failed"]');
  await status.waitFor({ state: 'attached' });
  assert.equal(await status.getAttribute('data-error-code'), 'DISPOSED');
  assert.equal(await status.textContent(), '');
  await pageTransition(page, 'pageshow', true);
  const outcome = await buy(page);
  assert.equal(outcome.status, 'completed', 'the restored page buys again');
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});

test('a page unloading for good disposes the client', async () => {
  const page = await sandbox.page();
  await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
  await pageTransition(page, 'pagehide', false);
  await pageTransition(page, 'pageshow', true);
  const o = await page.evaluate(() => window.iap.purchase('ait.sandbox.test.product.1').then((o) => o.error?.code));
  assert.equal(o, 'DISPOSED');
  await page.close();
});

test('a purchase started from a state listener (on completed, buy the next) runs as its own purchase', async () => {
  const page = await sandbox.page();
  await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
  const result = await page.evaluate(async ([first, second]) => {
    let next = null;
    const off = window.iap.subscribe((state) => {
      if (state.phase === 'completed' && state.sku === first && !next) next = window.iap.purchase(second);
    });
    const a = await window.iap.purchase(first);
    while (!next) await new Promise((r) => setTimeout(r, 10));
    const b = await next;
    off();
    return { a: [a.status, a.sku], b: [b.status, b.sku], orders: window.hostEmulator.orders().map((o) => [o.sku, o.status]) };
  }, [SKU1, 'ait.sandbox.test.product.2']);
  assert.deepEqual(result.a, ['completed', SKU1]);
  assert.deepEqual(result.b, ['completed', 'ait.sandbox.test.product.2']);
  assert.deepEqual(result.orders.map((o) => o[1]), ['completed', 'completed']);
  await page.close();
});
