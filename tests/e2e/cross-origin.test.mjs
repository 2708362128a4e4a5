// The mini-app's page and the partner's backend on different origins, as in production: the hand-off (JSON with
// an Idempotency-Key header) is preflighted, and the grant handler's CORS answers decide whether it arrives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { openSandbox, SKU1 } from './harness.mjs';
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
  return { url: `http://127.0.0.1:${server.address().port}/api/iap/grant`, ledger, close: () => new Promise((r) => server.close(r)) };
}

const buyThrough = (page, url) =>
  page.evaluate(async ([url, sku]) => {
    window.iap.dispose();
    const client = window.aitIap.createIap({ sdk: window.sdk, grant: { url }, recoverOnStart: false, grantDeadlineMs: 1500 });
    const o = await client.purchase(sku);
    client.dispose();
    return { status: o.status, orderId: o.orderId, code: o.error?.code };
  }, [url, SKU1]);

test('a backend on another origin that allows the mini-app\'s origin receives the hand-off and grants once', async () => {
  const origin = new URL(sandbox.server.url).origin;
  const backend = await partnerBackend([origin]);
  const page = await sandbox.page();
  const noise = [];
  page.on('console', (m) => ['error', 'warning'].includes(m.type()) && noise.push(m.text()));
  const outcome = await buyThrough(page, backend.url);
  assert.equal(outcome.status, 'completed');
  assert.deepEqual(noise, [], 'the early check of the grant URL and the hand-off leave the console quiet');
  assert.equal(backend.ledger.grants.get(outcome.orderId)?.sku, SKU1);
  await page.close();
  await backend.close();
});

test('a backend that does not allow the origin never sees the POST: the grant fails and the order is kept', async () => {
  const backend = await partnerBackend(['https://elsewhere.example']);
  const page = await sandbox.page();
  const outcome = await buyThrough(page, backend.url);
  assert.equal(outcome.status, 'failed');
  assert.equal(outcome.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  assert.equal(backend.ledger.grants.size, 0);
  assert.deepEqual((await page.evaluate(() => JSON.parse(localStorage.getItem('ait-iap:outbox')))).map((e) => e.orderId), [outcome.orderId]);
  await page.close();
  await backend.close();
});
