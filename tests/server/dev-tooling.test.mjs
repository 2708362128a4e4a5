// Development tooling is not an open door (issue 21, item 9): the Vite plugin's order mirror and grant route in
// `vite dev`, and the sandbox's own routes (the emulated Toss server's mirror and order-status switch, the dev
// backend's mode switch), answer the dev server's own page only. A POST must be declared application/json (a
// text/plain POST is a "simple request" that any site sends without a CORS preflight), another site's Origin is
// refused, bodies are capped, and a malformed body answers 400 without bringing the dev server down.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import aitIap from '../../js/vite/index.js';
import { createDevBackend } from '../../server/dev-backend.mjs';
import { createTossServer } from '../../server/toss-server.mjs';

const unhandled = [];
process.on('unhandledRejection', (e) => unhandled.push(e));

const SKU = 'ait.sandbox.test.product.1';
const order = (orderId) => ({ orderId, sku: SKU, status: 'paid', paidAt: Date.now(), miniAppId: 'ait-iap-sandbox' });
const FOREIGN = 'https://evil.example';

/** `fetch` that gives up after 20 s (a route that crashed never answers; 5 s was too short for a loaded machine's
 *  first request) and resolves `{ status, body }`. */
async function send(url, { method = 'POST', type = 'application/json', origin, body, headers = {} } = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(type ? { 'content-type': type } : {}), ...(origin ? { origin } : {}), ...headers },
    body: method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const dirs = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ait-iap-dev-tooling-'));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** `vite dev` on a temp root with `plugins: [aitIap()]`. */
async function startVite() {
  const { createServer } = await import('vite');
  const root = tempDir();
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>dev tooling</title>');
  const said = [];
  const quiet = () => {};
  const customLogger = { info: (line) => said.push(line), warn: (line) => said.push(line), warnOnce: quiet, error: quiet, clearScreen: quiet, hasErrorLogged: () => false, hasWarned: false };
  const server = await createServer({
    root, configFile: false, customLogger, plugins: [aitIap({ dataDir: join(root, 'pglite') })],
    server: { host: '127.0.0.1', port: 0 },
  });
  await server.listen();
  const base = server.resolvedUrls.local[0];
  // Once its development backend is up: PGlite's start keeps this process (the dev server with it) busy for seconds.
  assert.equal((await fetch(new URL('/api/iap/grant', base))).status, 204);
  assert.ok(said.some((line) => line.includes(`grants are kept in PGlite in ${join(root, 'pglite')}`)), `the developer is told where the grants are: ${said}`);
  return {
    base,
    mirror: new URL('/__emulator/orders', base),
    orders: async () => (await send(new URL('/__emulator/orders', base), { method: 'GET' })).body.orders.map((o) => o.orderId),
    close: () => server.close(),
  };
}

