// The server examples of docs/backend.md (and their Korean twins in docs/ko/backend.md), as written there, run against a real PostgreSQL server and the emulated Toss
// server over mTLS: the node:http one as its own process, the Web Request one as a route module. `ait-iap/server`
// resolves to the built package (a package may import itself by name). `sessionOf`, the partner's own sign-in,
// is the one thing the test supplies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { testCertificates } from '../../server/certs.mjs';
import { createTossServer } from '../../server/toss-server.mjs';
import { startPostgres } from './postgres.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = join(root, 'target/doc-server');
const SESSION = "const sessionOf = (request) => ({ tossUserKey: request.headers.get('x-test-user') });\n";
const ORIGIN = 'https://mini.example';

function docBlock(marker) {
  const blocks = ['docs/backend.md', 'docs/ko/backend.md'].map((doc) => {
    const block = readFileSync(join(root, doc), 'utf8').split(`<!-- ${marker} -->`)[1]?.match(/^\n```js\n([\s\S]*?)```/)?.[1];
    assert.ok(block, `a ${marker} block in ${doc}`);
    return block;
  });
  assert.equal(blocks[1], blocks[0], `docs/ko/backend.md shows the same ${marker} code`);
  return blocks[0];
}

let toss, tls, server, pool, env;
before(async () => {
  mkdirSync(work, { recursive: true });
  const certs = testCertificates();
  toss = createTossServer();
  tls = await toss.listenTls(certs);
  for (const orderId of ['readme-1', 'readme-2']) toss.orders.set(orderId, { orderId, sku: 'gem.100', status: 'paid' });
  server = startPostgres();
  pool = new pg.Pool(server);
  await pool.query('CREATE TABLE items (user_key text NOT NULL, sku text NOT NULL, order_id text PRIMARY KEY)');
  env = {
    ...process.env,
    TOSS_CERT: certs.client.cert.replace(/\n/g, '\\n'), // as an environment variable often carries it
    TOSS_KEY: Buffer.from(certs.client.key).toString('base64'),
    TOSS_API_BASE_URL: tls.url,
    NODE_EXTRA_CA_CERTS: join(root, 'target/certs/ca.crt'), // trust the emulated Toss server, as the system trusts Toss
    DATABASE_URL: `postgresql://${server.user}@localhost/${server.database}?host=${server.host}&port=${server.port}`,
    MINI_APP_ORIGIN: ORIGIN,
  };
});
after(async () => {
  await pool.end();
  server.stop();
  await tls.close();
});

const freePort = () => new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const grantRequest = (url, orderId, extra = {}) => new Request(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'idempotency-key': orderId, 'x-test-user': 'user-1', ...extra },
  body: JSON.stringify({ orderId, sku: 'gem.100', environment: 'sandbox' }),
});
const items = async (orderId) => (await pool.query('SELECT user_key, sku FROM items WHERE order_id = $1', [orderId])).rows;

test('the documented node:http example grants a paid order once, over mTLS, on PostgreSQL, with CORS', async () => {
  const file = join(work, 'server.mjs');
  writeFileSync(file, SESSION + docBlock('server-node-example'));
  const port = await freePort();
  const child = spawn(process.execPath, [file], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    const url = `http://localhost:${port}/api/iap/grant`;
    let first;
    for (let i = 0; i < 100 && !first; i++) first = await fetch(grantRequest(url, 'readme-1', { origin: ORIGIN })).catch(() => new Promise((r) => setTimeout(r, 50)));
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('access-control-allow-origin'), ORIGIN);
    assert.deepEqual(await first.json(), { granted: true });
    assert.deepEqual(await (await fetch(grantRequest(url, 'readme-1'))).json(), { granted: true, alreadyGranted: true });
    assert.deepEqual(await items('readme-1'), [{ user_key: 'user-1', sku: 'gem.100' }]);
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
  } finally {
    child.kill();
  }
});

test('the documented Web Request example (a Next.js route module) grants a paid order once', async () => {
  const file = join(work, 'route.mjs');
  writeFileSync(file, SESSION + docBlock('server-web-example'));
  const run = `
    import { POST, OPTIONS, runtime } from ${JSON.stringify(file)};
    const request = (extra) => new Request('http://localhost/api/iap/grant', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'readme-2', ...extra }, body: JSON.stringify({ orderId: 'readme-2', sku: 'gem.100', environment: 'sandbox' }) });
    const answers = [];
    for (const extra of [{ 'x-test-user': 'user-1' }, { 'x-test-user': 'user-1' }, { 'x-test-user': 'user-2' }, {}]) {
      const res = await POST(request(extra));
      answers.push([res.status, await res.json()]);
    }
    answers.push([(await OPTIONS(new Request('http://localhost/', { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example' } }))).status, runtime]);
    console.log(JSON.stringify(answers));
    process.exit(0);`;
  // Not execFileSync: the emulated Toss server lives in this process and must go on answering.
  const { stdout: out } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', run], { env, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out.trim().split('\n').at(-1)), [
    [200, { granted: true }],
    [200, { granted: true, alreadyGranted: true }],
    [403, { granted: false, reason: 'refused' }],
    [401, { granted: false, reason: 'not signed in' }],
    [403, 'nodejs'],
  ]);
});
