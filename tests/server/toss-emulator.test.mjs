// `npx ait-iap toss-emulator`, the Toss partner API for the partner's own backend in development: certificates
// made once with openssl, get-order-status over HTTPS that requires the client certificate, answered as Toss
// answers it about the host emulator's orders (from its own mirror, from the Vite plugin's with --orders-from, or
// inside the Vite plugin with `tossEmulator`), and the environment printed in shapes createTossApi takes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createTossApi } from '../../js/server/index.js';
import aitIap from '../../js/vite/index.js';
import { testCertificates } from '../../server/certs.mjs';
import { EMULATOR_BIN, startEmulatorCli } from './toss-emulator-cli.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = join(root, 'target/toss-emulator-test');
const dir = join(work, 'certs');
const PATH = '/api-partner/v1/apps-in-toss/order/get-order-status';
const run = promisify(execFile);
const pem = (base64) => Buffer.from(base64, 'base64').toString('utf8');

let cli;
before(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cli = await startEmulatorCli(['--dir', dir]);
});
after(() => cli.stop());

/** POSTs `body` to the partner API with `identity` (a client certificate and key, or none); resolves the status and
 *  the parsed answer, or rejects when the TLS handshake refuses the client. */
function partnerApi(env, { identity, headers = { 'x-toss-user-key': 'user-1' }, body }) {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(PATH, env.TOSS_API_BASE_URL), {
      method: 'POST', ca: pem(env.TOSS_CA), ...identity, headers: { 'content-type': 'application/json', ...headers },
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve([res.statusCode, JSON.parse(text)]));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
const postJson = (url, value, headers = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) });

test('the CLI makes its certificates once, prints the environment createTossApi takes, and writes it to toss.env', async () => {
  for (const name of ['ca.crt', 'server.crt', 'server.key', 'client.crt', 'client.key', 'toss.env', '.gitignore']) assert.ok(existsSync(join(dir, name)), name);
  assert.equal(readFileSync(join(dir, '.gitignore'), 'utf8').split('\n')[1], '*', 'the folder keeps itself out of git');
  assert.match(cli.env.TOSS_API_BASE_URL, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(pem(cli.env.TOSS_CA), readFileSync(join(dir, 'ca.crt'), 'utf8'));
  assert.equal(pem(cli.env.TOSS_CERT), readFileSync(join(dir, 'client.crt'), 'utf8'));
  const file = Object.fromEntries(readFileSync(join(dir, 'toss.env'), 'utf8').trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));
  assert.deepEqual(file, cli.env);
  assert.match(cli.output(), /partner API\s+https:\/\/127\.0\.0\.1:\d+\/api-partner\/v1\/apps-in-toss\/order\/get-order-status/);
  // A second start keeps the certificates (a backend configured once keeps working).
  const again = await startEmulatorCli(['--dir', dir]);
  try {
    assert.deepEqual([again.env.TOSS_CA, again.env.TOSS_CERT, again.env.TOSS_KEY], [cli.env.TOSS_CA, cli.env.TOSS_CERT, cli.env.TOSS_KEY]);
    assert.notEqual(again.env.TOSS_API_BASE_URL, cli.env.TOSS_API_BASE_URL);
  } finally {
    await again.stop();
  }
});