/** The sandbox's routes as scripts/serve.mjs composes them (emulated Toss server, then the dev backend). */
async function startSandbox() {
  const toss = createTossServer();
  const backend = await createDevBackend({ toss: { getOrderStatus: async () => ({ status: 'NOT_FOUND' }) } });
  const server = http.createServer(async (req, res) => {
    if (await toss.handle(req, res)) return;
    if (await backend.handle(req, res)) return;
    res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}/`;
  return {
    base,
    toss,
    mirror: new URL('/__emulator/orders', base),
    orders: async () => [...toss.orders.keys()],
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await backend.close();
    },
  };
}

for (const [label, start] of [['the Vite plugin (vite dev)', startVite], ['the sandbox servers', startSandbox]]) {
  describe(`${label}: the order mirror`, () => {
    let dev, own;
    before(async () => {
      dev = await start();
      own = new URL(dev.base).origin;
    });
    after(() => dev.close());

    test('a POST not declared JSON is refused 415 (a text/plain POST skips the preflight) and records nothing', async () => {
      assert.equal((await send(dev.mirror, { type: 'text/plain', body: order('plain') })).status, 415);
      assert.equal((await send(dev.mirror, { type: 'text/plain', origin: own, body: order('plain-own') })).status, 415);
      assert.equal((await send(dev.mirror, { type: null, body: order('untyped') })).status, 415);
      assert.deepEqual(await dev.orders(), []);
    });

    test('another origin is refused 403, to write or to read', async () => {
      assert.equal((await send(dev.mirror, { origin: FOREIGN, body: order('foreign') })).status, 403);
      assert.equal((await send(dev.mirror, { origin: 'null', body: order('opaque') })).status, 403, 'an opaque origin');
      assert.equal((await send(dev.mirror, { origin: own.replace(/:\d+$/, ':1'), body: order('port') })).status, 403, 'same host, another port');
      assert.equal((await send(dev.mirror, { method: 'GET', origin: FOREIGN })).status, 403, 'another site cannot read the orders');
      assert.deepEqual(await dev.orders(), []);
    });

    test('a 100 KB body is over the cap: 413', async () => {
      const huge = { ...order('huge'), padding: 'x'.repeat(100 * 1024) };
      assert.equal((await send(dev.mirror, { origin: own, body: huge })).status, 413);
      assert.deepEqual(await dev.orders(), []);
    });

    test('a malformed body answers 400, and the server answers afterwards', async () => {
      assert.equal((await send(dev.mirror, { origin: own, body: '{"orderId": "broken",' })).status, 400);
      assert.equal((await send(dev.mirror, { origin: own, body: '' })).status, 400, 'an empty one too');
      assert.deepEqual(await dev.orders(), [], 'the server still answers');
      assert.deepEqual(unhandled, [], 'no unhandled rejection');
    });

    test('the host emulator\'s own JSON POST still records the order; a client without an Origin too', async () => {
      const ok = await send(dev.mirror, { type: 'application/json; charset=utf-8', origin: own, body: order('mirrored') });
      assert.deepEqual([ok.status, ok.body], [200, { ok: true }]);
      const read = await send(dev.mirror, { method: 'GET', origin: own });
      assert.deepEqual(read.body.orders.map((o) => o.orderId), ['mirrored'], 'its own page reads the orders');
      assert.equal((await send(dev.mirror, { body: order('no-origin') })).status, 200, 'a test or curl sends no Origin');
      assert.deepEqual(await dev.orders(), ['mirrored', 'no-origin']);
    });
  });
}

describe('the Vite plugin\'s grant route', () => {
  let dev, own, grant;
  const handOff = (orderId) => ({ orderId, sku: SKU, environment: 'sandbox' });
  const headers = { 'idempotency-key': 'granted' };
  before(async () => {
    dev = await startVite();
    own = new URL(dev.base).origin;
    grant = new URL('/api/iap/grant', dev.base);
    await send(dev.mirror, { origin: own, body: order('granted') });
  });
  after(() => dev.close());

  test('another origin is refused 403', async () => {
    assert.equal((await send(grant, { origin: FOREIGN, headers, body: handOff('granted') })).status, 403);
    assert.equal((await send(grant, { method: 'GET', origin: FOREIGN })).status, 403);
  });

  test('a POST not declared JSON is refused 415', async () => {
    assert.equal((await send(grant, { type: 'text/plain', origin: own, headers, body: handOff('granted') })).status, 415);
  });

  test('a malformed body answers 400, a 100 KB one 413', async () => {
    assert.equal((await send(grant, { origin: own, headers, body: '{"orderId":' })).status, 400);
    assert.equal((await send(grant, { origin: own, headers, body: { ...handOff('granted'), padding: 'x'.repeat(100 * 1024) } })).status, 413);
  });

  test('its own page\'s hand-off is granted; the client\'s early check answers', async () => {
    const granted = await send(grant, { origin: own, headers, body: handOff('granted') });
    assert.deepEqual([granted.status, granted.body], [200, { granted: true }]);
    assert.equal((await send(grant, { method: 'GET' })).status, 204);
    assert.deepEqual(unhandled, []);
  });
});

describe('the sandbox\'s switches (order status, backend mode)', () => {
  let dev, own, status, mode, grant;
  before(async () => {
    dev = await startSandbox();
    own = new URL(dev.base).origin;
    status = new URL('/__emulator/order-status', dev.base);
    mode = new URL('/__backend/mode', dev.base);
    grant = new URL('/api/grant', dev.base);
  });
  after(() => dev.close());
  /** The dev backend's mode, as its grant route shows it: a malformed hand-off is 400 when up, 503 when down. */
  const backendUp = async () => (await send(grant, { body: {} })).status === 400;

  test('a POST not declared JSON is refused 415 and switches nothing', async () => {
    assert.equal((await send(status, { type: 'text/plain', body: { orderId: 'o1', status: 'REFUNDED' } })).status, 415);
    assert.equal((await send(mode, { type: 'text/plain', body: { mode: 'down' } })).status, 415);
    assert.equal(dev.toss.overrides.size, 0);
    assert.equal(await backendUp(), true);
  });

  test('another origin is refused 403 and switches nothing', async () => {
    assert.equal((await send(status, { origin: FOREIGN, body: { orderId: 'o1', status: 'REFUNDED' } })).status, 403);
    assert.equal((await send(mode, { origin: FOREIGN, body: { mode: 'down' } })).status, 403);
    assert.equal(dev.toss.overrides.size, 0);
    assert.equal(await backendUp(), true);
  });

  test('a malformed body answers 400, a 100 KB one 413', async () => {
    assert.equal((await send(status, { origin: own, body: '{' })).status, 400);
    assert.equal((await send(mode, { origin: own, body: '{"mode":' })).status, 400);
    assert.equal((await send(status, { origin: own, body: { orderId: 'o1', status: 'REFUNDED', padding: 'x'.repeat(100 * 1024) } })).status, 413);
    assert.equal((await send(mode, { origin: own, body: { mode: 'down', padding: 'x'.repeat(100 * 1024) } })).status, 413);
    assert.equal(dev.toss.overrides.size, 0);
    assert.equal(await backendUp(), true);
  });

  test('its own page\'s JSON switches', async () => {
    assert.deepEqual((await send(status, { origin: own, body: { orderId: 'o1', status: 'REFUNDED' } })).body, { orderId: 'o1', status: 'REFUNDED' });
    assert.deepEqual((await send(mode, { origin: own, body: { mode: 'down' } })).body, { mode: 'down' });
    assert.equal(await backendUp(), false);
    assert.deepEqual(unhandled, []);
  });
});

/** The status `path` gets from `base`, sent as written (`fetch` would tidy a path such as `//`). */
const rawStatus = (base, path) => new Promise((resolve, reject) => {
  const url = new URL(base);
  http.get({ host: url.hostname, port: url.port, path }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject);
});

test("a path that does not parse (//, //:x) is a 400 from the emulated Toss server's routes in the sandbox, with no unhandled rejection", async () => {
  const dev = await startSandbox();
  try {
    for (const path of ['//', '//:x']) assert.equal(await rawStatus(dev.base, path), 400, path);
    assert.equal(await rawStatus(dev.base, '/__emulator/orders'), 200, 'still serving');
  } finally {
    await dev.close();
  }
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(unhandled, [], 'no unhandled rejection');
});
