// Shapes real devices send, through the real SDK and the host emulator's scenarios: getSubscriptionInfo answering
// `{}` for an order without a subscription (`subscriptionInfo()` resolves `null`, not INVALID_PRODUCT_DATA), and a
// history page with `hasNext: true` and no `nextKey` (`orderHistory()` yields that page's orders and ends there,
// with one developer warning).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, setScenario, purchase, SKU1, SKU2 } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

test('noSubscription: subscriptionInfo() resolves null for an order without a subscription', async () => {
  const page = await sandbox.page();
  const { status, orderId } = await purchase(page, SKU1);
  assert.equal(status, 'completed');
  await setScenario(page, 'noSubscription');
  const info = await page.evaluate(async (id) => {
    try {
      return { value: await window.iap.subscriptionInfo(id) };
    } catch (e) {
      return { code: e.code, message: e.message };
    }
  }, orderId);
  assert.deepEqual(info, { value: null });
  assert.deepEqual(await page.evaluate(() => window.hostEmulator.pendingScenarios()), [], 'the scenario was taken');
  await page.close();
});

test('hasNextWithoutNextKey: orderHistory() yields the page and ends, warning the developer once', async () => {
  const page = await sandbox.page();
  const warnings = [];
  page.on('console', (m) => m.type() === 'warning' && m.text().startsWith('ait-iap:') && warnings.push(m.text()));
  const bought = [await purchase(page, SKU1), await purchase(page, SKU2)].map((o) => o.orderId);
  const history = () => page.evaluate(async () => {
    const all = [];
    for await (const order of window.iap.orderHistory()) all.push(order.orderId);
    return all;
  });
  await setScenario(page, 'hasNextWithoutNextKey');
  assert.deepEqual((await history()).sort(), bought.sort());
  assert.deepEqual(await page.evaluate(() => window.hostEmulator.pendingScenarios()), [], 'the scenario was taken');
  await setScenario(page, 'hasNextWithoutNextKey');
  assert.deepEqual((await history()).sort(), bought.sort());
  assert.deepEqual((await history()).sort(), bought.sort(), 'without the scenario: the emulated pages');
  await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
  assert.deepEqual(warnings.filter((w) => /hasNext/.test(w)), ['ait-iap: getCompletedOrRefundedOrders: hasNext without a usable nextKey: the order history ends here']);
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});
