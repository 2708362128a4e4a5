// The Toss partner API client against the emulated Toss server over real mTLS (throwaway CA): every status,
// every broken answer, the certificate failures, the PEM shapes, and input checked before anything is sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { createTossApi, ORDER_STATUSES, normalizePem } from '../../js/server/index.js';
import { startToss } from './toss-fixture.mjs';

let emulated, certs, toss, tls, api;
before(async () => {
  emulated = await startToss();
  ({ certs, toss, tls, api } = emulated);
});
after(() => emulated.close());

/** How many get-order-status requests reached the emulated server while `act` ran. */
async function requestsDuring(act) {
  const before = toss.statusRequests.length;
  await act();
  return toss.statusRequests.length - before;
}

test('every one of the eight statuses comes back typed, with its reason', async () => {
  for (const status of ORDER_STATUSES) {
    toss.overrides.set('order-1', status);
    const answer = await api.getOrderStatus('order-1', 'user-1');
    assert.equal(answer.status, status);
    assert.ok(answer.reason.length > 0);
  }
  toss.overrides.clear();
  assert.equal((await api.getOrderStatus('order-unknown', 'user-1')).status, 'NOT_FOUND');
  assert.equal(toss.statusRequests.at(-1).userKey, 'user-1', 'x-toss-user-key sent');
});

test('broken answers are typed transient errors, never a status', async () => {
  const cases = [['fail', 'TOSS_RESULT_FAIL'], ['not-json', 'TOSS_BAD_RESPONSE'], ['5xx', 'TOSS_HTTP_ERROR'], ['hang', 'TOSS_TIMEOUT']];
  try {
    for (const [mode, code] of cases) {
      toss.setAnswer(mode);
      await assert.rejects(api.getOrderStatus('order-1', 'user-1'), (e) => e.code === code && e.transient === true && e.name === 'AitIapServerError', mode);
    }
  } finally {
    toss.setAnswer('normal');
  }
});

test('the whole call stays within timeoutMs (default 5 s), the retry included', async () => {
  const quick = createTossApi({ ...certs.client, ca: certs.ca, baseUrl: tls.url, timeoutMs: 300 });
  toss.setAnswer('hang');
  const started = Date.now();
  try {
    await assert.rejects(quick.getOrderStatus('order-1', 'user-1'), { code: 'TOSS_TIMEOUT' });
  } finally {
    toss.setAnswer('normal');
    quick.close();
  }
  assert.ok(Date.now() - started < 2000);
});

test('mTLS: a client certificate from another CA is refused by Toss; nothing is answered', async () => {
  const other = createTossApi({ ...certs.otherClient, ca: certs.ca, baseUrl: tls.url });
  const reached = await requestsDuring(() => assert.rejects(other.getOrderStatus('order-1', 'user-1'), { code: 'TOSS_CLIENT_CERT_REJECTED', transient: true, message: /client certificate/ }));
  assert.equal(reached, 0);
  other.close();
});

test('mTLS: a missing client certificate fails at creation, and the server refuses a client without one', async () => {
  assert.throws(() => createTossApi({ baseUrl: tls.url }), { code: 'MISSING_CERT' });
  assert.throws(() => createTossApi({ cert: certs.client.cert, baseUrl: tls.url }), { code: 'MISSING_CERT' });
  const refused = await new Promise((resolve) => {
    const req = https.request(new URL('/api-partner/v1/apps-in-toss/order/get-order-status', tls.url), { method: 'POST', ca: certs.ca }, (res) => resolve(`answered ${res.statusCode}`));
    req.on('error', (e) => resolve(e.code));
    req.end('{}');
  });
  assert.match(refused, /^(ERR_SSL_|ECONNRESET)/);
});

test('mTLS: an expired client certificate fails at creation, saying when it expired', () => {
  assert.throws(() => createTossApi({ ...certs.expiredClient, ca: certs.ca, baseUrl: tls.url }), (e) => e.code === 'CERT_EXPIRED' && /2020/.test(e.message));
});

test("mTLS: Toss's server certificate from an unknown CA is not trusted; nothing is sent", async () => {
  for (const ca of [undefined, certs.otherCa]) {
    const untrusting = createTossApi({ ...certs.client, ...(ca ? { ca } : {}), baseUrl: tls.url });
    const reached = await requestsDuring(() => assert.rejects(untrusting.getOrderStatus('order-1', 'user-1'), { code: 'TOSS_SERVER_UNTRUSTED', transient: true }));
    assert.equal(reached, 0);
    untrusting.close();
  }
});

