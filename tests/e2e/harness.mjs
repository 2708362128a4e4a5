// Shared e2e set-up: the sandbox server (static files, emulated Toss server, dev backend) and headless
// Chromium via playwright-core, plus helpers that act on the sandbox page as a user would.
import http from 'node:http';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--js-flags=--expose-gc'];

/** Launch options for headless Chromium on these machines (closed network, root). */
export const BROWSER = { executablePath: CHROMIUM, args: ARGS };

export const SKU1 = 'ait.sandbox.test.product.1';
export const SKU2 = 'ait.sandbox.test.product.2';

/** Starts the server (options as startServer's, e.g. `dataDir`) and a browser; returns helpers and a `close()`. */
export async function openSandbox(options = {}) {
  const server = await startServer(options);
  const browser = await chromium.launch(BROWSER);
  const pageErrors = [];
  /** A fresh page (own context, so own storage) on the sandbox, once the client exists. */
  async function page(query = '') {
    const p = await browser.newPage();
    p.on('pageerror', (e) => pageErrors.push(e.message));
    await p.goto(server.url + query);
    await p.waitForFunction(() => window.iap !== undefined);
    return p;
  }
  async function post(path, body) {
    const res = await fetch(new URL(path, server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  }
  const backendMode = (mode) => post('/__backend/mode', { mode });
  return {
    server,
    browser,
    page,
    pageErrors,
    post,
    backendMode,
    /** Runs `act` with the dev backend in `mode` ('down', 'hang', 'refuse'), then brings it back up whatever happens. */
    async whileBackend(mode, act) {
      await backendMode(mode);
      try {
        return await act();
      } finally {
        await backendMode('up');
      }
    },
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Clicks the product's buy button and waits for the outcome the page shows. */
export async function buy(page, sku = SKU1, timeout = 15_000) {
  await page.waitForSelector(`button.ait-iap-buy[data-sku="${sku}"]:not([disabled])`);
  // Drop the previous outcome's line so that only this purchase's can match (the list re-creates it).
  await page.evaluate(() => document.querySelector('.ait-iap-status')?.remove());
  await page.click(`button.ait-iap-buy[data-sku="${sku}"]`);
  const status = page.locator('.ait-iap-status:not([data-status="requesting"])');
  await status.waitFor({ state: 'attached', timeout });
  return {
    status: await status.getAttribute('data-status'),
    orderId: await status.getAttribute('data-order-id'),
    code: await status.getAttribute('data-error-code'),
    text: await status.textContent(),
  };
}

export const hostOrders = (page) => page.evaluate(() => window.hostEmulator.orders());
export const setScenario = (page, scenario) => page.evaluate((s) => window.hostEmulator.setScenario(s), scenario);

/** JS errors do not survive page.evaluate with their own properties: copy them into plain objects. */
const plainError = `const plain = (e) => e && ({ ...e, message: e.message, name: e.name });`;

/** `client.purchase(sku)` in the page; resolves the outcome with `error` as a plain object. */
export const purchase = (page, sku = SKU1) =>
  page.evaluate(`(async () => { ${plainError} const o = await window.iap.purchase(${JSON.stringify(sku)}); return { ...o, error: plain(o.error) }; })()`);

/** `client.state` with `error` as a plain object. */
export const clientState = (page) =>
  page.evaluate(`(() => { ${plainError} const s = window.iap.state; return { ...s, error: plain(s.error) }; })()`);

/** A server on its own port (another origin) that answers CORS, credentials allowed, for whatever origin asks (after
 *  a cross-origin redirect the browser sends `Origin: null`), so that only the client's fetch options decide;
 *  `answer(req, res)` handles the requests. `posts`: each POST's JSON body, with its `cookie` header (or null). */
export async function corsServer(answer) {
  const posts = [];
  const server = http.createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'content-type, idempotency-key' });
      return res.end();
    }
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST') posts.push({ ...JSON.parse(body), cookie: req.headers.cookie ?? null });
      answer(req, res);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  };
  return { url: `http://127.0.0.1:${server.address().port}/grant`, posts, close };
}
