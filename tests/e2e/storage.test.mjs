// The outbox in the SDK's own `Storage` (the app's native key-value store, whose getItem and setItem answer
// with promises), through the real SDK and the host emulator: loaded after the client starts, merged between
// clients, written in order, and written before the order is handed off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, SKU1, SKU2 } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

const KEY = 'ait-iap:outbox';
/** The stored outbox's orderIds, read through the SDK's Storage. */
const stored = (page) => page.evaluate(async (key) => JSON.parse((await window.sdkStorage.getItem(key)) ?? '[]').map((e) => e.orderId), KEY);
/** A client on the SDK's Storage; `name` is where the page keeps it. */
const client = (page, name, options = {}) =>
  page.evaluate(([name, options]) => {
    window[name] = window.aitIap.createIap({ sdk: window.sdk, grant: '/api/grant', storage: window.sdkStorage, grantDeadlineMs: 1500, ...options });
  }, [name, options]);
const buyWith = (page, name, sku) =>
  page.evaluate(async ([name, sku]) => {
    const o = await window[name].purchase(sku);
    return { status: o.status, orderId: o.orderId };
  }, [name, sku]);

test('an order left in the SDK Storage outbox is loaded by the next client after a reload and granted once', async () => {
  const page = await sandbox.page();
  await client(page, 'a', { recoverOnStart: false });
  const paid = await sandbox.whileBackend('down', () => buyWith(page, 'a', SKU1));
  assert.equal(paid.status, 'failed');
  assert.deepEqual(await stored(page), [paid.orderId], 'written through the SDK Storage');

  await page.reload();
  await page.waitForFunction(() => window.sdkStorage !== undefined && window.aitIap !== undefined);
  // Keep the page's own client (localStorage) from recovering the host's pending order first.
  await page.evaluate(() => window.iap.dispose());
  await client(page, 'b', { recoverOnStart: false });
  await page.waitForFunction((id) => window.b.outbox().some((e) => e.orderId === id), paid.orderId, { timeout: 5000 });
  const report = await page.evaluate(() => window.b.recoverPendingOrders());
  assert.deepEqual(report.granted, [paid.orderId]);
  assert.equal(sandbox.server.backend.grants.get(paid.orderId).requests >= 1, true);
  assert.equal([...sandbox.server.backend.grants.keys()].filter((id) => id === paid.orderId).length, 1);
  assert.deepEqual(await stored(page), [], 'confirmed: removed from the SDK Storage');
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});

test('recoverOnStart waits for the SDK Storage to answer before it hands off', async () => {
  const page = await sandbox.page();
  await page.evaluate(() => window.iap.dispose());
  const orderId = 'stored-before-start-1';
  await page.evaluate(([key, id]) => window.sdkStorage.setItem(key, JSON.stringify([{ orderId: id, sku: 'ait.sandbox.test.product.1', since: 1, reason: 'purchase' }])), [KEY, orderId]);
  const report = await page.evaluate(() => {
    window.c = window.aitIap.createIap({ sdk: window.sdk, grant: '/api/grant', storage: window.sdkStorage, grantDeadlineMs: 1500 });
    return window.c.recoverPendingOrders();
  });
  // The emulated Toss server knows no such order, so the backend cannot grant it; what matters is that this
  // round of recovery (the first call, made before Storage answered) handed it off and reports it.
  assert.ok(sandbox.server.backend.requests.some((r) => r.orderId === orderId), 'handed off');
  const reported = [...report.granted, ...report.refused.map((r) => r.orderId), ...report.failed.map((r) => r.orderId)];
  assert.ok(reported.includes(orderId), `reported: ${JSON.stringify(report)}`);
  await page.close();
});

test('two clients on the SDK Storage keep each other\'s entries (each write reads first, in order)', async () => {
  const page = await sandbox.page();
  await page.evaluate(() => window.iap.dispose());
  await client(page, 'a', { recoverOnStart: false });
  await client(page, 'b', { recoverOnStart: false });
  const [first, second] = await sandbox.whileBackend('down', async () => [await buyWith(page, 'a', SKU1), await buyWith(page, 'b', SKU2)]);
  assert.equal(first.status, 'failed');
  assert.equal(second.status, 'failed');
  const ids = await stored(page);
  assert.ok(ids.includes(first.orderId), 'the first client\'s order survived the second client\'s write');
  assert.ok(ids.includes(second.orderId));
  await page.evaluate(() => Promise.all([window.a.recoverPendingOrders(), window.b.recoverPendingOrders()]));
  assert.deepEqual(await stored(page), []);
  await page.close();
});