test('PEM as environment variables carry it: literal \\n escapes and base64 work; broken ones say which and how', async () => {
  const escaped = { cert: certs.client.cert.replace(/\n/g, '\\n'), key: certs.client.key.replace(/\n/g, '\\n') };
  const base64 = { cert: Buffer.from(certs.client.cert).toString('base64'), key: Buffer.from(certs.client.key).toString('base64') };
  for (const shape of [escaped, base64]) {
    const client = createTossApi({ ...shape, ca: Buffer.from(certs.ca), baseUrl: tls.url });
    assert.equal((await client.getOrderStatus('order-1', 'user-1')).status, 'NOT_FOUND');
    client.close();
  }
  assert.equal(normalizePem(escaped.cert, 'cert'), certs.client.cert.trim() + '\n');
  const bad = [
    [{ cert: 'hello', key: certs.client.key }, 'INVALID_CERT', /neither PEM/],
    [{ cert: certs.client.cert.split('\n').map((line, i) => (i === 2 ? 'A'.repeat(line.length) : line)).join('\n'), key: certs.client.key }, 'INVALID_CERT', /does not parse/],
    [{ cert: certs.client.key, key: certs.client.key }, 'INVALID_CERT', /no "-----BEGIN CERTIFICATE-----"/],
    [{ cert: certs.client.cert, key: 'not a key' }, 'INVALID_KEY', /neither PEM/],
    [{ cert: certs.client.cert, key: certs.client.cert }, 'INVALID_KEY', /not a private key/],
    [{ cert: certs.client.cert, key: certs.otherClient.key }, 'CERT_KEY_MISMATCH', /not the private key/],
    [{ cert: certs.client.cert, key: certs.client.key, ca: 'junk' }, 'INVALID_CA', /ca is neither/],
    [{ cert: 42, key: certs.client.key }, 'INVALID_CERT', /must be a string/],
    // Pasted from a .env file with its quotes kept (double or single; the PEM, its \n-escaped or base64 form).
    [{ cert: certs.client.cert, key: `"${certs.client.key}"` }, 'INVALID_KEY', /remove the surrounding quotes/],
    [{ cert: certs.client.cert, key: `'${escaped.key}'\n` }, 'INVALID_KEY', /remove the surrounding quotes/],
    [{ cert: `"${escaped.cert}"`, key: certs.client.key }, 'INVALID_CERT', /remove the surrounding quotes/],
    [{ cert: certs.client.cert, key: certs.client.key, ca: `'${base64.cert}'` }, 'INVALID_CA', /ca is wrapped in quotes/],
  ];
  for (const [options, code, message] of bad) assert.throws(() => createTossApi({ ...options, baseUrl: tls.url }), (e) => e.code === code && message.test(e.message), code);
  assert.throws(() => createTossApi({ ...certs.client, baseUrl: 'http://example.com' }), { code: 'INVALID_OPTIONS' });
  assert.throws(() => createTossApi({ ...certs.client, baseUrl: 'not a url' }), { code: 'INVALID_OPTIONS' });
  assert.throws(() => createTossApi({ ...certs.client, timeoutMs: -1 }), { code: 'INVALID_OPTIONS' });
});

test('orderId and userKey are checked before any request', async () => {
  const bad = [['', 'u'], ['a b', 'u'], ["1' OR '1'='1", 'u'], ['x'.repeat(201), 'u'], ['주문', 'u'], ['ok', ''], ['ok', 'ü'], ['ok\n', 'u'], [42, 'u'], ['ok', null]];
  const reached = await requestsDuring(async () => {
    for (const [orderId, userKey] of bad) {
      await assert.rejects(api.getOrderStatus(orderId, userKey), (e) => /^INVALID_(ORDER_ID|USER_KEY)$/.test(e.code) && e.transient === false);
    }
  });
  assert.equal(reached, 0);
});

