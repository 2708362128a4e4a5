// The partner's own backend in the first hour, from the packed tarball as a user installs it: a Vite app with
// `plugins: [aitIap()]` (the host emulator mirroring its orders to the dev server), `npx ait-iap toss-emulator
// --orders-from` that mirror, and the docs' backend block run as written (docs/backend.md's node:http example on a
// real PostgreSQL, then its PGlite example), with `pg` and `@electric-sql/pglite` installed beside the package.
// Headless Chromium buys through the page; each purchase is verified with the emulator over mTLS and granted once
// by that backend.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { chromium } from 'playwright-core';
import { buy, SKU2, BROWSER } from './e2e/harness.mjs';
import { docBlock } from './server/doc-blocks.mjs';
import { startPostgres } from './server/postgres.mjs';
import { startEmulatorCli } from './server/toss-emulator-cli.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the repository, so that Vite and the SDK (the fixture's web-framework alias) resolve from its node_modules;
// ait-iap, pg and PGlite are the app's own, installed from tarballs.
const work = join(root, 'target/partner-backend');
const app = join(work, 'app');

/** The newest modification time under `path` (a file or a folder). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** The package as `npm pack` makes it: dist/ built by scripts/build.sh (its `prepack`) when it is missing or older
 *  than its sources, then packed without building again. */
function packPackage() {
  const built = existsSync(join(root, 'dist/toss-emulator/bin.js')) ? newest(join(root, 'dist/index.js')) : 0;
  const sources = Math.max(...['js', 'src', 'Cargo.toml', 'scripts/build.sh'].map((p) => newest(join(root, p))));
  if (sources > built) execFileSync('bash', ['scripts/build.sh'], { cwd: root, stdio: 'inherit' });
  return pack([root]);
}

/** `npm pack` of `dirs` into the work folder, offline; resolves the tarballs' paths. */
function pack(dirs) {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work, ...dirs], { cwd: work, encoding: 'utf8' });
  return JSON.parse(out.slice(out.indexOf('['))).map((info) => join(work, info.filename));
}

/** `pg` and `@electric-sql/pglite` with every package they depend on, packed from the repository's node_modules
 *  (an offline npm installs tarballs, not names): `{ name: tarball }`. */
function databaseDrivers() {
  const dirs = new Map();
  const visit = (name, from) => {
    let dir = from; // where Node would find it: the nearest node_modules/<name> up from the dependent
    while (!existsSync(join(dir, 'node_modules', name, 'package.json'))) dir = dirname(dir);
    dir = join(dir, 'node_modules', name);
    if (dirs.has(dir)) return;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    dirs.set(dir, manifest.name);
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) visit(dep, dir);
  };
  visit('pg', root);
  visit('@electric-sql/pglite', root);
  const tarballs = pack([...dirs.keys()]);
  return Object.fromEntries([...dirs.values()].map((name, i) => [name, `file:${tarballs[i]}`]));
}

const freePort = () => new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });

let vite, viteUrl, emulator, postgres, browser, backendPort;

before(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  const [tarball] = packPackage();
  backendPort = await freePort();
  // The fixture Vite app with the plugin and nothing else; its page hands each order to the partner's backend, on
  // another origin, signed in through the docs' development stand-in (`Authorization: Dev <userKey>`).
  copyFileSync(join(root, 'tests/fixtures/vite-app/vite.plugin.config.js'), join(app, 'vite.config.js'));
  copyFileSync(join(root, 'tests/fixtures/web-framework.js'), join(app, 'web-framework.js'));
  writeFileSync(join(app, 'index.html'), '<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>shop</title></head><body><main id="shop"></main><script type="module" src="/src/main.js"></script></body></html>\n');
  mkdirSync(join(app, 'src'));
  writeFileSync(join(app, 'src/main.js'), `import { IAP } from '@apps-in-toss/web-framework';
import { installHostEmulator } from 'ait-iap/host-emulator';
import { init, createIap, mountProductList } from 'ait-iap';
import 'ait-iap/style.css';

window.hostEmulator = installHostEmulator({ mirrorUrl: '/__emulator/orders' });
await init();
const iap = createIap({ sdk: IAP, grant: { url: 'http://localhost:${backendPort}/api/iap/grant', headers: { Authorization: 'Dev user-1' } } });
mountProductList(document.querySelector('#shop'), iap);
`);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'partner-app', private: true, type: 'module', dependencies: { 'ait-iap': `file:${tarball}`, ...databaseDrivers() } }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], { cwd: app, stdio: 'inherit' });

  const { createServer } = await import('vite');
  vite = await createServer({ root: app, configFile: join(app, 'vite.config.js'), logLevel: 'warn', server: { host: '127.0.0.1', port: 0 } });
  await vite.listen();
  viteUrl = vite.resolvedUrls.local[0];
  // The plugin's own development backend up (its PGlite starts in this process, the dev server waits for it).
  assert.equal((await fetch(new URL('/api/iap/grant', viteUrl))).status, 204);
  emulator = await startEmulatorCli([], {
    command: 'npx', cwd: app,
    argv: ['--no', 'ait-iap', 'toss-emulator', '--port', '0', '--mirror-port', '0', '--orders-from', new URL('/__emulator/orders', viteUrl).href],
  });
  postgres = startPostgres();
  browser = await chromium.launch(BROWSER);
});

