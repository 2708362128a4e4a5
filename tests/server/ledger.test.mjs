// The grant ledger on a real PostgreSQL server and on PGlite: exactly once under concurrency, the delivery in the
// claim's transaction, orders bound to their user, refunds taken back once.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { postgresLedger, memoryLedger, reconcile, ledgerDdl, AitIapServerError } from '../../js/server/index.js';
import { ENGINES, ITEMS_DDL, insertItem, itemsOf } from './engines.mjs';

const order = (orderId, userKey = 'user-1') => ({ orderId, sku: 'gem.100', userKey, environment: 'sandbox' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const engine of ENGINES) {
  describe(`ledger on ${engine.name}`, () => {
    let opened, db, ledger;
    before(async () => {
      opened = await engine.open();
      db = opened.db;
      ledger = postgresLedger(db);
      await ledger.migrate();
      await ledger.migrate(); // idempotent
      await db.query(ITEMS_DDL);
    });
    after(() => opened.close());
    beforeEach(async () => {
      await db.query('DELETE FROM items');
      await db.query('DELETE FROM ait_iap_grants');
    });

    test('50 concurrent claims of one order deliver it once; the others answer alreadyGranted', async () => {
      let deliveries = 0;
      const deliver = async (o, tx) => {
        deliveries += 1;
        await insertItem(o, tx);
        await sleep(20);
      };
      const verdicts = await Promise.all(Array.from({ length: 50 }, () => ledger.grantOnce(order('o-1'), deliver)));
      assert.equal(deliveries, 1);
      assert.equal(verdicts.filter((v) => v.granted && !v.alreadyGranted).length, 1);
      assert.equal(verdicts.filter((v) => v.granted && v.alreadyGranted).length, 49);
      assert.deepEqual((await itemsOf(db)).map((r) => r.order_id), ['o-1']);
    });

    test('a delivery that throws rolls the claim and its writes back; a retry delivers', async () => {
      await assert.rejects(ledger.grantOnce(order('o-2'), async (o, tx) => {
        await insertItem(o, tx);
        throw new Error('item service down');
      }), /item service down/);
      assert.equal(await ledger.find('o-2'), null);
      assert.deepEqual(await itemsOf(db), []);
      assert.deepEqual(await ledger.grantOnce(order('o-2'), insertItem), { granted: true, alreadyGranted: false });
      assert.equal((await itemsOf(db)).length, 1);
    });

    test('while a claim is delivering, a concurrent one waits, and delivers itself if the first fails', async () => {
      let calls = 0;
      const deliver = async (o, tx) => {
        calls += 1;
        await sleep(30);
        if (calls === 1) throw new Error('first attempt fails');
        await insertItem(o, tx);
      };
      const results = await Promise.allSettled([ledger.grantOnce(order('o-3'), deliver), sleep(5).then(() => ledger.grantOnce(order('o-3'), deliver))]);
      assert.equal(results[0].status, 'rejected');
      assert.deepEqual(results[1].value, { granted: true, alreadyGranted: false });
      assert.equal(calls, 2);
      assert.equal((await itemsOf(db)).length, 1);
    });

    test("an order is bound to its buyer: another user's claim is refused and delivers nothing", async () => {
      await ledger.grantOnce(order('o-4', 'user-a'), insertItem);
      assert.deepEqual(await ledger.grantOnce(order('o-4', 'user-b'), insertItem), { granted: false, reason: 'OTHER_USER' });
      assert.deepEqual((await itemsOf(db)).map((r) => r.user_key), ['user-a']);
      const row = await ledger.find('o-4');
      assert.equal(row.userKey, 'user-a');
      assert.equal(row.sku, 'gem.100');
      assert.ok(row.grantedAt instanceof Date);
    });

    test('reconcile takes back each refunded order once, in the same transaction as its mark', async () => {
      for (const id of ['r-1', 'r-2', 'r-3']) await ledger.grantOnce(order(id), insertItem);
      const statuses = { 'r-1': 'PURCHASED', 'r-2': 'REFUNDED', 'r-3': 'REFUNDED' };
      const toss = { getOrderStatus: async (id) => { if (id === 'r-3' && !toss.up) throw new AitIapServerError('TOSS_TIMEOUT', 'hang', { transient: true }); return { status: statuses[id], reason: '' }; }, up: false };
      const revoke = (o, tx) => tx.query('DELETE FROM items WHERE order_id = $1', [o.orderId]);
      const later = new Date(Date.now() + 60_000);
      const first = await reconcile({ toss, ledger, revoke, olderThan: 0, now: later });
      assert.equal(first.checked, 2);
      assert.deepEqual(first.revoked, ['r-2']);
      assert.deepEqual(first.failed.map((f) => [f.orderId, f.error.code]), [['r-3', 'TOSS_TIMEOUT']]);
      toss.up = true;
      const second = await reconcile({ toss, ledger, revoke, olderThan: 0, now: new Date(Date.now() + 120_000) });
      assert.deepEqual(second.revoked, ['r-3'], 'r-2 is not revoked twice; r-3 is retried');
      assert.deepEqual((await itemsOf(db)).map((r) => r.order_id), ['r-1']);
      assert.equal((await ledger.find('r-2')).revokedAt instanceof Date, true);
      assert.deepEqual(await ledger.grantOnce(order('r-2'), insertItem), { granted: false, reason: 'REFUNDED' });
      const none = await reconcile({ toss, ledger, revoke, olderThan: 3_600_000 });
      assert.equal(none.checked, 0, 'orders checked or granted within olderThan are left alone');
    });

    test('a revoke that throws leaves the order granted, to be tried again', async () => {
      await ledger.grantOnce(order('r-9'), insertItem);
      const toss = { getOrderStatus: async () => ({ status: 'REFUNDED', reason: '' }) };
      const failing = await reconcile({ toss, ledger, revoke: () => { throw new Error('no'); }, olderThan: 0, now: new Date(Date.now() + 60_000) });
      assert.equal(failing.failed.length, 1);
      assert.equal((await ledger.find('r-9')).revokedAt, null);
    });
  });
}

test('the DDL in the backend docs is the one migrate() runs', async () => {
  const { readFileSync } = await import('node:fs');
  for (const doc of ['docs/backend.md', 'docs/ko/backend.md']) {
    assert.ok(readFileSync(new URL(`../../${doc}`, import.meta.url), 'utf8').includes(ledgerDdl()), `${doc} shows ledgerDdl()`);
  }
});

test('postgresLedger refuses what is not a database or a safe table name', () => {
  assert.throws(() => postgresLedger({}), { code: 'INVALID_OPTIONS' });
  assert.throws(() => postgresLedger({ transaction() {} }, { table: 'grants; DROP TABLE x' }), { code: 'INVALID_OPTIONS' });
});

test('memoryLedger: the same answers, and no transaction to write through', async () => {
  const ledger = memoryLedger();
  let deliveries = 0;
  const verdicts = await Promise.all(Array.from({ length: 10 }, () => ledger.grantOnce(order('m-1'), async () => { deliveries += 1; await sleep(5); })));
  assert.equal(deliveries, 1);
  assert.equal(verdicts.filter((v) => v.alreadyGranted).length, 9);
  assert.deepEqual(await ledger.grantOnce(order('m-1', 'user-b'), () => {}), { granted: false, reason: 'OTHER_USER' });
  await assert.rejects(ledger.grantOnce(order('m-2'), (o, tx) => tx.query('SELECT 1')), { code: 'NO_DATABASE' });
  assert.equal(await ledger.find('m-2'), null);
});