test('storage that throws (private mode quota, a sandboxed frame without localStorage) never stops a purchase', async () => {
  const page = await sandbox.page();
  const outcomes = await page.evaluate(async (sku) => {
    window.iap.dispose();
    const failing = { getItem() { throw new DOMException('denied', 'SecurityError'); }, setItem() { throw new DOMException('full', 'QuotaExceededError'); } };
    const rejecting = { getItem: () => Promise.reject(new Error('native store down')), setItem: () => Promise.reject(new Error('native store down')) };
    const results = [];
    for (const storage of [failing, rejecting]) {
      const client = window.aitIap.createIap({ sdk: window.sdk, grant: '/api/grant', storage, recoverOnStart: false });
      results.push((await client.purchase(sku)).status);
      client.dispose();
    }
    // No storage option, and reading window.localStorage itself throws.
    Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('denied', 'SecurityError'); } });
    const client = window.aitIap.createIap({ sdk: window.sdk, grant: '/api/grant', recoverOnStart: false });
    results.push((await client.purchase(sku)).status);
    return results;
  }, SKU1);
  assert.deepEqual(outcomes, ['completed', 'completed', 'completed']);
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});

test('storage that never answers (a host without the native store) delays nothing for long: purchases and recovery go on', async () => {
  const page = await sandbox.page();
  const result = await page.evaluate(async (sku) => {
    window.iap.dispose();
    const silent = { getItem: () => new Promise(() => {}), setItem: () => new Promise(() => {}) };
    const client = window.aitIap.createIap({ sdk: window.sdk, grant: '/api/grant', storage: silent });
    const started = performance.now();
    const report = await client.recoverPendingOrders();
    const first = (await client.purchase(sku)).status;
    const second = (await client.purchase(sku)).status;
    client.dispose();
    return { report: Array.isArray(report.granted), first, second, ms: performance.now() - started };
  }, SKU1);
  assert.deepEqual([result.report, result.first, result.second], [true, 'completed', 'completed']);
  assert.ok(result.ms < 15_000, `took ${result.ms} ms`);
  await page.close();
});

test('a slow storage answer (after the 2 s wait) still joins the outbox; recovery does not wait for it', async () => {
  const page = await sandbox.page();
  const result = await page.evaluate(async () => {
    window.iap.dispose();
    const stored = JSON.stringify([{ orderId: 'slow-store-1', sku: 'ait.sandbox.test.product.1', since: 1, reason: 'purchase' }]);
    const slow = { getItem: () => new Promise((r) => setTimeout(() => r(stored), 3000)), setItem: () => Promise.resolve() };
    const started = performance.now();
    const client = window.aitIap.createIap({ sdk: window.sdk, grant: '/api/grant', storage: slow, recoverOnStart: false, grantDeadlineMs: 1500 });
    await client.recoverPendingOrders();
    const recoveredAfter = performance.now() - started;
    while (!client.outbox().some((e) => e.orderId === 'slow-store-1') && performance.now() - started < 6000) await new Promise((r) => setTimeout(r, 50));
    const joined = client.outbox().some((e) => e.orderId === 'slow-store-1');
    client.dispose();
    return { recoveredAfter, joined };
  });
  assert.ok(result.recoveredAfter < 2900, `recovery waited ${result.recoveredAfter} ms`);
  assert.equal(result.joined, true, 'the late answer joined the outbox');
  await page.close();
});

test('the paid order is in storage before it is handed off: the grant runs only after setItem answered with it', async () => {
  const page = await sandbox.page();
  const result = await page.evaluate(async (sku) => {
    window.iap.dispose();
    const log = [];
    let text = null;
    // Storage that answers with promises, as the SDK's Storage does: the value is there once setItem answered.
    const storage = {
      getItem: async () => text,
      setItem: (key, value) => new Promise((resolve) => setTimeout(() => { text = value; log.push('stored'); resolve(); })),
    };
    const grant = ({ orderId }) => {
      const stored = JSON.parse(text ?? '[]').some((e) => e.orderId === orderId);
      log.push(stored ? 'grant: in storage' : 'grant: not in storage');
      return true;
    };
    const client = window.aitIap.createIap({ sdk: window.sdk, grant, storage, recoverOnStart: false });
    const outcome = await client.purchase(sku);
    client.dispose();
    return { status: outcome.status, log };
  }, SKU1);
  assert.equal(result.status, 'completed');
  const grants = result.log.filter((l) => l.startsWith('grant'));
  assert.deepEqual(grants, ['grant: in storage'], `the hand-off left before the outbox write: ${result.log}`);
  assert.ok(result.log.indexOf('stored') < result.log.indexOf('grant: in storage'), String(result.log));
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});
