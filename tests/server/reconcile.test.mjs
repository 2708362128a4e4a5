// reconcile against the emulated Toss server over mTLS, on a PGlite ledger: what Toss answers that is neither paid
// nor refunded, or names another sku, is reported; Toss over its rate limit (4095) is waited out, not a failure.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { postgresLedger, reconcile } from '../../js/server/index.js';
import { startToss } from './toss-fixture.mjs';

let emulated, toss, api, db, ledger;
before(async () => {
  emulated = await startToss();
  ({ toss, api } = emulated);
  db = await PGlite.create();
  ledger = postgresLedger(db);
  await ledger.migrate();
});
after(async () => {
  await emulated.close();
  await db.close();
});
beforeEach(async () => {
  await db.query('DELETE FROM ait_iap_grants');
  toss.orders.clear();
  toss.overrides.clear();
  toss.answerOverrides.clear();
  toss.setRateLimit({ times: 0 });
});

/** An order paid at Toss as `sku` and granted in the ledger as `sku`. */
async function granted(orderId, sku = 'gem.100') {
  toss.orders.set(orderId, { orderId, sku, status: 'paid' });
  await ledger.grantOnce({ orderId, sku, userKey: 'user-1', environment: 'sandbox', skuSource: 'toss' }, () => {});
}
const revoked = [];
const revoke = (grant) => { revoked.push([grant.orderId, grant.sku]); };
const run = () => reconcile({ toss: api, ledger, revoke, olderThan: 0, now: new Date(Date.now() + 60_000) });

test('another sku than the stored one is reported as mismatched, a status neither paid nor refunded as unexpected', async () => {
  for (const id of ['ok', 'other-sku', 'failed', 'gone', 'refunded-other-sku']) await granted(id);
  toss.answerOverrides.set('other-sku', { sku: 'gem.1000' });
  toss.overrides.set('failed', 'FAILED');
  toss.overrides.set('gone', 'NOT_FOUND');
  toss.overrides.set('refunded-other-sku', 'REFUNDED');
  toss.answerOverrides.set('refunded-other-sku', { sku: 'gem.1' });
  revoked.length = 0;
  const report = await run();
  assert.equal(report.checked, 5);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(report.mismatched.sort((a, b) => a.orderId.localeCompare(b.orderId)), [
    { orderId: 'other-sku', sku: 'gem.100', tossSku: 'gem.1000', status: 'PAYMENT_COMPLETED' },
    { orderId: 'refunded-other-sku', sku: 'gem.100', tossSku: 'gem.1', status: 'REFUNDED' },
  ]);
  assert.deepEqual(report.unexpected.sort((a, b) => a.orderId.localeCompare(b.orderId)), [
    { orderId: 'failed', status: 'FAILED' },
    { orderId: 'gone', status: 'NOT_FOUND' },
  ]);
  assert.deepEqual(revoked, [['refunded-other-sku', 'gem.100']], 'a refund is taken back as delivered, whatever sku Toss names');
  assert.deepEqual([report.rateLimited, report.stoppedEarly], [0, false]);
});

test("Toss over its rate limit: reconcile waits as long as Toss says, asks the same order again, and counts no failure", async () => {
  await granted('rl-1');
  await granted('rl-2');
  toss.setRateLimit({ times: 1, retryAfterSeconds: 1 });
  const started = Date.now();
  const report = await run();
  assert.ok(Date.now() - started >= 1000, `waited ${Date.now() - started} ms`);
  assert.deepEqual([report.checked, report.failed, report.rateLimited, report.stoppedEarly], [2, [], 1, false]);
  assert.equal((await ledger.find('rl-1')).checkFailures, 0);
});

test('Toss staying over its rate limit: after three waits the run ends early; the orders are left due, not backed off', async () => {
  await granted('busy-1');
  await granted('busy-2');
  toss.setRateLimit({ times: Infinity, retryAfterSeconds: 1 });
  const report = await run();
  assert.deepEqual([report.checked, report.failed, report.rateLimited, report.stoppedEarly], [0, [], 4, true]);
  for (const id of ['busy-1', 'busy-2']) assert.deepEqual([(await ledger.find(id)).checkFailures, (await ledger.find(id)).nextCheckAt], [0, null], id);
});