test('get-order-status answers as Toss does about the mirrored orders, through createTossApi with the printed environment', async () => {
  const paidAt = Date.UTC(2026, 11, 2, 12, 15, 4);
  const orders = [
    { orderId: 'emu-paid', sku: 'gem.100', status: 'paid', paidAt, miniAppId: 'ait-iap-sandbox' },
    { orderId: 'emu-completed', sku: 'gem.100', status: 'completed', paidAt, completedAt: paidAt + 1000, miniAppId: 'ait-iap-sandbox' },
    { orderId: 'emu-refunded', sku: 'pass', status: 'refunded', paidAt, completedAt: paidAt, refundedAt: paidAt + 60_000, miniAppId: 'ait-iap-sandbox' },
    { orderId: 'emu-failed', sku: 'gem.100', status: 'failed', paidAt, miniAppId: 'ait-iap-sandbox' },
    { orderId: 'emu-other-app', sku: 'gem.100', status: 'paid', paidAt, miniAppId: 'another-app' },
  ];
  for (const order of orders) assert.deepEqual(await (await postJson(cli.mirrorUrl, order)).json(), { ok: true });
  const { env } = cli;
  const toss = createTossApi({ cert: env.TOSS_CERT, key: env.TOSS_KEY, ca: env.TOSS_CA, baseUrl: env.TOSS_API_BASE_URL });
  try {
    const answers = {};
    for (const orderId of [...orders.map((o) => o.orderId), 'emu-unknown']) {
      const { status, sku, determinedAt } = await toss.getOrderStatus(orderId, 'user-1');
      answers[orderId] = [status, sku, determinedAt?.toISOString() ?? null];
    }
    assert.deepEqual(answers, {
      'emu-paid': ['PAYMENT_COMPLETED', 'gem.100', '2026-12-02T12:15:04.000Z'],
      'emu-completed': ['PURCHASED', 'gem.100', '2026-12-02T12:15:05.000Z'],
      'emu-refunded': ['REFUNDED', 'pass', '2026-12-02T12:16:04.000Z'],
      'emu-failed': ['FAILED', 'gem.100', '2026-12-02T12:15:04.000Z'],
      'emu-other-app': ['MINIAPP_MISMATCH', 'gem.100', '2026-12-02T12:15:04.000Z'],
      'emu-unknown': ['NOT_FOUND', null, null],
    });
  } finally {
    toss.close();
  }
  // The wire format, field by field: Korea time without an offset; the FAIL envelope, with HTTP 200 too.
  const identity = { cert: pem(env.TOSS_CERT), key: pem(env.TOSS_KEY) };
  assert.deepEqual(await partnerApi(env, { identity, body: { orderId: 'emu-paid' } }), [200, {
    resultType: 'SUCCESS',
    success: { orderId: 'emu-paid', sku: 'gem.100', statusDeterminedAt: '2026-12-02T21:15:04', status: 'PAYMENT_COMPLETED', reason: '결제가 완료된 주문입니다.' },
  }]);
  assert.deepEqual(await partnerApi(env, { identity, body: { orderId: 'emu-unknown' } }), [200, {
    resultType: 'SUCCESS', success: { orderId: 'emu-unknown', status: 'NOT_FOUND', reason: '주문을 찾을 수 없습니다.' },
  }]);
  assert.deepEqual(await partnerApi(env, { identity, headers: {}, body: { orderId: 'emu-paid' } }),
    [200, { resultType: 'FAIL', error: { errorCode: 'INVALID_USER_KEY', reason: 'x-toss-user-key 헤더가 필요합니다.' } }]);
  assert.deepEqual(await partnerApi(env, { identity, body: {} }),
    [200, { resultType: 'FAIL', error: { errorCode: 'INVALID_REQUEST', reason: 'orderId가 필요합니다.' } }]);
  assert.match(cli.output(), /get-order-status "emu-paid" → PAYMENT_COMPLETED \(gem\.100\)/, 'each answer logged');
  // Asked by Toss's own name (a Worker's mTLS binding keeps Toss's host): answered; the dev routes' Host gate is not Toss's.
  assert.deepEqual((await partnerApi(env, { identity: { ...identity, servername: 'localhost' }, headers: { 'x-toss-user-key': 'user-1', host: 'apps-in-toss-api.toss.im' }, body: { orderId: 'emu-paid' } }))[1].success?.status, 'PAYMENT_COMPLETED');
});

