// ait-iap/vite: in `vite dev`, what the quick start talks to. The host emulator's order mirror (`mirrorUrl`) and a
// development backend at the grant URL: ait-iap/server's grant handler, verifying each order against the mirrored
// orders (an emulated get-order-status) and granting it once in a PGlite ledger kept under node_modules/.ait-iap
// (in memory, with a warning, when @electric-sql/pglite is not installed). It also keeps Vite's dependency
// pre-bundling away from ait-iap (which would separate the module from its .wasm), unless you set one, builds for
// the WebViews ait-iap supports, and has the built index.html preload the .wasm. Both routes answer the dev
// server's own page only (readOwnJson, refusalOf).
// With `tossEmulator`, it also serves Toss's partner API over mTLS about the same orders, for your own backend (the
// Toss emulator of `npx ait-iap toss-emulator`), and prints the environment that backend needs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createGrantHandler, memoryLedger, postgresLedger, toNodeListener } from '../server/index.js';
import { envLines, startTossEmulator } from '../toss-emulator/index.js';
import { createTimeTravel } from '../toss-emulator/time-travel.js';
import { createEmulatedToss } from './emulated-toss.js';
import { readOwnJson, refusalOf } from './own-page.js';

const WEBVIEWS = ['chrome96', 'safari15'];

/**
 * @param {{ grantPath?: string, mirrorPath?: string, dataDir?: string, userKey?: string,
 *   tossEmulator?: boolean | { port?: number, dir?: string },
 *   notifications?: { url?: string, secret?: string, scheme?: 'Bearer'|'Basic' } }} [options]
 *   grantPath: where the app POSTs its orders (default /api/iap/grant); mirrorPath: the emulator's mirrorUrl
 *   (default /__emulator/orders); dataDir: the ledger's folder (default node_modules/.ait-iap/pglite under the
 *   project root); userKey: the user every development order is granted to (default sandbox-user);
 *   tossEmulator: also serve Toss's partner API for your own backend (port default 7443, dir default
 *   .ait-iap/toss-emulator under the project root, as `npx ait-iap toss-emulator`); notifications: where
 *   POST /__emulator/subscriptions sends Toss's subscription notifications (time travel: js/toss-emulator/time-travel.js).
 */
export default function aitIap({ grantPath = '/api/iap/grant', mirrorPath = '/__emulator/orders', dataDir, userKey = 'sandbox-user', tossEmulator = false, notifications } = {}) {
  let base = '/';
  return {
    name: 'ait-iap',
    config(user) {
      return {
        optimizeDeps: { exclude: ['ait-iap'] },
        ...(user.build?.target ? {} : { build: { target: WEBVIEWS } }),
      };
    },
    configResolved(config) {
      base = config.base;
    },
    // The built page preloads the module's .wasm: fetched beside the JS instead of after it has run.
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        const wasm = preloadedWasm(bundle ?? {});
        return wasm ? [{ tag: 'link', attrs: { rel: 'preload', href: base + wasm, as: 'fetch', type: 'application/wasm', crossorigin: true }, injectTo: 'head' }] : [];
      },
    },
    configureServer(server) {
      const log = server.config.logger;
      const toss = createEmulatedToss();
      const timeTravel = createTimeTravel({
        orderOf: (orderId) => toss.orders.get(orderId), notifications, baseUrl: () => server.resolvedUrls?.local?.[0],
        log: (line) => log.info(`  ait-iap: ${line}`, { timestamp: true }),
      });
      const backend = startBackend({ toss, dataDir: dataDir ?? join(server.config.root, 'node_modules/.ait-iap/pglite'), userKey, log });
      server.httpServer?.once('close', () => backend.then((b) => b.close()));
      if (tossEmulator) {
        const partnerApi = startPartnerApi({ toss, options: tossEmulator === true ? {} : tossEmulator, root: server.config.root, log });
        server.httpServer?.once('close', () => partnerApi.then((api) => api?.close()));
      }
      async function route(req, res, next) {
        if (await timeTravel.handle(req, res)) return;
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (path !== mirrorPath && path !== grantPath) return next();
        if (path === mirrorPath && req.method === 'POST') {
          const body = await readOwnJson(req);
          if ('value' in body) toss.record(body.value);
          return reply(res, body.status ?? 200, 'value' in body ? { ok: true } : { reason: body.reason });
        }
        const refused = refusalOf(req);
        if (refused) return reply(res, refused.status, { reason: refused.reason });
        if (path === mirrorPath) return reply(res, 200, { orders: [...toss.orders.values()] });
        return (await backend).listener(req, res);
      }
      server.middlewares.use((req, res, next) => route(req, res, next).catch(next));
      log.info(`  ait-iap: development backend at ${grantPath}, host emulator mirror at ${mirrorPath}`, { timestamp: true });
    },
  };
}

