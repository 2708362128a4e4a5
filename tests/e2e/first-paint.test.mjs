// A fast first paint: the app starts IAP.getProductItemList() before the module is ready and hands the pending
// call to the list (`products: promise`), or `init({ sdk })` starts it; the list loads until it answers, then reads
// it as it reads its own call.
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

test("init({ sdk }) starts the SDK's product call while the module loads, and the list shows its answer: one call", async () => {
  const page = await sandbox.browser.newPage();
  let release;
  const held = new Promise((resolve) => (release = resolve));
  // The .wasm is held until the host has been asked: a product call made only once the module is ready never comes.
  await page.route('**/dist/ait_iap_bg.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(sandbox.server.url);
  const calls = () => page.evaluate(() => window.hostEmulator.calls().filter((c) => c.functionName === 'iapGetProductItemList').length);
  await page.waitForFunction(() => window.hostEmulator?.calls().some((c) => c.functionName === 'iapGetProductItemList'));
  assert.equal(await page.evaluate(() => window.iap), undefined, 'asked while the module was still loading');
  release();
  await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
  assert.equal(await page.locator('#shop .ait-iap-row').count(), 2);
  assert.equal(await calls(), 1, "init's call only: the list made none of its own");
  // Taken once: a second list asks the SDK itself.
  await page.evaluate(() => window.aitIap.mountProductList(document.body.appendChild(document.createElement('div')), window.iap));
  await page.waitForFunction(() => window.hostEmulator.calls().filter((c) => c.functionName === 'iapGetProductItemList').length === 2);
  await page.close();
});