test('only a client holding the certificate it made gets an answer (mTLS), and the log says why the others were turned away', async () => {
  const { env } = cli;
  await assert.rejects(partnerApi(env, { body: { orderId: 'emu-paid' } }), 'no client certificate');
  await assert.rejects(partnerApi(env, { identity: testCertificates().otherClient, body: { orderId: 'emu-paid' } }), 'a certificate from another CA');
  const untrusted = createTossApi({ cert: env.TOSS_CERT, key: env.TOSS_KEY, baseUrl: env.TOSS_API_BASE_URL, timeoutMs: 2000 });
  try {
    await assert.rejects(untrusted.getOrderStatus('emu-paid', 'user-1'), { code: 'TOSS_SERVER_UNTRUSTED' }, 'without TOSS_CA the throwaway CA is not trusted');
  } finally {
    untrusted.close();
  }
  for (let i = 0; i < 50 && !/turned away/.test(cli.output()); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(cli.output(), /a client without a certificate from this emulator's CA was turned away/);
});

test("the emulator's own mirror follows the Vite plugin's rules: another origin 403, not JSON 415, too big 413, GET lists", async () => {
  const order = { orderId: 'emu-rules', sku: 'gem.100', status: 'paid', paidAt: Date.now() };
  assert.equal((await postJson(cli.mirrorUrl, order, { origin: 'https://elsewhere.example' })).status, 403);
  const own = new URL(cli.mirrorUrl).origin;
  assert.equal((await postJson(cli.mirrorUrl, order, { origin: own })).status, 200, 'a page on its own origin (or behind a proxy keeping Host)');
  assert.equal((await fetch(cli.mirrorUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(order) })).status, 415);
  assert.equal((await postJson(cli.mirrorUrl, { ...order, padding: 'x'.repeat(20_000) })).status, 413);
  assert.equal((await fetch(cli.mirrorUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })).status, 400);
  assert.equal((await fetch(cli.mirrorUrl, { headers: { origin: 'https://elsewhere.example' } })).status, 403);
  const { orders } = await (await fetch(cli.mirrorUrl)).json();
  assert.ok(orders.some((o) => o.orderId === 'emu-rules'));
});

/** The status `method path` gets from `base` (a raw request line: `fetch` would tidy a path such as `//`). */
function statusOf(base, path, { method = 'GET', body, ...options } = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = (url.protocol === 'https:' ? https : http).request({ host: url.hostname, port: url.port, path, method, ...options }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end(body);
  });
}

test("a path starting with // is a 400 on both ports and the process goes on; the CLI's mirror has no forced-status switch", async () => {
  const { env } = cli;
  const identity = { ca: pem(env.TOSS_CA), cert: pem(env.TOSS_CERT), key: pem(env.TOSS_KEY) };
  for (const path of ['//', '//:x', '///']) {
    assert.equal(await statusOf(cli.mirrorUrl, path), 400, `mirror ${path}`);
    assert.equal(await statusOf(env.TOSS_API_BASE_URL, path, { method: 'POST', ...identity, body: '{}' }), 400, `partner API ${path}`);
  }
  const forced = new URL('/__emulator/order-status', cli.mirrorUrl);
  assert.equal((await postJson(forced, { orderId: 'emu-forced', status: 'REFUNDED' })).status, 404);
  assert.deepEqual(await partnerApi(env, { identity, body: { orderId: 'emu-forced' } }).then(([status, answer]) => [status, answer.success.status]), [200, 'NOT_FOUND'], 'nothing forced');
  assert.equal((await fetch(cli.mirrorUrl)).status, 200, 'still running');
});

