// The client's `entitlements(url, options)` (js/entitlements.js, plain JS) against real HTTP servers: ait-iap/server's
// createEntitlementsHandler on PGlite for the answers it gives, and a bare node:http server for the answers a
// misconfigured or failing backend gives (a 500, a redirect, a page that is not the JSON, no answer at all).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import { entitlements } from '../js/entitlements.js';
import { assertDocumented } from './documented-errors.mjs';
import { postgresLedger, createEntitlementsHandler, toNodeListener, subscriptionNotification, parseSubscriptionNotification } from '../js/server/index.js';

const listen = async (listener) => {
  const server = http.createServer(listener);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
};
const close = ({ server }) => {
  server.closeAllConnections();
  return new Promise((r) => server.close(r));
};
const rejects = (promise, fields) => assert.rejects(promise, (e) => {
  assert.equal(e.name, 'AitIapError');
  assert.ok(e instanceof Error);
  assertDocumented(e);
  assert.equal(e.message, `ait-iap: ${e.detail}`);
  for (const [k, v] of Object.entries(fields)) assert.equal(k === 'message' ? v.test(e.message) : e[k], k === 'message' ? true : v, `${k}: ${e[k]} (${e.message})`);
  return true;
});

describe('entitlements() against createEntitlementsHandler on PGlite', () => {
  let db, backend;
  const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * 86_400_000);
  before(async () => {
    db = await PGlite.create();
    const ledger = postgresLedger(db, { nonConsumableSkus: ['remove.ads'] });
    await ledger.migrate();
    await ledger.grantOnce({ orderId: 's-1', userKey: 'user-1', sku: 'pass.monthly', environment: 'toss' }, () => {});
    await ledger.applySubscriptionEvent(parseSubscriptionNotification(subscriptionNotification({
      orderId: 's-1', sku: 'pass.monthly', changeReason: 'CREATED', occurredAt: new Date(Date.now() - 60_000),
      current: { status: 'ACTIVE', accessGranted: true, expiresAt, autoRenew: true },
    })));
    await ledger.grantOnce({ orderId: 'o-1', userKey: 'user-1', sku: 'remove.ads', environment: 'toss' }, () => {});
    const userKeyOf = (request) => /^Dev (\S+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? null;
    backend = await listen(toNodeListener(createEntitlementsHandler({ ledger, userKeyOf })));
  });
  after(async () => {
    await close(backend);
    await db.close();
  });

  test('resolves the signed-in user\'s entitlements, typed (expiresAt a Date)', async () => {
    const answer = await entitlements(`${backend.url}/api/entitlements`, { headers: { Authorization: 'Dev user-1' } });
    assert.deepEqual(answer, {
      skus: ['pass.monthly', 'remove.ads'],
      subscriptions: [{ sku: 'pass.monthly', status: 'ACTIVE', accessGranted: true, expiresAt, autoRenew: true }],
      nonConsumables: [{ sku: 'remove.ads' }],
    });
    assert.deepEqual((await entitlements(new URL('/api/entitlements', backend.url), { headers: { Authorization: 'Dev user-2' } })).skus, []);
  });

  test('without a session: ENTITLEMENTS_REFUSED with status 401, not retryable, the reason in the message', async () => {
    await rejects(entitlements(`${backend.url}/api/entitlements`), { code: 'ENTITLEMENTS_REFUSED', status: 401, retryable: false, message: /HTTP 401 not signed in/ });
  });
});

describe('entitlements() against a backend that does not answer as it should', () => {
  let odd, hung = [];
  before(async () => {
    odd = await listen((req, res) => {
      const path = req.url;
      if (path === '/down') return res.writeHead(503, { 'content-type': 'application/json' }).end('{"reason":"try again"}');
      if (path === '/limited') return res.writeHead(429).end();
      if (path === '/moved') return res.writeHead(302, { location: '/elsewhere' }).end();
      if (path === '/html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>app shell</p>');
      if (path === '/shape') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ skus: ['a'], subscriptions: [{ sku: 'a', status: 'ACTIVE', accessGranted: 'yes', expiresAt: null, autoRenew: true }], nonConsumables: [] }));
      if (path === '/hang') return void hung.push(res);
      res.writeHead(404).end();
    });
  });
  after(async () => {
    for (const res of hung) res.destroy();
    await close(odd);
  });

  test('a 5xx or 429 is ENTITLEMENTS_UNREACHABLE (retryable); a 404 or a redirect (not followed) is ENTITLEMENTS_REFUSED', async () => {
    await rejects(entitlements(`${odd.url}/down`), { code: 'ENTITLEMENTS_UNREACHABLE', status: 503, retryable: true, message: /HTTP 503 try again/ });
    await rejects(entitlements(`${odd.url}/limited`), { code: 'ENTITLEMENTS_UNREACHABLE', status: 429, retryable: true });
    await rejects(entitlements(`${odd.url}/nothing`), { code: 'ENTITLEMENTS_REFUSED', status: 404 });
    await rejects(entitlements(`${odd.url}/moved`), { code: 'ENTITLEMENTS_REFUSED', status: 302, message: /redirected \(not followed\)/ });
  });

  test('a 2xx that is not the JSON (an HTML page, a field of the wrong type) is ENTITLEMENTS_BAD_RESPONSE', async () => {
    await rejects(entitlements(`${odd.url}/html`), { code: 'ENTITLEMENTS_BAD_RESPONSE', status: 200, retryable: false });
    await rejects(entitlements(`${odd.url}/shape`), { code: 'ENTITLEMENTS_BAD_RESPONSE', status: 200 });
  });

  test('no answer within timeoutMs, or nobody listening: ENTITLEMENTS_UNREACHABLE with status 0', async () => {
    await rejects(entitlements(`${odd.url}/hang`, { timeoutMs: 200 }), { code: 'ENTITLEMENTS_UNREACHABLE', status: 0, retryable: true, message: /no answer within 200 ms/ });
    const gone = await listen(() => {});
    await close(gone);
    await rejects(entitlements(`${gone.url}/x`), { code: 'ENTITLEMENTS_UNREACHABLE', status: 0, message: /unreachable/ });
  });

  test("the caller's abort rejects with the signal's reason", async () => {
    const controller = new AbortController();
    const asked = entitlements(`${odd.url}/hang`, { signal: controller.signal });
    const reason = new Error('left the page');
    controller.abort(reason);
    await assert.rejects(asked, (e) => e === reason);
  });
});
