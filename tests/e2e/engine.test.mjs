// The purchase engine end to end under failure: the real SDK, the host emulator, the wasm module and the dev
// backend over real HTTP. The backend's ledger must show every paid order granted exactly once, none lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, buy, purchase, hostOrders, setScenario, SKU1, SKU2 } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

const grants = () => sandbox.server.backend.grants;
const outbox = (page) => page.evaluate(() => window.iap.outbox());
const recover = (page) => page.evaluate(() => window.iap.recoverPendingOrders());
/** The host requests of one kind the page made (`addEventListener` for streams, `method` for calls). */
const calls = (page, name) => page.evaluate((n) => window.hostEmulator.calls().filter((c) => c.functionName === n && c.type !== 'removeEventListener'), name);

test('backend down, then up: recovery grants the order once and completes it at Toss', async () => {
  const page = await sandbox.page('?grantDeadlineMs=1500');
  const shown = await sandbox.whileBackend('down', () => buy(page));
  assert.equal(shown.status, 'failed');
  assert.equal(shown.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  assert.ok(sandbox.server.backend.requests.filter((r) => r.orderId === shown.orderId).length >= 2, 'retried while down');
  assert.deepEqual((await outbox(page)).map((e) => e.orderId), [shown.orderId]);
  assert.equal(grants().has(shown.orderId), false);

  const report = await recover(page);
  assert.deepEqual(report.granted, [shown.orderId]);
  assert.equal(grants().get(shown.orderId).requests, 1);
  assert.deepEqual(await outbox(page), []);
  assert.equal((await hostOrders(page))[0].status, 'completed');
  const again = await recover(page);
  assert.deepEqual(again, { granted: [], refused: [], failed: [] });
  assert.equal(grants().get(shown.orderId).requests, 1);
  await page.close();
});

test('reload between purchased and the backend confirmation: recovered after reload, granted once', async () => {
  const page = await sandbox.page();
  await sandbox.backendMode('hang');
  let orderId;
  try {
    await page.click(`button.ait-iap-buy[data-sku="${SKU1}"]`);
    await page.waitForFunction(() => window.iap.outbox().length === 1 && window.hostEmulator.orders()[0]?.status === 'paid');
    [{ orderId }] = await outbox(page);
    // Wait until the hand-off is really hanging at the backend before it comes back up.
    while (!sandbox.server.backend.requests.some((r) => r.orderId === orderId)) await new Promise((r) => setTimeout(r, 20));
  } finally {
    await sandbox.backendMode('up');
  }
  await page.reload();
  await page.waitForFunction(() => window.hostEmulator?.orders()[0]?.status === 'completed');
  await page.waitForFunction(() => window.iap.outbox().length === 0);
  assert.equal(grants().get(orderId).requests, 1);
  assert.equal((await calls(page, 'completeProductGrant')).length, 1);
  await page.close();
});

test('double tap: one SDK call, one order', async () => {
  const page = await sandbox.page();
  await setScenario(page, { delayMs: 300 });
  await page.waitForSelector('.ait-iap-row');
  await page.dblclick(`button.ait-iap-buy[data-sku="${SKU1}"]`);
  await page.locator('.ait-iap-status[data-status="completed"]').waitFor();
  assert.equal((await calls(page, 'requestOneTimePurchase')).length, 1);
  assert.equal((await hostOrders(page)).length, 1);
  const [first, second] = await page.evaluate(async (sku) => {
    const outcomes = await Promise.all([window.iap.purchase(sku), window.iap.purchase(sku)]);
    return outcomes.map((o) => ({ status: o.status, code: o.error?.code }));
  }, SKU2);
  assert.equal(first.status, 'completed');
  assert.deepEqual(second, { status: 'failed', code: 'PURCHASE_IN_FLIGHT' });
  assert.equal((await calls(page, 'requestOneTimePurchase')).length, 2);
  await page.close();
});

test('a hanging backend: processProductGrant settles false before the host gives up at 30 s', async () => {
  const page = await sandbox.page();
  await sandbox.backendMode('hang');
  const started = Date.now();
  let shown;
  try {
    shown = await buy(page, SKU1, 35_000);
  } finally {
    await sandbox.backendMode('up');
  }
  const elapsed = Date.now() - started;
  assert.equal(shown.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  const [answer] = await page.evaluate(() => window.hostEmulator.calls().filter((c) => c.type === 'method' && c.functionName === 'processProductGrant').map((c) => c.args[0]));
  assert.equal(answer.isProductGranted, false, 'answered false, not left hanging');
  assert.ok(elapsed >= 24_000 && elapsed < 30_000, `settled after ${elapsed} ms`);
  assert.equal((await outbox(page)).length, 1, 'kept for recovery');
  await page.close();
});

test('grant through a function instead of a URL; extra headers on the URL form reach the backend', async () => {
  const page = await sandbox.page();
  const result = await page.evaluate(async (sku) => {
    const seen = [];
    const client = window.aitIap.createIap({ sdk: window.sdk, grant: async (req) => { seen.push(req); return { granted: true }; }, storageKey: 'fn-test', recoverOnStart: false });
    const outcome = await client.purchase(sku);
    client.dispose();
    return { status: outcome.status, seen };
  }, SKU1);
  assert.equal(result.status, 'completed');
  assert.equal(result.seen.length, 1);
  assert.equal(result.seen[0].environment, 'sandbox');
  const withHeaders = await page.evaluate(async (sku) => {
    const client = window.aitIap.createIap({ sdk: window.sdk, grant: { url: '/api/grant', headers: { 'x-toss-user-key': 'user-42' } }, storageKey: 'hdr-test', recoverOnStart: false });
    const outcome = await client.purchase(sku);
    client.dispose();
    return outcome.orderId;
  }, SKU2);
  assert.equal(grants().get(withHeaders).userKey, 'user-42');
  await page.close();
});

test('a grant function that never answers is given up after the 8 s attempt timeout and called again', async () => {
  const page = await sandbox.page();
  const result = await page.evaluate(async (sku) => {
    let calls = 0;
    // The first call stalls like a fetch on a dead mobile connection; the retry answers.
    const grant = () => (++calls === 1 ? new Promise(() => {}) : true);
    const client = window.aitIap.createIap({ sdk: window.sdk, grant, storageKey: 'fn-stall', recoverOnStart: false });
    const outcome = await client.purchase(sku);
    client.dispose();
    return { status: outcome.status, calls };
  }, SKU1);
  assert.deepEqual(result, { status: 'completed', calls: 2 });
  await page.close();
});

test('chaos: random backend outages, host faults and reloads; every paid order granted exactly once, none lost', async () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const page = await sandbox.page('?grantDeadlineMs=1200');
  for (let round = 0; round < 12; round++) {
    await sandbox.backendMode(pick(['up', 'up', 'down', 'refuse']));
    await setScenario(page, pick(['success', 'duplicatePurchased', 'PRODUCT_NOT_GRANTED_BY_PARTNER', 'verificationFailedAfterGrant', 'USER_CANCELED', 'success']));
    await buy(page, pick([SKU1, SKU2]));
    if (random() < 0.3) {
      await page.reload();
      await page.waitForFunction(() => window.iap !== undefined);
    }
  }
  await sandbox.backendMode('up');
  await recover(page);
  await recover(page);
  const orders = await hostOrders(page);
  assert.ok(orders.length >= 6, `${orders.length} paid orders`);
  for (const order of orders) {
    const grant = grants().get(order.orderId);
    assert.ok(grant, `paid order ${order.orderId} (${order.status}) was never granted`);
    assert.equal(order.status, 'completed', `order ${order.orderId} left ${order.status} at Toss`);
  }
  const grantedHere = [...grants().keys()].filter((id) => orders.some((o) => o.orderId === id));
  assert.equal(new Set(grantedHere).size, orders.length, 'one grant per order');
  assert.deepEqual(await outbox(page), []);
  await page.close();
});

test('subscription through the client: offer, typed subscription info, history across pages with refunds surfaced', async () => {
  const page = await sandbox.page('?catalogue=example');
  await page.waitForSelector('.ait-iap-row');
  const result = await page.evaluate(async () => {
    await window.iap.products(); // learns that pass.monthly is a subscription
    const sub = await window.iap.purchase('pass.monthly', { offerId: 'trial.7d' });
    const info = await window.iap.subscriptionInfo(sub.orderId);
    for (let i = 0; i < 11; i++) await window.iap.purchase('gem.100');
    return { sub: { status: sub.status, orderId: sub.orderId }, info };
  });
  assert.equal(result.sub.status, 'completed');
  const streams = await calls(page, 'requestSubscriptionPurchase');
  assert.equal(streams.length, 1);
  assert.equal(streams[0].args.offerId, 'trial.7d');
  assert.equal(result.info.status, 'ACTIVE');
  assert.equal(result.info.isAccessible, true);
  assert.equal(typeof result.info.expiresAt, 'string');
  await page.evaluate((id) => window.hostEmulator.refund(id), result.sub.orderId);
  const history = await page.evaluate(async () => {
    const all = [];
    for await (const order of window.iap.orderHistory()) all.push(order);
    return all;
  });
  assert.equal(history.length, 12, 'both pages read');
  assert.deepEqual(history.filter((o) => o.status === 'REFUNDED').map((o) => o.orderId), [result.sub.orderId]);
  await page.close();
});

test('routes: the app handler for the error category runs, the raw error is kept', async () => {
  const page = await sandbox.page();
  await setScenario(page, 'NETWORK_ERROR');
  const seen = await page.evaluate(async (sku) => {
    const seen = [];
    const client = window.aitIap.createIap({
      sdk: window.sdk, grant: '/api/grant', recoverOnStart: false, locale: 'en',
      routes: { transient: (error, outcome) => seen.push({ code: error.code, status: outcome.status, message: error.message, raw: error.raw?.code }) },
    });
    await client.purchase(sku);
    client.dispose();
    return seen;
  }, SKU1);
  assert.deepEqual(seen, [{ code: 'NETWORK_ERROR', status: 'failed', message: 'Check your connection and try again.', raw: 'NETWORK_ERROR' }]);
  await page.close();
});

test('disposing from a route handler while the SDK is still calling back does not break the module', async () => {
  const page = await sandbox.page();
  const result = await page.evaluate(async () => {
    // An SDK-shaped object that fails synchronously, inside the call (some wrappers do).
    const sdk = {
      getProductItemList: async () => ({ products: [] }),
      createOneTimePurchaseOrder: (p) => { p.onError({ code: 'NETWORK_ERROR' }); return () => {}; },
    };
    let client;
    client = window.aitIap.createIap({ sdk, grant: '/api/grant', recoverOnStart: false, routes: { transient: () => client.dispose() } });
    const first = await client.purchase('x');
    const second = await client.purchase('x');
    const stillAlive = await window.iap.purchase('ait.sandbox.test.product.1');
    return { first: first.error.code, second: second.error.code, alive: stillAlive.status };
  });
  assert.deepEqual(result, { first: 'NETWORK_ERROR', second: 'DISPOSED', alive: 'completed' });
  await page.close();
});

test('two clients sharing a storage key do not erase each other\'s outbox entries', async () => {
  const page = await sandbox.page('?grantDeadlineMs=1500');
  let ids = [];
  await sandbox.backendMode('down');
  try {
    // A second client on the same page and key, created before the first one's order exists.
    await page.evaluate(() => {
      window.second = window.aitIap.createIap({ sdk: window.sdk, grant: '/api/grant', recoverOnStart: false, grantDeadlineMs: 1500 });
    });
    const first = await purchase(page, SKU1);
    assert.equal(first.status, 'failed');
    const second = await page.evaluate(async (sku) => {
      const o = await window.second.purchase(sku);
      return { status: o.status, orderId: o.orderId };
    }, SKU2);
    assert.equal(second.status, 'failed');
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('ait-iap:outbox')).map((e) => e.orderId));
    assert.ok(stored.includes(first.orderId), 'the first client\'s order survived the second client\'s write');
    assert.ok(stored.includes(second.orderId));
    ids = [first.orderId, second.orderId];
  } finally {
    await sandbox.backendMode('up');
  }
  // Back up: the recoveries grant both orders (one grant each; the second client's repeat is answered idempotently).
  await recover(page);
  await page.evaluate(() => window.second.recoverPendingOrders());
  for (const id of ids) assert.ok(grants().has(id), `${id} granted`);
  assert.deepEqual(await outbox(page), []);
  await page.evaluate(() => window.second.dispose());
  await page.close();
});
