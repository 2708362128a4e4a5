// The package as an app installs it: `npm pack`, then fresh Vite, Vite + React and webpack 5 apps install the
// tarball offline, run the README's example (the React one for React) as their whole source, build, and sell a
// product in Chromium against the host emulator and a backend on ait-iap/server over HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buy, SKU2, BROWSER } from './e2e/harness.mjs';
import { serveApp } from './fixtures/serve-app.mjs';
import { docBlock, forWebpack, readmeExample } from './fixtures/examples.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the repository, so that each app finds its toolchain (vite, webpack) and the SDK in the repository's
// node_modules; ait-iap itself is only in the app's own node_modules, from the tarball.
const work = join(root, 'target/fixtures');

let tarball, packed, browser;

before(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // As from a fresh clone: no dist/ until `prepack` builds it (its build output precedes npm's JSON).
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
  const [info] = JSON.parse(out.slice(out.lastIndexOf('\n[') + 1));
  tarball = join(work, info.filename);
  packed = info.files.map((f) => f.path).sort();
});

after(() => browser?.close());

/** Copies the fixture app `name` (as `as`), writes a README example as its source (`source`, default the quick
 *  start's: TypeScript for Vite, plain JS for webpack), installs the tarball (offline). */
function prepare(name, { as = name, source } = {}) {
  const dir = join(work, as);
  // The React 18 app is the React app with its own vite.config.js.
  if (name === 'react18-app') cpSync(join(root, 'tests/fixtures/react-app'), dir, { recursive: true });
  cpSync(join(root, 'tests/fixtures', name), dir, { recursive: true });
  if (name !== 'ts-consumer') {
    cpSync(join(root, 'tests/fixtures/web-framework.js'), join(dir, 'web-framework.js'));
    mkdirSync(join(dir, 'src'), { recursive: true });
    if (name.startsWith('react')) writeFileSync(join(dir, 'src/main.tsx'), source ?? docBlock('docs/api.md', 'react-example', 'tsx'));
    else if (name === 'webpack-app') writeFileSync(join(dir, 'src/main.js'), source ?? forWebpack(readmeExample()));
    else writeFileSync(join(dir, 'src/main.ts'), source ?? readmeExample());
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: as, private: true, type: 'module', dependencies: { 'ait-iap': `file:${tarball}` } }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  return dir;
}

test('the tarball, packed with no dist/ beforehand, holds the built files and nothing else', () => {
  assert.deepEqual(packed, [
    'CHANGELOG.md', 'LICENSE', 'README.md', 'dist/ait-error.js', 'dist/error-codes.js', 'dist/ait-iap.css', 'dist/ait_iap_bg.wasm', 'dist/ait_iap_headless_bg.wasm', 'dist/emulator-catalogue.js',
    'dist/entitlements.js', 'dist/emulator-ledger.js', 'dist/emulator-scenarios.js', 'dist/emulator-sheet.js', 'dist/headless.d.ts', 'dist/headless.js', 'dist/host-emulator.d.ts',
    'dist/host-emulator.js', 'dist/index.d.ts', 'dist/index.js', 'dist/react-product-list.d.ts', 'dist/react-product-list.js', 'dist/react.d.ts', 'dist/react.js',
    ...['cors', 'database-errors', 'deadline', 'entitlements-handler', 'errors', 'grant-handler', 'ids', 'index', 'ledger', 'ledger-schema', 'memory-ledger', 'node-listener', 'order-status', 'pem', 'reconcile',
      'not-found', 'request-body', 'toss-api', 'transaction', 'sha256', 'subscription-ledger', 'subscription-notification', 'subscription-schema',
      'subscription-webhook', 'table-name', 'told-safely', 'webhook-auth'].map((f) => `dist/server/${f}.js`),
    'dist/toss-emulator.d.ts', 'dist/toss-emulator/bin.js', 'dist/toss-emulator/certs.js', 'dist/toss-emulator/index.js',
    'dist/toss-emulator/subscription-timeline.js', 'dist/toss-emulator/time-travel.js',
    'dist/server/hand-off-contract.json',
    'dist/server.d.ts', 'dist/vite.d.ts', 'dist/vite/emulated-toss.js', 'dist/vite/index.js', 'dist/vite/own-page.js', 'package.json',
  ].sort());
});

