// The emulator's order sheet: what the Toss app shows before a payment (product, price, 결제하기 / 취소). Shown
// outside tests; automated browsers skip it unless `autoConfirm: false` asks for it, as here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, hostOrders, SKU1 } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

test('the order sheet shows the product and its price; 취소 cancels with no order, 결제하기 pays', async () => {
  const page = await sandbox.page();
  await page.evaluate(() => window.hostEmulator.configure({ autoConfirm: false }));
  const sheet = page.locator('[data-ait-iap-order-sheet] [role="dialog"]');
  const outcome = (sku) => page.evaluate((s) => window.iap.purchase(s).then((o) => o.status), sku);

  const canceled = outcome(SKU1);
  await sheet.waitFor();
  assert.match(await sheet.textContent(), /테스트 상품 - 1.*1,000원/);
  await page.getByRole('button', { name: '취소' }).click();
  assert.equal(await canceled, 'canceled');
  assert.equal(await sheet.count(), 0, 'the sheet is gone');
  assert.deepEqual(await hostOrders(page), []);

  const paid = outcome(SKU1);
  await page.getByRole('button', { name: '결제하기' }).click();
  assert.equal(await paid, 'completed');
  assert.equal((await hostOrders(page)).length, 1);

  await page.evaluate(() => window.hostEmulator.configure({ autoConfirm: true }));
  assert.equal(await outcome(SKU1), 'completed', 'autoConfirm: true skips it');
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});

test('the sandbox panel fits 360 px, with a refund button and the backend switches', async () => {
  const page = await sandbox.page();
  await page.setViewportSize({ width: 360, height: 800 });
  await page.evaluate((sku) => window.iap.purchase(sku), SKU1);
  await page.locator('#host-ledger button.refund').first().waitFor();
  const outside = await page.evaluate(() => [...document.querySelectorAll('.host-panel *')]
    .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > innerWidth + 0.5)
    .map((e) => e.id || e.className || e.tagName));
  assert.deepEqual(outside, []);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true, 'no sideways scrolling');
  await page.click('button[data-backend-mode="down"]');
  await page.locator('#backend-mode', { hasText: 'down' }).waitFor();
  const down = await fetch(new URL('/api/grant', sandbox.server.url), { method: 'POST', body: '{}' });
  assert.equal(down.status, 503);
  await page.click('button[data-backend-mode="up"]');
  await page.locator('#backend-mode', { hasText: 'up' }).waitFor();
  await page.screenshot({ path: 'test-results/screenshots/sandbox-360.png', fullPage: true });
  await page.close();
});
