// The local development backend, a stand-in for the partner's server, built on ait-iap/server as a partner would
// build theirs: the grant handler at POST /api/grant, verifying each order with the emulated Toss server over
// mTLS and granting it once in a PGlite ledger (in a folder, so a restart keeps it; in memory without one). Its
// delivery writes the partner's own `sandbox_items` row in the grant's transaction. For tests and the sandbox
// panel: GET /api/ledger, and switches POST /__backend/mode {mode: 'up'|'down'|'hang'|'refuse'|'lose-reply'}.
// Toss's subscription notifications (the emulated Toss server's time travel) arrive at POST /api/subscription-events,
// the subscription webhook handler on the same ledger, with the secret below.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createGrantHandler, createSubscriptionWebhookHandler, postgresLedger, toNodeListener } from '../js/server/index.js';
import { ownJson, sendJson, pathOf } from './http-json.mjs';

/** The sandbox's notification URL (path) and the value "registered" with it. */
export const NOTIFICATION_PATH = '/api/subscription-events';
export const NOTIFICATION_SECRET = 'sandbox-notification-secret';

const ITEMS_DDL = `CREATE TABLE IF NOT EXISTS sandbox_items (
  order_id text PRIMARY KEY, user_key text NOT NULL, sku text NOT NULL, delivered_at timestamptz NOT NULL DEFAULT now())`;

/**
 * @param {{ toss: { getOrderStatus: Function }, dataDir?: string }} options
 *   toss: the Toss API client (createTossApi) pointed at the emulated Toss server; dataDir: PGlite's folder.
 */
export async function createDevBackend({ toss, dataDir }) {
  if (dataDir) mkdirSync(dataDir, { recursive: true }); // PGlite makes only the last folder of the path
  const db = await PGlite.create(dataDir);
  const ledger = postgresLedger(db);
  await ledger.migrate();
  await db.query(ITEMS_DDL);

  /** orderId → { orderId, sku, environment, userKey, requests }: the orders this backend answered granted, and how often. */
  const grants = new Map();
  /** Every hand-off request as it arrived, with what was answered. */
  const requests = [];
  let mode = 'up';

  const handleGrant = createGrantHandler({
    toss,
    ledger,
    userKeyOf: (request) => request.headers.get('x-toss-user-key') ?? 'sandbox-user',
    // No ON CONFLICT: a second delivery of one order would fail here, loudly.
    deliver: (order, tx) => tx.query('INSERT INTO sandbox_items (order_id, user_key, sku) VALUES ($1, $2, $3)', [order.orderId, order.userKey, order.sku]),
  });

  const notifications = toNodeListener(createSubscriptionWebhookHandler({ ledger, secret: NOTIFICATION_SECRET }));

  const reply = (status, value) => new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

  async function switched(request) {
    if (mode === 'down') return reply(503, { granted: false, reason: 'backend down (test switch)' });
    if (mode === 'hang') return new Promise(() => {}); // never answers: the client's deadline must settle the grant
    if (mode === 'refuse') return reply(200, { granted: false, reason: 'refused (test switch)' });
    const response = await handleGrant(request);
    if (mode === 'lose-reply') return reply(503, { granted: false, reason: 'reply lost (test switch)' });
    return response;
  }

  const route = toNodeListener(async (request) => {
    if (request.method !== 'POST') return handleGrant(request); // a preflight or the client's early check: no hand-off
    const body = await request.clone().json().catch(() => undefined);
    const entry = { orderId: body?.orderId, sku: body?.sku, environment: body?.environment, idempotencyKey: request.headers.get('idempotency-key'), at: Date.now() };
    requests.push(entry);
    const response = await switched(request);
    entry.answer = { status: response.status, ...(await response.clone().json()) };
    if (entry.answer.granted) {
      const known = grants.get(entry.orderId);
      if (known) known.requests += 1;
      else grants.set(entry.orderId, { orderId: entry.orderId, sku: entry.sku, environment: entry.environment, userKey: request.headers.get('x-toss-user-key') ?? 'sandbox-user', requests: 1 });
    }
    return response;
  });

  /** The partner's item rows: one per delivered order. */
  const items = async () => (await db.query('SELECT order_id AS "orderId", user_key AS "userKey", sku FROM sandbox_items ORDER BY delivered_at')).rows;

  /** Handles the backend's routes; returns false for any other request. */
  async function handle(req, res) {
    const path = pathOf(req);
    if (path === '/api/grant') return route(req, res).then(() => true);
    if (path === NOTIFICATION_PATH) return notifications(req, res).then(() => true);
    if (path === '/api/ledger' && req.method === 'GET') {
      sendJson(res, 200, { grants: [...grants.values()], items: await items(), requests });
      return true;
    }
    if (path === '/__backend/mode' && req.method === 'POST') {
      const body = await ownJson(req, res);
      if (!body) return true;
      mode = body.value?.mode ?? 'up';
      sendJson(res, 200, { mode });
      return true;
    }
    return false;
  }

  return { handle, ledger, grants, requests, items, setMode: (m) => { mode = m; }, close: () => db.close() };
}