test('the development routes answer only a Host naming this machine (DNS rebinding): another name is 403, any port of localhost, 127.0.0.1 or [::1] passes', async () => {
  const port = new URL(cli.mirrorUrl).port;
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST', 'localhost:1']) {
    assert.equal(await statusOf(cli.mirrorUrl, '/__emulator/orders', { headers: { host } }), 200, host);
  }
  for (const host of [`rebound.example:${port}`, 'rebound.example', '127.0.0.1.nip.io', '0.0.0.0', 'localhost.example']) {
    assert.equal(await statusOf(cli.mirrorUrl, '/__emulator/orders', { headers: { host } }), 403, host);
    assert.equal(await statusOf(cli.mirrorUrl, '/__emulator/orders', { method: 'POST', headers: { host, 'content-type': 'application/json' }, body: '{"orderId":"rebound"}' }), 403, `POST ${host}`);
  }
  const { orders } = await (await fetch(cli.mirrorUrl)).json();
  assert.ok(!orders.some((o) => o.orderId === 'rebound'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.deepEqual([pkg.peerDependencies.vite, pkg.peerDependenciesMeta.vite, pkg.dependencies?.vite], ['>=6.0.9', { optional: true }, undefined], 'vite: an optional peer, at least the version with its own Host check');
});

/** A Vite dev server with the plugin (`options`), on a free port; its log lines collected. */
async function viteWithPlugin(options) {
  const { createServer } = await import('vite');
  const lines = [];
  const logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), warnOnce: (m) => lines.push(m), error: (m) => lines.push(m), clearScreen() {}, hasErrorLogged: () => false, hasWarned: false };
  const server = await createServer({
    root: work, configFile: false, logLevel: 'info', customLogger: logger, server: { host: '127.0.0.1', port: 0 },
    plugins: [aitIap({ dataDir: join(work, 'pglite'), ...options })],
  });
  await server.listen();
  const url = server.resolvedUrls.local[0];
  // Once its development backend is up (PGlite's start keeps this process busy a moment, the dev server with it).
  assert.equal((await fetch(new URL('/api/iap/grant', url))).status, 204);
  return { server, url, lines };
}