test('a runtime fetch (Workers, Deno) is used as given; one bounded retry on a network error', async () => {
  let calls = 0;
  const flaky = createTossApi({
    baseUrl: 'https://toss.example',
    fetch: async (url, init) => {
      calls += 1;
      if (calls === 1) throw new TypeError('fetch failed');
      assert.equal(url, 'https://toss.example/api-partner/v1/apps-in-toss/order/get-order-status');
      assert.equal(init.headers['x-toss-user-key'], 'user-1');
      return new Response(JSON.stringify({ resultType: 'SUCCESS', success: { orderId: JSON.parse(init.body).orderId, status: 'PURCHASED', reason: '' } }));
    },
  });
  assert.deepEqual(await flaky.getOrderStatus('order-1', 'user-1'), { status: 'PURCHASED', reason: '', sku: null, determinedAt: null, answer: { orderId: 'order-1', status: 'PURCHASED', reason: '' } });
  assert.equal(calls, 2);
  calls = 0;
  const down = createTossApi({ baseUrl: 'https://toss.example', fetch: async () => { calls += 1; throw new TypeError('fetch failed'); } });
  await assert.rejects(down.getOrderStatus('order-1', 'user-1'), { code: 'TOSS_UNREACHABLE', transient: true });
  assert.equal(calls, 2, 'tried twice, no more');
  const other = createTossApi({ baseUrl: 'https://toss.example', fetch: async () => new Response(JSON.stringify({ resultType: 'SUCCESS', success: { orderId: 'someone-else', status: 'PURCHASED' } })) });
  await assert.rejects(other.getOrderStatus('order-1', 'user-1'), { code: 'TOSS_BAD_RESPONSE' });
  const unknown = createTossApi({ baseUrl: 'https://toss.example', fetch: async () => new Response(JSON.stringify({ resultType: 'SUCCESS', success: { status: 'PAID' } })) });
  await assert.rejects(unknown.getOrderStatus('order-1', 'user-1'), { code: 'TOSS_BAD_RESPONSE' });
});

test('many calls over one kept-alive connection add no listener per call to its socket', async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    for (let i = 0; i < 30; i++) assert.equal((await api.getOrderStatus(`order-${i}`, 'user-1')).status, 'NOT_FOUND');
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', onWarning);
  }
  assert.ok(!warnings.includes('MaxListenersExceededWarning'), `warnings: ${warnings}`);
});

/** A Toss API whose get-order-status answers `success` (or the whole `body`) as given. */
const answering = (success, body = { resultType: 'SUCCESS', success }) =>
  createTossApi({ baseUrl: 'https://toss.example', fetch: async () => new Response(JSON.stringify(body)) });

test("Toss's answer is typed: the sku bought and statusDeterminedAt read as Korea time", async () => {
  toss.orders.set('order-sku', { orderId: 'order-sku', sku: 'ait.0000010000.af647449', status: 'paid', paidAt: Date.UTC(2026, 11, 2, 3, 4, 5) });
  const answer = await api.getOrderStatus('order-sku', 'user-1');
  assert.equal(answer.sku, 'ait.0000010000.af647449');
  assert.equal(answer.answer.statusDeterminedAt, '2026-12-02T12:04:05', 'the emulated Toss writes Korea time without an offset');
  assert.equal(answer.determinedAt.toISOString(), '2026-12-02T03:04:05.000Z');
  const plain = { orderId: 'order-1', status: 'PURCHASED' };
  assert.equal((await answering({ ...plain, statusDeterminedAt: '2026-01-31T23:59:59' }).getOrderStatus('order-1', 'u')).determinedAt.toISOString(), '2026-01-31T14:59:59.000Z');
  assert.equal((await answering({ ...plain, statusDeterminedAt: '2026-01-31T23:59:59.5+00:00' }).getOrderStatus('order-1', 'u')).determinedAt.toISOString(), '2026-01-31T23:59:59.500Z', 'an explicit offset is honoured');
  assert.deepEqual(await answering({ ...plain, sku: null, statusDeterminedAt: null }).getOrderStatus('order-1', 'u').then((a) => [a.sku, a.determinedAt]), [null, null]);
});

