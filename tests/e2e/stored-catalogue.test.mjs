// A repeat visit: the list draws the catalogue the SDK last answered (kept in the client's storage) at first paint,
// before the SDK answers; the answer then reconciles the rows. Outside Toss nothing stored is drawn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, SKU1, SKU2 } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

const SKU3 = 'ait.sandbox.test.product.3';

/** The sandbox's own list has answered (and stored the catalogue); the host now answers slowly with a new catalogue. */
async function repeatVisit(page) {
  await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
  await page.evaluate(([sku1, sku3]) => {
    window.iapList.destroy();
    window.hostEmulator.setProducts([
      { sku: sku1, type: 'CONSUMABLE', displayName: '테스트 상품 - 1', displayAmount: '1,500원', iconUrl: '', description: '테스트 상품 - 1' },
      { sku: sku3, type: 'CONSUMABLE', displayName: '테스트 상품 - 3', displayAmount: '3,000원', iconUrl: '', description: '새 상품' },
    ]);
    window.hostEmulator.configure({ latencyMs: 1500 });
  }, [SKU1, SKU3]);
}

const rows = (page) =>
  page.evaluate(() => [...document.querySelectorAll('#again .ait-iap-row')].map((li) => `${li.dataset.sku} ${li.querySelector('.ait-iap-price').textContent}`));

test('the stored catalogue is drawn before the SDK answers, and the answer reconciles it', async () => {
  const page = await sandbox.page();
  await repeatVisit(page);
  const first = await page.evaluate(async () => {
    const el = Object.assign(document.createElement('div'), { id: 'again' });
    document.body.append(el);
    window.again = window.aitIap.mountProductList(el, window.iap);
    await null; // the stored text is read in a microtask: still before the browser paints
    const answered = window.hostEmulator.calls().filter((c) => c.functionName === 'iapGetProductItemList').length;
    return { state: el.dataset.state, rows: el.querySelectorAll('.ait-iap-row').length, answered };
  });
  assert.equal(first.state, 'ready');
  assert.equal(first.rows, 2);
  assert.deepEqual(await rows(page), [`${SKU1} 1,000원`, `${SKU2} 2,000원`], 'as the SDK listed it last time');
  await page.waitForFunction((sku3) => document.querySelector(`#again .ait-iap-row[data-sku="${sku3}"]`), SKU3);
  assert.deepEqual(await rows(page), [`${SKU1} 1,500원`, `${SKU3} 3,000원`], 'changed price rewritten, removed row gone, new row added');
  assert.equal(await page.locator('#again').getAttribute('data-state'), 'ready');
  // The reconciled list is what the next visit draws.
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('ait-iap:catalogue')).map((p) => p.sku));
  assert.deepEqual(stored, [SKU1, SKU3]);
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});

test('buying a stored product the new catalogue no longer has fails with INVALID_PRODUCT_ID', async () => {
  const page = await sandbox.page();
  await repeatVisit(page);
  await page.evaluate(() => {
    const el = Object.assign(document.createElement('div'), { id: 'again' });
    document.body.append(el);
    window.again = window.aitIap.mountProductList(el, window.iap);
  });
  await page.click(`#again button.ait-iap-buy[data-sku="${SKU2}"]`);
  const status = page.locator('#again .ait-iap-status[data-status="failed"]');
  await status.waitFor({ timeout: 15_000 });
  assert.equal(await status.getAttribute('data-error-code'), 'INVALID_PRODUCT_ID');
  assert.match(await status.textContent(), /지금은 구매할 수 없는 상품이에요/);
  assert.equal(await page.locator(`#again .ait-iap-row[data-sku="${SKU2}"]`).count(), 0, 'the answer removed the row');
  assert.equal(await page.evaluate(() => window.iap.state.phase), 'failed');
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});

test('outside Toss a stored catalogue is not drawn: the list says to open the app', async () => {
  const page = await sandbox.page();
  await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
  assert.ok(await page.evaluate(() => localStorage.getItem('ait-iap:catalogue')));
  await page.goto(new URL('?host=none', sandbox.server.url).href);
  await page.locator('#shop[data-state="error"][data-error-code="NO_HOST"]').waitFor();
  assert.equal(await page.locator('#shop .ait-iap-row').count(), 0);
  await page.close();
});

test('a storage that answers with promises: its catalogue is drawn when it answers, if the SDK has not', async () => {
  const page = await sandbox.page();
  await repeatVisit(page);
  const drawn = await page.evaluate(async () => {
    const text = localStorage.getItem('ait-iap:catalogue');
    const storage = { getItem: (key) => new Promise((r) => setTimeout(() => r(key === 'ait-iap:catalogue' ? text : null), 50)), setItem: async () => {} };
    const client = window.aitIap.createIap({ sdk: window.sdk, grant: () => true, storage, recoverOnStart: false });
    const el = Object.assign(document.createElement('div'), { id: 'again' });
    document.body.append(el);
    window.aitIap.mountProductList(el, client);
    await new Promise((r) => setTimeout(r, 300));
    return el.querySelectorAll('.ait-iap-row').length;
  });
  assert.equal(drawn, 2);
  await page.close();
});
