// Time travel in development (issue 25, item 3): `npx ait-iap toss-emulator` and the Vite plugin send Toss's
// subscription notifications on demand to the partner's notification URL, a real HTTP server here that records
// what arrives: every changeReason in a consistent life (renewals move expiresAt forward, each `previous` is the
// last `current`), the verification callback, a duplicate, an out-of-order pair, with the registered secret as
// `Bearer` or `Basic`. Each body is read by ait-iap/server's own parser, the receiving side's definition.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSubscriptionNotification } from '../../js/server/subscription-notification.js';
import aitIap from '../../js/vite/index.js';
import { startEmulatorCli } from './toss-emulator-cli.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const DAY = 86_400_000;
const SECRET = 'whsec-dev-1';
const subscriptionOrder = (orderId, extra = {}) => ({ orderId, sku: 'pass.monthly', kind: 'SUBSCRIPTION', status: 'completed', paidAt: Date.now() - 60_000, completedAt: Date.now(), subscriptionId: `sub-${orderId}`, miniAppId: 'ait-iap-sandbox', ...extra });

/** The partner's notification URL: records each request ({ method, path, authorization, type, text, body }), answers 204. */
async function startReceiver() {
  const requests = [];
  const listener = (req, res) => {
    let text = '';
    req.on('data', (d) => { text += d; });
    req.on('end', () => {
      requests.push({ method: req.method, path: req.url, authorization: req.headers.authorization, type: req.headers['content-type'], text, body: JSON.parse(text) });
      res.writeHead(204).end();
    });
  };
  const server = http.createServer(listener);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/api/iap/subscription-events`, requests, listener, close: () => new Promise((r) => server.close(r)) };
}

async function post(url, value, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value), signal: AbortSignal.timeout(15_000) });
  return { status: res.status, body: await res.json() };
}
const ms = (koreaTime) => (koreaTime === null ? null : new Date(`${koreaTime}+09:00`).getTime());

describe('npx ait-iap toss-emulator --notify-url', () => {
  let receiver, cli, travel;
  before(async () => {
    receiver = await startReceiver();
    const dir = join(root, 'target/time-travel-test/certs');
    mkdirSync(dir, { recursive: true });
    cli = await startEmulatorCli(['--dir', dir, '--notify-url', receiver.url, '--notify-secret', SECRET]);
    travel = new URL('/__emulator/subscriptions', cli.mirrorUrl).href;
    for (const order of [subscriptionOrder('sub-1'), subscriptionOrder('sub-2'), { orderId: 'gem-1', sku: 'gem.100', kind: 'CONSUMABLE', status: 'completed', paidAt: Date.now() }]) {
      assert.equal((await post(cli.mirrorUrl, order)).status, 200);
    }
  });
  after(async () => {
    await cli?.stop();
    await receiver?.close();
  });

  test('every changeReason, in one consistent life of the subscription bought as sub-1, reaches the URL as Toss sends it', async () => {
    const life = ['CREATED', 'AUTO_RENEW_DISABLED', 'AUTO_RENEW_ENABLED', 'EXTENDED', 'RENEWED', 'ENTERED_GRACE_PERIOD', 'ON_HOLD',
      'RECOVERED', 'PAUSED', 'RESTARTED', 'EXPIRED', 'RESTARTED', 'REVOKED'];
    const first = receiver.requests.length;
    for (const event of life) {
      const { status, body } = await post(travel, { event, orderId: 'sub-1' });
      assert.equal(status, 200, JSON.stringify(body));
      assert.deepEqual(body.sent.map((s) => [s.event, s.status]), [[event, 204]]);
    }
    const got = receiver.requests.slice(first);
    assert.deepEqual(got.map((r) => r.body.changeReason), life);
    for (const r of got) {
      assert.equal(r.method, 'POST');
      assert.equal(r.path, '/api/iap/subscription-events');
      assert.equal(r.authorization, `Bearer ${SECRET}`, 'Bearer by default, as production sends it');
      assert.equal(r.type, 'application/json');
      const parsed = parseSubscriptionNotification(r.body); // throws on anything the receiving side would refuse
      assert.equal(parsed.orderId, 'sub-1');
      assert.equal(parsed.sku, 'pass.monthly');
      assert.deepEqual(Object.keys(r.body), ['eventType', 'eventVersion', 'occurredAt', 'orderId', 'sku', 'changeReason', 'subscription']);
      assert.match(r.body.occurredAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/, 'Korea time, to the second, no offset');
    }
    const bodies = got.map((r) => r.body);
    assert.equal(bodies[0].subscription.previous, undefined, 'CREATED has no previous');
    assert.deepEqual(bodies[0].subscription.current, { status: 'ACTIVE', accessGranted: true, expiresAt: null, autoRenew: true }, 'CREATED as production sends it');
    for (let i = 1; i < bodies.length; i++) {
      assert.deepEqual(bodies[i].subscription.previous, bodies[i - 1].subscription.current, `${life[i]}'s previous is what was last sent`);
      assert.ok(ms(bodies[i].occurredAt) > ms(bodies[i - 1].occurredAt), `${life[i]} happens after ${life[i - 1]}`);
    }
    const at = Object.fromEntries(life.map((reason, i) => [`${reason}#${life.indexOf(reason) === i ? 1 : 2}`, bodies[i].subscription.current]));
    const firstEnd = ms(at['AUTO_RENEW_DISABLED#1'].expiresAt), paid = Math.floor(subscriptionOrder('x').paidAt / 1000) * 1000;
    assert.ok(Math.abs(firstEnd - (paid + 30 * DAY)) < 120_000, 'the first period: 30 days from the purchase, shown once CREATED is past');
    assert.deepEqual(at['AUTO_RENEW_DISABLED#1'], { ...at['CREATED#1'], expiresAt: at['AUTO_RENEW_DISABLED#1'].expiresAt, autoRenew: false });
    const extended = ms(at['EXTENDED#1'].expiresAt);
    assert.equal(extended, firstEnd + 7 * DAY, 'EXTENDED: 7 days more');
    assert.equal(ms(at['RENEWED#1'].expiresAt), extended + 30 * DAY, 'RENEWED moves expiresAt a period forward');
    assert.deepEqual([at['ENTERED_GRACE_PERIOD#1'].status, at['ENTERED_GRACE_PERIOD#1'].accessGranted], ['IN_GRACE_PERIOD', true]);
    assert.ok(ms(at['ENTERED_GRACE_PERIOD#1'].expiresAt) > Date.now(), 'access lasts until the grace period ends');
    assert.deepEqual([at['ON_HOLD#1'].status, at['ON_HOLD#1'].accessGranted, at['ON_HOLD#1'].autoRenew], ['ON_HOLD', false, true]);
    assert.deepEqual([at['RECOVERED#1'].status, at['RECOVERED#1'].accessGranted], ['ACTIVE', true]);
    assert.deepEqual([at['PAUSED#1'].status, at['PAUSED#1'].accessGranted], ['PAUSED', false]);
    assert.deepEqual([at['EXPIRED#1'].status, at['EXPIRED#1'].accessGranted, at['EXPIRED#1'].autoRenew], ['EXPIRED', false, false]);
    assert.ok(ms(at['EXPIRED#1'].expiresAt) <= ms(bodies[life.indexOf('EXPIRED')].occurredAt), 'an expired subscription ended no later than now');
    assert.deepEqual([at['RESTARTED#2'].status, at['RESTARTED#2'].accessGranted], ['ACTIVE', true]);
    assert.deepEqual({ ...at['REVOKED#1'], expiresAt: undefined }, { status: 'REVOKED', accessGranted: false, expiresAt: undefined, autoRenew: false });

    const state = (await (await fetch(travel)).json());
    assert.deepEqual(state.target, { url: receiver.url, scheme: 'Bearer', secret: true }, 'the secret itself is not shown');
    assert.equal(state.subscriptions.find((s) => s.orderId === 'sub-1').status, 'REVOKED');
  });

  test('a change that cannot follow the state is refused 409 and sends nothing; unknown events, orders and one-time orders are refused', async () => {
    const before = receiver.requests.length;
    const refused = await post(travel, { event: 'RENEWED', orderId: 'sub-1' }); // revoked above
    assert.equal(refused.status, 409);
    assert.match(refused.body.reason, /RENEWED cannot follow REVOKED/);
    assert.equal((await post(travel, { event: 'CREATED', orderId: 'sub-1' })).status, 409, 'created once');
    assert.equal((await post(travel, { event: 'RENEW', orderId: 'sub-2' })).status, 400);
    assert.equal((await post(travel, { event: 'RENEWED', orderId: 'never-sold' })).status, 404);
    const oneTime = await post(travel, { event: 'RENEWED', orderId: 'gem-1' });
    assert.equal(oneTime.status, 409);
    assert.match(oneTime.body.reason, /not a subscription/);
    assert.equal((await post(travel, { event: 'EXTENDED', orderId: 'sub-2', days: -1 })).status, 400);
    assert.equal((await post(travel, { event: 'RENEWED', orderId: 'sub-2', scheme: 'Digest' })).status, 400);
    assert.equal((await post(travel, { event: 'RENEWED', orderId: 'sub-2' }, { origin: 'https://evil.example' })).status, 403);
    assert.equal(receiver.requests.length, before);
  });

  test('the first change of a subscription brings its CREATED first; a duplicate is the same body again; Basic on request', async () => {
    const first = receiver.requests.length;
    const renewed = await post(travel, { event: 'RENEWED', orderId: 'sub-2', scheme: 'Basic' });
    assert.deepEqual(renewed.body.sent.map((s) => s.event), ['CREATED', 'RENEWED']);
    assert.equal(renewed.body.subscription.status, 'ACTIVE');
    const duplicate = await post(travel, { event: 'duplicate', orderId: 'sub-2' });
    assert.deepEqual(duplicate.body.sent.map((s) => [s.event, s.status]), [['RENEWED', 204]]);
    const got = receiver.requests.slice(first);
    assert.deepEqual(got.map((r) => r.authorization), [`Basic ${SECRET}`, `Basic ${SECRET}`, `Bearer ${SECRET}`]);
    assert.equal(got[2].text, got[1].text, 'byte for byte the same body');
  });

  test('an out-of-order pair: two changes, the later one sent first; the state is the later one', async () => {
    const first = receiver.requests.length;
    const { body } = await post(travel, { event: 'out-of-order', orderId: 'sub-2' });
    const got = receiver.requests.slice(first).map((r) => r.body);
    assert.deepEqual(got.map((b) => b.changeReason), ['AUTO_RENEW_ENABLED', 'AUTO_RENEW_DISABLED']);
    assert.ok(ms(got[0].occurredAt) > ms(got[1].occurredAt), 'the first to arrive happened later');
    assert.deepEqual(got[0].subscription.previous, got[1].subscription.current);
    assert.equal(body.subscription.autoRenew, true);
    const named = await post(travel, { event: 'out-of-order', orderId: 'sub-2', pair: ['RENEWED', 'EXPIRED'] });
    assert.deepEqual(named.body.sent.map((s) => s.event), ['EXPIRED', 'RENEWED']);
    assert.equal(named.body.subscription.status, 'EXPIRED');
  });

  test('the registration-verification callback', async () => {
    const first = receiver.requests.length;
    const { status } = await post(travel, { event: 'registration-verification' });
    assert.equal(status, 200);
    const [r] = receiver.requests.slice(first);
    assert.equal(r.authorization, `Bearer ${SECRET}`);
    assert.deepEqual(Object.keys(r.body), ['eventType', 'occurredAt']);
    assert.equal(parseSubscriptionNotification(r.body).eventType, 'callback.registration_verification');
  });
});

