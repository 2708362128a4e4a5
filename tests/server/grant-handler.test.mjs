// The grant handler on PGlite against the emulated Toss server over mTLS, over real HTTP through toNodeListener:
// the contract's reply for every get-order-status answer, 30+ kinds of bad input refused with nothing written,
// orders bound to their buyer, CORS.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import { PGlite } from '@electric-sql/pglite';
import { createGrantHandler, createTossApi, postgresLedger, toNodeListener, ORDER_STATUSES } from '../../js/server/index.js';
import { testCertificates } from '../../server/certs.mjs';
import { createTossServer } from '../../server/toss-server.mjs';
import { STATUS_REASONS } from '../../js/vite/emulated-toss.js';
import { ITEMS_DDL, insertItem, itemsOf } from './engines.mjs';
import { CONTRACT, expand } from './contract.mjs';

const ORIGIN = 'https://mini.apps.tossmini.com';
let toss, tls, api, db, server, url;
const errors = [];
before(async () => {
  const certs = testCertificates();
  toss = createTossServer();
  tls = await toss.listenTls(certs);
  api = createTossApi({ ...certs.client, ca: certs.ca, baseUrl: tls.url, timeoutMs: 1000 });
  db = await PGlite.create();
  const ledger = postgresLedger(db);
  await ledger.migrate();
  await db.query(ITEMS_DDL);
  const handler = createGrantHandler({
    toss: api,
    ledger,
    userKeyOf: (request) => request.headers.get('x-test-session'), // stands in for the partner's own session
    deliver: insertItem,
    allowOrigins: [ORIGIN],
    onError: (e, orderId) => errors.push({ code: e.code, orderId, message: e.message }),
  });
  server = http.createServer(toNodeListener(handler));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${server.address().port}/api/iap/grant`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await tls.close();
  api.close();
  await db.close();
});
beforeEach(async () => {
  await db.query('DELETE FROM items');
  await db.query('DELETE FROM ait_iap_grants');
  toss.overrides.clear();
  toss.answerOverrides.clear();
  toss.setAnswer('normal');
  toss.setRateLimit({ times: 0 });
  errors.length = 0;
});

const paid = (orderId) => toss.orders.set(orderId, { orderId, sku: 'gem.100', status: 'paid' });

/** POSTs like the client does (`Idempotency-Key` = orderId) unless told otherwise; resolves `{ status, body, headers }`. */
async function handOff(body, { user = 'user-1', headers = {}, raw } = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(typeof body?.orderId === 'string' && /^[\x20-\x7e]+$/.test(body.orderId) ? { 'idempotency-key': body.orderId } : {}), ...(user ? { 'x-test-session': user } : {}), ...headers },
    body: raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}
const order = (orderId, extra = {}) => ({ orderId, sku: 'gem.100', environment: 'sandbox', ...extra });
const written = async () => ({ items: (await itemsOf(db)).length, grants: (await db.query('SELECT count(*)::int AS n FROM ait_iap_grants')).rows[0].n });

test('a paid order is delivered once; asked again it is granted without asking Toss', async () => {
  paid('ord-1');
  assert.deepEqual(await handOff(order('ord-1')).then((r) => [r.status, r.body]), [200, { granted: true }]);
  const asked = toss.statusRequests.length;
  assert.deepEqual(await handOff(order('ord-1')).then((r) => [r.status, r.body]), [200, { granted: true, alreadyGranted: true }]);
  assert.equal(toss.statusRequests.length, asked);
  assert.deepEqual(await itemsOf(db), [{ order_id: 'ord-1', user_key: 'user-1', sku: 'gem.100' }]);
});

test('every get-order-status status gets the reply the contract documents', async () => {
  const expected = { PURCHASED: 200, PAYMENT_COMPLETED: 200, ORDER_IN_PROGRESS: 503, NOT_FOUND: 503, ERROR: 503, FAILED: 409, REFUNDED: 409, MINIAPP_MISMATCH: 409 };
  assert.deepEqual(Object.keys(expected).sort(), [...ORDER_STATUSES].sort());
  for (const [status, code] of Object.entries(expected)) {
    paid(`st-${status}`);
    toss.overrides.set(`st-${status}`, status);
    const reply = await handOff(order(`st-${status}`));
    assert.equal(reply.status, code, status);
    assert.equal(reply.body.granted, code === 200, status);
    if (code === 409) assert.deepEqual(errors.at(-1), { code: 'ORDER_NOT_PAID', orderId: `st-${status}`, message: `order "st-${status}": Toss answers ${status} (${STATUS_REASONS[status]})` });
    if (code !== 200) assert.equal(JSON.stringify(reply.body).includes(STATUS_REASONS[status]), false, "Toss's reason stays in the logs");
  }
  assert.deepEqual(await written(), { items: 2, grants: 2 });
});

test('every broken get-order-status answer is a 503 (try again) with Retry-After, nothing granted; the cause goes to onError', async () => {
  paid('ord-broken');
  const causes = { fail: 'TOSS_RESULT_FAIL', 'fail-beside-paid': 'TOSS_RESULT_FAIL', 'not-json': 'TOSS_BAD_RESPONSE', '5xx': 'TOSS_HTTP_ERROR', hang: 'TOSS_TIMEOUT' };
  for (const [mode, code] of Object.entries(causes)) {
    toss.setAnswer(mode);
    const reply = await handOff(order('ord-broken'));
    assert.equal(reply.status, 503, mode);
    assert.deepEqual(reply.body, { granted: false, reason: 'try again' }, mode);
    assert.equal(reply.headers.get('retry-after'), '2');
    assert.deepEqual([errors.at(-1).code, errors.at(-1).orderId], [code, 'ord-broken'], mode);
  }
  assert.deepEqual(await written(), { items: 0, grants: 0 });
  toss.setAnswer('normal');
  assert.equal((await handOff(order('ord-broken'))).status, 200, 'and granted once Toss answers');
});

test("another user's orderId is refused (403) and delivers nothing", async () => {
  paid('ord-mine');
  assert.equal((await handOff(order('ord-mine'), { user: 'user-a' })).status, 200);
  const theirs = await handOff(order('ord-mine'), { user: 'user-b' });
  assert.equal(theirs.status, 403);
  assert.equal(theirs.body.granted, false);
  assert.deepEqual((await itemsOf(db)).map((r) => r.user_key), ['user-a']);
});

test('bad input: 30+ cases, each a 4xx with a reason, nothing asked of Toss and nothing written', async () => {
  paid('ord-ok');
  const big = 'x'.repeat(17 * 1024);
  const cases = [
    ['no body', { raw: '' }],
    ['not JSON', { raw: '{orderId:' }],
    ['HTML', { raw: '<html></html>' }],
    ['JSON null', { raw: 'null' }],
    ['JSON number', { raw: '42' }],
    ['JSON string', { raw: '"ord-ok"' }],
    ['JSON array', { raw: '["ord-ok"]' }],
    ['invalid UTF-8', { raw: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }],
    ['body over 16 KB', { raw: JSON.stringify({ ...order('ord-ok'), pad: big }), headers: { 'idempotency-key': 'ord-ok' } }, 413],
    ['orderId missing', { body: { sku: 'gem.100', environment: 'sandbox' } }],
    ['orderId a number', { body: order(12345) }],
    ['orderId null', { body: order(null) }],
    ['orderId an object', { body: order({ $ne: '' }) }],
    ['orderId DROP TABLE', { body: order('x); DROP TABLE ait_iap_grants; --') }],
    ['orderId with a slash and spaces', { body: order('../../etc/passwd ') }],
    ...CONTRACT.orderId.refused.map((id) => [`orderId refused by the contract: ${JSON.stringify(expand(id)).slice(0, 30)}`, { body: order(expand(id)) }]),
    ['sku an array', { body: order('ord-ok', { sku: ['gem.100'] }) }],
    ['sku a number', { body: order('ord-ok', { sku: 100 }) }],
    ...CONTRACT.sku.refused.map((sku) => [`sku refused by the contract: ${JSON.stringify(expand(sku)).slice(0, 30)}`, { body: order('ord-ok', { sku: expand(sku) }) }]),
    ['environment unknown', { body: order('ord-ok', { environment: 'production' }) }],
    ['environment a number', { body: order('ord-ok', { environment: 1 }) }],
    ['Idempotency-Key missing', { body: order('ord-ok'), headers: { 'idempotency-key': '' } }],
    ['Idempotency-Key another order', { body: order('ord-ok'), headers: { 'idempotency-key': 'ord-other' } }],
    ['text/plain (a form post, no preflight)', { body: order('ord-ok'), headers: { 'content-type': 'text/plain' } }, 415],
    ['no content-type', { body: order('ord-ok'), headers: { 'content-type': '' } }, 415],
    ['not signed in', { body: order('ord-ok'), user: null }, 401],
    ['a session userKey with a quote', { body: order('ord-ok'), user: "u'1" }, 401],
  ];
  assert.ok(cases.length >= 30);
  const asked = toss.statusRequests.length;
  for (const [name, { body, raw, headers, user = 'user-1' }, status = 400] of cases) {
    const reply = await handOff(body, { raw, headers, user });
    assert.equal(reply.status, status, name);
    assert.equal(reply.body.granted, false, name);
    assert.ok(reply.body.reason.length > 0, name);
  }
  assert.equal(toss.statusRequests.length, asked, 'Toss was never asked');
  assert.deepEqual(await written(), { items: 0, grants: 0 });
  assert.equal((await fetch(url, { method: 'PUT' })).status, 405);
  const check = await fetch(url, { headers: { origin: ORIGIN } }); // the client's early check
  assert.equal(check.status, 204);
  assert.equal(check.headers.get('access-control-allow-origin'), ORIGIN);
  assert.equal((await handOff(order('ord-ok'))).status, 200, 'the good request still works');
});

test('CORS: the allowed origin gets its preflight and the allow headers; another origin does not', async () => {
  const preflight = (origin) => fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, idempotency-key' } });
  const ok = await preflight(ORIGIN);
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get('access-control-allow-origin'), ORIGIN);
  assert.match(ok.headers.get('access-control-allow-headers'), /idempotency-key/);
  assert.equal((await preflight('https://evil.example')).status, 403);
  paid('ord-cors');
  const reply = await handOff(order('ord-cors'), { headers: { origin: ORIGIN } });
  assert.equal(reply.headers.get('access-control-allow-origin'), ORIGIN);
  const other = await handOff(order('ord-cors'), { headers: { origin: 'https://evil.example' } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
});

test('a delivery that fails answers 503 and leaves nothing; the retry delivers', async () => {
  const ledger = postgresLedger(db);
  let fail = true;
  const handler = createGrantHandler({
    toss: api, ledger, userKeyOf: () => 'user-1', onError: () => {},
    deliver: async (o, tx) => { await insertItem(o, tx); if (fail) throw new Error('inventory service down'); },
  });
  paid('ord-retry');
  const request = () => handler(new Request('http://x/api/iap/grant', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'ord-retry' }, body: JSON.stringify(order('ord-retry')) }));
  const first = await request();
  assert.equal(first.status, 503);
  assert.deepEqual(await first.json(), { granted: false, reason: 'try again' }, 'the cause stays on the server');
  assert.deepEqual(await written(), { items: 0, grants: 0 });
  fail = false;
  assert.equal((await request()).status, 200);
  assert.deepEqual(await written(), { items: 1, grants: 1 });
});

test('createGrantHandler refuses missing parts at creation', () => {
  assert.throws(() => createGrantHandler({ toss: api, userKeyOf: () => 'u', deliver: () => {} }), { code: 'INVALID_OPTIONS' });
  assert.throws(() => createGrantHandler({ toss: api, ledger: postgresLedger(db), deliver: () => {} }), { code: 'INVALID_OPTIONS', message: /userKeyOf/ });
  const parts = { toss: api, ledger: postgresLedger(db), userKeyOf: () => 'u', deliver: () => {} };
  for (const [origin, shown] of [[undefined, 'undefined'], ['*', '"\\*"'], ['https://mini.example/', 'mini.example/'], ['http://mini.example', 'http://mini.example'], ['null', '"null"'], [42, '42']]) {
    assert.throws(() => createGrantHandler({ ...parts, allowOrigins: [ORIGIN, origin] }), { code: 'INVALID_OPTIONS', message: new RegExp(`allowOrigins: .*${shown}`) }, String(origin));
  }
  assert.doesNotThrow(() => createGrantHandler({ ...parts, allowOrigins: [ORIGIN, 'http://localhost:5173', 'http://127.0.0.1:8080'] }));
  for (const bad of [{ environments: ['production'] }, { environments: [] }, { deliverTimeoutMs: 0 }, { acceptClaimedSkuWhenTossOmitsIt: 'yes' }]) {
    assert.throws(() => createGrantHandler({ ...parts, ...bad }), { code: 'INVALID_OPTIONS' }, JSON.stringify(bad));
  }
});

test("toNodeListener after a body parser (Express's express.json()) uses the parsed body", async () => {
  const listener = toNodeListener(createGrantHandler({ toss: api, ledger: postgresLedger(db), userKeyOf: () => 'user-1', deliver: insertItem }));
  const parsing = http.createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    req.body = JSON.parse(text); // what express.json() leaves behind
    await listener(req, res);
  });
  await new Promise((r) => parsing.listen(0, '127.0.0.1', r));
  paid('ord-express');
  try {
    const res = await fetch(`http://127.0.0.1:${parsing.address().port}/api/iap/grant`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'ord-express' }, body: JSON.stringify(order('ord-express')),
    });
    assert.deepEqual([res.status, await res.json()], [200, { granted: true }]);
  } finally {
    parsing.closeAllConnections();
    await new Promise((r) => parsing.close(r));
  }
});

