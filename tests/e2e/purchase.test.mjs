// One real purchase end to end: the unmodified SDK (web-bridge 2.10.8) talks to the host emulator, the wasm
// module renders the sandbox products and hands the orderId to the dev backend over HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, buy } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

test('the sandbox shows the two mock products', async () => {
  const page = await sandbox.page();
  await page.waitForSelector('.ait-iap-row');
  const names = await page.locator('.ait-iap-name').allTextContents();
  assert.deepEqual(names, ['테스트 상품 - 1', '테스트 상품 - 2']);
  await page.close();
});

test('a purchase completes and the backend records the orderId the host issued', async () => {
  const page = await sandbox.page();
  await page.waitForSelector('.ait-iap-row');
  await page.click('button.ait-iap-buy[data-sku="ait.sandbox.test.product.1"]');
  const status = page.locator('.ait-iap-status[data-status="completed"]');
  await status.waitFor();
  const shownOrderId = await status.getAttribute('data-order-id');
  assert.equal(await status.textContent(), '구매를 완료했어요.');

  const hostOrders = await page.evaluate(() => window.hostEmulator.orders());
  assert.equal(hostOrders.length, 1);
  assert.equal(hostOrders[0].status, 'completed');
  assert.equal(shownOrderId, hostOrders[0].orderId);

  const grant = sandbox.server.backend.grants.get(hostOrders[0].orderId);
  assert.ok(grant, 'the backend recorded the orderId the host issued');
  assert.equal(grant.sku, 'ait.sandbox.test.product.1');
  assert.equal(grant.environment, 'sandbox');
  assert.equal(grant.requests, 1);
  const request = sandbox.server.backend.requests.find((r) => r.orderId === hostOrders[0].orderId);
  assert.equal(request.idempotencyKey, hostOrders[0].orderId);

  const state = await page.evaluate(() => window.iap.state);
  assert.equal(state.phase, 'completed');
  assert.equal(state.orderId, shownOrderId);
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});

test('without a host the page says so instead of hanging', async () => {
  const page = await sandbox.page('?host=none');
  await page.locator('#shop[data-state="error"]').waitFor();
  assert.match(await page.locator('#shop .ait-iap-state').textContent(), /토스 앱에서 열어 주세요/);
  assert.equal(await page.locator('#shop').getAttribute('data-error-code'), 'NO_HOST');
  assert.equal(await page.locator('#open-emulator').getAttribute('href'), '/');
  assert.equal(await page.evaluate(() => window.detectEnvironment()), 'none');
  await page.close();
});

test('the list keeps working after the page drops its handle and the garbage collector runs', async () => {
  const page = await sandbox.page();
  await page.waitForSelector('.ait-iap-row');
  await page.evaluate(async () => {
    for (let i = 0; i < 5; i++) {
      window.gc();
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  assert.equal((await buy(page)).status, 'completed');
  assert.equal((await buy(page)).status, 'completed');
  await page.close();
});
