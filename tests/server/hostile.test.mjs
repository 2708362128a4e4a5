// A hostile user with their own session and curl, against the grant handler on a real PostgreSQL server and on
// PGlite, Toss emulated over mTLS, over real HTTP: nothing is delivered that Toss did not report as paid for that
// product. The sku a request (or a tampered outbox) names is only a claim; Toss's answer decides.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { createGrantHandler, memoryLedger, postgresLedger, toNodeListener } from '../../js/server/index.js';
import { startToss } from './toss-fixture.mjs';
import { ENGINES, ITEMS_DDL, insertItem, itemsOf } from './engines.mjs';
import { CONTRACT, expand } from './contract.mjs';

let emulated, toss, api;
before(async () => {
  emulated = await startToss();
  ({ toss, api } = emulated);
});
after(() => emulated.close());

/** A backend on `db` over node:http; resolves `{ url, errors, close }`. */
async function backend(db, options = {}) {
  const errors = [];
  const handler = createGrantHandler({
    toss: api, ledger: postgresLedger(db), deliver: insertItem,
    userKeyOf: (request) => request.headers.get('x-test-session'),
    onError: (e, orderId) => errors.push({ code: e.code, orderId, message: e.message, tossSku: e.tossSku, claimedSku: e.claimedSku }),
    ...options,
  });
  const server = http.createServer(toNodeListener(handler));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/api/iap/grant`, errors, close: () => (server.closeAllConnections(), new Promise((r) => server.close(r))) };
}

/** What curl with one's own session sends. */
async function post(url, body, user = 'attacker') {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': body.orderId, 'x-test-session': user },
    body: JSON.stringify(body),
  });
  return [res.status, await res.json()];
}
const paid = (orderId, sku) => toss.orders.set(orderId, { orderId, sku, status: 'paid', paidAt: Date.now() });

for (const engine of ENGINES) {
  describe(`a hostile user, ledger on ${engine.name}`, () => {
    let opened, db, shop;
    before(async () => {
      opened = await engine.open();
      db = opened.db;
      await postgresLedger(db).migrate();
      await db.query(ITEMS_DDL);
      shop = await backend(db);
    });
    after(async () => {
      await shop.close();
      await opened.close();
    });
    beforeEach(async () => {
      await db.query('DELETE FROM items');
      await db.query('DELETE FROM ait_iap_grants');
      toss.answerOverrides.clear();
      toss.overrides.clear();
      shop.errors.length = 0;
    });
    const items = () => itemsOf(db);

    test('pays for the cheapest product, claims the dearest: refused, nothing delivered, the partner told both skus', async () => {
      paid('cheap-1', 'gem.10');
      const [status, body] = await post(shop.url, { orderId: 'cheap-1', sku: 'gem.1000', environment: 'toss' });
      assert.equal(status, 409);
      assert.deepEqual(body, { granted: false, reason: 'refused' }, 'the reply names neither product');
      assert.deepEqual(await items(), []);
      assert.deepEqual(shop.errors.map((e) => [e.code, e.orderId, e.tossSku, e.claimedSku]), [['SKU_MISMATCH', 'cheap-1', 'gem.10', 'gem.1000']]);
      assert.equal(shop.errors[0].message.includes('attacker'), false, 'no userKey in the log line');
      // The honest hand-off of the same order still grants what was paid.
      assert.deepEqual(await post(shop.url, { orderId: 'cheap-1', sku: 'gem.10', environment: 'toss' }), [200, { granted: true }]);
      assert.deepEqual(await items(), [{ order_id: 'cheap-1', user_key: 'attacker', sku: 'gem.10' }]);
    });

    test('a tampered outbox entry (same swap, replayed later with another sku) after the grant: 409, not "already granted"', async () => {
      paid('cheap-2', 'gem.10');
      assert.equal((await post(shop.url, { orderId: 'cheap-2', sku: 'gem.10', environment: 'toss' }))[0], 200);
      const asked = toss.statusRequests.length;
      assert.deepEqual(await post(shop.url, { orderId: 'cheap-2', sku: 'gem.1000', environment: 'sandbox' }), [409, { granted: false, reason: 'refused' }]);
      assert.equal(shop.errors.at(-1).code, 'SKU_MISMATCH');
      assert.deepEqual(await post(shop.url, { orderId: 'cheap-2', sku: 'gem.10', environment: 'toss' }), [200, { granted: true, alreadyGranted: true }]);
      assert.deepEqual(await post(shop.url, { orderId: 'cheap-2', environment: 'toss' }), [200, { granted: true, alreadyGranted: true }], 'no claim: still the buyer');
      assert.equal(toss.statusRequests.length, asked, 'a granted order is answered from the ledger');
      assert.deepEqual((await items()).map((r) => r.sku), ['gem.10']);
    });

    test('no claim at all: Toss\'s sku is delivered; any sku Toss could issue is accepted', async () => {
      paid('quiet-1', 'gem.10');
      assert.deepEqual(await post(shop.url, { orderId: 'quiet-1', environment: 'toss' }), [200, { granted: true }]);
      for (const [i, sku] of CONTRACT.sku.accepted.map(expand).entries()) {
        paid(`any-${i}`, sku);
        assert.deepEqual(await post(shop.url, { orderId: `any-${i}`, sku, environment: 'toss' }), [200, { granted: true }], sku.slice(0, 30));
      }
      const delivered = new Map((await items()).map((r) => [r.order_id, r.sku]));
      assert.equal(delivered.get('quiet-1'), 'gem.10');
      assert.equal(delivered.size, 1 + CONTRACT.sku.accepted.length);
    });

    test('Toss names no product: refused as unverified (409, not retried), nothing delivered', async () => {
      paid('nosku-1', 'gem.1000');
      for (const sku of [undefined, null]) {
        toss.answerOverrides.set('nosku-1', { sku });
        assert.deepEqual(await post(shop.url, { orderId: 'nosku-1', sku: 'gem.1000', environment: 'toss' }), [409, { granted: false, reason: 'unverified order' }]);
      }
      assert.deepEqual(await items(), []);
      assert.deepEqual(shop.errors.map((e) => e.code), ['UNVERIFIED_ORDER', 'UNVERIFIED_ORDER']);
    });

    test('acceptClaimedSkuWhenTossOmitsIt: the claim is delivered, and the ledger says where the sku came from', async () => {
      const lenient = await backend(db, { acceptClaimedSkuWhenTossOmitsIt: true });
      try {
        paid('nosku-2', 'gem.10');
        toss.answerOverrides.set('nosku-2', { sku: undefined });
        assert.deepEqual(await post(lenient.url, { orderId: 'nosku-2', environment: 'toss' }), [409, { granted: false, reason: 'unverified order' }], 'no claim, no sku: nothing to deliver');
        assert.deepEqual(await post(lenient.url, { orderId: 'nosku-2', sku: 'gem.1000', environment: 'toss' }), [200, { granted: true }]);
        const row = (await db.query("SELECT sku, sku_source, claimed_sku FROM ait_iap_grants WHERE order_id = 'nosku-2'")).rows[0];
        assert.deepEqual(row, { sku: 'gem.1000', sku_source: 'claimed', claimed_sku: 'gem.1000' });
        paid('withsku-2', 'gem.10');
        assert.equal((await post(lenient.url, { orderId: 'withsku-2', sku: 'gem.1000', environment: 'toss' }))[0], 409, 'when Toss names one, a mismatch is still refused');
      } finally {
        await lenient.close();
      }
    });

    test('Toss answers with a mismatched or wrongly typed sku, orderId or date, or FAIL beside a paid success: nothing delivered', async () => {
      paid('odd-1', 'gem.10');
      const odd = [{ sku: 10 }, { sku: '' }, { sku: ['gem.10'] }, { orderId: 'odd-2' }, { orderId: 7 }, { statusDeterminedAt: 'soon' }, { statusDeterminedAt: 20261202 }];
      for (const fields of odd) {
        toss.answerOverrides.set('odd-1', fields);
        assert.deepEqual(await post(shop.url, { orderId: 'odd-1', sku: 'gem.10', environment: 'toss' }), [503, { granted: false, reason: 'try again' }], JSON.stringify(fields));
      }
      toss.answerOverrides.clear();
      toss.setAnswer('fail-beside-paid');
      try {
        assert.equal((await post(shop.url, { orderId: 'odd-1', sku: 'gem.10', environment: 'toss' }))[0], 503);
      } finally {
        toss.setAnswer('normal');
      }
      assert.deepEqual(await items(), []);
      assert.ok(shop.errors.every((e) => /^TOSS_(BAD_RESPONSE|RESULT_FAIL)$/.test(e.code)), shop.errors.map((e) => e.code).join());
      toss.answerOverrides.set('odd-1', { sku: 'gem.1000' }); // Toss says the dear one: the claim of the cheap one is refused
      assert.equal((await post(shop.url, { orderId: 'odd-1', sku: 'gem.10', environment: 'toss' }))[0], 409);
      assert.deepEqual(await items(), []);
    });

    test("someone else's paid orderId, with the right sku: 403, nothing delivered to the attacker", async () => {
      paid('victim-1', 'gem.10');
      assert.equal((await post(shop.url, { orderId: 'victim-1', sku: 'gem.10', environment: 'toss' }, 'victim'))[0], 200);
      assert.deepEqual(await post(shop.url, { orderId: 'victim-1', sku: 'gem.10', environment: 'toss' }), [403, { granted: false, reason: 'refused' }]);
      assert.deepEqual((await items()).map((r) => r.user_key), ['victim']);
    });

    test('the ledger keeps Toss\'s evidence with the grant: its sku, its time, its whole answer', async () => {
      toss.orders.set('proof-1', { orderId: 'proof-1', sku: 'gem.10', status: 'paid', paidAt: Date.UTC(2026, 11, 2, 1, 2, 3) });
      assert.equal((await post(shop.url, { orderId: 'proof-1', sku: 'gem.10', environment: 'sandbox' }))[0], 200);
      const row = (await db.query("SELECT sku, sku_source, claimed_sku, environment, status_determined_at, toss_answer FROM ait_iap_grants WHERE order_id = 'proof-1'")).rows[0];
      assert.deepEqual([row.sku, row.sku_source, row.claimed_sku, row.environment], ['gem.10', 'toss', 'gem.10', 'sandbox']);
      assert.equal(new Date(row.status_determined_at).toISOString(), '2026-12-02T01:02:03.000Z');
      assert.deepEqual(row.toss_answer, { orderId: 'proof-1', sku: 'gem.10', statusDeterminedAt: '2026-12-02T10:02:03', status: 'PAYMENT_COMPLETED', reason: '결제가 완료된 주문입니다.' });
    });

    test('environments: a backend that accepts only "toss" refuses a hand-off labelled "sandbox"', async () => {
      const production = await backend(db, { environments: ['toss'] });
      try {
        paid('env-1', 'gem.10');
        assert.deepEqual(await post(production.url, { orderId: 'env-1', sku: 'gem.10', environment: 'sandbox' }), [409, { granted: false, reason: 'refused' }]);
        assert.deepEqual(production.errors.map((e) => e.code), ['ENVIRONMENT_REFUSED']);
        assert.deepEqual(await post(production.url, { orderId: 'env-1', sku: 'gem.10', environment: 'toss' }), [200, { granted: true }]);
      } finally {
        await production.close();
      }
    });
  });
}

test('one slow delivery never blocks other users: a hung deliver, four requests for its order, another user granted meanwhile (PostgreSQL, pool of 4)', async () => {
  const { db, close } = await (async () => {
    const opened = await ENGINES[0].open();
    await opened.db.end();
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({ ...opened.server, max: 4 });
    return { db: pool, close: async () => { await pool.end(); opened.server.stop(); } };
  })();
  try {
    await postgresLedger(db).migrate();
    await db.query(ITEMS_DDL);
    let release;
    const hung = new Promise((r) => { release = r; });
    const shop = await backend(db, {
      deliverTimeoutMs: 5000,
      deliver: async (order, tx) => {
        if (order.orderId === 'slow-1') await hung;
        await insertItem(order, tx);
      },
    });
    try {
      paid('slow-1', 'gem.10');
      paid('other-1', 'gem.10');
      const slow = Array.from({ length: 4 }, () => post(shop.url, { orderId: 'slow-1', sku: 'gem.10', environment: 'toss' }));
      await new Promise((r) => setTimeout(r, 200)); // all four are in: one delivering, three waiting on its row
      const started = Date.now();
      const other = await post(shop.url, { orderId: 'other-1', sku: 'gem.10', environment: 'toss' }, 'someone-else');
      const took = Date.now() - started;
      const timedOut = shop.errors.filter((e) => e.code === 'DELIVERY_TIMEOUT').length;
      const slowSettled = await Promise.race([Promise.all(slow).then(() => true), Promise.resolve(false)]);
      assert.deepEqual(other, [200, { granted: true }]);
      assert.equal(slowSettled, false, 'granted while the slow delivery still hangs');
      assert.equal(timedOut, 0, 'granted before the hung delivery reached its deadline (not after it freed the pool)');
      console.log(`# another user's order granted in ${took} ms while one delivery hung`);
      release();
      const answers = await Promise.all(slow);
      assert.equal(answers.filter(([s]) => s === 200).length >= 1, true);
      assert.ok(answers.every(([s]) => s === 200 || s === 503), JSON.stringify(answers));
      assert.equal((await itemsOf(db)).filter((r) => r.order_id === 'slow-1').length, 1);
    } finally {
      release();
      await shop.close();
    }
  } finally {
    await close();
  }
});