/** `sideEffects` must not let a bundler drop the entry's own set-up (the orderHistory iterator on the client). */
function assertEntryKept(distDir) {
  const js = readdirSync(distDir, { recursive: true }).filter((f) => f.endsWith('.js'));
  const code = js.map((f) => readFileSync(join(distDir, f), 'utf8')).join('\n');
  assert.match(code, /orderHistory/, 'the orderHistory iterator survived tree shaking');
  assert.match(code, /NOT_INITIALIZED/, 'the init guard survived tree shaking');
  // The example's dev-only guard: the emulator line (with its mirrorUrl) is gone from a production build.
  assert.doesNotMatch(code, /__emulator\/orders|__CONSTANT_HANDLER_MAP\s*=/, 'no host emulator in the production bundle');
}

/** Serves the built app, buys "테스트 상품 - 2" and checks the backend (ait-iap/server) delivered it once. */
async function sellInChromium(distDir, check = async () => {}) {
  const app = await serveApp(distDir);
  browser ??= await chromium.launch(BROWSER);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm'));
  try {
    await page.goto(app.url);
    assert.equal((await wasm).headers()['content-type'], 'application/wasm');
    await page.locator('.ait-iap-row', { hasText: '테스트 상품 - 2' }).waitFor();
    await check(page);
    const shown = await buy(page, SKU2);
    assert.equal(shown.status, 'completed', JSON.stringify(shown));
    const delivered = app.deliveries.filter((o) => o.orderId === shown.orderId);
    assert.equal(delivered.length, 1, 'delivered once by the backend on ait-iap/server');
    assert.equal(delivered[0].sku, SKU2);
    const styled = await page.locator('.ait-iap-buy').first().evaluate((b) => getComputedStyle(b).minHeight);
    assert.equal(styled, '44px', 'the stylesheet was bundled');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await app.close();
  }
}

/** Prepares the Vite fixture `name` (options as for `prepare`), builds it and checks the entry survived; returns
 *  its directory. */
async function viteBuild(name, { mode = 'production', config = 'vite.config.js', ...options } = {}) {
  const dir = prepare(name, options);
  const { build } = await import('vite');
  // Vite's build and dev server each set NODE_ENV in their own process when it is unset, and the next one started
  // in this process would follow it: a production build as apps make them (or a development one), then NODE_ENV as
  // it was.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = mode;
  try {
    await build({ root: dir, configFile: join(dir, config), logLevel: 'warn', mode });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  if (mode === 'production') assertEntryKept(join(dir, 'dist'));
  return dir;
}

test('a fresh Vite app runs the README example from the tarball, built and in the dev server', async () => {
  const dir = await viteBuild('vite-app');
  const assets = join(dir, 'dist/assets');
  const bundle = readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
  assert.doesNotMatch(bundle, /IapProvider|useSyncExternalStore/, 'ait-iap/react adds nothing to an app that does not import it');
  await sellInChromium(join(dir, 'dist'));
  const { createServer } = await import('vite');
  // `vite dev`, where developers spend their time: its dependency pre-bundling must not separate the module from
  // its .wasm (README: optimizeDeps.exclude); then the products show.
  const server = await createServer({ root: dir, configFile: join(dir, 'vite.config.js'), logLevel: 'warn', server: { host: '127.0.0.1', port: 0 } });
  await server.listen();
  browser ??= await chromium.launch(BROWSER);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(server.resolvedUrls.local[0]);
    await page.locator('.ait-iap-row', { hasText: '테스트 상품 - 2' }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await server.close();
  }
});

test("the plugin's build preloads the .wasm in index.html, and the module's fetch takes the preloaded one", async () => {
  const dir = await viteBuild('vite-app', { as: 'vite-plugin-build', config: 'vite.plugin.config.js' });
  const wasm = readdirSync(join(dir, 'dist/assets')).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `one .wasm emitted: ${wasm}`);
  const html = readFileSync(join(dir, 'dist/index.html'), 'utf8');
  assert.match(html, new RegExp(`<link rel="preload" href="/assets/${wasm[0].replace('.', '\\.')}" as="fetch" type="application/wasm" crossorigin>`));
  const app = await serveApp(join(dir, 'dist'));
  browser ??= await chromium.launch(BROWSER);
  const page = await browser.newPage();
  const fetched = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && fetched.push(r.url()));
  try {
    await page.goto(app.url);
    await page.locator('.ait-iap-row', { hasText: '테스트 상품 - 2' }).waitFor();
    assert.equal(fetched.length, 1, `the .wasm is fetched once: ${fetched}`);
  } finally {
    await page.close();
    await app.close();
  }
});

