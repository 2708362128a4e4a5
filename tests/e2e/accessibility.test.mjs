// WCAG 2.1 AA, checked by a real engine: axe-core runs over the product list in every state (loading, loaded,
// buying, each outcome, error, empty, update the app) in light and dark, and finds no serious or critical
// violation. Then keyboard use: Tab reaches each buy button in order, focus is visible, Enter and Space buy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { openSandbox, buy, setScenario, SKU1, SKU2 } from './harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

/** axe-core's serious and critical WCAG 2.x A/AA violations inside the list, as `rule: target` lines. */
async function violations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run('#shop', { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} ${n.any.map((c) => c.message).join('; ')}`));
}

for (const scheme of ['light', 'dark']) {
  test(`axe-core: no serious or critical violation in any list state (${scheme})`, async () => {
    const page = await sandbox.page();
    await page.emulateMedia({ colorScheme: scheme });
    const found = {};
    const check = async (state) => { found[state] = await violations(page); };

    await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
    await check('loaded');
    await setScenario(page, { on: 'iapGetProductItemList', delayMs: 1500 });
    const reload = page.evaluate(() => window.iapList.reload());
    await page.waitForSelector('#shop[data-state="loading"]');
    await check('loading');
    await reload;
    await setScenario(page, { delayMs: 1500 });
    await page.click(`button.ait-iap-buy[data-sku="${SKU1}"]`);
    await page.waitForSelector(`li[data-sku="${SKU1}"][aria-busy="true"]`);
    await check('buying');
    await page.locator('.ait-iap-status[data-status="completed"]').waitFor();
    await check('completed');
    await setScenario(page, 'NETWORK_ERROR');
    assert.equal((await buy(page, SKU2)).code, 'NETWORK_ERROR');
    await check('failed, retryable');
    await setScenario(page, 'KOREAN_ACCOUNT_ONLY');
    await buy(page, SKU2);
    await check('failed');
    await setScenario(page, { on: 'iapGetProductItemList', error: 'NETWORK_ERROR' });
    await page.evaluate(() => window.iapList.reload());
    await page.waitForSelector('#shop[data-state="error"]');
    await check('error');
    await page.evaluate(() => window.hostEmulator.setProducts([]));
    await page.evaluate(() => window.iapList.reload());
    await page.waitForSelector('#shop[data-state="empty"]');
    await check('empty');
    await page.close();
    const old = await sandbox.page('?env=toss&version=5.218.0');
    await old.emulateMedia({ colorScheme: scheme });
    await old.waitForSelector('#shop[data-state="update-app"]');
    found['update the app'] = await violations(old);
    await old.close();
    assert.deepEqual(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length)), {});
  });
}

test('keyboard: Tab reaches the buy buttons in order with a visible focus ring; Enter and Space buy', async () => {
  const page = await sandbox.page();
  await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
  await page.focus('body');
  const focused = [];
  for (let i = 0; i < 12 && focused.length < 2; i++) {
    await page.keyboard.press('Tab');
    const sku = await page.evaluate(() => (document.activeElement?.matches('#shop button.ait-iap-buy') ? document.activeElement.dataset.sku : null));
    if (sku) {
      focused.push(sku);
      const ring = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; });
      assert.ok(ring, `a visible focus ring on ${sku}`);
    }
  }
  assert.deepEqual(focused, [SKU1, SKU2]);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await page.locator('.ait-iap-status[data-status="completed"]').waitFor();
  await page.evaluate(() => document.querySelector('.ait-iap-status')?.remove());
  await page.focus(`button.ait-iap-buy[data-sku="${SKU2}"]`);
  await page.keyboard.press('Space');
  await page.locator('.ait-iap-status[data-status="completed"]').waitFor();
  assert.equal((await page.evaluate(() => window.hostEmulator.orders())).length, 2);
  await page.close();
});

test('200 % zoom at 320 px (a 160 CSS px viewport): nothing is cut off or needs sideways scrolling', async () => {
  const page = await sandbox.page();
  await page.setViewportSize({ width: 160, height: 700 });
  await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
  const layout = await page.evaluate(() => {
    const shop = document.querySelector('#shop');
    const outside = [...shop.querySelectorAll('.ait-iap-row, .ait-iap-row *')]
      .filter((e) => e.getClientRects().length && (e.getBoundingClientRect().right > innerWidth + 0.5 || e.getBoundingClientRect().left < -0.5))
      .map((e) => e.className);
    return { overflow: shop.scrollWidth > shop.clientWidth, outside };
  });
  assert.deepEqual(layout, { overflow: false, outside: [] });
  await page.close();
});

test('axe-core: the owned state (보유 중) and subscription offers, light and dark', async () => {
  const page = await sandbox.page('?catalogue=example');
  await page.locator('li[data-sku="no.ads"] button.ait-iap-buy').waitFor();
  assert.equal((await buy(page, 'no.ads')).status, 'completed');
  await page.waitForFunction(() => document.querySelector('li[data-sku="no.ads"]')?.hasAttribute('data-owned'));
  const found = {};
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    found[scheme] = await violations(page);
  }
  assert.deepEqual(found, { light: [], dark: [] });
  await page.close();
});