test("Toss over its rate limit: 503 with Toss's delay as Retry-After (at most a minute), TOSS_RATE_LIMITED to onError, nothing granted", async () => {
  paid('ord-busy');
  for (const [retryAfterSeconds, header] of [[7, '7'], [0.2, '1'], [600, '60']]) {
    toss.setRateLimit({ times: 1, retryAfterSeconds });
    const reply = await handOff(order('ord-busy'));
    assert.deepEqual([reply.status, reply.body, reply.headers.get('retry-after')], [503, { granted: false, reason: 'try again' }, header], String(retryAfterSeconds));
    assert.deepEqual([errors.at(-1).code, errors.at(-1).orderId], ['TOSS_RATE_LIMITED', 'ord-busy']);
  }
  assert.deepEqual(await written(), { items: 0, grants: 0 });
  assert.equal((await handOff(order('ord-busy'))).status, 200, 'granted once Toss answers again');
});

test('CORS: every reply varies on Origin (allowed, refused or absent); preflights and the early check are not stored', async () => {
  const preflight = (origin) => fetch(url, { method: 'OPTIONS', headers: { ...(origin ? { origin } : {}), 'access-control-request-method': 'POST' } });
  paid('ord-vary');
  const replies = {
    'allowed POST': (await handOff(order('ord-vary'), { headers: { origin: ORIGIN } })).headers,
    'refused POST': (await handOff(order('ord-vary'), { headers: { origin: 'https://evil.example' } })).headers,
    'POST without Origin': (await handOff(order('ord-vary'))).headers,
    'allowed preflight': (await preflight(ORIGIN)).headers,
    'refused preflight': (await preflight('https://evil.example')).headers,
    'preflight without Origin': (await preflight()).headers,
    'early check (GET)': (await fetch(url)).headers,
    'refused early check': (await fetch(url, { headers: { origin: 'https://evil.example' } })).headers,
  };
  for (const [what, headers] of Object.entries(replies)) {
    assert.equal(headers.get('vary'), 'origin', what);
    assert.equal(headers.get('cache-control'), 'no-store', what);
  }
});