test('--orders-from reads the Vite plugin\'s mirror before each answer; aitIap({ tossEmulator }) serves the same from its own orders and prints the same variables', async () => {
  const vite = await viteWithPlugin({ tossEmulator: { port: 0, dir } });
  const mirror = new URL('/__emulator/orders', vite.url).href;
  const reader = await startEmulatorCli(['--dir', dir, '--orders-from', mirror]);
  try {
    // The plugin's emulator: started beside the dev server, its variables in the log.
    let printed;
    for (let i = 0; i < 100 && !(printed = vite.lines.join('\n').match(/TOSS_API_BASE_URL=(\S+)/)); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(printed, vite.lines.join('\n'));
    const plugin = { ...reader.env, TOSS_API_BASE_URL: printed[1] };
    for (const name of ['TOSS_CERT', 'TOSS_KEY', 'TOSS_CA']) assert.match(vite.lines.join('\n'), new RegExp(`${name}=${reader.env[name]}`), name);

    const ask = async (env, orderId) => {
      const toss = createTossApi({ cert: env.TOSS_CERT, key: env.TOSS_KEY, ca: env.TOSS_CA, baseUrl: env.TOSS_API_BASE_URL });
      try {
        const { status, sku } = await toss.getOrderStatus(orderId, 'user-1');
        return [status, sku];
      } finally {
        toss.close();
      }
    };
    const paidAt = Date.now();
    assert.deepEqual(await ask(reader.env, 'vite-1'), ['NOT_FOUND', null]);
    // The host emulator's page mirrors to the dev server (its own origin); the emulators learn it from there.
    assert.equal((await postJson(mirror, { orderId: 'vite-1', sku: 'gem.100', status: 'paid', paidAt }, { origin: new URL(vite.url).origin })).status, 200);
    assert.deepEqual(await ask(reader.env, 'vite-1'), ['PAYMENT_COMPLETED', 'gem.100']);
    assert.deepEqual(await ask(plugin, 'vite-1'), ['PAYMENT_COMPLETED', 'gem.100']);
    await postJson(mirror, { orderId: 'vite-1', sku: 'gem.100', status: 'refunded', paidAt, refundedAt: Date.now() });
    assert.deepEqual(await ask(reader.env, 'vite-1'), ['REFUNDED', 'gem.100'], 'read again before each answer: a refund shows');
    assert.deepEqual(await ask(plugin, 'vite-1'), ['REFUNDED', 'gem.100']);
    // The Vite dev server itself does not serve the partner API's path.
    assert.equal((await postJson(new URL(PATH, vite.url), { orderId: 'vite-1' })).status, 404);
  } finally {
    await vite.server.close();
    await reader.stop();
  }
  // Closed with the dev server; the reader goes on from what it knows when the mirror is gone.
  const gone = createTossApi({ cert: reader.env.TOSS_CERT, key: reader.env.TOSS_KEY, ca: reader.env.TOSS_CA, baseUrl: vite.lines.join('\n').match(/TOSS_API_BASE_URL=(\S+)/)[1], timeoutMs: 1000 });
  try {
    await assert.rejects(gone.getOrderStatus('vite-1', 'user-1'), { code: 'TOSS_UNREACHABLE' });
  } finally {
    gone.close();
  }
});

test('--orders-from a mirror that is down: it says so once and answers from what it knows', async () => {
  const port = await new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
  const reader = await startEmulatorCli(['--dir', dir, '--orders-from', `http://127.0.0.1:${port}/__emulator/orders`]);
  const toss = createTossApi({ cert: reader.env.TOSS_CERT, key: reader.env.TOSS_KEY, ca: reader.env.TOSS_CA, baseUrl: reader.env.TOSS_API_BASE_URL });
  try {
    await postJson(reader.mirrorUrl, { orderId: 'down-1', sku: 'gem.100', status: 'paid', paidAt: Date.now() });
    assert.equal((await toss.getOrderStatus('down-1', 'user-1')).status, 'PAYMENT_COMPLETED');
    assert.equal((await toss.getOrderStatus('down-2', 'user-1')).status, 'NOT_FOUND');
    assert.equal(reader.output().match(/could not read the orders at/g)?.length, 1, reader.output());
  } finally {
    toss.close();
    await reader.stop();
  }
});

test('without openssl it says to install it and leaves no half-made folder; a taken port and bad arguments are said plainly', async () => {
  const fresh = join(work, 'no-openssl');
  const failed = await run(process.execPath, [EMULATOR_BIN, 'toss-emulator', '--dir', fresh, '--port', '0'], { env: { ...process.env, PATH: '/nonexistent' } }).catch((e) => e);
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /openssl was not found: the Toss emulator makes its throwaway certificates with it\. Install it/);
  assert.ok(!existsSync(fresh), 'no folder');
  assert.deepEqual(readdirSync(work).filter((f) => f.includes('.making-')), [], 'no half-made one beside it');

  const taken = Number(new URL(cli.env.TOSS_API_BASE_URL).port);
  const busy = await run(process.execPath, [EMULATOR_BIN, 'toss-emulator', '--dir', dir, '--port', String(taken)]).catch((e) => e);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, new RegExp(`port ${taken} on 127\\.0\\.0\\.1 is in use: choose another`));

  for (const args of [['toss-emulatr'], ['toss-emulator', '--port', 'eighty'], ['toss-emulator', '--orders-from', 'localhost:5173'], ['toss-emulator', '--colour']]) {
    const bad = await run(process.execPath, [EMULATOR_BIN, ...args]).catch((e) => e);
    assert.equal(bad.code, 2, args.join(' '));
    assert.match(bad.stderr, /Usage: npx ait-iap toss-emulator/, args.join(' '));
  }
  const help = await run(process.execPath, [EMULATOR_BIN, 'toss-emulator', '--help']);
  assert.match(help.stdout, /--orders-from URL/);
});

test('certificates asked for in a folder named with a trailing slash, whose parent does not exist yet, are made there (a fresh clone\'s target/certs/)', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { emulatorCertificates } = await import('../../js/toss-emulator/certs.js');
  const root = mkdtempSync(join(tmpdir(), 'ait-iap-certs-'));
  try {
    const certs = emulatorCertificates(join(root, 'not-yet', 'certs') + '/', { forTests: true });
    assert.match(certs.ca, /BEGIN CERTIFICATE/);
    assert.match(certs.expiredClient.key, /PRIVATE KEY/);
    assert.deepEqual(readdirSync(join(root, 'not-yet')), ['certs'], 'no work folder left beside it');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
