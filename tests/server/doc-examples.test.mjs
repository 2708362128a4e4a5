// The server examples of docs/backend.md (and their Korean twins in docs/ko/backend.md), each run as written, as a
// file of its own: against the Toss emulator as `npx ait-iap toss-emulator` starts it (the environment it prints,
// its throwaway CA as TOSS_CA) and a real PostgreSQL server (a database of its own for each example), or PGlite.
// `ait-iap/server` resolves to the built package (a package may import itself by name). Nothing is added to the
// blocks: their sign-in stand-in reads `Authorization: Dev <userKey>`, which the requests here send.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { docBlock } from './doc-blocks.mjs';
import { startPostgres } from './postgres.mjs';
import { startEmulatorCli } from './toss-emulator-cli.mjs';
import { LEDGER_SCHEMA_VERSION } from '../../js/server/ledger-schema.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = join(root, 'target/doc-server');
const ORIGIN = 'https://mini.example';
const run = promisify(execFile);

let emulator, server, admin, env;
before(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  emulator = await startEmulatorCli(['--dir', join(work, 'toss-emulator')]);
  server = startPostgres();
  admin = new pg.Pool(server);
  env = { ...process.env, ...emulator.env, MINI_APP_ORIGIN: ORIGIN };
  env.NODE_ENV = 'development'; // the docs' sign-in stand-in signs in only then
});
after(async () => {
  await admin.end();
  server.stop();
  await emulator.stop();
});

/** A database of its own for one example: its DATABASE_URL and a pool on it for the test's own queries. */
async function database(name) {
  await admin.query(`CREATE DATABASE ${name}`);
  const url = `postgresql://${server.user}@localhost/${name}?host=${server.host}&port=${server.port}`;
  return { url, pool: new pg.Pool({ ...server, database: name }) };
}

/** What the host emulator mirrors when a purchase is paid (or later refunded), POSTed as its page does. */
async function mirror(orderId, fields = {}) {
  const order = { orderId, sku: 'gem.100', status: 'paid', paidAt: Date.now(), miniAppId: 'ait-iap-sandbox', ...fields };
  const res = await fetch(emulator.mirrorUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) });
  assert.equal(res.status, 200);
}

/** Writes the block `marker` as `name` in `dir` (default the work folder); resolves its path. */
function writeBlock(marker, name, dir = work) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, docBlock(marker));
  return file;
}

const freePort = () => new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const grantRequest = (url, orderId, headers = {}) => fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'idempotency-key': orderId, ...headers },
  body: JSON.stringify({ orderId, sku: 'gem.100', environment: 'sandbox' }),
});
const DEV_USER = { authorization: 'Dev user-1' };

/** Runs a server block (node:http) in `cwd` on a free port until `check(base)` is done, then stops it with SIGTERM
 *  and resolves its exit code and how long it took to exit. */
