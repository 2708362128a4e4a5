// ait-iap/vite: in `vite dev`, what the quick start talks to. The host emulator's order mirror (`mirrorUrl`) and a
// development backend at the grant URL: ait-iap/server's grant handler, verifying each order against the mirrored
// orders (an emulated get-order-status) and granting it once in a PGlite ledger kept under node_modules/.ait-iap
// (in memory, with a warning, when @electric-sql/pglite is not installed). It also keeps Vite's dependency
// pre-bundling away from ait-iap (which would separate the module from its .wasm) and, unless you set one, builds
// for the WebViews ait-iap supports. Both routes answer the dev server's own page only (readOwnJson, refusalOf).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createGrantHandler, memoryLedger, postgresLedger, toNodeListener } from '../server/index.js';
import { createEmulatedToss } from './emulated-toss.js';
import { readOwnJson, refusalOf } from './own-page.js';

const WEBVIEWS = ['chrome96', 'safari15'];

/**
 * @param {{ grantPath?: string, mirrorPath?: string, dataDir?: string, userKey?: string }} [options]
 *   grantPath: where the app POSTs its orders (default /api/iap/grant); mirrorPath: the emulator's mirrorUrl
 *   (default /__emulator/orders); dataDir: the ledger's folder (default node_modules/.ait-iap/pglite under the
 *   project root); userKey: the user every development order is granted to (default sandbox-user).
 */
export default function aitIap({ grantPath = '/api/iap/grant', mirrorPath = '/__emulator/orders', dataDir, userKey = 'sandbox-user' } = {}) {
  return {
    name: 'ait-iap',
    config(user) {
      return {
        optimizeDeps: { exclude: ['ait-iap'] },
        ...(user.build?.target ? {} : { build: { target: WEBVIEWS } }),
      };
    },
    configureServer(server) {
      const log = server.config.logger;
      const toss = createEmulatedToss();
      const backend = startBackend({ toss, dataDir: dataDir ?? join(server.config.root, 'node_modules/.ait-iap/pglite'), userKey, log });
      server.httpServer?.once('close', () => backend.then((b) => b.close()));
      async function route(req, res, next) {
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

async function startBackend({ toss, dataDir, userKey, log }) {
  let ledger, close = async () => {};
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir);
    ledger = postgresLedger(db);
    await ledger.migrate();
    close = () => db.close();
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

const reply = (res, status, value) => res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(value));