test('a wrongly typed sku, orderId or statusDeterminedAt is TOSS_BAD_RESPONSE, never coerced', async () => {
  const plain = { orderId: 'order-1', status: 'PAYMENT_COMPLETED', sku: 'gem.100' };
  const wrong = [
    { sku: 100 }, { sku: '' }, { sku: ['gem.100'] }, { sku: { id: 'gem.100' } }, { sku: 'gem\n100' }, { sku: 's'.repeat(2049) },
    { orderId: 1 }, { orderId: null }, { orderId: 'order-2' },
    { statusDeterminedAt: 1767225600000 }, { statusDeterminedAt: 'yesterday' }, { statusDeterminedAt: '2026-13-01T00:00:00' },
    { statusDeterminedAt: '2026-02-30T00:00:00' }, { statusDeterminedAt: '2026-01-01' }, { statusDeterminedAt: '' }, { statusDeterminedAt: true },
  ];
  for (const fields of wrong) {
    await assert.rejects(answering({ ...plain, ...fields }).getOrderStatus('order-1', 'u'), (e) => e.code === 'TOSS_BAD_RESPONSE' && e.transient, JSON.stringify(fields));
  }
  await assert.rejects(answering(null, { resultType: 'SUCCESS', success: 'PAID' }).getOrderStatus('order-1', 'u'), { code: 'TOSS_BAD_RESPONSE' });
  await assert.rejects(answering(null, { resultType: 'FAIL', error: { errorCode: '4000' }, success: plain }).getOrderStatus('order-1', 'u'), { code: 'TOSS_RESULT_FAIL', tossErrorCode: '4000' });
});

test('TLS cannot be weakened: NODE_TLS_REJECT_UNAUTHORIZED=0 refuses to start; baseUrl is https in the fetch mode too', () => {
  const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const warn = process.emitWarning;
  process.emitWarning = () => {}; // Node warns once when the variable is set
  try {
    assert.throws(() => createTossApi({ ...certs.client, ca: certs.ca, baseUrl: tls.url }), { code: 'TLS_VERIFICATION_DISABLED', message: /NODE_TLS_REJECT_UNAUTHORIZED/ });
    assert.throws(() => createTossApi({ baseUrl: 'https://toss.example', fetch }), { code: 'TLS_VERIFICATION_DISABLED' });
  } finally {
    if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
    process.emitWarning = warn;
  }
  assert.throws(() => createTossApi({ baseUrl: 'http://toss.example', fetch }), { code: 'INVALID_OPTIONS', message: /https/ });
  assert.doesNotThrow(() => createTossApi({ baseUrl: 'https://toss.example', fetch }));
});

/** Runs `act` with NODE_TLS_REJECT_UNAUTHORIZED=0 set (Node's warning about it silenced), then restores it. */
async function withTlsChecksOff(act) {
  const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  const warn = process.emitWarning;
  process.emitWarning = () => {};
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  try {
    return await act();
  } finally {
    if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
    process.emitWarning = warn;
  }
}

test('NODE_TLS_REJECT_UNAUTHORIZED=0 set after creation: node:https still verifies Toss; the fetch mode refuses to call', async () => {
  const untrusting = createTossApi({ ...certs.client, baseUrl: tls.url }); // no `ca`: the emulator's CA is not trusted
  let fetched = 0;
  const viaFetch = createTossApi({ baseUrl: 'https://toss.example', fetch: async () => { fetched += 1; return new Response('{}'); } });
  try {
    const reached = await requestsDuring(() => withTlsChecksOff(() => assert.rejects(untrusting.getOrderStatus('order-1', 'user-1'), { code: 'TOSS_SERVER_UNTRUSTED' })));
    assert.equal(reached, 0, 'nothing sent to a server it could not verify');
    await withTlsChecksOff(() => assert.rejects(viaFetch.getOrderStatus('order-1', 'user-1'), { code: 'TLS_VERIFICATION_DISABLED', transient: false }));
    assert.equal(fetched, 0);
  } finally {
    untrusting.close();
  }
});

/** A plain HTTP server answering each request with `answer(req, res)`, and a fetch that sends Toss's URL to it. */
async function fakeToss(answer) {
  const seen = [];
  const server = http.createServer((req, res) => { seen.push(req.url); answer(req, res); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const api = createTossApi({ baseUrl: 'https://toss.example', fetch: (url, init) => fetch(url.replace('https://toss.example', base), init), timeoutMs: 3000 });
  return { api, seen, close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); } };
}

const PAID_ANSWER = JSON.stringify({ resultType: 'SUCCESS', success: { orderId: 'order-1', status: 'PURCHASED', sku: 'gem.100' } });