test('an upload cut off mid-body is answered 408 (one the client retries) and logged as nothing: a client that went away is not a bug', async () => {
  const errors = [];
  const statuses = [];
  const handler = createGrantHandler({
    toss: api, ledger: memoryLedger(), deliver: () => {}, userKeyOf: () => 'someone',
    onError: (e) => errors.push(e.code ?? e.message),
  });
  const listener = toNodeListener(handler);
  const server = http.createServer((req, res) => {
    const writeHead = res.writeHead.bind(res);
    res.writeHead = (status, ...rest) => (statuses.push(status), writeHead(status, ...rest));
    listener(req, res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const socket = net.connect(server.address().port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise((r) => socket.once('connect', r));
  socket.write('POST /api/iap/grant HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"orderId"');
  await new Promise((r) => setTimeout(r, 100));
  socket.destroy();
  for (let waited = 0; statuses.length === 0 && waited < 3000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  assert.deepEqual([statuses, errors], [[408], []]);
});

test('a body a middleware already read is a bug of the server, told to onError (500), not a refusal of the order', async () => {
  const errors = [];
  const handler = createGrantHandler({ toss: api, ledger: memoryLedger(), deliver: () => {}, userKeyOf: () => 'someone', onError: (e) => errors.push(e.message) });
  const request = new Request('http://localhost/api/iap/grant', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'o-1' }, body: JSON.stringify({ orderId: 'o-1' }) });
  await request.json(); // what a body-parsing middleware does
  const reply = await handler(request);
  assert.deepEqual([reply.status, await reply.json()], [500, { granted: false, reason: 'internal error' }]);
  assert.match(errors.join(), /already read/);
});
