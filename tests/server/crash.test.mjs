// Exactly once under concurrency and crashes: backend processes on one database, 200 hand-offs over 40 orderIds
// fired at once, one process killed with SIGKILL in the middle of a delivery and started again, then the client's
// retries. Afterwards the partner's item table holds exactly one row per paid orderId and none for the others.
// On PostgreSQL with 4 processes; on PGlite with one (restarted on its folder).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { testCertificates } from '../../server/certs.mjs';
import { createTossServer } from '../../server/toss-server.mjs';
import { startPostgres } from './postgres.mjs';
import { itemsOf } from './engines.mjs';
import { spawnBackend } from './spawn-backend.mjs';
const PAID = Array.from({ length: 30 }, (_, i) => `paid-${i}`);
const REFUSED = Array.from({ length: 10 }, (_, i) => `failed-${i}`);

let toss, tls;
before(async () => {
  toss = createTossServer();
  tls = await toss.listenTls(testCertificates());
  for (const orderId of PAID) toss.orders.set(orderId, { orderId, sku: 'gem.100', status: 'paid' });
  for (const orderId of REFUSED) toss.orders.set(orderId, { orderId, sku: 'gem.100', status: 'failed' });
});
after(() => tls.close());

const startBackend = (env) => spawnBackend({ TOSS_URL: tls.url, ...env });

const handOff = (port, orderId) =>
  fetch(`http://127.0.0.1:${port}/api/iap/grant`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': orderId, 'x-test-user': 'user-1' },
    body: JSON.stringify({ orderId, sku: 'gem.100', environment: 'sandbox' }),
  }).then((r) => r.status, () => 'connection lost');

async function until(check, what) {
  for (const started = Date.now(); !check(); await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() - started > 20_000) throw new Error(`timed out waiting for ${what}`);
  }
}

async function runScenario(processes, env, itemsOf) {
  const backends = [];
  try {
    await exercise(backends, processes, env, itemsOf);
  } finally {
    for (const b of backends) b.child.kill('SIGKILL');
  }
}

async function exercise(backends, processes, env, itemsOf) {
  for (let i = 0; i < processes; i++) backends.push(await startBackend({ ...env, ...(i === 0 ? { MIGRATE: '1' } : {}) }));
  const ids = [...PAID, ...REFUSED].flatMap((id) => [id, id, id, id, id]).sort(() => Math.random() - 0.5);
  assert.equal(ids.length, 200);
  const victim = backends[0];
  // The victim alone is sent the first five paid orders, so that it surely has deliveries to be killed in.
  const target = (id, i) => (PAID.indexOf(id) >= 0 && PAID.indexOf(id) < 5 ? victim : backends[i % processes]);
  const fired = Promise.all(ids.map((id, i) => handOff(target(id, i).port, id).then((status) => [id, status])));
  await until(() => victim.deliveries.length >= 1, 'a delivery in the process to kill');
  victim.child.kill('SIGKILL'); // in the middle of a delivery: its transaction is open for 50 ms
  const killedIn = victim.deliveries.at(-1);
  await new Promise((r) => victim.child.once('exit', r));
  const first = await fired;
  backends[0] = await startBackend(env);
  // The client retries whatever was not answered 200 or 409 (the outbox does), on any instance.
  const answered = new Map();
  for (const [id, status] of first) if (status === 200 || status === 409) answered.set(id, status);
  for (let round = 0; round < 10 && answered.size < PAID.length + REFUSED.length; round++) {
    for (const id of [...PAID, ...REFUSED].filter((id) => !answered.has(id))) {
      const status = await handOff(backends[round % processes].port, id);
      if (status === 200 || status === 409) answered.set(id, status);
    }
  }
  assert.ok(first.some(([, status]) => status === 'connection lost'), 'the kill cut requests off');
  assert.ok(PAID.includes(killedIn), `killed while delivering ${killedIn}`);
  for (const id of PAID) assert.equal(answered.get(id), 200, id);
  for (const id of REFUSED) assert.equal(answered.get(id), 409, id);
  const items = await itemsOf();
  assert.deepEqual(items.map((r) => r.order_id).sort(), [...PAID].sort(), 'exactly one item per paid order, none for the others');
}

/** The item rows, read through `db`, which is closed afterwards. */
async function readThenClose(db, close) {
  try {
    return await itemsOf(db);
  } finally {
    await close();
  }
}

test('PostgreSQL, 4 processes: one SIGKILLed mid-delivery and restarted; one item per paid order', async () => {
  const server = startPostgres();
  try {
    await runScenario(4, { PGHOST: server.host, PGPORT: String(server.port), PGUSER: server.user, PGDATABASE: server.database }, () => {
      const pool = new pg.Pool(server);
      return readThenClose(pool, () => pool.end());
    });
  } finally {
    server.stop();
  }
});

test('PGlite, one process: SIGKILLed mid-delivery and restarted on its folder; one item per paid order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ait-iap-pglite-'));
  try {
    await runScenario(1, { PGLITE_DIR: dir }, async () => {
      const db = await PGlite.create(dir);
      return readThenClose(db, () => db.close());
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
