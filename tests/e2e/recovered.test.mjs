// An order paid but not granted in time ("곧 다시 지급을 시도해요") and granted later by recovery is announced: the
// app's onRecovered listener hears it once, and the list says "지급이 완료됐어요." at that item.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, buy, SKU1, SKU2 } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

test('an order granted later by recovery raises onRecovered once and shows at its item in the list', async () => {
  const page = await sandbox.page('?grantDeadlineMs=1500');
  await page.evaluate(() => {
    window.recovered = [];
    window.iap.onRecovered((order) => window.recovered.push(order));
  });
  const failed = await sandbox.whileBackend('down', () => buy(page, SKU1));
  assert.equal(failed.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  assert.deepEqual(await page.evaluate(() => window.recovered), [], 'nothing before the backend confirms');

  // A later purchase of another item completes: its own order is its outcome, not a recovery.
  const other = await buy(page, SKU2);
  assert.equal(other.status, 'completed');
  assert.deepEqual(await page.evaluate(() => window.recovered), []);

  const report = await page.evaluate(() => window.iap.recoverPendingOrders());
  assert.deepEqual(report.granted, [failed.orderId]);
  assert.deepEqual(await page.evaluate(() => window.recovered), [{ orderId: failed.orderId, sku: SKU1 }]);
  const line = page.locator(`li:has(button[data-sku="${SKU1}"]) .ait-iap-status`);
  assert.equal(await line.getAttribute('data-status'), 'recovered');
  assert.equal(await line.getAttribute('data-order-id'), failed.orderId);
  assert.equal((await line.textContent()).trim(), '지급이 완료됐어요.');
  assert.equal(await line.getAttribute('role'), 'status', 'the live region announces it there');

  // Recovering again finds nothing new and announces nothing.
  await page.evaluate(() => window.iap.recoverPendingOrders());
  assert.equal(await page.evaluate(() => window.recovered.length), 1);
  await page.close();
});

test('an unsubscribed listener and a destroyed list hear nothing', async () => {
  const page = await sandbox.page('?grantDeadlineMs=1500');
  await page.evaluate(() => {
    window.recovered = [];
    const stop = window.iap.onRecovered((order) => window.recovered.push(order));
    stop();
  });
  const failed = await sandbox.whileBackend('down', () => buy(page, SKU1));
  await page.evaluate(() => window.iapList.destroy());
  const report = await page.evaluate(() => window.iap.recoverPendingOrders());
  assert.deepEqual(report.granted, [failed.orderId]);
  assert.deepEqual(await page.evaluate(() => window.recovered), []);
  assert.equal(await page.locator('.ait-iap-status').count(), 0, 'the destroyed list writes nothing');
  await page.close();
});
