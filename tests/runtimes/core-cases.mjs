// The server suite's core cases, against a backend running under another runtime, over HTTP as the client and a
// hostile user with curl send them: a paid order granted once (racing hand-offs too), hostile inputs refused before
// Toss is asked, the sku Toss reports delivered and never the one claimed, another user's and unpaid orders
// refused; and, on backends given a client certificate of another CA, Toss's API turning it away.
import assert from 'node:assert/strict';

export const ORIGIN = 'https://mini.example';
const USER = { authorization: 'Dev user-1' };

/** A hand-off as the client sends it; resolves `[status, body, response]`. */
export async function handOff(url, { orderId, sku, environment = 'sandbox' }, headers = USER, init = {}) {
  const body = JSON.stringify({ orderId, ...(sku === undefined ? {} : { sku }), environment });
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': orderId, ...headers }, body, ...init });
  const text = await res.text();
  return [res.status, text ? JSON.parse(text) : null, res];
}

/** The orders the core cases grant (orderId → sku, all to user-1): what the partner's items table must hold after. */
export const expectedItems = (prefix) => [[`${prefix}-cheap`, 'gem.10'], [`${prefix}-once`, 'gem.100'], [`${prefix}-race`, 'gem.100']]
  .map(([order_id, sku]) => ({ order_id, user_key: 'user-1', sku }));

/** The partner's items table, as the blocks' `deliver` writes it. */
export const itemsOf = (pool) => async () => (await pool.query('SELECT order_id, user_key, sku FROM items ORDER BY order_id')).rows;

const labelled = (check, label) => (label ? (name, fn) => check(`${label}: ${name}`, fn) : check);

/**
 * Runs the core cases. `grantUrl`: the backend's grant endpoint; `toss`: the emulated Toss's state; `prefix`: of
 * this backend's orderIds; `pool`: on the backend's database, or none when it is out of reach while the backend
 * runs (PGlite: the suite reads the folder after); `wrongPath`: the backend routes other paths to `notFound`;
 * `label`: before each case's name (which backend).
 */