test('the fetch mode never follows a redirect: a 3xx is TOSS_HTTP_ERROR, and where it points is never asked', async () => {
  const toss = await fakeToss((req, res) => {
    if (req.url === '/elsewhere') return res.writeHead(200, { 'content-type': 'application/json' }).end(PAID_ANSWER);
    res.writeHead(307, { location: '/elsewhere' }).end();
  });
  try {
    await assert.rejects(toss.api.getOrderStatus('order-1', 'user-1'), { code: 'TOSS_HTTP_ERROR', status: 307, transient: true });
    assert.deepEqual(toss.seen, ['/api-partner/v1/apps-in-toss/order/get-order-status']);
  } finally {
    await toss.close();
  }
});

test('an answer over 64 KB is TOSS_BAD_RESPONSE in both modes, read no further (an endless one too)', async () => {
  const padded = JSON.stringify({ resultType: 'SUCCESS', success: { orderId: 'order-1', status: 'PURCHASED', sku: 'gem.100', padding: 'x'.repeat(65 * 1024) } });
  const endless = await fakeToss((req, res) => {
    if (req.url.includes('get-order-status')) res.writeHead(200, { 'content-type': 'application/json' });
    const more = () => !res.destroyed && res.write(`{"padding":"${'x'.repeat(16 * 1024)}",`, (error) => error || setImmediate(more));
    more();
  });
  const big = await fakeToss((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(padded));
  try {
    await assert.rejects(endless.api.getOrderStatus('order-1', 'user-1'), { code: 'TOSS_BAD_RESPONSE', message: /64 KB/ });
    await assert.rejects(big.api.getOrderStatus('order-1', 'user-1'), { code: 'TOSS_BAD_RESPONSE', message: /64 KB/ });
  } finally {
    await Promise.all([endless.close(), big.close()]);
  }
  toss.orders.set('order-big', { orderId: 'order-big', sku: 'gem.100', status: 'paid' });
  toss.answerOverrides.set('order-big', { padding: 'x'.repeat(65 * 1024) });
  try {
    await assert.rejects(api.getOrderStatus('order-big', 'user-1'), { code: 'TOSS_BAD_RESPONSE', message: /64 KB/ });
  } finally {
    toss.answerOverrides.delete('order-big');
  }
  assert.equal((await api.getOrderStatus('order-big', 'user-1')).status, 'PAYMENT_COMPLETED', 'the client goes on working');
});

test("Toss over its rate limit (4095, retryAfterSeconds) is TOSS_RATE_LIMITED, transient, carrying the delay", async () => {
  toss.setRateLimit({ times: 1, retryAfterSeconds: 3 });
  await assert.rejects(api.getOrderStatus('order-1', 'user-1'), { code: 'TOSS_RATE_LIMITED', transient: true, retryAfterMs: 3000, tossErrorCode: '4095' });
  assert.equal((await api.getOrderStatus('order-1', 'user-1')).status, 'NOT_FOUND', 'and answers again after');
  const shapes = [
    [{ error: { errorCode: 4095, retryAfterSeconds: 1.5 } }, 1500],
    [{ error: { errorCode: '4095' }, retryAfterSeconds: 10 }, 10_000],
    [{ error: { errorCode: '4095' } }, 60_000], // no delay said: a minute
    [{ error: { errorCode: '4095', retryAfterSeconds: 'soon' } }, 60_000],
    [{ error: { errorCode: '4095', retryAfterSeconds: 0 } }, 1000],
    [{ error: { errorCode: '4095', retryAfterSeconds: 1e9 } }, 3_600_000],
  ];
  for (const [body, retryAfterMs] of shapes) {
    await assert.rejects(answering(null, { resultType: 'FAIL', ...body }).getOrderStatus('order-1', 'u'), { code: 'TOSS_RATE_LIMITED', retryAfterMs }, JSON.stringify(body));
  }
});

test("the deadline holds in the fetch mode even when the partner's fetch ignores its signal: TOSS_TIMEOUT, never a hang", { timeout: 10_000 }, async () => {
  const stalledBody = () => new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"resultType":')); } }));
  const fetches = { 'ignores its signal': () => new Promise(() => {}), 'a body that stalls, not tied to the signal': async () => stalledBody() };
  for (const [what, fetch] of Object.entries(fetches)) {
    const api = createTossApi({ baseUrl: 'https://toss.example', fetch, timeoutMs: 150 });
    const started = Date.now();
    await assert.rejects(api.getOrderStatus('order-1', 'u'), (e) => e.code === 'TOSS_TIMEOUT' && e.transient, what);
    assert.ok(Date.now() - started < 3000, what);
  }
});
