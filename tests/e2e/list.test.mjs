// The product list: keyed updates, XSS safety, a strict CSP, roles and labels, states, icons, and screenshots in
// light and dark (saved to test-results/screenshots for review).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { openSandbox, buy, setScenario, SKU1, SKU2 } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

const product = (i, extra = {}) => ({ sku: `p${i}`, type: 'CONSUMABLE', displayName: `상품 ${i}`, displayAmount: `${i},000원`, iconUrl: '', description: `설명 ${i}`, ...extra });

/** Mounts a second list on the sandbox page, fed with `products` directly; returns nothing (state in window.testList). */
async function mountTestList(page, products, options = {}) {
  await page.evaluate(([products, options]) => {
    const container = document.createElement('section');
    container.id = 'test-list';
    document.body.append(container);
    window.testList = window.aitIap.mountProductList(container, { client: window.iap, products, ...options });
  }, [products, options]);
}

test('mountProductList checks its options as createIap does, in both its forms: INVALID_ARGUMENT naming the option', async () => {
  const page = await sandbox.page();
  const errors = await page.evaluate(() => {
    const attempt = (...args) => {
      try {
        window.aitIap.mountProductList(document.createElement('div'), ...args).destroy();
        return null;
      } catch (e) {
        return { name: e.name, code: e.code, category: e.category, route: e.route, message: e.message };
      }
    };
    return {
      locale: attempt(window.iap, { locale: 'kr' }),
      badge: attempt({ client: window.iap, testBadge: 'yes' }),
      misspelled: attempt({ client: window.iap, products: [], local: 'en' }),
      products: attempt(window.iap, { products: { items: [] } }),
      fine: [attempt({ client: window.iap, locale: 'en', testBadge: false, products: [] }), attempt(window.iap, { locale: 'ko' }), attempt(window.iap)],
      container: [null, document.createTextNode('shop'), {}].map((container) => {
        try {
          window.aitIap.mountProductList(container, window.iap).destroy();
          return null;
        } catch (e) {
          return { name: e.name, code: e.code, category: e.category, route: e.route, message: e.message };
        }
      }),
    };
  });
  const invalid = (message) => ({ name: 'AitIapError', code: 'INVALID_ARGUMENT', category: 'developer', route: 'none', message });
  assert.deepEqual(errors.locale, invalid('ait-iap: mountProductList: locale: "kr": allowed: ko,en'));
  assert.deepEqual(errors.badge, invalid('ait-iap: mountProductList: testBadge: "yes": allowed: boolean'));
  assert.deepEqual(errors.misspelled, invalid('ait-iap: mountProductList: local: "en": unknown option'));
  assert.deepEqual(errors.products, invalid('ait-iap: mountProductList: products: <object>: allowed: an array or a promise'));
  assert.deepEqual(errors.fine, [null, null, null]);
  assert.deepEqual(errors.container, Array(3).fill(invalid('ait-iap: mountProductList: container: not an element')));
  await page.close();
});