for (const [label, vite] of [['Vite 7', 'vite'], ['Vite 8', 'vite-8']]) {
  test(`${label} dev server with plugins: [aitIap()] and nothing else sells a product through the README example`, async () => {
    // The same fresh app, configured with the plugin alone (vite.plugin.config.js).
    const dir = prepare('vite-app', { as: `vite-plugin-${vite}` });
    const { createServer, version } = await import(vite);
    assert.equal(version.split('.')[0], label.split(' ')[1]);
    const server = await createServer({ root: dir, configFile: join(dir, 'vite.plugin.config.js'), logLevel: 'warn', server: { host: '127.0.0.1', port: 0 } });
    await server.listen();
    assert.deepEqual(server.config.optimizeDeps.exclude, ['ait-iap'], 'the plugin keeps pre-bundling away from the module');
    browser ??= await chromium.launch(BROWSER);
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const notFound = [];
    page.on('response', (r) => r.status() === 404 && notFound.push(r.url()));
    try {
      await page.goto(server.resolvedUrls.local[0]);
      const shown = await buy(page, SKU2);
      assert.equal(shown.status, 'completed', JSON.stringify(shown));
      const { orders } = await (await fetch(new URL('/__emulator/orders', server.resolvedUrls.local[0]))).json();
      assert.deepEqual(orders.map((o) => [o.orderId, o.status]), [[shown.orderId, 'completed']], 'mirrored, verified and granted by the plugin');
      const again = await fetch(new URL('/api/iap/grant', server.resolvedUrls.local[0]), {
        method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': shown.orderId },
        body: JSON.stringify({ orderId: shown.orderId, sku: SKU2, environment: 'sandbox' }),
      });
      assert.deepEqual(await again.json(), { granted: true, alreadyGranted: true }, 'granted once, in the ledger');
      assert.deepEqual(errors, []);
      assert.deepEqual(notFound, []);
    } finally {
      await page.close();
      await server.close();
    }
  });
}

test('a fresh Vite + React 19 app in StrictMode runs the README\'s React example from the tarball', async () => {
  const dir = await viteBuild('react-app');
  await sellInChromium(join(dir, 'dist'), async (page) => {
    // StrictMode ran the effect twice (mount, destroy, mount): one list, with its rows once.
    assert.equal(await page.locator('#root .ait-iap-list').count(), 1);
    assert.equal(await page.locator('#root .ait-iap-row', { hasText: '테스트 상품 - 2' }).count(), 1);
  });
});