test('a sku with line separators or bidi controls is shown escaped in what onError gets, and still accepted as a sku', async () => {
  paid('ord-log');
  const sneaky = 'gem\u2028[x] granted\u202e\u2066!';
  const reply = await handOff(order('ord-log', { sku: sneaky }));
  assert.equal(reply.status, 409, 'a claim Toss does not report is refused, not a 400: the sku itself is acceptable');
  const { message } = errors.at(-1);
  assert.equal(/[\u0085\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(message), false, JSON.stringify(message));
  assert.ok(message.includes('"gem\\u2028[x] granted\\u202e\\u2066!"'), message);
});

test('TRACE and CONNECT are answered 405 by toNodeListener, and log nothing', async () => {
  const logged = [];
  const saved = [console.error, console.warn];
  console.error = console.warn = (...line) => logged.push(line.join(' '));
  const h2 = http2.createServer(toNodeListener(() => new Response(null, { status: 204 })));
  try {
    const trace = await new Promise((resolve, reject) => {
      http.request(url, { method: 'TRACE' }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject).end();
    });
    assert.equal(trace, 405);
    // node:http never hands CONNECT to a request listener; HTTP/2 does.
    await new Promise((r) => h2.listen(0, '127.0.0.1', r));
    const session = http2.connect(`http://127.0.0.1:${h2.address().port}`);
    const connect = await new Promise((resolve, reject) => {
      const stream = session.request({ ':method': 'CONNECT', ':authority': 'example.com:443' });
      stream.on('response', (headers) => { resolve(headers[':status']); stream.close(); });
      stream.on('error', reject);
    });
    session.close();
    assert.equal(connect, 405);
  } finally {
    [console.error, console.warn] = saved;
    h2.close();
  }
  assert.deepEqual(logged, []);
});
