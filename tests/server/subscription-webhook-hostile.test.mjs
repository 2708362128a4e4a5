// The subscription webhook under attack, on a real PostgreSQL server and on PGlite, over real HTTP through
// toNodeListener: curl with and without the secret, bodies jsonb cannot hold as they are, forged log lines, an
// onError that throws or rejects, a replayed or reordered Toss, an event for an order nobody was granted, two
// processes delivering the same event, two ledgers whose long table names share their first characters.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { postgresLedger, createSubscriptionWebhookHandler, toNodeListener, subscriptionNotification, subscriptionDdl } from '../../js/server/index.js';
import { ENGINES } from './engines.mjs';

const SECRET = 'registered-in-the-console-9b1e77';
const T0 = Date.parse('2026-08-01T03:00:00Z');
const at = (minutes) => new Date(T0 + minutes * 60_000);
const ACTIVE = { status: 'ACTIVE', accessGranted: true, expiresAt: at(60 * 24 * 30), autoRenew: true };
const EXPIRED = { status: 'EXPIRED', accessGranted: false, expiresAt: at(60 * 24 * 30), autoRenew: false };
const note = (orderId, changeReason, minutes, current = ACTIVE) =>
  subscriptionNotification({ orderId, sku: 'pass.monthly', changeReason, occurredAt: at(minutes), current });

