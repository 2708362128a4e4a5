// What the developer is told, in English, in the console (once per cause; never for what the user did), and the
// cause an outcome carries: a grant URL answering 404, a backend nobody answers at, storage that fails, an SDK
// without a method, and option mistakes named in the error's message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, SKU1 } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

/** A sandbox page whose `ait-iap:` console warnings are collected in `warnings`. */
async function watchedPage(query) {
  const page = await sandbox.page(query);
  const warnings = [];
  page.on('console', (m) => m.type() === 'warning' && m.text().startsWith('ait-iap:') && warnings.push(m.text()));
  await page.evaluate(() => window.iap.dispose());
  return { page, warnings };
}

/** Buys SKU1 `times` times through a client made with `options` (beside the sandbox's sdk). */
const buyWith = (page, options, times = 1) =>
  page.evaluate(async ([options, sku, times]) => {
    const client = window.aitIap.createIap({ sdk: window.sdk, recoverOnStart: false, grantDeadlineMs: 1500, ...options });
    const outcomes = [];
    for (let i = 0; i < times; i++) {
      const { status, error } = await client.purchase(sku);
      outcomes.push({ status, code: error?.code, cause: error?.cause && { code: error.cause.code, status: error.cause.status, detail: error.cause.detail, name: error.cause.name } });
    }
    client.dispose();
    return outcomes;
  }, [options, SKU1, times]);

const settle = (page) => page.evaluate(() => new Promise((r) => setTimeout(r, 300)));

test('a grant URL answering 404: one warning with the URL and status; the outcome carries BACKEND_REFUSED 404', async () => {
  const { page, warnings } = await watchedPage();
  const outcomes = await buyWith(page, { grant: '/api/no-such-route' }, 2);
  for (const o of outcomes) {
    assert.equal(o.status, 'failed');
    assert.equal(o.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER', 'the user-facing code stays');
    assert.deepEqual({ code: o.cause?.code, status: o.cause?.status, name: o.cause?.name }, { code: 'BACKEND_REFUSED', status: 404, name: 'AitIapError' });
  }
  await settle(page);
  const about = warnings.filter((w) => w.includes('/api/no-such-route'));
  assert.equal(about.length, 1, `one warning for one cause: ${JSON.stringify(warnings)}`);
  assert.match(about[0], /HTTP 404/);
  await page.close();
});

test('the early check warns about an unreachable grant URL at createIap, before any purchase, with the CORS and CSP hint', async () => {
  const { page, warnings } = await watchedPage();
  const url = 'http://127.0.0.1:9/api/iap/grant'; // the discard port: nothing answers
  await page.evaluate((url) => { window.early = window.aitIap.createIap({ sdk: window.sdk, grant: url, recoverOnStart: false }); }, url);
  for (let i = 0; i < 50 && !warnings.some((w) => w.includes(url)); i++) await settle(page);
  const about = warnings.filter((w) => w.includes(url));
  assert.equal(about.length, 1, JSON.stringify(warnings));
  assert.match(about[0], /CORS/);
  assert.match(about[0], /connect-src/);
  assert.equal(await page.evaluate(() => window.hostEmulator.calls().filter((c) => /Purchase/.test(c.functionName)).length), 0, 'no purchase yet');

  // The purchase then fails for the same cause without a second warning, and says so in its cause.
  const [outcome] = await buyWith(page, { grant: url });
  assert.deepEqual([outcome.code, outcome.cause?.code, outcome.cause?.status], ['PRODUCT_NOT_GRANTED_BY_PARTNER', 'BACKEND_UNREACHABLE', 0]);
  assert.equal(warnings.filter((w) => w.includes(url)).length, 1);
  await page.close();
});

test('a backend answering 503 until the deadline: the cause is BACKEND_UNREACHABLE with the status', async () => {
  const { page, warnings } = await watchedPage();
  const [outcome] = await sandbox.whileBackend('down', () => buyWith(page, { grant: '/api/grant' }));
  assert.deepEqual([outcome.code, outcome.cause?.code, outcome.cause?.status], ['PRODUCT_NOT_GRANTED_BY_PARTNER', 'BACKEND_UNREACHABLE', 503]);
  assert.equal(warnings.filter((w) => /HTTP 503/.test(w)).length, 1, JSON.stringify(warnings));
  await page.close();
});

test('a canceled purchase and a working backend warn about nothing', async () => {
  const { page, warnings } = await watchedPage();
  const [done] = await buyWith(page, { grant: '/api/grant' });
  assert.equal(done.status, 'completed');
  await page.evaluate(() => window.hostEmulator.setScenario('USER_CANCELED'));
  const [canceled] = await buyWith(page, { grant: '/api/grant' });
  assert.equal(canceled.status, 'canceled');
  await settle(page);
  assert.deepEqual(warnings, []);
  await page.close();
});

test('storage that fails and an SDK without a method: one warning each', async () => {
  const { page, warnings } = await watchedPage('?sdk=1.4');
  await page.evaluate(async (sku) => {
    const storage = { getItem: () => null, setItem: () => { throw new Error('quota'); } };
    const client = window.aitIap.createIap({ sdk: window.sdk, grant: '/api/grant', storage, recoverOnStart: false });
    await client.purchase(sku);
    await client.purchase(sku);
    await client.purchase(sku, { subscription: true }); // web-bridge 1.4 has no subscriptions
    client.dispose();
  }, SKU1);
  await settle(page);
  assert.equal(warnings.filter((w) => /storage/.test(w)).length, 1, JSON.stringify(warnings));
  assert.equal(warnings.filter((w) => /createSubscriptionPurchaseOrder is missing/.test(w)).length, 1, JSON.stringify(warnings));
  await page.close();
});

test('option mistakes throw INVALID_ARGUMENT whose English message names the option, the value and what is allowed', async () => {
  const { page } = await watchedPage();
  const errors = await page.evaluate(() => {
    const attempt = (options) => {
      try {
        window.aitIap.createIap({ sdk: window.sdk, grant: '/api/grant', ...options });
        return null;
      } catch (e) {
        return { name: e.name, code: e.code, message: e.message };
      }
    };
    return {
      misspelled: attempt({ grant: undefined, grnat: '/api/grant' }),
      range: attempt({ grantDeadlineMs: 60000 }),
      negative: attempt({ purchaseTimeoutMs: -1 }),
      text: attempt({ grantDeadlineMs: '5000' }),
      sdk: (() => { try { window.aitIap.createIap({ sdk: {}, grant: '/api/grant' }); } catch (e) { return { code: e.code, message: e.message }; } })(),
      grant: attempt({ grant: 42 }),
      fine: attempt({ grantDeadlineMs: 28000, purchaseTimeoutMs: 60000, locale: 'en' }),
    };
  });
  assert.equal(errors.misspelled.code, 'INVALID_ARGUMENT');
  assert.equal(errors.misspelled.name, 'AitIapError');
  assert.match(errors.misspelled.message, /grnat.*unknown option/);
  assert.match(errors.range.message, /grantDeadlineMs: 60000: allowed: 100-28000 ms/);
  assert.match(errors.negative.message, /purchaseTimeoutMs: -1/);
  assert.match(errors.text.message, /grantDeadlineMs: "5000"/);
  assert.equal(errors.sdk.code, 'INVALID_ARGUMENT');
  assert.match(errors.sdk.message, /sdk\.getProductItemList is not a function/);
  assert.match(errors.grant.message, /grant must be/);
  assert.equal(errors.fine, null);
  await page.close();
});