export { aitIap };

/** The .wasm the page loads at start: one named by the chunks the entry imports statically (a list imported lazily
 *  loads its module later), the module with the list before the engine alone (with both, ait-iap/react's provider
 *  loads the one with the list). */
function preloadedWasm(bundle) {
  const files = Object.values(bundle);
  const wasm = files.map((f) => f.fileName).filter((name) => /(^|\/)ait_iap(_headless)?_bg[^/]*\.wasm$/.test(name));
  const reached = new Set();
  const reach = (chunk) => {
    if (!chunk || chunk.type !== 'chunk' || reached.has(chunk)) return;
    reached.add(chunk);
    for (const name of chunk.imports) reach(bundle[name]);
  };
  for (const chunk of files) if (chunk.isEntry) reach(chunk);
  const named = wasm.filter((name) => [...reached].some((chunk) => chunk.code.includes(name.split('/').pop())));
  return named.find((name) => !name.includes('_headless_')) ?? named[0];
}

async function startBackend({ toss, dataDir, userKey, log }) {
  let ledger, close = async () => {};
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir);
    ledger = postgresLedger(db);
    await ledger.migrate();
    close = () => db.close();
    log.info(`  ait-iap: grants are kept in PGlite in ${dataDir}`, { timestamp: true });
  } catch (e) {
    log.warn(`  ait-iap: grants are kept in memory (${e?.code === 'ERR_MODULE_NOT_FOUND' ? 'npm i -D @electric-sql/pglite keeps them in a folder' : e?.message})`);
    ledger = memoryLedger();
  }
  const listener = toNodeListener(createGrantHandler({
    toss,
    ledger,
    userKeyOf: () => userKey,
    deliver: (order) => log.info(`  ait-iap: granted ${order.sku} (order ${order.orderId})`, { timestamp: true }),
  }));
  return { listener, close };
}

/** The Toss emulator, answering from the orders this plugin's mirror received; resolves it, or null when it could not
 *  start (no openssl, a port in use: said in the log, and `vite dev` goes on without it). */
async function startPartnerApi({ toss, options: { port, dir }, root, log }) {
  const start = () => startTossEmulator({
    port, dir: dir ?? join(root, '.ait-iap/toss-emulator'), mirrorPort: false, lookup: (orderId) => toss.orders.get(orderId),
    log: (line) => log.info(`  ait-iap toss-emulator: ${line}`, { timestamp: true }),
  });
  try {
    // A restarting dev server (vite.config edited) may still be letting go of the port: try again a little later.
    const api = await start().catch((e) => (e.code === 'EADDRINUSE' ? new Promise((r) => setTimeout(r, 500)).then(start) : Promise.reject(e)));
    log.info([
      `  ait-iap: Toss's partner API for your backend at ${api.url} (mTLS), about this page's orders. Your backend's environment (also in ${api.envFile}):`,
      ...envLines(api.env).trimEnd().split('\n').map((line) => `    ${line}`),
    ].join('\n'));
    return api;
  } catch (e) {
    log.error(`  ait-iap: the Toss emulator did not start: ${e.message}`);
    return null;
  }
}

const reply = (res, status, value) => res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(value));
