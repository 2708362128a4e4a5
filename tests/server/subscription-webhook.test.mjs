// The subscription webhook on a real PostgreSQL server and on PGlite, over real HTTP through toNodeListener: Toss's
// notifications authenticated, read strictly, recorded once, applied in occurredAt order, bound to the buyer through
// the order's grant in either order, onChange in the same transaction, entitlements following each step.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  postgresLedger, createSubscriptionWebhookHandler, toNodeListener, subscriptionNotification, memoryLedger,
  SUBSCRIPTION_CHANGE_REASONS, TOSS_NOTIFICATION_IPS, ledgerDdl, GRACE_ALLOWANCE_MS,
} from '../../js/server/index.js';
import { ENGINES } from './engines.mjs';

const SECRET = 'registered-in-the-console-4f7a9c';
const CHANGES_DDL = 'CREATE TABLE IF NOT EXISTS sub_changes (n serial PRIMARY KEY, order_id text NOT NULL, user_key text, change_reason text NOT NULL, outcome text NOT NULL)';
const T0 = Date.parse('2026-08-01T03:00:00Z');
const at = (minutes) => new Date(T0 + minutes * 60_000);
const DAY = 86_400_000;
const snap = (status, accessGranted, expiresAt, autoRenew = true) => ({ status, accessGranted, expiresAt, autoRenew });

/** The snapshot each changeReason leads to, as the field notes describe them. */
const AFTER = {
  CREATED: snap('ACTIVE', true, null), RENEWED: snap('ACTIVE', true, at(60 * 24 * 60)), RECOVERED: snap('ACTIVE', true, at(60 * 24 * 60)),
  RESTARTED: snap('ACTIVE', true, at(60 * 24 * 60)), ENTERED_GRACE_PERIOD: snap('IN_GRACE_PERIOD', true, at(60 * 24 * 30)),
  ON_HOLD: snap('ON_HOLD', false, at(60 * 24 * 30)), PAUSED: snap('PAUSED', false, at(60 * 24 * 30)),
  AUTO_RENEW_ENABLED: snap('ACTIVE', true, at(60 * 24 * 30), true), AUTO_RENEW_DISABLED: snap('ACTIVE', true, at(60 * 24 * 30), false),
  EXTENDED: snap('ACTIVE', true, at(60 * 24 * 90)), EXPIRED: snap('EXPIRED', false, at(60 * 24 * 30), false), REVOKED: snap('REVOKED', false, at(60 * 24 * 30), false),
};
const note = (orderId, changeReason, minutes, current = AFTER[changeReason], extra = {}) =>
  subscriptionNotification({ orderId, sku: 'pass.monthly', changeReason, occurredAt: at(minutes), current, ...extra });

