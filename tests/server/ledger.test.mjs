// The grant ledger on a real PostgreSQL server and on PGlite: exactly once under concurrency, the delivery in the
// claim's transaction, orders bound to their user, refunds taken back once.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { postgresLedger, memoryLedger, reconcile, ledgerDdl, AitIapServerError } from '../../js/server/index.js';
import { readFileSync } from 'node:fs';
import { upgradeFrom1 } from '../../js/server/ledger-schema.js';
import pg from 'pg';
import { ENGINES, ITEMS_DDL, insertItem, itemsOf } from './engines.mjs';
import { startPostgres } from './postgres.mjs';

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
      assert.equal(first.failed[0].failures, 1);
      toss.up = true;
      const soon = await reconcile({ toss, ledger, revoke, olderThan: 0, now: new Date(later.getTime() + 60_000) });
      assert.deepEqual([soon.checked, soon.revoked], [1, []], 'only r-1: r-3 backs off (5 minutes after one failure)');
      const second = await reconcile({ toss, ledger, revoke, olderThan: 0, now: new Date(later.getTime() + 5 * 60_000) });
      assert.deepEqual(second.revoked, ['r-3'], 'r-2 is not revoked twice; r-3 is retried');
      assert.deepEqual((await itemsOf(db)).map((r) => r.order_id), ['r-1']);
      assert.equal((await ledger.find('r-2')).revokedAt instanceof Date, true);
      assert.deepEqual(await ledger.grantOnce(order('r-2'), insertItem), { granted: false, reason: 'REFUNDED' });
      const none = await reconcile({ toss, ledger, revoke, olderThan: 3_600_000 });
      assert.equal(none.checked, 0, 'orders checked or granted within olderThan are left alone');
    });

    test('reconcile never stalls: orders whose check keeps failing back off, and a refund behind them is still taken back', async () => {
      const failing = Array.from({ length: 7 }, (_, i) => `f-${i}`);
      for (const id of failing) await ledger.grantOnce(order(id), insertItem);
      await sleep(5);
      await ledger.grantOnce(order('refunded-late'), insertItem); // the newest: checked last
      const toss = { getOrderStatus: async (id) => { if (id.startsWith('f-')) throw new AitIapServerError('TOSS_TIMEOUT', 'hang', { transient: true }); return { status: 'REFUNDED', reason: '' }; } };
      const revoke = (o, tx) => tx.query('DELETE FROM items WHERE order_id = $1', [o.orderId]);
      let at = Date.now() + 3_600_000, revoked = [], runs = 0;
      while (!revoked.length && runs < 5) {
        runs += 1;
        ({ revoked } = await reconcile({ toss, ledger, revoke, limit: 3, now: new Date(at) }));
        at += 60_000; // a cron every minute
      }
      assert.deepEqual(revoked, ['refunded-late']);
      assert.equal(runs, 3, 'limit 3: two runs for the 7 failing orders (they back off), the third reaches the refund');
      const stuck = await ledger.find('f-0');
      assert.equal(stuck.checkFailures, 1);
      assert.ok(stuck.nextCheckAt > new Date(at), 'f-0 waits');
    });

    test('a delivery past its deadline rolls back (DELIVERY_TIMEOUT), and its late writes are refused', async () => {
      let late;
      const deliver = async (o, tx) => {
        await sleep(150);
        late = tx.query('INSERT INTO items (order_id, user_key, sku) VALUES ($1, $2, $3)', [o.orderId, o.userKey, o.sku]).then(() => 'written', (e) => e.code);
      };
      await assert.rejects(ledger.grantOnce(order('slow-1'), deliver, { timeoutMs: 50 }), { code: 'DELIVERY_TIMEOUT', transient: true });
      await sleep(200);
      assert.equal(await late, 'TRANSACTION_CLOSED');
      assert.equal(await ledger.find('slow-1'), null);
      assert.deepEqual(await itemsOf(db), []);
      assert.deepEqual(await ledger.grantOnce(order('slow-1'), insertItem), { granted: true, alreadyGranted: false }, 'the retry delivers');
    });

    test('a grant keeps its evidence: the sku delivered and its source, the claim, Toss\'s time and answer', async () => {
      const tossAnswer = { orderId: 'e-1', sku: 'gem.10', status: 'PAYMENT_COMPLETED', statusDeterminedAt: '2026-12-02T12:00:00' };
      const determinedAt = new Date('2026-12-02T03:00:00Z');
      await ledger.grantOnce({ ...order('e-1'), sku: 'gem.10', skuSource: 'toss', claimedSku: 'gem.10', determinedAt, tossAnswer }, insertItem);
      const row = await ledger.find('e-1');
      assert.deepEqual([row.sku, row.skuSource, row.claimedSku, row.determinedAt.toISOString()], ['gem.10', 'toss', 'gem.10', determinedAt.toISOString()]);
      assert.deepEqual((await db.query("SELECT toss_answer FROM ait_iap_grants WHERE order_id = 'e-1'")).rows[0].toss_answer, tossAnswer);
      assert.deepEqual(await ledger.grantOnce({ ...order('e-1'), sku: 'gem.1000' }, insertItem), { granted: false, reason: 'OTHER_SKU' });
      const revoked = [];
      await reconcile({ toss: { getOrderStatus: async () => ({ status: 'REFUNDED', reason: '' }) }, ledger, revoke: (g) => revoked.push([g.orderId, g.sku]), olderThan: 0, now: new Date(Date.now() + 60_000) });
      assert.deepEqual(revoked, [['e-1', 'gem.10']], 'revoke gets the stored sku');
    });

    test('a ledger written by ait-iap 0.1 (schema 1) upgrades in place; its rows say their sku was the claim', async () => {
      const table = 'grants_v1';
      await db.query(`DROP TABLE IF EXISTS ${table}`);
      await db.query(`DELETE FROM ait_iap_schema WHERE table_name = '${table}'`);
      for (const statement of readFileSync(new URL('../fixtures/ledger-v1.sql', import.meta.url), 'utf8').replaceAll('ait_iap_grants', table).split(';').filter((s) => s.replace(/--.*/g, '').trim())) await db.query(statement);
      const v1 = postgresLedger(db, { table });
      assert.deepEqual(await v1.migrate(), { from: 1, to: 3 });
      assert.deepEqual(await v1.migrate(), { from: 3, to: 3 }, 'idempotent, and the version is recorded');
      assert.deepEqual((await db.query('SELECT version FROM ait_iap_schema WHERE table_name = $1', [table])).rows, [{ version: 3 }]);
      const old = await v1.find('v1-order');
      assert.deepEqual([old.sku, old.skuSource, old.claimedSku, old.checkFailures, old.userKey], ['gem.100', 'claimed', 'gem.100', 0, 'user-1']);
      assert.deepEqual(await v1.grantOnce(order('v1-order'), () => {}), { granted: true, alreadyGranted: true });
      assert.deepEqual(await v1.grantOnce({ ...order('v2-order'), skuSource: 'toss' }, () => {}), { granted: true, alreadyGranted: false });
      assert.equal((await v1.find('v2-order')).skuSource, 'toss');
      // A rolling deploy: an instance still on 0.1 inserts as it always did, and its row says its sku was the claim.
      await db.query(`INSERT INTO ${table} (order_id, user_key, sku, environment) VALUES ('v1-late', 'user-1', 'gem.100', 'sandbox')`);
      assert.equal((await v1.find('v1-late')).skuSource, 'claimed');
      assert.equal((await reconcile({ toss: { getOrderStatus: async () => ({ status: 'PURCHASED' }) }, ledger: v1, revoke: () => {}, olderThan: 0, now: new Date(Date.now() + 60_000) })).checked, 3);
    });

    test('migrate() from several instances at once: one creates, the others find it done', async () => {
      const table = 'grants_race';
      await db.query(`DROP TABLE IF EXISTS ${table}`);
      await db.query(`DELETE FROM ait_iap_schema WHERE table_name = '${table}'`);
      const results = await Promise.all(Array.from({ length: 4 }, () => postgresLedger(db, { table }).migrate()));
      assert.deepEqual(results.map((r) => r.from).sort(), [0, 3, 3, 3]);
    });

    test('a reserved word as the table name works (quoted)', async () => {
      const ledgerOfUser = postgresLedger(db, { table: 'user' });
      await ledgerOfUser.migrate();
      assert.deepEqual(await ledgerOfUser.grantOnce(order('u-1'), () => {}), { granted: true, alreadyGranted: false });
      assert.equal((await ledgerOfUser.find('u-1')).orderId, 'u-1');
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

test('the upgrade SQL in the backend docs is the one migrate() runs', () => {
  const expected = upgradeFrom1('"ait_iap_grants"').map((statement) => `${statement};`).join('\n');
  for (const doc of ['docs/backend.md', 'docs/ko/backend.md']) {
    const text = readFileSync(new URL(`../../${doc}`, import.meta.url), 'utf8');
    const block = [...text.matchAll(/```sql\n([\s\S]*?)\n```/g)].map((m) => m[1]).find((b) => b.includes('ADD COLUMN IF NOT EXISTS sku_source'));
    assert.equal(block, expected, `${doc} shows upgradeFrom1`);
  }
});

test('migrate() of several tables at once on a fresh PostgreSQL database, each from its own connection: none fails', async () => {
  const server = startPostgres();
  const admin = new pg.Pool({ ...server, max: 1 });
  try {
    for (let round = 0; round < 5; round++) {
      const database = `race_${round}`;
      await admin.query(`CREATE DATABASE ${database}`);
      const db = new pg.Pool({ ...server, database, max: 8 });
      try {
        const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => postgresLedger(db, { table: `grants_${i}` }).migrate()));
        assert.deepEqual(results.map((r) => r.reason?.code ?? r.value.from), Array(8).fill(0), `round ${round}`);
        assert.equal((await db.query('SELECT count(*)::int AS n FROM ait_iap_schema')).rows[0].n, 8);
      } finally {
        await db.end();
      }
    }
  } finally {
    await admin.end();
    server.stop();
  }
});

test('postgresLedger and ledgerDdl refuse what is not a database or a safe table name, and quote the name', () => {
  assert.throws(() => postgresLedger({}), { code: 'INVALID_OPTIONS' });
  assert.throws(() => postgresLedger({ transaction() {} }, { table: 'grants; DROP TABLE x' }), { code: 'INVALID_OPTIONS' });
  for (const table of ['grants; DROP TABLE x', 'Grants', '"x"', '', 42]) assert.throws(() => ledgerDdl(table), { code: 'INVALID_OPTIONS' }, String(table));
  assert.match(ledgerDdl('user'), /^CREATE TABLE IF NOT EXISTS "user" \(/);
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