test('keyed updates touch only the rows that changed; moves are minimal; focus stays', async () => {
  const page = await sandbox.page();
  const list = Array.from({ length: 10 }, (_, i) => product(i));
  await mountTestList(page, list);
  const counts = await page.evaluate((list) => {
    const ul = document.querySelector('#test-list .ait-iap-list');
    const record = (mutate) => {
      const observer = new MutationObserver(() => {});
      observer.observe(ul, { subtree: true, childList: true, characterData: true, attributes: true });
      mutate();
      const records = observer.takeRecords();
      observer.disconnect();
      const rows = new Set(records.map((r) => (r.target.closest?.('li') ?? r.target.parentElement?.closest('li'))?.dataset.sku ?? 'list'));
      return { records: records.length, rows: [...rows] };
    };
    const changed = list.map((p, i) => (i === 3 ? { ...p, displayAmount: '9,999원' } : p));
    const price = record(() => window.testList.update(changed));
    const same = record(() => window.testList.update(changed));
    document.querySelector('#test-list li[data-sku="p5"] button.ait-iap-buy').focus();
    const moved = [...changed.slice(0, 2), changed[9], ...changed.slice(2, 9)];
    const move = record(() => window.testList.update(moved));
    const focused = document.activeElement?.dataset.sku;
    const order = [...document.querySelectorAll('#test-list li')].map((li) => li.dataset.sku);
    return { price, same, move, focused, order };
  }, list);
  assert.deepEqual(counts.price.rows, ['p3'], 'only the changed row is touched');
  assert.equal(counts.price.records, 1, 'one text write');
  assert.equal(counts.same.records, 0, 'an identical update writes nothing');
  assert.equal(counts.move.records, 2, 'one move = one removal + one insertion');
  assert.equal(counts.focused, 'p5');
  assert.deepEqual(counts.order, ['p0', 'p1', 'p9', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8']);
  await page.close();
});

test('an XSS corpus in every product field renders as text and runs no script', async () => {
  const page = await sandbox.page();
  const corpus = [
    '<img src=x onerror="window.__xss=1">',
    '<script>window.__xss=1</script>',
    '"><svg onload="window.__xss=1">',
    "'; window.__xss=1; '",
    '<a href="javascript:window.__xss=1">x</a>',
    '{{constructor.constructor("window.__xss=1")()}}',
  ];
  const products = corpus.map((text, i) => ({
    sku: `x${i}${text}`, type: 'SUBSCRIPTION', renewalCycle: 'MONTHLY', displayName: text, displayAmount: text, description: text,
    iconUrl: ['javascript:window.__xss=1', 'data:text/html,<script>window.__xss=1</script>', text][i % 3],
    offers: [{ type: 'FREE_TRIAL', offerId: text, period: text }],
  }));
  await mountTestList(page, products);
  await page.waitForTimeout(100);
  const result = await page.evaluate(() => {
    const root = document.getElementById('test-list');
    return {
      xss: window.__xss,
      names: [...root.querySelectorAll('.ait-iap-name')].map((n) => n.textContent),
      prices: [...root.querySelectorAll('.ait-iap-price')].map((n) => n.textContent),
      offerIds: [...root.querySelectorAll('.ait-iap-offer')].map((b) => b.dataset.offerId),
      injected: root.querySelectorAll('script, svg, a, img:not(.ait-iap-icon), [onerror], [onload]').length,
      iconSrcs: [...root.querySelectorAll('img.ait-iap-icon')].map((i) => i.getAttribute('src')),
    };
  });
  assert.equal(result.xss, undefined);
  assert.deepEqual(result.names, corpus);
  assert.deepEqual(result.prices, corpus);
  assert.deepEqual(result.offerIds, corpus);
  assert.equal(result.injected, 0);
  assert.deepEqual(result.iconSrcs, corpus.map(() => null), 'no unsafe icon URL is loaded');
  await page.close();
});

test('the list works under a strict CSP: no violations, a purchase completes', async () => {
  const page = await sandbox.page('csp');
  const headers = await (await fetch(sandbox.server.url + 'csp')).headers.get('content-security-policy');
  assert.match(headers, /script-src 'self' 'wasm-unsafe-eval'/);
  const shown = await buy(page);
  assert.equal(shown.status, 'completed');
  assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  await page.close();
});

test('roles and labels: a labelled list, real buttons with names, a status line; English too', async () => {
  const page = await sandbox.page('?catalogue=example');
  await page.waitForSelector('#shop .ait-iap-row');
  const ko = await page.evaluate(() => {
    const shop = document.getElementById('shop');
    return {
      list: shop.querySelector('ul').getAttribute('aria-label'),
      items: shop.querySelectorAll('ul > li').length,
      buttons: [...shop.querySelectorAll('li button.ait-iap-buy')].map((b) => ({ tag: b.tagName, type: b.type, label: b.getAttribute('aria-label') })),
      offers: [...shop.querySelectorAll('button.ait-iap-offer')].map((b) => b.textContent),
      status: shop.querySelector('[role="status"]')?.getAttribute('aria-live'),
      badges: [...shop.querySelectorAll('.ait-iap-badge--kind')].map((b) => b.textContent),
      test: [...shop.querySelectorAll('.ait-iap-badge--test:not([hidden])')].length,
    };
  });
  assert.equal(ko.list, '상품 목록');
  assert.equal(ko.items, 3);
  assert.deepEqual(ko.buttons[0], { tag: 'BUTTON', type: 'button', label: '보석 100개 구매' });
  assert.deepEqual(ko.badges, ['소모품', '영구 상품', '구독 · 매월']);
  assert.deepEqual(ko.offers, ['7일 무료 체험', '첫 구독 할인 · 990원', '다시 구독 할인 · 2,900원'], "the trial's ISO period in words");
  assert.equal(ko.status, 'polite');
  assert.equal(ko.test, 3, 'test badges in the sandbox');
  await mountTestList(page, [product(1)], { locale: 'en', testBadge: false });
  const en = await page.evaluate(() => ({
    list: document.querySelector('#test-list ul').getAttribute('aria-label'),
    label: document.querySelector('#test-list button.ait-iap-buy').getAttribute('aria-label'),
    text: document.querySelector('#test-list button.ait-iap-buy').textContent,
  }));
  assert.deepEqual(en, { list: 'Products', label: '상품 1 Buy', text: 'Buy' });
  await page.close();
});

test('states: loading skeleton, empty, error with retry, update the Toss app', async () => {
  const page = await sandbox.page();
  await page.waitForSelector('#shop[data-state="ready"]');
  await setScenario(page, { on: 'iapGetProductItemList', delayMs: 400 });
  const reload = page.evaluate(() => window.iapList.reload());
  await page.waitForSelector('#shop[data-state="loading"] ul[aria-busy="true"]');
  await reload;
  await page.waitForSelector('#shop[data-state="ready"]');
  await setScenario(page, { on: 'iapGetProductItemList', error: 'NETWORK_ERROR' });
  await page.evaluate(() => window.iapList.reload());
  await page.waitForSelector('#shop[data-state="error"] button.ait-iap-retry');
  assert.equal(await page.locator('#shop').getAttribute('data-error-code'), 'NETWORK_ERROR');
  assert.equal(await page.locator('#shop ul').getAttribute('aria-label'), '상품 목록', 'named as the list, no longer "loading"');
  await page.click('#shop button.ait-iap-retry');
  await page.waitForSelector('#shop[data-state="ready"] .ait-iap-row');
  await page.evaluate(() => window.hostEmulator.setProducts([]));
  await page.evaluate(() => window.iapList.reload());
  await page.waitForSelector('#shop[data-state="empty"]');
  await page.close();
  const old = await sandbox.page('?env=toss&version=5.218.0');
  await old.waitForSelector('#shop[data-state="update-app"]');
  assert.match(await old.locator('#shop .ait-iap-state').textContent(), /업데이트/);
  await old.close();
});

test('purchase feedback: busy row, cancel silent, retryable error offers a retry that buys again', async () => {
  const page = await sandbox.page();
  await setScenario(page, 'USER_CANCELED');
  const canceled = await buy(page);
  assert.equal(canceled.status, 'canceled');
  assert.equal(canceled.text, '');
  await setScenario(page, 'NETWORK_ERROR');
  const failed = await buy(page);
  assert.equal(failed.code, 'NETWORK_ERROR');
  assert.equal(await page.locator('.ait-iap-status button.ait-iap-retry-purchase').getAttribute('data-sku'), SKU1);
  await setScenario(page, { delayMs: 400 });
  await page.click('.ait-iap-status button.ait-iap-retry-purchase');
  await page.waitForSelector(`li[data-sku="${SKU1}"][aria-busy="true"]`);
  assert.equal(await page.locator(`li[data-sku="${SKU1}"] button.ait-iap-buy`).textContent(), '결제 중…');
  await page.locator('.ait-iap-status[data-status="completed"]').waitFor();
  assert.equal(await page.locator(`li[data-sku="${SKU1}"]`).getAttribute('aria-busy'), null);
  assert.equal(await page.locator(`li[data-sku="${SKU1}"] > .ait-iap-status[role="status"]`).count(), 1, 'the outcome is announced at the item tapped');
  const other = await buy(page, SKU2);
  assert.equal(other.status, 'completed');
  assert.equal(await page.locator(`li[data-sku="${SKU2}"] > .ait-iap-status`).textContent(), '구매를 완료했어요.', 'and moves with the next purchase');
  assert.equal(await page.locator('.ait-iap-status').count(), 1);
  await page.close();
});

test('icons: https loads, localhost http loads in development, a broken one falls back', async () => {
  const page = await sandbox.page();
  await mountTestList(page, [
    product(1, { iconUrl: `${sandbox.server.url}www/favicon.svg` }),
    product(2, { iconUrl: 'https://127.0.0.1:1/missing.png' }),
    product(3, { iconUrl: 'http://example.com/a.png' }),
  ]);
  await page.waitForFunction(() => document.querySelector('#test-list li[data-sku="p2"] img.ait-iap-icon').hidden);
  const icons = await page.evaluate(() => [...document.querySelectorAll('#test-list li')].map((li) => ({
    src: li.querySelector('img').getAttribute('src'), img: !li.querySelector('img').hidden, fallback: !li.querySelector('.ait-iap-icon--fallback').hidden,
    letter: li.querySelector('.ait-iap-icon--fallback').textContent,
  })));
  assert.deepEqual(icons.map((i) => [i.img, i.fallback]), [[true, false], [false, true], [false, true]]);
  assert.equal(icons[2].src, null);
  assert.equal(icons[1].letter, '상');
  await page.close();
});

test('icons across updates: an icon that goes away shows the letter, one that comes back or replaces a broken one shows', async () => {
  const page = await sandbox.page();
  const good = `${sandbox.server.url}www/favicon.svg`;
  await mountTestList(page, [product(1, { iconUrl: good }), product(2, { iconUrl: 'https://127.0.0.1:1/missing.png' })]);
  await page.waitForFunction(() => document.querySelector('#test-list li[data-sku="p2"] img.ait-iap-icon').hidden);
  const shown = () => page.evaluate(() => [...document.querySelectorAll('#test-list li')].map((li) => {
    const img = li.querySelector('img');
    return [img.getAttribute('src'), !img.hidden, !li.querySelector('.ait-iap-icon--fallback').hidden];
  }));
  const update = (icons) => page.evaluate(([a, b]) => window.testList.update([
    { sku: 'p1', type: 'CONSUMABLE', displayName: '상품 1', displayAmount: '1,000원', iconUrl: a, description: '' },
    { sku: 'p2', type: 'CONSUMABLE', displayName: '상품 2', displayAmount: '2,000원', iconUrl: b, description: '' },
  ]), icons);
  await update(['', good]);
  assert.deepEqual(await shown(), [[null, false, true], [good, true, false]], 'gone: the letter; broken, then good: the icon');
  await update(['javascript:alert(1)', good]);
  assert.deepEqual(await shown(), [[null, false, true], [good, true, false]], 'refused like missing');
  await update([good, '']);
  assert.deepEqual(await shown(), [[good, true, false], [null, false, true]], 'back: the icon');
  await page.close();
});

test('screenshots of the sandbox list in light and dark are saved for review', async () => {
  mkdirSync('test-results/screenshots', { recursive: true });
  for (const scheme of ['light', 'dark']) {
    const page = await sandbox.page('?catalogue=example');
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 420, height: 640 });
    await page.waitForSelector('#shop[data-state="ready"]');
    await page.screenshot({ path: `test-results/screenshots/list-${scheme}.png`, fullPage: true });
    const bg = await page.evaluate(() => getComputedStyle(document.querySelector('#shop .ait-iap-row')).backgroundColor);
    assert.equal(bg, scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(32, 32, 39)');
    const target = await page.evaluate(() => document.querySelector('#shop button.ait-iap-buy').getBoundingClientRect().height);
    assert.ok(target >= 44, `touch target ${target}px`);
    await page.close();
  }
});

test('a non-consumable the user owns shows 보유 중 and cannot be bought; after a refund it can again', async () => {
  const page = await sandbox.page('?catalogue=example');
  const row = page.locator('li[data-sku="no.ads"]');
  const button = row.locator('button.ait-iap-buy');
  await button.waitFor();
  assert.equal(await button.textContent(), '구매');
  const bought = await buy(page, 'no.ads');
  assert.equal(bought.status, 'completed');
  assert.equal(await button.textContent(), '보유 중');
  assert.equal(await button.isDisabled(), true);
  assert.equal(await button.getAttribute('aria-label'), '광고 제거 보유 중');
  assert.notEqual(await row.getAttribute('data-owned'), null);
  assert.equal(await page.locator('li[data-sku="gem.100"] button.ait-iap-buy').isDisabled(), false, 'the others stay buyable');
  // A later visit learns it from the order history.
  await page.reload();
  await page.waitForFunction(() => document.querySelector('li[data-sku="no.ads"] button.ait-iap-buy')?.textContent === '보유 중');
  // Refunded: buyable again after the next load.
  await page.evaluate((orderId) => window.hostEmulator.refund(orderId), bought.orderId);
  await page.evaluate(() => window.iapList.reload());
  await page.waitForFunction(() => document.querySelector('li[data-sku="no.ads"] button.ait-iap-buy')?.textContent === '구매');
  assert.equal(await button.isDisabled(), false);
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});