async function withServer(file, extraEnv, check, cwd = work) {
  const port = await freePort();
  const child = spawn(process.execPath, [file], { cwd, env: { ...env, ...extraEnv, PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  try {
    const base = `http://localhost:${port}`;
    // Up to a minute: PGlite's start (its wasm, then migrate) took over 10 s on a loaded CI machine.
    for (const until = Date.now() + 60_000; Date.now() < until;) {
      if (await fetch(base, { method: 'OPTIONS' }).then(() => true, () => false)) break;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await check(base);
  } finally {
    child.kill('SIGTERM');
  }
  const stopping = Date.now();
  return { code: await exited, exitMs: Date.now() - stopping };
}

/** The checks every node:http block passes: granted once, with CORS, a preflight, 401 without a session, a wrong
 *  path's 404 readable by the page. */
async function checkServer(base, orderId) {
  const url = `${base}/api/iap/grant`;
  const first = await grantRequest(url, orderId, { origin: ORIGIN, ...DEV_USER });
  assert.equal(first.headers.get('access-control-allow-origin'), ORIGIN);
  assert.deepEqual([first.status, await first.json()], [200, { granted: true }]);
  assert.deepEqual(await (await grantRequest(url, orderId, DEV_USER)).json(), { granted: true, alreadyGranted: true });
  const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
  assert.equal(preflight.status, 204);
  const anonymous = await grantRequest(url, orderId, { origin: ORIGIN });
  assert.deepEqual([anonymous.status, await anonymous.json()], [401, { granted: false, reason: 'not signed in' }]);
  // A wrong path: the preflight passes and the POST's 404 carries CORS, so the page reads "404".
  const wrongPreflight = await fetch(`${base}/api/iap/grnat`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' } });
  assert.equal(wrongPreflight.status, 204);
  assert.match(wrongPreflight.headers.get('access-control-allow-headers'), /authorization/);
  const wrong = await grantRequest(`${base}/api/iap/grnat`, orderId, { origin: ORIGIN, ...DEV_USER });
  assert.deepEqual([wrong.status, wrong.headers.get('access-control-allow-origin'), await wrong.json()], [404, ORIGIN, { reason: 'not found' }]);
  const elsewhere = await grantRequest(`${base}/api/iap/grnat`, orderId, { origin: 'https://elsewhere.example' });
  assert.deepEqual([elsewhere.status, elsewhere.headers.get('access-control-allow-origin')], [404, null]);
}

test('the documented node:http example, as written: a paid order granted once over mTLS on PostgreSQL, CORS, 401, a readable 404, and SIGTERM closes it', async () => {
  const { url, pool } = await database('node_example');
  try {
    await mirror('doc-node-1');
    const stopped = await withServer(writeBlock('server-node-example', 'server.mjs'), { DATABASE_URL: url }, (base) => checkServer(base, 'doc-node-1'));
    assert.equal(stopped.code, 0, 'SIGTERM: requests finished, pool and Toss client closed, exit 0');
    assert.ok(stopped.exitMs < 3000, `exited ${stopped.exitMs} ms after SIGTERM`);
    assert.deepEqual((await pool.query('SELECT user_key, sku FROM items WHERE order_id = $1', ['doc-node-1'])).rows, [{ user_key: 'user-1', sku: 'gem.100' }]);
    assert.equal((await pool.query("SELECT count(*)::int AS n FROM ait_iap_grants WHERE order_id = 'doc-node-1' AND sku_source = 'toss'")).rows[0].n, 1);
  } finally {
    await pool.end();
  }
});

test('the documented PGlite example, as written: the same backend with the database in a folder', async () => {
  const dir = join(work, 'pglite-run');
  await mirror('doc-pglite-1');
  const stopped = await withServer(writeBlock('server-pglite-example', 'server.mjs', dir), {}, (base) => checkServer(base, 'doc-pglite-1'), dir);
  assert.equal(stopped.code, 0);
  const db = await PGlite.create(join(dir, 'pglite-data'));
  try {
    assert.deepEqual((await db.query('SELECT user_key, sku FROM items')).rows, [{ user_key: 'user-1', sku: 'gem.100' }], 'delivered once, and kept in the folder');
  } finally {
    await db.close();
  }
});

/** Imports a Web route module in a process of its own and sends it `requests` ([method name, init] pairs); resolves
 *  `[status, body or null, access-control-allow-origin]` for each. `production` sets NODE_ENV before the last one. */
async function askRoute(file, extraEnv, requests) {
  const script = `
    const route = await import(${JSON.stringify(file)});
    const answers = [];
    for (const [method, init, production] of ${JSON.stringify(requests)}) {
      if (production) process.env.NODE_ENV = 'production';
      const res = await route[method](new Request('http://localhost/api/iap/grant', init));
      const text = await res.text();
      answers.push([res.status, text ? JSON.parse(text) : null, res.headers.get('access-control-allow-origin')]);
    }
    console.log(JSON.stringify({ runtime: route.runtime ?? null, answers }));
    process.exit(0);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...env, ...extraEnv }, encoding: 'utf8' });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}
const post = (orderId, headers = {}) => ['POST', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': orderId, ...headers }, body: JSON.stringify({ orderId, sku: 'gem.100', environment: 'sandbox' }) }];

test('the documented Web Request example (a Next.js route module), its migrate.mjs and its catch-all 404 route, as written', async () => {
  const { url, pool } = await database('web_example');
  try {
    const { stdout } = await run(process.execPath, [writeBlock('server-migrate-example', 'migrate.mjs')], { env: { ...env, DATABASE_URL: url }, encoding: 'utf8' });
    assert.match(stdout, new RegExp(`ledger schema 0 → ${LEDGER_SCHEMA_VERSION}, items ready`));
    await mirror('doc-web-1');
    const route = await askRoute(writeBlock('server-web-example', 'route.mjs'), { DATABASE_URL: url }, [
      post('doc-web-1', { ...DEV_USER, origin: ORIGIN }),
      post('doc-web-1', DEV_USER),
      post('doc-web-1', { authorization: 'Dev user-2' }),
      post('doc-web-1'),
      ['OPTIONS', { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example' } }],
      ['GET', { headers: { origin: ORIGIN } }],
      [...post('doc-web-1', DEV_USER), true],
    ]);
    assert.deepEqual(route, {
      runtime: 'nodejs',
      answers: [
        [200, { granted: true }, ORIGIN],
        [200, { granted: true, alreadyGranted: true }, null],
        [403, { granted: false, reason: 'refused' }, null],
        [401, { granted: false, reason: 'not signed in' }, null],
        [403, null, null],
        [204, null, ORIGIN],
        [401, { granted: false, reason: 'not signed in' }, null], // NODE_ENV=production: the stand-in signs in nobody
      ],
    });
    assert.deepEqual((await pool.query('SELECT user_key, sku FROM items')).rows, [{ user_key: 'user-1', sku: 'gem.100' }]);
    // The stand-in fails closed: NODE_ENV unset (or anything but development) signs in nobody.
    const unset = await askRoute(join(work, 'route.mjs'), { DATABASE_URL: url, NODE_ENV: '' }, [post('doc-web-1', DEV_USER)]);
    assert.deepEqual(unset.answers, [[401, { granted: false, reason: 'not signed in' }, null]]);
    const catchAll = await askRoute(writeBlock('server-web-not-found', 'not-found-route.mjs'), {}, [
      ['OPTIONS', { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } }],
      post('doc-web-1', { origin: ORIGIN }),
      ['GET', { headers: { origin: 'https://elsewhere.example' } }],
    ]);
    assert.deepEqual(catchAll.answers, [[204, null, ORIGIN], [404, { reason: 'not found' }, ORIGIN], [404, { reason: 'not found' }, null]]);
  } finally {
    await pool.end();
  }
});

test('the documented reconcile cron, as written: a refunded order revoked once, and the process exits at once', async () => {
  const { url, pool } = await database('cron_example');
  try {
    await run(process.execPath, [writeBlock('server-migrate-example', 'migrate.mjs')], { env: { ...env, DATABASE_URL: url } });
    await mirror('doc-cron-1');
    const granted = await askRoute(writeBlock('server-web-example', 'route.mjs'), { DATABASE_URL: url }, [post('doc-cron-1', DEV_USER)]);
    assert.deepEqual(granted.answers, [[200, { granted: true }, null]]);
    await mirror('doc-cron-1', { status: 'refunded', refundedAt: Date.now() }); // refunded in the host emulator
    const cron = writeBlock('server-reconcile-example', 'cron.mjs');
    const once = async () => {
      const started = Date.now();
      const { stdout } = await run(process.execPath, [cron], { env: { ...env, DATABASE_URL: url }, encoding: 'utf8' });
      return { stdout: stdout.trim(), ms: Date.now() - started };
    };
    const early = await once();
    assert.equal(early.stdout, 'checked 0, revoked 0, failed 0', 'granted a moment ago: not asked about yet (olderThan)');
    await pool.query("UPDATE ait_iap_grants SET granted_at = now() - interval '2 hours'"); // an hour and more later
    const later = await once();
    assert.equal(later.stdout, 'checked 1, revoked 1, failed 0');
    assert.ok(later.ms < 5000, `the cron process ended ${later.ms} ms after it started (a pool left open keeps it 10 s more)`);
    assert.deepEqual((await pool.query('SELECT * FROM items')).rows, [], 'the refunded item revoked');
    assert.equal((await once()).stdout, 'checked 0, revoked 0, failed 0', 'once');
  } finally {
    await pool.end();
  }
});

test('the documented subscription webhook, as written: the console verification, a notification before its grant and after it, 401 without the secret, the entitlements route following', async () => {
  const { url, pool } = await database('subscriptions_example');
  const secret = 'doc-example-secret-5b1e';
  const { postgresLedger, subscriptionNotification } = await import('../../js/server/index.js'); // the test's own calls; the block uses the package
  try {
    const stopped = await withServer(writeBlock('server-subscriptions-example', 'subscriptions.mjs'), { DATABASE_URL: url, TOSS_NOTIFICATION_SECRET: secret }, async (base) => {
      const notify = (body, authorization = `Bearer ${secret}`) => fetch(`${base}/api/toss/subscriptions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(body) }).then((r) => r.status);
      const current = { status: 'ACTIVE', accessGranted: true, expiresAt: new Date(Date.now() + 30 * 86_400_000), autoRenew: true };
      assert.equal(await notify(subscriptionNotification({ eventType: 'callback.registration_verification' })), 204);
      assert.equal(await notify(subscriptionNotification({ orderId: 'doc-sub-1', sku: 'pass.monthly', changeReason: 'CREATED', current }), 'Bearer wrong'), 401);
      assert.equal(await notify(subscriptionNotification({ orderId: 'doc-sub-1', sku: 'pass.monthly', changeReason: 'CREATED', current, occurredAt: new Date(Date.now() - 1000) })), 204);
      assert.deepEqual((await pool.query('SELECT user_key, access FROM passes')).rows, [{ user_key: null, access: true }], 'before its grant: kept, no user yet');
      const ledger = postgresLedger(pool);
      await ledger.grantOnce({ orderId: 'doc-sub-1', userKey: 'user-1', sku: 'pass.monthly', environment: 'toss' }, () => {});
      assert.deepEqual((await ledger.entitlements('user-1')).subscriptions.map((s) => s.orderId), ['doc-sub-1']);
      // The page asks the block's entitlements route, signed in, from its own origin.
      const entitled = async (headers = DEV_USER) => {
        const res = await fetch(`${base}/api/entitlements`, { headers: { origin: ORIGIN, ...headers } });
        return [res.status, (await res.json()).skus ?? null, res.headers.get('access-control-allow-origin')];
      };
      assert.deepEqual(await entitled(), [200, ['pass.monthly'], ORIGIN]);
      assert.deepEqual(await entitled({}), [401, null, ORIGIN], 'no session: 401, readable by the page');
      assert.equal(await notify(subscriptionNotification({ orderId: 'doc-sub-1', sku: 'pass.monthly', changeReason: 'REVOKED', current: { ...current, status: 'REVOKED', accessGranted: false } }), `Basic ${secret}`), 204);
      assert.deepEqual((await pool.query('SELECT user_key, access FROM passes')).rows, [{ user_key: 'user-1', access: false }]);
      assert.deepEqual((await ledger.entitlements('user-1')).subscriptions, []);
      assert.deepEqual(await entitled(), [200, [], ORIGIN], 'the refund: nothing left');
    });
    assert.equal(stopped.code, 0, 'SIGTERM: requests finished, pool closed, exit 0');
  } finally {
    await pool.end();
  }
});
