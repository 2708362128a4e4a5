// The backend survives its database restarting (a failover, a minor-version upgrade, a maintenance window): four
// backend processes on one PostgreSQL server, each a `pg` Pool passed to postgresLedger (two with the partner's
// own pool error listener, two without: the ledger's keeps them alive), 120 hand-offs in flight, then PostgreSQL
// restarted (`pg_ctl restart -m fast`), or stopped for 5 seconds and started again. Then the client's retries.
// Every process stays alive; every answer is a success, a refusal of an unpaid order, or a 503 "try again"
// with Retry-After, never a 500; every paid order is granted exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startPostgres } from './postgres.mjs';
import { startToss } from './toss-fixture.mjs';
import { spawnBackend } from './spawn-backend.mjs';
import { postgresLedger } from '../../js/server/index.js';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let emulated;
before(async () => { emulated = await startToss(); });
after(() => emulated.close());

const startBackend = (env) => spawnBackend({ TOSS_URL: emulated.tls.url, REPORT_ERRORS: '1', ...env });

/** One hand-off as the client sends it: `[status, retry-after]`, or ['connection lost']. */
const handOff = (port, orderId) =>
  fetch(`http://127.0.0.1:${port}/api/iap/grant`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': orderId, 'x-test-user': 'user-1' },
    body: JSON.stringify({ orderId, sku: 'gem.100', environment: 'sandbox' }),
  }).then((r) => [r.status, r.headers.get('retry-after')], () => ['connection lost']);

async function scenario(name, fault) {
  const server = startPostgres();
  const paid = Array.from({ length: 30 }, (_, i) => `${name}-paid-${i}`);
  const unpaid = Array.from({ length: 10 }, (_, i) => `${name}-failed-${i}`);
  for (const orderId of paid) emulated.toss.orders.set(orderId, { orderId, sku: 'gem.100', status: 'paid' });
  for (const orderId of unpaid) emulated.toss.orders.set(orderId, { orderId, sku: 'gem.100', status: 'failed' });
  const env = { PGHOST: server.host, PGPORT: String(server.port), PGUSER: server.user, PGDATABASE: server.database };
  const backends = [];
  try {
    for (let i = 0; i < 4; i++) backends.push(await startBackend({ ...env, ...(i === 0 ? { MIGRATE: '1' } : {}), ...(i % 2 ? { POOL_LISTENER: '1' } : {}) }));
    const answers = [];
    const send = (id, i) => handOff(backends[i % 4].port, id).then((a) => { answers.push([id, ...a]); return a; });
    const ids = [...paid, ...unpaid].flatMap((id) => [id, id, id]).sort(() => Math.random() - 0.5);
    const inFlight = Promise.all(ids.map(send));
    while (backends.every((b) => b.deliveries.length === 0)) await sleep(2);
    const duringOutage = await fault(server, (id, i) => send(id, i), paid);
    await inFlight;
    // The client's retries (the outbox's), on any instance, until every order has its final answer.
    const final = new Map();
    for (const [id, status] of answers) if (status === 200 || status === 409) final.set(id, status);
    for (let round = 0; round < 20 && final.size < paid.length + unpaid.length; round++) {
      for (const id of [...paid, ...unpaid].filter((id) => !final.has(id))) {
        const [status] = await send(id, round);
        if (status === 200 || status === 409) final.set(id, status);
      }
      await sleep(250);
    }
    const statuses = answers.map(([, status]) => status);
    assert.deepEqual(backends.map((b) => b.exited), [null, null, null, null], `every backend process is alive: ${backends.map((b) => b.exited === null ? '' : b.stderr.slice(-2000)).join('\n')}`);
    assert.deepEqual(statuses.filter((s) => ![200, 409, 503].includes(s)), [], 'no 500, no connection lost');
    assert.ok(statuses.includes(503), 'the outage reached some requests');
    assert.ok(answers.filter(([, s]) => s === 503).every(([, , retryAfter]) => retryAfter === '2'), 'each 503 says when to try again');
    for (const id of paid) assert.equal(final.get(id), 200, id);
    for (const id of unpaid) assert.equal(final.get(id), 409, id);
    const pool = new pg.Pool(server);
    try {
      const { rows } = await pool.query('SELECT order_id FROM items ORDER BY order_id');
      assert.deepEqual(rows.map((r) => r.order_id), [...paid].sort(), 'exactly one item per paid order, none for the others');
    } finally {
      await pool.end();
    }
    const causes = new Map();
    for (const b of backends) for (const [code, n] of b.causes) causes.set(code, (causes.get(code) ?? 0) + n);
    assert.ok(causes.has('DATABASE_UNAVAILABLE') || causes.has('DELIVERY_FAILED'), `onError was told the cause: ${[...causes.keys()]}`);
    const counts = Object.fromEntries([200, 409, 503].map((s) => [s, statuses.filter((x) => x === s).length]));
    console.log(`# ${name}: ${answers.length} answers ${JSON.stringify(counts)}, ${duringOutage} during the outage; causes ${JSON.stringify(Object.fromEntries(causes))}`);
  } finally {
    for (const b of backends) b.child.kill('SIGKILL');
    server.stop();
  }
}

test('PostgreSQL restarts (pg_ctl restart -m fast) with hand-offs in flight: no process dies, no 500, every paid order granted once', async () => {
  await scenario('restart', async (server) => {
    await server.fault.restart();
    return 0;
  });
});

test('PostgreSQL stopped for 5 seconds, hand-offs arriving meanwhile, then started: every answer during the outage is a 503', async () => {
  await scenario('stop', async (server, send, paid) => {
    await server.fault.stop();
    const during = [];
    for (let i = 0, started = Date.now(); Date.now() - started < 5000; i++) {
      during.push(await send(paid[i % paid.length], i));
      await sleep(100);
    }
    assert.deepEqual([...new Set(during.map(([status]) => status))], [503], 'while the database is down: 503 only');
    await server.fault.start();
    return during.length;
  });
});

test('migrate() before the database is up: a typed DATABASE_UNAVAILABLE, and waitMs waits for it', async () => {
  const server = startPostgres();
  const pool = new pg.Pool({ ...server, connectionTimeoutMillis: 2000 });
  const { postgresLedger } = await import('../../js/server/index.js');
  try {
    await server.fault.stop();
    const ledger = postgresLedger(pool);
    await assert.rejects(ledger.migrate(), { code: 'DATABASE_UNAVAILABLE', transient: true });
    const started = ledger.migrate({ waitMs: 20_000 });
    await sleep(1000);
    await server.fault.start();
    assert.deepEqual(await started, { from: 0, to: 3 });
  } finally {
    await pool.end();
    server.stop();
  }
});

test('a connection the server ends while checked out, between two queries, does not end the process: postgresLedger listens on each client', async () => {
  const server = startPostgres();
  const pool = new pg.Pool(server);
  postgresLedger(pool, { onError: () => {} });
  const crashes = [];
  const heard = (e) => crashes.push(e);
  process.on('uncaughtException', heard); // without the listener, the client's 'error' lands here (or ends the process)
  try {
    const client = await pool.connect();
    const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
    const admin = new pg.Client(server);
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]); // 57P01, as a restart sends it
    await admin.end();
    await sleep(300);
    assert.deepEqual(crashes.map((e) => e.code ?? e.message), [], 'no unheard error');
    await assert.rejects(client.query('SELECT 1'), 'the holder learns of it from its next query');
    client.release(true);
  } finally {
    process.off('uncaughtException', heard);
    await pool.end();
    server.stop();
  }
});
