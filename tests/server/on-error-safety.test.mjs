// A partner's onError that throws, or an async one that rejects (a log shipper down), changes no reply and never
// ends the process: the grant handler, the entitlements handler and the ledger's idle-connection listener each call
// it on requests anyone can send, so an unhandled rejection there would let anyone end a Node process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createEntitlementsHandler, createGrantHandler, createTossApi, postgresLedger, toNodeListener } from '../../js/server/index.js';
import { testCertificates } from '../../server/certs.mjs';

const BROKEN = [
  ['rejects', async () => { throw new Error('log shipper down'); }],
  ['throws', () => { throw new Error('logger broken'); }],
];

/** Runs `body` with unhandled rejections and uncaught exceptions collected (console.error quiet); resolves them. */
async function collectingCrashes(body) {
  const crashes = [];
  const heard = (reason) => crashes.push(reason);
  process.on('unhandledRejection', heard);
  process.on('uncaughtException', heard);
  const quiet = console.error;
  const lines = [];
  console.error = (...args) => lines.push(args.join(' '));
  try {
    await body();
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    console.error = quiet;
    process.off('unhandledRejection', heard);
    process.off('uncaughtException', heard);
  }
  return { crashes, lines };
}

async function serve(handler) {
  const server = http.createServer(toNodeListener(handler));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); },
  };
}

test('grant handler: an onError that rejects or throws leaves the 503 as it was, and nothing unhandled', async () => {
  const db = await PGlite.create();
  const ledger = postgresLedger(db);
  await ledger.migrate();
  const certs = testCertificates();
  const toss = createTossApi({ ...certs.client, ca: certs.ca, baseUrl: 'https://127.0.0.1:1', timeoutMs: 1000 }); // Toss unreachable
  try {
    for (const [how, onError] of BROKEN) {
      const site = await serve(createGrantHandler({ toss, ledger, userKeyOf: () => 'user-1', deliver: () => {}, onError }));
      const { crashes, lines } = await collectingCrashes(async () => {
        const unreachable = await fetch(site.url, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'o-1' }, body: JSON.stringify({ orderId: 'o-1', sku: 'gem.100' }) });
        assert.deepEqual([unreachable.status, await unreachable.json()], [503, { granted: false, reason: 'try again' }], how);
      }).finally(site.close);
      assert.deepEqual(crashes, [], how);
      assert.ok(lines.some((l) => /\[ait-iap\/server\] grant: onError itself failed/.test(l)), `${how}: ${lines}`);
    }
  } finally {
    toss.close();
    await db.close();
  }
});

test('entitlements handler: an onError that rejects or throws leaves the 401 as it was, and nothing unhandled', async () => {
  const db = await PGlite.create();
  const ledger = postgresLedger(db);
  await ledger.migrate();
  try {
    for (const [how, onError] of BROKEN) {
      const site = await serve(createEntitlementsHandler({ ledger, userKeyOf: () => 'x'.repeat(10_000), onError })); // not a userKey
      const { crashes } = await collectingCrashes(async () => {
        const res = await fetch(site.url);
        assert.deepEqual([res.status, await res.json()], [401, { reason: 'not signed in' }], how);
      }).finally(site.close);
      assert.deepEqual(crashes, [], how);
    }
  } finally {
    await db.close();
  }
});

test("ledger: a pg Pool's idle-connection error told to an onError that rejects or throws does not end the process", async () => {
  for (const [how, onError] of BROKEN) {
    const pool = new pg.Pool({ host: '127.0.0.1', port: 1 }); // never connects; 'error' is what it emits for an idle client lost
    postgresLedger(pool, { onError });
    const { crashes, lines } = await collectingCrashes(async () => {
      pool.emit('error', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    });
    await pool.end();
    assert.deepEqual(crashes, [], how);
    assert.ok(lines.some((l) => /ledger: onError itself failed/.test(l)), `${how}: ${lines}`);
  }
});