after(async () => {
  await browser?.close();
  await vite?.close();
  await emulator?.stop();
  postgres?.stop();
});

/** Runs the docs' server block `marker` in the app folder with the environment the emulator printed, until `act()`
 *  is done; then stops it (SIGTERM) and checks it exited cleanly. */
async function withBackend(marker, extraEnv, act) {
  const file = join(app, `${marker}.mjs`);
  writeFileSync(file, docBlock(marker));
  const env = { ...process.env, ...emulator.env, ...extraEnv, MINI_APP_ORIGIN: new URL(viteUrl).origin, PORT: String(backendPort) };
  env.NODE_ENV = 'development'; // the docs' sign-in stand-in signs in only then
  const child = spawn(process.execPath, [file], { cwd: app, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  try {
    for (let i = 0; i < 300 && child.exitCode === null; i++) {
      if (await fetch(`http://localhost:${backendPort}/`).then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await act();
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, `${marker} stopped cleanly`);
}

/** Buys "테스트 상품 - 2" in a fresh page; checks what the page, the plugin's mirror and the backend say. */
async function buyThroughThePage() {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(viteUrl);
    const shown = await buy(page, SKU2);
    assert.equal(shown.status, 'completed', JSON.stringify(shown));
    const { orders } = await (await fetch(new URL('/__emulator/orders', viteUrl))).json();
    assert.equal(orders.find((o) => o.orderId === shown.orderId)?.status, 'completed', 'the host emulator heard the grant');
    // The backend answers it again from its ledger, and a wrong path as a 404 the page can read (not "unreachable").
    const [again, wrongPath] = await page.evaluate(async ([base, orderId, sku]) => {
      const post = (path) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': orderId, authorization: 'Dev user-1' }, body: JSON.stringify({ orderId, sku, environment: 'sandbox' }) });
      return [await (await post('/api/iap/grant')).json(), (await post('/api/iap/grnat')).status];
    }, [`http://localhost:${backendPort}`, shown.orderId, SKU2]);
    assert.deepEqual(again, { granted: true, alreadyGranted: true });
    assert.equal(wrongPath, 404);
    assert.deepEqual(errors, []);
    assert.match(emulator.output(), new RegExp(`get-order-status "${shown.orderId}" → PAYMENT_COMPLETED \\(${SKU2.replace(/\./g, '\\.')}\\)`), 'verified with the Toss emulator');
    return shown.orderId;
  } finally {
    await page.close();
  }
}

test('npx ait-iap toss-emulator + the docs\' node:http backend on PostgreSQL + a Vite app with the plugin, from the tarball: a purchase granted once by the partner\'s backend', async () => {
  const database = `postgresql://${postgres.user}@localhost/${postgres.database}?host=${postgres.host}&port=${postgres.port}`;
  let orderId;
  await withBackend('server-node-example', { DATABASE_URL: database }, async () => { orderId = await buyThroughThePage(); });
  const pool = new pg.Pool(postgres);
  try {
    assert.deepEqual((await pool.query('SELECT user_key, sku, order_id FROM items')).rows, [{ user_key: 'user-1', sku: SKU2, order_id: orderId }], 'delivered once');
    assert.deepEqual((await pool.query('SELECT sku, sku_source, environment FROM ait_iap_grants')).rows, [{ sku: SKU2, sku_source: 'toss', environment: 'sandbox' }]);
  } finally {
    await pool.end();
  }
});

test('the same with the docs\' PGlite backend: a purchase granted once, kept in its folder', async () => {
  let orderId;
  await withBackend('server-pglite-example', {}, async () => { orderId = await buyThroughThePage(); });
  const db = await PGlite.create(join(app, 'pglite-data'));
  try {
    assert.deepEqual((await db.query('SELECT user_key, sku, order_id FROM items')).rows, [{ user_key: 'user-1', sku: SKU2, order_id: orderId }], 'delivered once');
  } finally {
    await db.close();
  }
});
