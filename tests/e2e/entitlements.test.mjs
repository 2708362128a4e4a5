// `useEntitlements` (ait-iap/react, as built in dist/) in headless Chromium, in React 19's StrictMode, against a real
// backend on another origin: createEntitlementsHandler on PGlite, its CORS preflight for the Authorization header,
// the signed-in user's skus shown, a refund recorded from Toss's notification gone at `reload()`, and no sign-in
// shown as the typed error (ENTITLEMENTS_REFUSED, status 401).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { PGlite } from '@electric-sql/pglite';
import { BROWSER } from './harness.mjs';
import { postgresLedger, createEntitlementsHandler, toNodeListener, subscriptionNotification, parseSubscriptionNotification } from '../../js/server/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = `${root}target/e2e-entitlements/`;

/** The app: one component signed in (`Authorization: Dev user-1`), one not; each shows what the hook says. */
const APP = `
import { StrictMode, createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import { useEntitlements } from '${root}dist/react.js';

function Shelf({ id, headers }) {
  // A new URL object (and options object) at every render: the same request all the same, asked once.
  const { entitlements, error, loading, reload } = useEntitlements(new URL(window.BACKEND), { headers });
  const text = loading ? 'loading' : error ? error.code + ' ' + error.status : entitlements.skus.join(',') || 'none';
  return h('section', { id }, h('p', { role: 'status', 'data-loading': String(loading) }, text),
    h('button', { onClick: reload }, 'reload'));
}
createRoot(document.getElementById('root')).render(h(StrictMode, null,
  h(Shelf, { id: 'signed-in', headers: { Authorization: 'Dev user-1' } }),
  h(Shelf, { id: 'anonymous' })));
`;

let db, ledger, backend, page, browser, requests = [];
const listen = async (listener, host) => {
  const server = http.createServer(listener);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://${host}:${server.address().port}` };
};
const shown = (id) => page.locator(`#${id} p[data-loading="false"]`).textContent();
const notify = (changeReason, current) => ledger.applySubscriptionEvent(parseSubscriptionNotification(subscriptionNotification({
  orderId: 's-1', sku: 'pass.monthly', changeReason, occurredAt: new Date(Date.now() - (changeReason === 'CREATED' ? 60_000 : 0)), current,
})));

before(async () => {
  mkdirSync(work, { recursive: true });
  writeFileSync(`${work}app.js`, APP);
  const { outputFiles } = await build({ entryPoints: [`${work}app.js`], bundle: true, format: 'esm', write: false, define: { 'process.env.NODE_ENV': '"development"' }, logLevel: 'warning' });
  const bundle = outputFiles[0].text;

  db = await PGlite.create();
  ledger = postgresLedger(db);
  await ledger.migrate();
  const pageSite = await listen((req, res) => {
    if (req.url === '/app.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><div id="root"></div><script>window.BACKEND = ${JSON.stringify(backend.url + '/api/entitlements')}</script><script type="module" src="/app.js"></script>`);
  }, 'localhost');
  const handler = createEntitlementsHandler({
    ledger, allowOrigins: [pageSite.url],
    userKeyOf: (request) => /^Dev (\S+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? null,
  });
  backend = await listen(toNodeListener((request) => {
    requests.push(`${request.method}${request.headers.has('authorization') ? ' signed' : ''}`);
    return handler(request);
  }), '127.0.0.1');
  backend.page = pageSite;
  browser = await chromium.launch(BROWSER);
});

after(async () => {
  await browser?.close();
  for (const site of [backend, backend?.page]) {
    site?.server.closeAllConnections();
    await new Promise((r) => (site ? site.server.close(r) : r()));
  }
  await db?.close();
});

test('useEntitlements in Chromium shows what the backend on another origin says, follows a refund at reload(), and types a 401', async () => {
  await ledger.grantOnce({ orderId: 's-1', userKey: 'user-1', sku: 'pass.monthly', environment: 'toss' }, () => {});
  await notify('CREATED', { status: 'ACTIVE', accessGranted: true, expiresAt: new Date(Date.now() + 30 * 86_400_000), autoRenew: true });
  await ledger.grantOnce({ orderId: 'o-1', userKey: 'user-1', sku: 'remove.ads', environment: 'toss' }, () => {});
  const errors = [];
  page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(backend.page.url);

  assert.equal(await shown('signed-in'), 'pass.monthly,remove.ads');
  assert.equal(await shown('anonymous'), 'ENTITLEMENTS_REFUSED 401');
  assert.ok(requests.includes('OPTIONS'), 'the Authorization header was preflighted, and the preflight answered');
  await new Promise((r) => setTimeout(r, 500));
  // StrictMode runs each effect twice (the first request aborted, though it may have left): no more than that.
  assert.ok(requests.filter((r) => r === 'GET').length <= 2 && requests.filter((r) => r === 'GET signed').length <= 2, requests.join());

  await notify('REVOKED', { status: 'REVOKED', accessGranted: false, expiresAt: new Date(Date.now() + 30 * 86_400_000), autoRenew: false });
  assert.equal(await shown('signed-in'), 'pass.monthly,remove.ads', 'nothing changes until asked again');
  await page.click('#signed-in button');
  await page.waitForFunction(() => document.querySelector('#signed-in p').textContent === 'remove.ads');
  assert.deepEqual(errors, []);
});
