// A fast first paint: the app starts IAP.getProductItemList() before the module is ready and hands the pending
// call to the list (`products: promise`); the list loads until it answers, then reads it as it reads its own call.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

const mountWith = (page, answer) =>
  page.evaluate((answer) => {
    window.iapList.destroy();
    const el = document.createElement('div');
    el.id = 'early';
    document.body.append(el);
    window.hostEmulator.configure({ latencyMs: 400 });
    const asked = answer === 'sdk' ? window.sdk.getProductItemList() : Promise.reject(Object.assign(new Error('down'), { code: 'NETWORK_ERROR' }));
    window.early = window.aitIap.mountProductList(el, window.iap, { products: asked });
    return el.dataset.state;
  }, answer);

test('a product call started by the app: loading until it answers, then its products, validated', async () => {
  const page = await sandbox.page();
  const calls = () => page.evaluate(() => window.hostEmulator.calls().filter((c) => c.functionName === 'iapGetProductItemList').length);
  const before = await calls();
  assert.equal(await mountWith(page, 'sdk'), 'loading');
  await page.waitForSelector('#early[data-state="ready"] .ait-iap-row');
  assert.equal(await page.locator('#early .ait-iap-row').count(), 2);
  assert.equal(await calls(), before + 1, "the app's call only: the list made none of its own");
  await page.close();
});

test('a product call that fails shows the routed error, with a retry that asks the SDK again', async () => {
  const page = await sandbox.page();
  await mountWith(page, 'failing');
  await page.waitForSelector('#early[data-state="error"][data-error-code="NETWORK_ERROR"] button.ait-iap-retry');
  await page.click('#early button.ait-iap-retry');
  await page.waitForSelector('#early[data-state="ready"] .ait-iap-row');
  await page.close();
});