describe('the Vite plugin: aitIap({ notifications })', () => {
  let receiver, vite, base, dir;
  before(async () => {
    receiver = await startReceiver();
    const { createServer } = await import('vite');
    dir = mkdtempSync(join(tmpdir(), 'ait-iap-time-travel-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>time travel</title>');
    // The partner's notification route on the dev server itself: the relative URL is sent there.
    const partnerRoute = { name: 'partner-route', configureServer: (server) => { server.middlewares.use('/hooks/toss', receiver.listener); } };
    vite = await createServer({
      root: dir, configFile: false, logLevel: 'silent', server: { host: '127.0.0.1', port: 0 },
      plugins: [aitIap({ dataDir: join(dir, 'pglite'), notifications: { url: '/hooks/toss', secret: SECRET, scheme: 'Basic' } }), partnerRoute],
    });
    await vite.listen();
    base = vite.resolvedUrls.local[0];
  });
  after(async () => {
    await vite?.close();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an order the page mirrored is renewed and revoked at the partner URL (a path: on the dev server), with Basic <secret>', async () => {
    assert.equal((await post(new URL('/__emulator/orders', base), subscriptionOrder('vite-sub'))).status, 200);
    const travel = new URL('/__emulator/subscriptions', base);
    const first = receiver.requests.length;
    assert.equal((await post(travel, { event: 'RENEWED', orderId: 'vite-sub' })).status, 200);
    const revoked = await post(travel, { event: 'REVOKED', orderId: 'vite-sub' }, { origin: new URL(base).origin });
    assert.equal(revoked.status, 200, 'the dev server\'s own page may send');
    const got = receiver.requests.slice(first);
    assert.deepEqual(got.map((r) => [r.body.changeReason, r.authorization]), [['CREATED', `Basic ${SECRET}`], ['RENEWED', `Basic ${SECRET}`], ['REVOKED', `Basic ${SECRET}`]]);
    assert.ok(got.every((r) => r.path === '/'), 'received by the dev server\'s own /hooks/toss (connect strips the mount path)');
    got.forEach((r) => parseSubscriptionNotification(r.body));
    assert.equal((await post(travel, { event: 'RENEWED', orderId: 'vite-sub' }, { origin: 'https://evil.example' })).status, 403);
  });
});

test('what cannot be sent is answered 4xx, never a crash: an inherited name as event, a mirrored sku Toss would not send', async () => {
  const { createTimeTravel } = await import('../../js/toss-emulator/time-travel.js');
  const receiver = await startReceiver();
  const orders = new Map([['odd', subscriptionOrder('odd', { sku: '' })], ['fine', subscriptionOrder('fine')]]);
  const travel = createTimeTravel({ orderOf: (id) => orders.get(id), notifications: { url: receiver.url, secret: SECRET } });
  const server = http.createServer((req, res) => travel.handle(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/__emulator/subscriptions`;
  try {
    for (const event of ['toString', 'constructor', '__proto__']) assert.equal((await post(url, { event, orderId: 'fine' })).status, 400, event);
    const odd = await post(url, { event: 'RENEWED', orderId: 'odd' });
    assert.equal(odd.status, 409);
    assert.match(odd.body.reason, /cannot be notified as Toss would/);
    assert.equal((await post(url, ['not', 'an', 'object'])).status, 400);
    assert.equal(receiver.requests.length, 0);
    assert.equal((await post(url, { event: 'RENEWED', orderId: 'fine' })).status, 200, 'the route still answers');
  } finally {
    await new Promise((r) => server.close(r));
    await receiver.close();
  }
});

test('the CLI refuses a notification URL that is not http(s) and a scheme other than Bearer or Basic, saying so', async () => {
  const dir = join(root, 'target/time-travel-test/certs');
  await assert.rejects(startEmulatorCli(['--dir', dir, '--notify-url', 'ftp://partner.example/hook']), /--notify-url must be an http\(s\) URL/);
  await assert.rejects(startEmulatorCli(['--dir', dir, '--notify-url', 'http://127.0.0.1:1/hook', '--notify-scheme', 'Digest']), /notifications\.scheme must be 'Bearer' or 'Basic'/);
});