/** Every phase the page shows in its `[data-phase]` line, in order (recorded from the first paint on). */
const recordPhases = (page) =>
  page.addInitScript(() => {
    window.phases = [];
    new MutationObserver(() => {
      const phase = document.querySelector('[data-phase]')?.dataset.phase;
      if (phase && window.phases.at(-1) !== phase) window.phases.push(phase);
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-phase'] });
  });

const PHASES = ['idle', 'requesting', 'purchased', 'granting', 'confirming', 'completed'];

for (const [label, fixture] of [['React 19', 'react-app'], ['React 18', 'react18-app']]) {
  test(`${label} in StrictMode runs the README's ait-iap/react example from the tarball: usePurchase, leaving mid-purchase, NO_HOST`, async () => {
    // A development build: React runs StrictMode's double mount only there. The page gets the emulator before the
    // app runs (serveApp), so the example's own development-only install sees a host and stays out.
    const dir = await viteBuild(fixture, { as: `${fixture}-hooks`, mode: 'development', source: docBlock('README.md', 'react-hooks-example', 'tsx') });
    const version = JSON.parse(readFileSync(join(dir, fixture === 'react-app' ? '../../../node_modules/react/package.json' : '../../react-18/node_modules/react/package.json'), 'utf8')).version;
    assert.equal(version.split('.')[0], label.split(' ')[1]);
    const bundle = readdirSync(join(dir, 'dist/assets')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dir, 'dist/assets', f), 'utf8')).join('\n');
    assert.ok(bundle.includes(version), `the bundle carries React ${version}`);
    assert.match(bundle, /StrictMode/, "React's development build");
    browser ??= await chromium.launch(BROWSER);
    // Inside the emulated Toss app, the backend holding each hand-off 800 ms (a purchase stays in "granting").
    const app = await serveApp(join(dir, 'dist'), { grantDelayMs: 800 });
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    try {
      await recordPhases(page);
      await page.goto(app.url);
      await page.locator(`button[data-sku="${SKU2}"]`, { hasText: '테스트 상품 - 2' }).waitFor();
      const calls = (name) => page.evaluate((n) => window.hostEmulator.calls().filter((c) => c.functionName === n).length, name);
      assert.equal(await calls('getPendingOrders'), 1, 'one client: one recovery at start');
      await page.locator(`button[data-sku="${SKU2}"]`).click();
      await page.locator('[data-phase="completed"]', { hasText: '지급 완료!' }).waitFor({ timeout: 15_000 });
      const phases = await page.evaluate(() => window.phases);
      assert.deepEqual(phases.filter((p) => PHASES.includes(p)), phases, `only purchase phases: ${phases}`);
      assert.deepEqual([...phases].sort((a, b) => PHASES.indexOf(a) - PHASES.indexOf(b)), phases, `in order: ${phases}`);
      for (const phase of ['idle', 'requesting', 'granting', 'completed']) assert.ok(phases.includes(phase), `${phase} shown: ${phases}`);
      assert.equal(app.deliveries.length, 1, 'delivered once');
      assert.equal(app.stats.handoffs, 1, 'one hand-off: StrictMode made one client, whose recovery at start found nothing');

      // Leave the shop while the backend holds the hand-off, and come back: the order is granted once.
      await page.locator(`button[data-sku="${SKU2}"]:not([disabled])`).click();
      await page.locator('[data-phase="granting"]').waitFor();
      await page.getByRole('button', { name: '상점 닫기' }).click();
      await page.getByRole('button', { name: '상점 열기' }).click();
      await page.locator(`button[data-sku="${SKU2}"]`).waitFor();
      const deadline = Date.now() + 15_000;
      while (app.deliveries.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500)); // and no second delivery after
      assert.equal(app.deliveries.length, 2, `the order paid before leaving was delivered once: ${JSON.stringify(app.deliveries)}`);
      assert.notEqual(app.deliveries[1].orderId, app.deliveries[0].orderId);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
      await app.close();
    }

    // Outside Toss (no host; the production build, without the emulator): useProducts reports the typed error.
    const prod = await viteBuild(fixture, { as: `${fixture}-hooks-prod`, source: docBlock('README.md', 'react-hooks-example', 'tsx') });
    const outside = await serveApp(join(prod, 'dist'), { host: false });
    const bare = await browser.newPage();
    try {
      await bare.goto(outside.url);
      const alert = bare.locator('[role="alert"][data-code="NO_HOST"]');
      await alert.waitFor();
      assert.match(await alert.textContent(), /토스 앱에서 열어 주세요/);
    } finally {
      await bare.close();
      await outside.close();
    }
  });
}

test('the rest of ait-iap/react (React 19, StrictMode): order history by pages, subscription info, <ProductList products>, a hook outside the provider', async () => {
  const source = readFileSync(join(root, 'tests/fixtures/react-hooks-app.jsx'), 'utf8');
  const dir = await viteBuild('react-app', { as: 'react-hooks-rest', mode: 'development', source });
  const app = await serveApp(join(dir, 'dist'));
  browser ??= await chromium.launch(BROWSER);
  const page = await browser.newPage();
  // The emulated host's ledger, seeded: eleven completed one-time orders and a subscription, the newest.
  const now = Date.now();
  const order = (orderId, sku, kind, at) => ({ orderId, sku, kind, status: 'completed', paidAt: at, completedAt: at });
  const ledger = [...Array.from({ length: 11 }, (_, i) => order(`seed-${i}`, SKU2, 'CONSUMABLE', now - 60_000 + i)), order('seed-sub', 'pass.monthly', 'SUBSCRIPTION', now)];
  await page.addInitScript((saved) => localStorage.setItem('ait-iap:host-emulator:ledger', saved), JSON.stringify(ledger));
  try {
    await page.goto(app.url);
    await page.locator('#history[data-loading="false"] li').first().waitFor();
    assert.equal(await page.locator('#history li').count(), 10, 'the first page');
    assert.equal(await page.locator('#history').getAttribute('data-done'), 'false');
    await page.click('#more');
    await page.locator('#history[data-done="true"]').waitFor();
    assert.equal(await page.locator('#history li').count(), 12, 'and the next, appended');
    await page.click('#history li[data-sku="pass.monthly"] button');
    await page.locator('#info[data-status="ACTIVE"][data-accessible="true"]').waitFor({ state: 'attached' });

    await page.locator('.mine[data-state="ready"] .ait-iap-row').first().waitFor();
    assert.equal(await page.locator('.mine .ait-iap-row').count(), 2, "the list loads the client's products");
    await page.click('#first');
    await page.waitForFunction(() => document.querySelectorAll('.mine .ait-iap-row').length === 1);
    await page.click('#first');
    await page.waitForFunction(() => document.querySelectorAll('.mine .ait-iap-row').length === 2);
    assert.equal(await page.locator('.mine .ait-iap-list').count(), 1, 'one list under StrictMode');

    assert.equal(await page.locator('#outbox').getAttribute('data-count'), '0');
    assert.equal(await page.locator('#outside').getAttribute('data-code'), 'NOT_INITIALIZED', 'a hook outside <IapProvider>');
  } finally {
    await page.close();
    await app.close();
  }
});