export async function coreCases(check, { grantUrl, toss, prefix, pool, wrongPath = true, label }) {
  check = labelled(check, label);
  const id = (name) => `${prefix}-${name}`;
  const paid = (orderId, sku = 'gem.100', fields = {}) => toss.orders.set(orderId, { orderId, sku, status: 'paid', paidAt: Date.now(), ...fields });
  const items = pool && itemsOf(pool);
  const rows = async () => (items ? (await items()).filter((r) => r.order_id.startsWith(`${prefix}-`)) : null);

  await check('a paid order is granted once: 200 with CORS for the page, then "already granted"; four racing hand-offs of another deliver it once', async () => {
    paid(id('once'));
    const [status, body, res] = await handOff(grantUrl, { orderId: id('once'), sku: 'gem.100' }, { ...USER, origin: ORIGIN });
    assert.deepEqual([status, body, res.headers.get('access-control-allow-origin')], [200, { granted: true }, ORIGIN]);
    assert.deepEqual((await handOff(grantUrl, { orderId: id('once'), sku: 'gem.100' })).slice(0, 2), [200, { granted: true, alreadyGranted: true }]);
    paid(id('race'));
    const raced = await Promise.all(Array.from({ length: 4 }, () => handOff(grantUrl, { orderId: id('race'), sku: 'gem.100' })));
    // One delivers; the others find it granted, or (having waited lockTimeoutMs on its row) answer 503 and the client retries.
    assert.ok(raced.every(([s, b]) => (s === 200 && b.granted) || (s === 503 && b.reason === 'try again')), JSON.stringify(raced.map((r) => r.slice(0, 2))));
    assert.equal(raced.filter(([s, b]) => s === 200 && !b.alreadyGranted).length, 1, 'exactly one hand-off delivered it');
    assert.deepEqual((await handOff(grantUrl, { orderId: id('race') })).slice(0, 2), [200, { granted: true, alreadyGranted: true }]);
    if (items) assert.deepEqual(await rows(), expectedItems(prefix).filter((r) => r.order_id !== id('cheap')));
  });

  await check('the preflight and the early GET check answer the page; another user\'s order is refused (403); no session is 401', async () => {
    const preflight = await fetch(grantUrl, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' } });
    assert.deepEqual([preflight.status, preflight.headers.get('access-control-allow-origin')], [204, ORIGIN]);
    assert.match(preflight.headers.get('access-control-allow-headers'), /authorization/);
    assert.equal((await fetch(grantUrl, { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' } })).status, 403);
    const early = await fetch(grantUrl, { headers: { origin: ORIGIN } });
    assert.deepEqual([early.status, early.headers.get('access-control-allow-origin')], [204, ORIGIN]);
    assert.deepEqual((await handOff(grantUrl, { orderId: id('once'), sku: 'gem.100' }, { authorization: 'Dev user-2' })).slice(0, 2), [403, { granted: false, reason: 'refused' }]);
    assert.deepEqual((await handOff(grantUrl, { orderId: id('once'), sku: 'gem.100' }, {})).slice(0, 2), [401, { granted: false, reason: 'not signed in' }]);
    if (wrongPath) {
      const wrong = await handOff(new URL('/api/iap/grnat', grantUrl).href, { orderId: id('once') }, { ...USER, origin: ORIGIN });
      assert.deepEqual([wrong[0], wrong[1], wrong[2].headers.get('access-control-allow-origin')], [404, { reason: 'not found' }, ORIGIN], 'a wrong path: a 404 the page can read');
    }
  });

  await check('hostile inputs are refused before Toss is asked, and nothing is delivered', async () => {
    const orderId = id('hostile');
    paid(orderId);
    const asked = toss.statusRequests.length;
    const json = { 'content-type': 'application/json', 'idempotency-key': orderId, ...USER };
    const raw = async (init) => {
      const res = await fetch(grantUrl, { method: 'POST', ...init });
      const text = await res.text();
      return [res.status, text ? JSON.parse(text).granted : null];
    };
    const refusals = [
      ['text/plain', 415, { headers: { ...json, 'content-type': 'text/plain' }, body: JSON.stringify({ orderId, sku: 'gem.100', environment: 'toss' }) }],
      ['a body over 16 KB', 413, { headers: json, body: JSON.stringify({ orderId, sku: 'gem.100', environment: 'toss', pad: 'x'.repeat(17_000) }) }],
      ['not JSON', 400, { headers: json, body: '{"orderId":' }],
      ['an array', 400, { headers: json, body: '[]' }],
      ['Idempotency-Key is another order', 400, { headers: { ...json, 'idempotency-key': 'other-order' }, body: JSON.stringify({ orderId, sku: 'gem.100', environment: 'toss' }) }],
      ['an orderId with a space', 400, { headers: { ...json, 'idempotency-key': 'a b' }, body: JSON.stringify({ orderId: 'a b', environment: 'toss' }) }],
      ['an orderId of 201 characters', 400, { headers: { ...json, 'idempotency-key': 'x'.repeat(201) }, body: JSON.stringify({ orderId: 'x'.repeat(201), environment: 'toss' }) }],
      ["an SQL orderId", 400, { headers: { ...json, 'idempotency-key': "1'OR'1'='1" }, body: JSON.stringify({ orderId: "1' OR '1'='1", environment: 'toss' }) }],
      ['a sku with a control character', 400, { headers: json, body: JSON.stringify({ orderId, sku: 'gem\u0000100', environment: 'toss' }) }],
      ['an unknown environment', 400, { headers: json, body: JSON.stringify({ orderId, sku: 'gem.100', environment: 'production' }) }],
      ['no session', 401, { headers: { ...json, authorization: undefined }, body: JSON.stringify({ orderId, sku: 'gem.100', environment: 'toss' }) }],
      ['a forged session header', 401, { headers: { ...json, authorization: 'Bearer user-1' }, body: JSON.stringify({ orderId, sku: 'gem.100', environment: 'toss' }) }],
      ['PUT', 405, { method: 'PUT', headers: json, body: JSON.stringify({ orderId, sku: 'gem.100', environment: 'toss' }) }],
    ];
    for (const [what, status, init] of refusals) {
      const headers = Object.fromEntries(Object.entries(init.headers).filter(([, v]) => v !== undefined));
      assert.deepEqual(await raw({ ...init, headers }), [status, false], what);
    }
    assert.equal(toss.statusRequests.length, asked, 'Toss was not asked about any of them');
    if (items) assert.deepEqual((await rows()).filter((r) => r.order_id === orderId), []);
  });

  await check("the sku is Toss's: paying for gem.10 and claiming gem.1000 is refused (409, nothing delivered); no claim delivers gem.10", async () => {
    paid(id('cheap'), 'gem.10');
    assert.deepEqual((await handOff(grantUrl, { orderId: id('cheap'), sku: 'gem.1000', environment: 'toss' })).slice(0, 2), [409, { granted: false, reason: 'refused' }]);
    if (items) assert.deepEqual((await rows()).filter((r) => r.order_id === id('cheap')), []);
    assert.deepEqual((await handOff(grantUrl, { orderId: id('cheap'), environment: 'toss' })).slice(0, 2), [200, { granted: true }]);
    assert.deepEqual((await handOff(grantUrl, { orderId: id('cheap'), sku: 'gem.1000', environment: 'toss' })).slice(0, 2), [409, { granted: false, reason: 'refused' }], 'granted: a dearer claim is still refused');
    if (items) assert.deepEqual((await rows()).filter((r) => r.order_id === id('cheap')), [{ order_id: id('cheap'), user_key: 'user-1', sku: 'gem.10' }]);
  });

  await check('unpaid orders: refunded and failed are refused (409 "not paid"), an order Toss does not know yet is "try again" (503, Retry-After)', async () => {
    paid(id('refunded'), 'gem.100', { status: 'refunded', refundedAt: Date.now() });
    paid(id('failed'), 'gem.100', { status: 'failed' });
    for (const orderId of [id('refunded'), id('failed')]) assert.deepEqual((await handOff(grantUrl, { orderId, sku: 'gem.100' })).slice(0, 2), [409, { granted: false, reason: 'not paid' }], orderId);
    const [status, body, res] = await handOff(grantUrl, { orderId: id('unknown'), sku: 'gem.100' });
    assert.deepEqual([status, body, res.headers.get('retry-after')], [503, { granted: false, reason: 'try again' }, '2']);
    if (items) assert.deepEqual(await rows(), expectedItems(prefix));
  });

  if (pool) {
    await check("the ledger keeps each grant's evidence: Toss's sku (sku_source 'toss'), Toss's answer", async () => {
      const grants = (await pool.query(`SELECT order_id, sku, sku_source, toss_answer->>'status' AS status FROM ait_iap_grants WHERE order_id LIKE '${prefix}-%' ORDER BY order_id`)).rows;
      assert.deepEqual(grants, expectedItems(prefix).map(({ order_id, sku }) => ({ order_id, sku, sku_source: 'toss', status: 'PAYMENT_COMPLETED' })));
    });
  }
}

/**
 * The rogue certificate: `strict` is the backend given a client certificate of another CA against the real Toss
 * emulator, `lax` the same backend and certificate against a Toss that asks for no client certificate. The
 * emulator turns `strict` away in the handshake (503, Toss's API never reached, nothing delivered); `lax` is
 * granted, so the refusal was mTLS's and not something else about that backend. `logged`: what the backend's log
 * says of it (each runtime's TLS stack words it its own way).
 */
export async function rogueCases(check, { strict, lax, toss, prefix, pool, logged }) {
  const orderId = `${prefix}-rogue`;
  const items = itemsOf(pool);
  toss.orders.set(orderId, { orderId, sku: 'gem.100', status: 'paid', paidAt: Date.now() });
  await check('a client certificate of another CA: Toss\'s API turns it away in the TLS handshake; 503 "try again", nothing delivered', async () => {
    const asked = toss.statusRequests.length;
    assert.deepEqual((await handOff(strict.grantUrl, { orderId, sku: 'gem.100' })).slice(0, 2), [503, { granted: false, reason: 'try again' }]);
    assert.equal(toss.statusRequests.length, asked, "Toss's API answered nothing to it");
    assert.deepEqual(await items(), []);
    const line = strict.output().match(/.*TOSS_[A-Z_]+.*/)?.[0]?.trim() ?? '';
    console.log(`#   the backend's log: ${line.slice(0, 240) || '(no TOSS_ code logged)'}`);
    assert.match(line, logged);
  });
  await check('control: the same backend and certificate, against a Toss that asks for no client certificate, is granted', async () => {
    assert.deepEqual((await handOff(lax.grantUrl, { orderId, sku: 'gem.100' })).slice(0, 2), [200, { granted: true }], lax.output());
    assert.deepEqual(await items(), [{ order_id: orderId, user_key: 'user-1', sku: 'gem.100' }]);
  });
}

/**
 * The database down under a running backend (`fault`: startPostgres's): a hand-off is answered 503 "try again"
 * (Retry-After), not 500, and the backend tells DATABASE_UNAVAILABLE; once the database is back, the same hand-off
 * is granted, with no restart of the backend.
 */
export async function databaseDownCase(check, { grantUrl, toss, prefix, backend, fault, label }) {
  const orderId = `${prefix}-down`;
  toss.orders.set(orderId, { orderId, sku: 'gem.100', status: 'paid', paidAt: Date.now() });
  await labelled(check, label)(`the database down: 503 "try again" (DATABASE_UNAVAILABLE to the logs); back up, the same hand-off is granted`, async () => {
    await fault.stop();
    try {
      const [status, body, res] = await handOff(grantUrl, { orderId, sku: 'gem.100' });
      assert.deepEqual([status, body, res.headers.get('retry-after')], [503, { granted: false, reason: 'try again' }, '2'], backend.output());
      assert.match(backend.output(), /DATABASE_UNAVAILABLE/);
    } finally {
      await fault.start();
    }
    let answer;
    for (let i = 0; i < 20; i++) { // pg's pool may first meet a connection the restart ended: the client retries 503s
      answer = (await handOff(grantUrl, { orderId, sku: 'gem.100' })).slice(0, 2);
      if (answer[0] !== 503) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(answer, [200, { granted: true }]);
  });
}

/**
 * A runtime's block through every case, on PostgreSQL: `serve(db, identity, tossUrl, { production })` starts the
 * block as that runtime runs it (`production`: its sign-in stand-in off) and resolves `{ grantUrl, output(), stop() }`.
 * The core cases against the block with the partner's certificate; the rogue certificate against Toss and against
 * a Toss that asks for none; the stand-in off in production; the database down; Toss not answering. `migrate: [name, (db) => …]`:
 * the tables made first, as a case of its own. Resolves the main backend.
 */
export async function blockCases(check, { serve, toss, database, prefix, logged, wrongPath, label, migrate }) {
  const [main, rogue] = [await database.database(`${prefix}_main`), await database.database(`${prefix}_rogue`)];
  if (migrate) await labelled(check, label)(migrate[0], async () => { for (const db of [main, rogue]) await migrate[1](db); });
  const backend = await serve(main, toss.certs.client, toss.url);
  await coreCases(check, { grantUrl: backend.grantUrl, toss: toss.toss, prefix, pool: main.pool, wrongPath, label });
  const [strict, lax] = [await serve(rogue, toss.certs.otherClient, toss.url), await serve(rogue, toss.certs.otherClient, toss.laxUrl)];
  await rogueCases(labelled(check, label), { strict, lax, toss: toss.toss, prefix, pool: rogue.pool, logged });
  await labelled(check, label)('in production the sign-in stand-in signs in nobody: 401', async () => {
    const production = await serve(main, toss.certs.client, toss.url, { production: true });
    assert.deepEqual((await handOff(production.grantUrl, { orderId: `${prefix}-once`, sku: 'gem.100' })).slice(0, 2), [401, { granted: false, reason: 'not signed in' }]);
  });
  await databaseDownCase(check, { grantUrl: backend.grantUrl, toss: toss.toss, prefix, backend, fault: database.server.fault, label });
  await labelled(check, label)('Toss not answering: 503 "try again" once timeoutMs (5 s) has passed, before the client gives up the attempt (8 s)', async () => {
    const orderId = `${prefix}-hang`;
    toss.toss.orders.set(orderId, { orderId, sku: 'gem.100', status: 'paid', paidAt: Date.now() });
    toss.toss.setAnswer('hang');
    try {
      const started = Date.now();
      assert.deepEqual((await handOff(backend.grantUrl, { orderId, sku: 'gem.100' }, undefined, { signal: AbortSignal.timeout(8000) })).slice(0, 2), [503, { granted: false, reason: 'try again' }]);
      const took = Date.now() - started;
      assert.ok(took >= 4900, `answered after ${took} ms`);
      assert.match(backend.output(), /TOSS_TIMEOUT/);
    } finally {
      toss.toss.setAnswer('normal');
    }
  });
  return backend;
}