/** The handler on its own node:http server; resolves `{ url, errors, close }` (`errors`: what onError heard). */
async function serve(ledger, options = {}) {
  const errors = [];
  const handler = createSubscriptionWebhookHandler({ ledger, secret: SECRET, onError: (e, orderId) => errors.push({ code: e.code, orderId, message: e.message }), ...options });
  const server = http.createServer(toNodeListener(handler));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const close = () => (server.closeAllConnections(), new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${server.address().port}/toss/subscriptions`, port: server.address().port, errors, close };
}

const send = async (url, body, { authorization = `Bearer ${SECRET}`, headers = {} } = {}) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }), ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, reply: text ? JSON.parse(text) : null };
};

/** A raw HTTP/1.1 request over a socket (several Authorization headers, which fetch would join); resolves the status. */
function rawPost(port, headerLines, body) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headerLines.map((h) => `${h}\r\n`).join('')}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
    let answer = '';
    socket.on('data', (chunk) => { answer += chunk; });
    socket.on('end', () => resolve(Number(answer.split(' ')[1])));
    socket.on('error', reject);
  });
}

for (const engine of ENGINES) {
  describe(`subscription webhook, hostile, on ${engine.name}`, () => {
    let opened, db, ledger, site;
    before(async () => {
      opened = await engine.open();
      db = opened.db;
      ledger = postgresLedger(db, { onError: () => {} });
      await ledger.migrate();
      site = await serve(ledger);
    });
    after(async () => {
      await site.close();
      await opened.close();
    });
    beforeEach(async () => {
      for (const table of ['ait_iap_grants', 'ait_iap_grants_subscriptions', 'ait_iap_grants_subscription_events']) await db.query(`DELETE FROM ${table}`);
      site.errors.length = 0;
    });
    const grant = (orderId, userKey) => ledger.grantOnce({ orderId, userKey, sku: 'pass.monthly', environment: 'toss' }, () => {});

    test('a valid event whose unread fields jsonb cannot hold as they are (U+0000 in a key, unpaired surrogates, deep nesting) is recorded, not answered 500 on every delivery', async () => {
      const bodies = [
        JSON.stringify(note('s-odd-1', 'CREATED', 0)).replace('{', '{"a\\u0000b":1,'),
        JSON.stringify(note('s-odd-2', 'CREATED', 0)).replace('{', '{"lone":"x\\ud800y","\\udc00":"\\udc00",'),
        JSON.stringify(note('s-odd-3', 'CREATED', 0)).replace('{', `{"deep":${'['.repeat(5000)}${']'.repeat(5000)},`),
      ];
      for (const [i, body] of bodies.entries()) {
        assert.equal((await send(site.url, body)).status, 204, `body ${i + 1}`);
        assert.equal((await ledger.subscription(`s-odd-${i + 1}`)).status, 'ACTIVE');
      }
      const [first] = await ledger.subscriptionHistory('s-odd-1');
      assert.equal(first.body['a\ufffdb'], 1);
      const [second] = await ledger.subscriptionHistory('s-odd-2');
      assert.deepEqual([second.body.lone, second.body['\ufffd']], ['x\ufffdy', '\ufffd']);
      assert.deepEqual(site.errors, []);
      assert.equal((await send(site.url, bodies[1])).status, 204, 'sent again: a duplicate');
      assert.equal((await ledger.subscriptionHistory('s-odd-2')).length, 1);
    });

    test('a __proto__ key is kept as data: nothing polluted, the event recorded', async () => {
      const body = JSON.stringify(note('s-proto', 'CREATED', 0)).replace('{', '{"__proto__":{"accessGranted":true,"polluted":1},');
      assert.equal((await send(site.url, body)).status, 204);
      assert.equal(({}).polluted, undefined);
      assert.equal((await ledger.subscriptionHistory('s-proto'))[0].body.__proto__.polluted, 1); // eslint-disable-line no-proto
    });

    test('replayed, reordered and duplicated deliveries: a replay changes nothing, an old event cannot restore access', async () => {
      await grant('s-replay', 'user-1');
      const created = note('s-replay', 'CREATED', 0);
      const expired = note('s-replay', 'EXPIRED', 60, EXPIRED);
      for (const body of [created, expired, created, expired, created]) assert.equal((await send(site.url, body)).status, 204);
      // The same CREATED re-dated a little (a forged replay needs the secret; Toss's own retries are the same body).
      assert.equal((await send(site.url, note('s-replay', 'RENEWED', 30))).status, 204);
      const record = await ledger.subscription('s-replay');
      assert.deepEqual([record.status, record.accessGranted, record.changeReason], ['EXPIRED', false, 'EXPIRED']);
      assert.deepEqual((await ledger.entitlements('user-1', at(61))).subscriptions, []);
      assert.deepEqual((await ledger.subscriptionHistory('s-replay')).map((h) => [h.changeReason, h.outcome]), [['CREATED', 'applied'], ['RENEWED', 'stale'], ['EXPIRED', 'applied']]);
    });

    test('an event cannot name a user: an order nobody was granted entitles nobody, and a userKey in the body is ignored', async () => {
      assert.equal((await send(site.url, { ...note('s-orphan', 'CREATED', 0), userKey: 'attacker', user: 'attacker' })).status, 204);
      assert.deepEqual((await ledger.entitlements('attacker', at(1))).subscriptions, []);
      await grant('s-orphan', 'buyer');
      assert.deepEqual((await ledger.entitlements('attacker', at(1))).subscriptions, []);
      assert.deepEqual((await ledger.entitlements('buyer', at(1))).subscriptions.map((s) => s.orderId), ['s-orphan']);
    });

    test('without the secret nothing is written, whatever the header looks like; with it, spacing and case do not matter', async () => {
      const body = note('s-auth', 'CREATED', 0);
      const refused = [null, 'Bearer', `Bearer\t${SECRET}`, `Bearer ${SECRET.toUpperCase()}`, `Basic ${btoa(`:${SECRET}`)}`, `Basic ${btoa(`${SECRET}:`)}`,
        `Bearer ${SECRET}, Bearer ${SECRET}`, `Bearer x, Bearer ${SECRET}`, `Digest ${SECRET}`, `Bearer ${SECRET}\u00a0`];
      for (const authorization of refused) assert.equal((await send(site.url, body, { authorization })).status, 401, String(authorization));
      // Two Authorization headers: Node keeps the first, which is not the secret.
      assert.equal(await rawPost(site.port, ['Authorization: Bearer wrong', `Authorization: Bearer ${SECRET}`], JSON.stringify(body)), 401);
      // An unauthenticated body past the cap is refused for its missing secret, unread.
      assert.equal((await send(site.url, 'x'.repeat(200_000), { authorization: null })).status, 401);
      assert.equal((await ledger.subscriptionHistory('s-auth')).length, 0);
      assert.ok(site.errors.every((e) => e.code === 'WEBHOOK_UNAUTHORIZED' && !e.message.includes(SECRET.slice(6))), 'never the value');
      assert.equal((await send(site.url, body, { authorization: `BEARER   ${SECRET}  ` })).status, 204);
    });

    test('a refused body cannot forge log lines: the orderId only when Toss could send it, every value escaped', async () => {
      const good = note('s-log', 'CREATED', 0);
      for (const bad of [{ ...good, orderId: 'x\n[ait-iap/server] subscription notification for order y: granted', eventVersion: '9' },
        { ...good, changeReason: '\u2028FAKE\u202e\u0085' }, { ...good, sku: 'a\u2029b', changeReason: 'NOPE' }]) {
        assert.equal((await send(site.url, bad)).status, 400);
      }
      const lines = site.errors.map((e) => `${e.orderId} ${e.message}`);
      assert.equal(site.errors[0].orderId, '', 'an orderId Toss could not send is not logged');
      assert.ok(lines.every((line) => !/[\n\r\u0085\u2028\u2029\u202e]/.test(line)), JSON.stringify(lines));
      assert.match(site.errors[1].message, /\\u2028FAKE\\u202e\\u0085/);
    });

    test('an onError that throws or rejects changes no reply and never becomes an unhandled rejection', async () => {
      const unhandled = [];
      const heard = (reason) => unhandled.push(reason);
      process.on('unhandledRejection', heard);
      const quiet = console.error;
      console.error = () => {};
      const rejecting = await serve(ledger, { onError: async () => { throw new Error('log shipper down'); } });
      const throwing = await serve(ledger, { onError: () => { throw new Error('logger broken'); } });
      try {
        assert.equal((await send(rejecting.url, note('s-onerror', 'CREATED', 0), { authorization: 'Bearer guess' })).status, 401);
        assert.equal((await send(throwing.url, note('s-onerror', 'CREATED', 0), { authorization: 'Bearer guess' })).status, 401);
        assert.equal((await send(throwing.url, { eventType: 'nope' })).status, 400);
        assert.equal((await send(throwing.url, note('s-onerror', 'CREATED', 0))).status, 204);
        assert.equal((await send(throwing.url, note('s-onerror', 'EXPIRED', 0, EXPIRED))).status, 204, 'a conflict, committed: still 204');
        await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(unhandled, []);
        assert.equal((await ledger.subscription('s-onerror')).needsReconcile, true);
      } finally {
        console.error = quiet;
        process.off('unhandledRejection', heard);
        await rejecting.close();
        await throwing.close();
      }
    });

    test('the source address is logged escaped, and X-Forwarded-For is never believed by default', async () => {
      const behindProxy = await serve(ledger, { allowIps: true, clientIp: (request) => request.headers.get('x-real-ip') });
      const direct = await serve(ledger, { allowIps: true });
      try {
        assert.equal((await send(behindProxy.url, note('s-ip', 'CREATED', 0), { headers: { 'x-real-ip': '117.52.3.11\u0085\u00a0forged' } })).status, 403);
        assert.ok(!/\u0085/.test(behindProxy.errors[0].message), behindProxy.errors[0].message);
        assert.equal((await send(direct.url, note('s-ip', 'CREATED', 0), { headers: { 'x-forwarded-for': '117.52.3.11', 'x-real-ip': '117.52.3.11', forwarded: 'for=117.52.3.11' } })).status, 403);
        assert.equal(await ledger.subscription('s-ip'), null);
      } finally {
        await behindProxy.close();
        await direct.close();
      }
    });
  });
}

describe('subscription webhook, hostile: options and two processes', () => {
  test('a secret no HTTP header can carry as it is (beyond visible ASCII) is refused at creation, not 401 on every call', async () => {
    const db = await ENGINES[1].open();
    try {
      const ledger = postgresLedger(db.db);
      for (const secret of ['비밀-registered-value', 'café-secret-value', 'tab\tinside', ['fine-secret-value', 'naïve']]) {
        assert.throws(() => createSubscriptionWebhookHandler({ ledger, secret }), { code: 'INVALID_OPTIONS' }, JSON.stringify(secret));
      }
      assert.doesNotThrow(() => createSubscriptionWebhookHandler({ ledger, secret: 'with inner spaces ~!@#$%^&*()' }));
    } finally {
      await db.close();
    }
  });

  test('an allow-list entry that is not one address (a range, a typo) is refused at creation, not 403 for every call', async () => {
    const db = await ENGINES[1].open();
    try {
      const ledger = postgresLedger(db.db);
      for (const allowIps of [['117.52.3.80/29'], ['117.52.3.256'], ['117.52.3'], ['117.52.3.11', 'toss.im'], [' '], [42]]) {
        assert.throws(() => createSubscriptionWebhookHandler({ ledger, secret: SECRET, allowIps }), { code: 'INVALID_OPTIONS' }, JSON.stringify(allowIps));
      }
      assert.doesNotThrow(() => createSubscriptionWebhookHandler({ ledger, secret: SECRET, allowIps: ['117.52.3.11', '::1', '2001:db8::1', '::ffff:106.249.5.80'] }));
    } finally {
      await db.close();
    }
  });

  test('two ledgers whose long table names share their first 53 characters keep separate subscription tables', async () => {
    const { db, close } = await ENGINES[1].open();
    try {
      const prefix = 'partner_app_grants_for_the_production_environment_of_';
      const [a, b] = [postgresLedger(db, { table: `${prefix}sandbox` }), postgresLedger(db, { table: `${prefix}live` })];
      await a.migrate();
      await b.migrate();
      const names = [`${prefix}sandbox`, `${prefix}live`].map((table) => subscriptionDdl(table).join('\n'));
      assert.notEqual(names[0], names[1]);
      const event = (await import('../../js/server/index.js')).parseSubscriptionNotification(note('shared-order', 'CREATED', 0));
      assert.equal((await a.applySubscriptionEvent(event)).outcome, 'applied');
      assert.equal(await b.subscription('shared-order'), null, "the other ledger does not see it");
      assert.equal((await b.applySubscriptionEvent(event)).outcome, 'applied', 'nor takes it for a duplicate');
      assert.match(subscriptionDdl('ait_iap_grants')[0], /"ait_iap_grants_subscriptions"/, 'short names unchanged');
    } finally {
      await close();
    }
  });

  test('on PostgreSQL, the same event delivered at once to two processes (two pools) is recorded and handed to onChange once', async () => {
    const { db, server, close } = await ENGINES[0].open();
    const other = new pg.Pool({ ...server, max: 10 });
    const sites = [];
    try {
      await postgresLedger(db).migrate();
      await db.query('CREATE TABLE heard (n serial PRIMARY KEY, order_id text NOT NULL)');
      const onChange = async (change, tx) => {
        await tx.query('INSERT INTO heard (order_id) VALUES ($1)', [change.orderId]);
        await new Promise((r) => setTimeout(r, 20));
      };
      for (const pool of [db, other]) sites.push(await serve(postgresLedger(pool), { onChange }));
      const body = note('s-twice', 'CREATED', 0);
      const statuses = await Promise.all(Array.from({ length: 24 }, (_, i) => send(sites[i % 2].url, body).then((r) => r.status)));
      // Each answered 204, or 503 when it waited past lockTimeoutMs (Toss sends it again: then a duplicate).
      assert.ok(statuses.every((s) => s === 204 || s === 503), statuses.join());
      assert.equal((await send(sites[0].url, body)).status, 204);
      assert.equal(Number((await db.query('SELECT count(*)::int AS n FROM heard')).rows[0].n), 1);
      assert.equal((await postgresLedger(db).subscriptionHistory('s-twice')).length, 1);
    } finally {
      for (const site of sites) await site.close();
      await other.end();
      await close();
    }
  });
});