test('a fresh Vite app runs the README\'s headless example from the tarball: its own .wasm, a purchase granted once', async () => {
  const dir = await viteBuild('vite-app', { as: 'headless-app', source: docBlock('docs/api.md', 'headless-example', 'ts') });
  const emitted = readdirSync(join(dir, 'dist/assets'));
  assert.ok(emitted.some((f) => /^ait_iap_headless_bg.*\.wasm$/.test(f)), `the headless .wasm was emitted: ${emitted}`);
  assert.ok(!emitted.some((f) => /^ait_iap_bg.*\.wasm$/.test(f)), 'and not the one with the product list');
  const app = await serveApp(join(dir, 'dist'));
  browser ??= await chromium.launch(BROWSER);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(app.url);
    const button = page.locator('button', { hasText: '테스트 상품 - 2' });
    await button.click();
    await page.locator('button', { hasText: '테스트 상품 - 2 ✓' }).waitFor({ timeout: 15_000 });
    assert.deepEqual(app.deliveries.map((o) => o.sku), [SKU2], 'delivered once by the backend on ait-iap/server');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await app.close();
  }
});

test('a fresh webpack 5 app runs the README example from the tarball', async () => {
  const dir = prepare('webpack-app');
  const { default: webpack } = await import('webpack');
  const { default: config } = await import(join(dir, 'webpack.config.js'));
  const stats = await new Promise((resolve, reject) => webpack(config, (e, s) => (e ? reject(e) : resolve(s))));
  assert.equal(stats.hasErrors(), false, stats.toString('errors-only'));
  cpSync(join(dir, 'index.html'), join(dir, 'dist/index.html'));
  assertEntryKept(join(dir, 'dist'));
  await sellInChromium(join(dir, 'dist'));
});

test('a strict TypeScript app using every API type-checks against the packed types', () => {
  const dir = prepare('ts-consumer');
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', dir], { stdio: 'inherit' });
  // ait-iap/react's use on React 18's own types (@types/react 18, from target/react-18).
  const types18 = join(root, 'target/react-18/node_modules/@types/react');
  const config = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'));
  config.files = ['react-consumer.tsx'];
  config.compilerOptions.paths = { react: [types18], 'react/*': [`${types18}/*`] };
  writeFileSync(join(dir, 'tsconfig.react18.json'), JSON.stringify(config));
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.react18.json')], { stdio: 'inherit' });
});

test('the types name every code of the documented error table', () => {
  const readme = readFileSync(join(root, 'docs/errors.md'), 'utf8');
  const table = readme.split('<!-- errors -->')[1].split('<!-- /errors -->')[0];
  const codes = [...table.matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]);
  const types = readFileSync(join(root, 'js/index.d.ts'), 'utf8');
  const union = types.split('export type KnownErrorCode =')[1].split(';')[0];
  assert.ok(codes.length >= 20);
  for (const code of codes) assert.ok(union.includes(`'${code}'`), `${code} missing from KnownErrorCode`);
});

test("the real SDK's IAP object (web-bridge 2.10.8's types) is an IapSdk", () => {
  const dir = join(work, 'sdk-types');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'check.ts'), `import { IAP } from '@apps-in-toss/web-bridge';
import type { IapSdk } from 'ait-iap';
const sdk: IapSdk = IAP;
console.log(sdk);
`);
  // skipLibCheck: web-bridge's own .d.ts do not pass tsc (see the consumer); ait-iap's resolve from the tarball's install.
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], baseUrl: '.', paths: { 'ait-iap': ['../ts-consumer/node_modules/ait-iap/dist/index.d.ts'] } },
    files: ['check.ts'],
  }));
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', dir], { stdio: 'inherit' });
});

test('no `any` in the public types', () => {
  for (const file of ['dist/index.d.ts', 'dist/headless.d.ts', 'dist/host-emulator.d.ts', 'dist/server.d.ts', 'dist/vite.d.ts', 'dist/react.d.ts', 'dist/react-product-list.d.ts', 'dist/toss-emulator.d.ts']) {
    const code = readFileSync(join(work, 'ts-consumer/node_modules/ait-iap', file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    assert.doesNotMatch(code, /\bany\b/, file);
  }
});
