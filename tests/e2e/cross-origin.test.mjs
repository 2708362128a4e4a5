// The mini-app's page and the partner's backend on different origins, as in production: the hand-off (JSON with
// an Idempotency-Key header) is preflighted, and the grant handler's CORS answers decide whether it arrives;
// `grant.credentials` decides whether the page's cookies go with it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { openSandbox, corsServer, SKU1 } from './harness.mjs';
import { createGrantHandler, memoryLedger, toNodeListener } from '../../js/server/index.js';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

/** A partner backend on its own port (another origin) running ait-iap/server's grant handler. */
async function partnerBackend(allowOrigins) {
  const ledger = memoryLedger();
  const route = toNodeListener(createGrantHandler({
    toss: sandbox.server.tossApi,
    ledger,
    userKeyOf: () => 'sandbox-user',
    deliver: () => {},
    allowOrigins,
  }));
  const server = http.createServer((req, res) => (req.url === '/api/iap/grant' ? route(req, res) : res.writeHead(404).end()));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/api/iap/grant`, ledger, close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); } };
}

const buyThrough = (page, url) =>
  page.evaluate(async ([url, sku]) => {
    window.iap.dispose();
    const client = window.aitIap.createIap({ sdk: window.sdk, grant: { url }, recoverOnStart: false, grantDeadlineMs: 1500 });
    const o = await client.purchase(sku);
    client.dispose();
    return { status: o.status, orderId: o.orderId, code: o.error?.code };
  }, [url, SKU1]);

test('a backend on another origin that allows the mini-app\'s origin receives the hand-off and grants once', async (t) => {
  const origin = new URL(sandbox.server.url).origin;
  const backend = await partnerBackend([origin]);
  t.after(backend.close);
  const page = await sandbox.page();
  t.after(() => page.close());
  const noise = [];
  page.on('console', (m) => ['error', 'warning'].includes(m.type()) && noise.push(m.text()));
  const outcome = await buyThrough(page, backend.url);
  assert.equal(outcome.status, 'completed');
  assert.deepEqual(noise, [], 'the early check of the grant URL and the hand-off leave the console quiet');
  assert.equal(backend.ledger.grants.get(outcome.orderId)?.sku, SKU1);
});

test('a backend that does not allow the origin never sees the POST: the grant fails and the order is kept', async (t) => {
  const backend = await partnerBackend(['https://elsewhere.example']);
  t.after(backend.close);
  const page = await sandbox.page();
  t.after(() => page.close());
  const outcome = await buyThrough(page, backend.url);
  assert.equal(outcome.status, 'failed');
  assert.equal(outcome.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  assert.equal(backend.ledger.grants.size, 0);
  assert.deepEqual((await page.evaluate(() => JSON.parse(localStorage.getItem('ait-iap:outbox')))).map((e) => e.orderId), [outcome.orderId]);
});

test('grant.credentials: "include" sends the page\'s cookies with the hand-off to another origin; the default sends none', async () => {
  // A backend on its own port: another origin of the same site, which allows credentialed requests from the page.
  const backend = await corsServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"granted":true}'));
  const page = await sandbox.page();
  try {
    const outcomes = await page.evaluate(async ([url, sku]) => {
      window.iap.dispose();
      document.cookie = 'session=user-42; path=/';
      const outcomes = [];
      for (const grant of [{ url, credentials: 'include' }, { url }]) {
        const client = window.aitIap.createIap({ sdk: window.sdk, grant, recoverOnStart: false, grantDeadlineMs: 1500 });
        const o = await client.purchase(sku);
        client.dispose();
        outcomes.push({ status: o.status, orderId: o.orderId });
      }
      return outcomes;
    }, [backend.url, SKU1]);
    assert.deepEqual(outcomes.map((o) => o.status), ['completed', 'completed']);
    const cookieOf = (orderId) => backend.posts.filter((p) => p.orderId === orderId).map((p) => p.cookie);
    assert.deepEqual(cookieOf(outcomes[0].orderId), ['session=user-42'], 'credentials: include carries the cookie');
    assert.deepEqual(cookieOf(outcomes[1].orderId), [null], 'the default (same-origin) carries none to another origin');
  } finally {
    await page.close();
    await backend.close();
  }
});