for (const engine of ENGINES) {
  describe(`subscription webhook on ${engine.name}`, () => {
    let opened, db, ledger, server, url, throwInOnChange = false;
    const errors = [];
    before(async () => {
      opened = await engine.open();
      db = opened.db;
      ledger = postgresLedger(db, { nonConsumableSkus: ['remove.ads'], onError: () => {} }); // the pool's lost idle connections while the database is down
      await ledger.migrate();
      await db.query(CHANGES_DDL);
      const handler = createSubscriptionWebhookHandler({
        ledger,
        secret: SECRET,
        onChange: async (change, tx) => {
          await tx.query('INSERT INTO sub_changes (order_id, user_key, change_reason, outcome) VALUES ($1, $2, $3, $4)', [change.orderId, change.userKey, change.changeReason, change.outcome]);
          if (throwInOnChange) throw new Error('partner table trouble');
        },
        onError: (e, orderId) => errors.push({ code: e.code, orderId, message: e.message }),
      });
      server = http.createServer(toNodeListener(handler));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${server.address().port}/toss/subscriptions`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await opened.close();
    });
    beforeEach(async () => {
      for (const table of ['sub_changes', 'ait_iap_grants', 'ait_iap_grants_subscriptions', 'ait_iap_grants_subscription_events']) await db.query(`DELETE FROM ${table}`);
      errors.length = 0;
      throwInOnChange = false;
    });

    const send = async (body, { authorization = `Bearer ${SECRET}`, raw } = {}) => {
      const headers = { 'content-type': 'application/json' };
      if (authorization !== null) headers.authorization = authorization;
      const res = await fetch(url, { method: 'POST', headers, body: raw ?? JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    };
    const grant = (orderId, userKey = 'user-1', sku = 'pass.monthly') => ledger.grantOnce({ orderId, userKey, sku, environment: 'toss' }, () => {});
    const changes = async () => (await db.query('SELECT order_id, user_key, change_reason, outcome FROM sub_changes ORDER BY n')).rows;
    const written = async () => {
      const counts = await Promise.all(['sub_changes', 'ait_iap_grants_subscriptions', 'ait_iap_grants_subscription_events']
        .map(async (t) => Number((await db.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n)));
      return counts.reduce((a, b) => a + b, 0);
    };

    test("the console's verification call is answered 2xx and writes nothing", async () => {
      const { status } = await send(subscriptionNotification({ eventType: 'callback.registration_verification' }));
      assert.equal(status, 204);
      assert.equal((await send({ eventType: 'callback.registration_verification', occurredAt: '2026-08-01T12:00:00', eventVersion: '1.0' })).status, 204);
      assert.equal(await written(), 0);
    });

    test('every changeReason is applied in turn: the record follows, onChange runs once each in the transaction', async () => {
      await grant('s-all');
      for (const [i, reason] of SUBSCRIPTION_CHANGE_REASONS.entries()) {
        assert.equal((await send(note('s-all', reason, i))).status, 204, reason);
        const record = await ledger.subscription('s-all');
        assert.deepEqual([record.changeReason, record.status, record.accessGranted, record.autoRenew, record.expiresAt?.toISOString() ?? null, record.userKey],
          [reason, AFTER[reason].status, AFTER[reason].accessGranted, AFTER[reason].autoRenew, AFTER[reason].expiresAt?.toISOString() ?? null, 'user-1'], reason);
      }
      assert.deepEqual((await changes()).map((c) => [c.change_reason, c.user_key, c.outcome]), SUBSCRIPTION_CHANGE_REASONS.map((r) => [r, 'user-1', 'applied']));
      const history = await ledger.subscriptionHistory('s-all');
      assert.deepEqual(history.map((h) => [h.changeReason, h.outcome]), SUBSCRIPTION_CHANGE_REASONS.map((r) => [r, 'applied']));
      assert.equal(history[0].body.subscription.current.status, 'ACTIVE', 'the body is kept as received');
      assert.deepEqual(errors, []);
    });

    test('a duplicate, however spelled and however many at once, is recorded and applied once', async () => {
      await grant('s-dup');
      const body = note('s-dup', 'RENEWED', 5);
      const results = await Promise.all(Array.from({ length: 8 }, () => send(body)));
      assert.deepEqual(results.map((r) => r.status), Array(8).fill(204));
      // The same event with its keys in another order and its times written with an explicit offset.
      const respelled = { subscription: { current: { ...body.subscription.current, expiresAt: `${body.subscription.current.expiresAt}+09:00` } },
        changeReason: body.changeReason, sku: body.sku, orderId: body.orderId, occurredAt: new Date(at(5)).toISOString(), eventVersion: '1.0', eventType: body.eventType };
      assert.equal((await send(respelled, { authorization: `Basic ${SECRET}` })).status, 204);
      assert.equal((await ledger.subscriptionHistory('s-dup')).length, 1);
      // A field the handler does not read is kept in the history, even one PostgreSQL's jsonb could not hold as is.
      assert.equal((await send({ ...note('s-dup', 'EXTENDED', 6), note: 'a\u0000b' })).status, 204);
      assert.equal((await ledger.subscriptionHistory('s-dup'))[1].body.note, 'a\ufffdb');
      assert.equal((await changes()).length, 2);
    });

    test('an older event arriving late never overwrites the newer state; it is kept in the history', async () => {
      await grant('s-late');
      assert.equal((await send(note('s-late', 'ON_HOLD', 20))).status, 204);
      assert.equal((await send(note('s-late', 'ENTERED_GRACE_PERIOD', 10))).status, 204);
      const record = await ledger.subscription('s-late');
      assert.deepEqual([record.changeReason, record.status, record.needsReconcile], ['ON_HOLD', 'ON_HOLD', false]);
      assert.deepEqual((await ledger.subscriptionHistory('s-late')).map((h) => [h.changeReason, h.outcome]), [['ENTERED_GRACE_PERIOD', 'stale'], ['ON_HOLD', 'applied']]);
      assert.deepEqual((await changes()).map((c) => c.change_reason), ['ON_HOLD'], 'onChange hears only what changed the record');
    });

    test('a whole history sent at once in a shuffled order: the record ends at the newest event, each kept once', async () => {
      await grant('s-storm');
      const reasons = SUBSCRIPTION_CHANGE_REASONS.filter((r) => r !== 'CREATED');
      const bodies = reasons.map((reason, i) => note('s-storm', reason, i + 1)).reverse();
      [bodies[2], bodies[7]] = [bodies[7], bodies[2]];
      const statuses = await Promise.all([...bodies, ...bodies.slice(0, 4)].map((body) => send(body).then((r) => r.status)));
      assert.deepEqual([...new Set(statuses)], [204]);
      const record = await ledger.subscription('s-storm');
      assert.deepEqual([record.changeReason, record.needsReconcile], [reasons.at(-1), false]);
      const history = await ledger.subscriptionHistory('s-storm');
      assert.deepEqual(history.map((h) => h.changeReason), reasons, 'each once, in occurredAt order');
      assert.ok(history.every((h) => h.outcome === 'applied' || h.outcome === 'stale'));
      assert.equal((await changes()).length, history.filter((h) => h.outcome === 'applied').length);
    });

    test('two different events at the same instant flag the record for reconcile; a newer event clears the flag', async () => {
      await grant('s-tie');
      assert.equal((await send(note('s-tie', 'AUTO_RENEW_DISABLED', 30))).status, 204);
      assert.equal((await send(note('s-tie', 'EXPIRED', 30))).status, 204);
      let record = await ledger.subscription('s-tie');
      assert.deepEqual([record.changeReason, record.needsReconcile], ['AUTO_RENEW_DISABLED', true]);
      assert.deepEqual(errors.map((e) => [e.code, e.orderId]), [['SUBSCRIPTION_EVENT_CONFLICT', 's-tie']]);
      assert.deepEqual((await changes()).map((c) => [c.change_reason, c.outcome]), [['AUTO_RENEW_DISABLED', 'applied'], ['EXPIRED', 'conflict']]);
      assert.equal((await send(note('s-tie', 'EXPIRED', 31))).status, 204);
      record = await ledger.subscription('s-tie');
      assert.deepEqual([record.changeReason, record.needsReconcile], ['EXPIRED', false]);
    });

    test('an event before its grant is kept and counts once the grant is written; after it, it is bound at once', async () => {
      const now = at(60);
      assert.equal((await send(note('s-early', 'CREATED', 0))).status, 204);
      assert.equal((await ledger.subscription('s-early')).userKey, null);
      assert.deepEqual((await ledger.entitlements('user-7', now)).subscriptions, []);
      await grant('s-early', 'user-7');
      assert.deepEqual((await ledger.entitlements('user-7', now)).subscriptions.map((s) => [s.orderId, s.userKey, s.status]), [['s-early', 'user-7', 'ACTIVE']]);
      assert.deepEqual((await ledger.entitlements('user-8', now)).subscriptions, [], 'nobody else');
      assert.equal((await send(note('s-early', 'AUTO_RENEW_DISABLED', 5))).status, 204);
      assert.deepEqual((await changes()).map((c) => [c.change_reason, c.user_key]), [['CREATED', null], ['AUTO_RENEW_DISABLED', 'user-7']]);
      assert.equal((await ledger.entitlements('user-7', now)).subscriptions[0].autoRenew, false);
    });

    test('entitlements across renew → grace → hold → expire, a revoke, and non-consumables', async () => {
      await grant('s-life', 'user-9');
      const active = async (now) => (await ledger.entitlements('user-9', now)).subscriptions.map((s) => `${s.orderId}:${s.status}`);
      await send(note('s-life', 'CREATED', 0, snap('ACTIVE', true, at(60 * 24 * 30))));
      assert.deepEqual(await active(at(60)), ['s-life:ACTIVE']);
      assert.deepEqual(await active(at(60 * 24 * 31)), [], 'expiresAt is a safety net: past it, no access even without an EXPIRED');
      await send(note('s-life', 'RENEWED', 60 * 24 * 30, snap('ACTIVE', true, at(60 * 24 * 60))));
      assert.deepEqual(await active(at(60 * 24 * 31)), ['s-life:ACTIVE']);
      await send(note('s-life', 'ENTERED_GRACE_PERIOD', 60 * 24 * 60, snap('IN_GRACE_PERIOD', true, at(60 * 24 * 60))));
      assert.deepEqual(await active(at(60 * 24 * 61)), ['s-life:IN_GRACE_PERIOD'], 'in grace, access past expiresAt');
      assert.deepEqual(await active(new Date(at(60 * 24 * 60).getTime() + GRACE_ALLOWANCE_MS + 1)), [], 'not for ever');
      await send(note('s-life', 'ON_HOLD', 60 * 24 * 64, snap('ON_HOLD', false, at(60 * 24 * 60))));
      assert.deepEqual(await active(at(60 * 24 * 65)), []);
      await send(note('s-life', 'RECOVERED', 60 * 24 * 66, snap('ACTIVE', true, at(60 * 24 * 96))));
      assert.deepEqual(await active(at(60 * 24 * 67)), ['s-life:ACTIVE']);
      await send(note('s-life', 'EXPIRED', 60 * 24 * 96, snap('EXPIRED', false, at(60 * 24 * 96), false)));
      assert.deepEqual(await active(at(60 * 24 * 90)), [], "Toss's accessGranted decides, even before expiresAt");

      await grant('s-refund', 'user-9');
      await send(note('s-refund', 'CREATED', 0, snap('ACTIVE', true, at(60 * 24 * 30))));
      assert.deepEqual(await active(at(60)), ['s-refund:ACTIVE']);
      await send(note('s-refund', 'REVOKED', 60 * 24, snap('REVOKED', false, at(60 * 24 * 30), false)));
      assert.deepEqual(await active(at(60)), [], 'a refund arriving a day later takes access away');

      await grant('o-ads', 'user-9', 'remove.ads');
      await grant('o-ads-2', 'user-9', 'remove.ads');
      await grant('o-gems', 'user-9', 'gem.100');
      await ledger.revokeOnce({ orderId: 'o-ads-2' }, () => {});
      assert.deepEqual((await ledger.entitlements('user-9', at(60))).nonConsumables.map((p) => [p.orderId, p.sku]), [['o-ads', 'remove.ads']]);
    });

    test('without nonConsumableSkus, an order of a sku Toss notified as a subscription counts only through its own record', async () => {
      const plain = postgresLedger(db, { onError: () => {} });
      await grant('s-noted', 'user-4');
      await send(note('s-noted', 'CREATED', 0, snap('ACTIVE', true, at(60 * 24 * 30))));
      await grant('s-silent', 'user-4'); // its notifications never came (the webhook down, a body refused)
      await grant('o-gems', 'user-4', 'gem.100');
      const owned = await plain.entitlements('user-4', at(60));
      assert.deepEqual(owned.subscriptions.map((s) => s.orderId), ['s-noted']);
      assert.deepEqual(owned.nonConsumables.map((p) => p.orderId), ['o-gems'], 'not s-silent: a month bought is not access for ever');
    });

    test('a missing or wrong secret is 401 and writes nothing; Basic and Bearer are both accepted', async () => {
      await grant('s-auth');
      const body = note('s-auth', 'CREATED', 0);
      for (const authorization of [null, '', `Bearer ${SECRET}x`, `Bearer ${SECRET.slice(0, -1)}`, SECRET, `Token ${SECRET}`, 'Bearer ', `Basic ${btoa(SECRET)}`]) {
        const { status, body: reply } = await send(body, { authorization });
        assert.equal(status, 401, String(authorization));
        assert.deepEqual(reply, { reason: 'unauthorized' });
      }
      assert.equal(errors.length, 8);
      assert.ok(errors.every((e) => e.code === 'WEBHOOK_UNAUTHORIZED' && !e.message.includes(SECRET.slice(4))), 'onError never shows the secret');
      assert.equal(await written(), 0);
      assert.equal((await send(body, { authorization: `basic ${SECRET}` })).status, 204);
      assert.equal((await send(note('s-auth', 'RENEWED', 1), { authorization: `Bearer ${SECRET}` })).status, 204);
    });

    test('a malformed notification is 4xx with a short reason, writes nothing, and onError hears why', async () => {
      const good = note('s-bad', 'RENEWED', 1);
      const current = good.subscription.current;
      const bad = [
        [{ ...good, eventVersion: '2.0' }, /eventVersion/],
        [{ ...good, eventVersion: undefined }, /eventVersion/],
        [{ ...good, eventType: 'subscription.created' }, /eventType/],
        [{ ...good, changeReason: 'UPGRADED' }, /changeReason/],
        [{ ...good, occurredAt: '2026-13-01T00:00:00' }, /occurredAt/],
        [{ ...good, occurredAt: '1 Aug 2026' }, /occurredAt/],
        [{ ...good, occurredAt: 1785553200000 }, /occurredAt/],
        [{ ...good, orderId: '' }, /orderId/],
        [{ ...good, orderId: undefined }, /orderId/],
        [{ ...good, sku: 42 }, /sku/],
        [{ ...good, subscription: undefined }, /subscription/],
        [{ ...good, subscription: { previous: current } }, /current/],
        [{ ...good, subscription: { current: { ...current, status: 'CANCELLED' } } }, /status/],
        [{ ...good, subscription: { current: { ...current, accessGranted: 'true' } } }, /accessGranted/],
        [{ ...good, subscription: { current: { ...current, autoRenew: null } } }, /autoRenew/],
        [{ ...good, subscription: { current: { ...current, expiresAt: '2026-08-01' } } }, /expiresAt/],
        [{ ...good, subscription: { current, previous: { ...current, status: 'GONE' } } }, /previous/],
        [[good], /object/],
        ['RENEWED', /object/],
        [note('s-bad', 'RENEWED', (Date.now() + 2 * DAY - T0) / 60_000), /future/],
      ];
      for (const [body, reason] of bad) {
        const { status, body: reply } = await send(body);
        assert.equal(status, 400, JSON.stringify(body).slice(0, 200));
        assert.match(reply.reason, reason);
        assert.ok(reply.reason.length < 120, reply.reason);
      }
      for (const raw of ['{', '', 'null x', '\u00ff']) assert.equal((await send(null, { raw })).status, 400, raw);
      assert.equal((await send(null, { raw: JSON.stringify({ ...good, pad: 'x'.repeat(20_000) }) })).status, 413);
      assert.equal((await fetch(url, { headers: { authorization: `Bearer ${SECRET}` } })).status, 405);
      assert.equal(errors.length, bad.length + 5);
      assert.ok(errors.every((e) => e.code === 'INVALID_NOTIFICATION'));
      assert.equal(await written(), 0);
    });

    test('onChange failing rolls the event back (503, nothing written); Toss sending it again then records it', async () => {
      await grant('s-fail');
      throwInOnChange = true;
      const body = note('s-fail', 'CREATED', 0);
      const failed = await send(body);
      assert.deepEqual([failed.status, failed.body, failed.headers.get('retry-after')], [503, { reason: 'try again' }, '5']);
      assert.deepEqual(errors.map((e) => e.code), ['ON_CHANGE_FAILED']);
      assert.equal(await written(), 0);
      throwInOnChange = false;
      assert.equal((await send(body)).status, 204);
      assert.equal((await ledger.subscription('s-fail')).status, 'ACTIVE');
    });

    if (engine.name === 'PostgreSQL') {
      test('the database down: 503 (Toss may retry), and the same notification recorded once it is back', async () => {
        await grant('s-down');
        const body = note('s-down', 'CREATED', 0);
        await opened.server.fault.stop();
        try {
          const { status, body: reply, headers } = await send(body);
          assert.deepEqual([status, reply, headers.get('retry-after')], [503, { reason: 'try again' }, '5']);
          assert.deepEqual(errors.map((e) => e.code), ['DATABASE_UNAVAILABLE']);
        } finally {
          await opened.server.fault.start();
        }
        assert.equal((await send(body)).status, 204);
        assert.equal((await ledger.subscription('s-down')).status, 'ACTIVE');
      });
    }

    test('a ledger at schema 2 upgrades to 3 in place, its grants kept', async () => {
      const table = 'grants_v2';
      for (const t of ['', '_subscriptions', '_subscription_events']) await db.query(`DROP TABLE IF EXISTS ${table}${t}`);
      await db.query(ledgerDdl(table));
      await db.query("INSERT INTO ait_iap_schema (table_name, version) VALUES ($1, 2) ON CONFLICT (table_name) DO UPDATE SET version = 2", [table]);
      await db.query(`INSERT INTO ${table} (order_id, user_key, sku, sku_source, environment) VALUES ('v2-sub', 'user-1', 'pass.monthly', 'toss', 'toss')`);
      const v2 = postgresLedger(db, { table });
      assert.deepEqual(await v2.migrate(), { from: 2, to: 3 });
      assert.deepEqual(await v2.migrate(), { from: 3, to: 3 });
      const event = (await import('../../js/server/index.js')).parseSubscriptionNotification(note('v2-sub', 'CREATED', 0));
      assert.equal((await v2.applySubscriptionEvent(event)).outcome, 'applied');
      assert.deepEqual((await v2.entitlements('user-1', at(1))).subscriptions.map((s) => s.orderId), ['v2-sub']);
    });
  });
}

describe('subscription webhook: source addresses and options', () => {
  let db, server, url;
  const errors = [];
  before(async () => {
    ({ db } = await ENGINES[1].open());
    const ledger = postgresLedger(db);
    await ledger.migrate();
    // Behind a proxy: the partner reads the header its own proxy sets.
    const handler = createSubscriptionWebhookHandler({ ledger, secret: [SECRET, 'the-next-secret-during-rotation'], allowIps: true, clientIp: (request) => request.headers.get('x-real-ip'), onError: (e) => errors.push(e.code) });
    server = http.createServer(toNodeListener(handler));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${server.address().port}/`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await db.close();
  });
  const post = (ip, secret = SECRET) => fetch(url, {
    method: 'POST', body: JSON.stringify(note('ip-1', 'CREATED', 0)),
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...(ip ? { 'x-real-ip': ip } : {}) },
  }).then((r) => r.status);

  test("Toss's published addresses pass; any other, or none, is 403", async () => {
    assert.ok(TOSS_NOTIFICATION_IPS.includes('117.52.3.11') && TOSS_NOTIFICATION_IPS.includes('106.249.5.87') && TOSS_NOTIFICATION_IPS.length === 27);
    assert.equal(await post('211.115.96.80'), 204);
    assert.equal(await post('::ffff:106.249.5.11', 'the-next-secret-during-rotation'), 204);
    assert.equal(await post('203.0.113.9'), 403);
    assert.equal(await post('117.52.3.88'), 403);
    assert.equal(await post(null), 403);
    assert.deepEqual(errors, ['WEBHOOK_SOURCE_REFUSED', 'WEBHOOK_SOURCE_REFUSED', 'WEBHOOK_SOURCE_UNKNOWN']);
  });

  test("on plain node:http, toNodeListener hands the socket's address to allowIps (no clientIp needed); a header says nothing", async () => {
    const ledger = postgresLedger(db);
    const seen = [];
    const listen = async (allowIps) => {
      const plain = http.createServer(toNodeListener(createSubscriptionWebhookHandler({ ledger, secret: SECRET, allowIps, onError: (e) => seen.push(e.code) })));
      await new Promise((r) => plain.listen(0, '127.0.0.1', r));
      return plain;
    };
    for (const [allowIps, expected] of [[['127.0.0.1'], 204], [true, 403]]) {
      const plain = await listen(allowIps);
      try {
        const status = await fetch(`http://127.0.0.1:${plain.address().port}/`, {
          method: 'POST', body: JSON.stringify(note('ip-node', 'CREATED', 0)),
          headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json', 'x-real-ip': '117.52.3.11', 'x-forwarded-for': '117.52.3.11' },
        }).then((r) => r.status);
        assert.equal(status, expected, JSON.stringify(allowIps));
      } finally {
        plain.closeAllConnections();
        await new Promise((r) => plain.close(r));
      }
    }
    assert.deepEqual(seen, ['WEBHOOK_SOURCE_REFUSED'], 'refused for its address (127.0.0.1), not for an unknown one');
  });

  test('options are checked: no secret, a memoryLedger, a bad allow-list', () => {
    const ledger = postgresLedger(db);
    for (const options of [{ ledger }, { ledger, secret: '' }, { ledger, secret: ' padded ' }, { ledger, secret: [] }, { ledger: memoryLedger(), secret: SECRET },
      { ledger, secret: SECRET, allowIps: [] }, { ledger, secret: SECRET, onChange: 'x' }, { ledger, secret: SECRET, onChangeTimeoutMs: 0 }]) {
      assert.throws(() => createSubscriptionWebhookHandler(options), { code: 'INVALID_OPTIONS' }, JSON.stringify(Object.keys(options)));
    }
  });
});

test('the subscription DDL in the backend docs is the one migrate() runs, and both docs show the same example', async () => {
  const { readFileSync } = await import('node:fs');
  const { subscriptionDdl } = await import('../../js/server/index.js');
  const { docBlock } = await import('./doc-blocks.mjs');
  const expected = subscriptionDdl().map((statement) => `${statement};`).join('\n');
  for (const doc of ['docs/backend.md', 'docs/ko/backend.md']) {
    const text = readFileSync(new URL(`../../${doc}`, import.meta.url), 'utf8');
    assert.ok(text.includes(expected), `${doc} shows subscriptionDdl()`);
    assert.ok(text.includes("INSERT INTO ait_iap_schema (table_name, version) VALUES ('ait_iap_grants', 3)"), `${doc} records version 3`);
  }
  assert.match(docBlock('server-subscriptions-example'), /createSubscriptionWebhookHandler/);
});
