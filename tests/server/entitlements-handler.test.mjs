// The entitlements endpoint on a real PostgreSQL server and on PGlite, over real HTTP through toNodeListener: the
// signed-in user's entitlements as the ledger has them (subscriptions recorded from Toss's notifications, one-time
// products granted), as little as the page needs, nobody else's, 401 without a session, CORS for the app's page.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  postgresLedger, createEntitlementsHandler, toNodeListener, subscriptionNotification, parseSubscriptionNotification,
} from '../../js/server/index.js';
import { ENGINES } from './engines.mjs';

const PAGE = 'https://mini.example.com';
const T0 = Date.parse('2026-08-01T03:00:00Z');
const at = (days) => new Date(T0 + days * 86_400_000);
const snap = (status, accessGranted, expiresAt, autoRenew = true) => ({ status, accessGranted, expiresAt, autoRenew });
/** The development stand-in of the docs: `Authorization: Dev <userKey>`. */
const userKeyOf = (request) => /^Dev (\S+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? null;

for (const engine of ENGINES) {
  describe(`entitlements handler on ${engine.name}`, () => {
    let opened, db, ledger, server, url, clock = at(1);
    const errors = [];
    before(async () => {
      opened = await engine.open();
      db = opened.db;
      ledger = postgresLedger(db, { nonConsumableSkus: ['remove.ads'], onError: () => {} });
      await ledger.migrate();
      const handler = createEntitlementsHandler({ ledger, userKeyOf, allowOrigins: [PAGE], now: () => clock, onError: (e) => errors.push(e.code) });
      server = http.createServer(toNodeListener(handler));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${server.address().port}/api/entitlements`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await opened.close();
    });
    beforeEach(async () => {
      for (const table of ['ait_iap_grants', 'ait_iap_grants_subscriptions', 'ait_iap_grants_subscription_events']) await db.query(`DELETE FROM ${table}`);
      errors.length = 0;
      clock = at(1);
    });

    const ask = async (userKey, { method = 'GET', origin, headers = {} } = {}) => {
      const res = await fetch(url, { method, headers: { ...(userKey ? { authorization: `Dev ${userKey}` } : {}), ...(origin ? { origin } : {}), ...headers } });
      const text = await res.text();
      return { status: res.status, text, body: text ? JSON.parse(text) : null, headers: res.headers };
    };
    const grant = (orderId, userKey, sku = 'pass.monthly') => ledger.grantOnce({ orderId, userKey, sku, environment: 'toss' }, () => {});
    const notify = (orderId, changeReason, day, current) => ledger.applySubscriptionEvent(parseSubscriptionNotification(
      subscriptionNotification({ orderId, sku: 'pass.monthly', changeReason, occurredAt: at(day), current }),
    ));

    test("the user's active subscription and owned products, as little as the page needs, never cached", async () => {
      await grant('s-1', 'user-1');
      await notify('s-1', 'CREATED', 0, snap('ACTIVE', true, at(30)));
      await grant('o-ads', 'user-1', 'remove.ads');
      await grant('o-ads-again', 'user-1', 'remove.ads');
      await grant('o-gems', 'user-1', 'gem.100'); // a consumable: not an entitlement
      const { status, body, text, headers } = await ask('user-1');
      assert.equal(status, 200);
      assert.deepEqual(body, {
        skus: ['pass.monthly', 'remove.ads'],
        subscriptions: [{ sku: 'pass.monthly', status: 'ACTIVE', accessGranted: true, expiresAt: at(30).toISOString(), autoRenew: true }],
        nonConsumables: [{ sku: 'remove.ads' }],
      });
      assert.equal(headers.get('cache-control'), 'no-store');
      assert.match(headers.get('content-type'), /^application\/json/);
      for (const secret of ['s-1', 'o-ads', 'user-1']) assert.ok(!text.includes(secret), `the reply names no ${secret}`);
    });

    test("nobody else's: each user sees only their own; a new user sees nothing", async () => {
      await grant('s-a', 'user-a');
      await notify('s-a', 'CREATED', 0, snap('ACTIVE', true, at(30)));
      await grant('o-b', 'user-b', 'remove.ads');
      assert.deepEqual((await ask('user-a')).body.skus, ['pass.monthly']);
      assert.deepEqual((await ask('user-b')).body.skus, ['remove.ads']);
      assert.deepEqual((await ask('user-c')).body, { skus: [], subscriptions: [], nonConsumables: [] });
    });

    test('follows the record: grace keeps access, hold and a refund take it away, expiry ends it at `now`', async () => {
      await grant('s-life', 'user-1');
      const skus = async () => (await ask('user-1')).body.subscriptions.map((s) => `${s.sku}:${s.status}`);
      await notify('s-life', 'CREATED', 0, snap('ACTIVE', true, at(30)));
      assert.deepEqual(await skus(), ['pass.monthly:ACTIVE']);
      clock = at(31);
      assert.deepEqual(await skus(), [], 'past expiresAt without an EXPIRED: no access (the handler asks at its `now`)');
      await notify('s-life', 'ENTERED_GRACE_PERIOD', 30, snap('IN_GRACE_PERIOD', true, at(30)));
      assert.deepEqual(await skus(), ['pass.monthly:IN_GRACE_PERIOD']);
      await notify('s-life', 'ON_HOLD', 32, snap('ON_HOLD', false, at(30)));
      assert.deepEqual(await skus(), []);
      await notify('s-life', 'RECOVERED', 33, snap('ACTIVE', true, at(63)));
      const renewed = (await ask('user-1')).body.subscriptions[0];
      assert.deepEqual([renewed.status, renewed.expiresAt], ['ACTIVE', at(63).toISOString()]);
      await notify('s-life', 'REVOKED', 34, snap('REVOKED', false, at(63), false));
      assert.deepEqual((await ask('user-1')).body, { skus: [], subscriptions: [], nonConsumables: [] });
    });

    test('no session is 401; a userKey that is not one is 401 and told to onError; only GET', async () => {
      await grant('o-ads', 'user-1', 'remove.ads');
      assert.deepEqual([(await ask(null)).status, (await ask(null)).body], [401, { reason: 'not signed in' }]);
      const odd = await ask('user 1', { headers: { authorization: 'Dev bad/key' } });
      assert.deepEqual([odd.status, odd.body], [401, { reason: 'not signed in' }]);
      assert.deepEqual(errors, ['INVALID_USER_KEY']);
      const posted = await ask('user-1', { method: 'POST' });
      assert.deepEqual([posted.status, posted.body], [405, { reason: 'only GET' }]);
    });

    test("CORS: the app's page reads the answer (its preflight allows Authorization); another origin cannot", async () => {
      await grant('o-ads', 'user-1', 'remove.ads');
      const allowed = await ask('user-1', { origin: PAGE });
      assert.equal(allowed.headers.get('access-control-allow-origin'), PAGE);
      assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
      const pre = await ask(null, { method: 'OPTIONS', origin: PAGE, headers: { 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      assert.equal(pre.status, 204);
      assert.match(pre.headers.get('access-control-allow-headers'), /authorization/);
      const other = await ask('user-1', { origin: 'https://evil.example' });
      assert.equal(other.headers.get('access-control-allow-origin'), null);
      assert.equal((await ask(null, { method: 'OPTIONS', origin: 'https://evil.example' })).status, 403);
    });

    if (engine.name === 'PostgreSQL') {
      test('the database down: 503 with Retry-After, onError told; answered again once it is back', async () => {
        await grant('o-ads', 'user-1', 'remove.ads');
        await opened.server.fault.stop();
        try {
          const { status, body, headers } = await ask('user-1');
          assert.deepEqual([status, body, headers.get('retry-after')], [503, { reason: 'try again' }, '2']);
          assert.deepEqual(errors, ['DATABASE_UNAVAILABLE']);
        } finally {
          await opened.server.fault.start();
        }
        assert.deepEqual((await ask('user-1')).body.skus, ['remove.ads']);
      });
    }
  });
}

test('createEntitlementsHandler checks its options', () => {
  const ledger = { entitlements: async () => ({ subscriptions: [], nonConsumables: [] }) };
  for (const options of [{ ledger }, { userKeyOf }, { ledger: {}, userKeyOf },
    { ledger, userKeyOf, allowOrigins: ['*'] }, { ledger, userKeyOf, now: new Date() }, { ledger, userKeyOf, onError: 'log' }]) {
    assert.throws(() => createEntitlementsHandler(options), { code: 'INVALID_OPTIONS' }, JSON.stringify(Object.keys(options)));
  }
  assert.equal(typeof createEntitlementsHandler({ ledger, userKeyOf }), 'function');
});
