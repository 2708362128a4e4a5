// The local development backend, a stand-in for the partner's server: receives the orderIds the module
// hands off (POST /api/grant), verifies each with get-order-status, grants once per orderId, and shows its
// ledger (GET /api/ledger). Test switches: POST /__backend/mode {mode: 'up'|'down'|'hang'|'refuse'}.
import { readJson, sendJson, pathOf } from './http-json.mjs';
import { ORDER_STATUS_PATH } from './toss-server.mjs';

const PAID = new Set(['PURCHASED', 'PAYMENT_COMPLETED']);
const TRANSIENT = new Set(['NOT_FOUND', 'ORDER_IN_PROGRESS', 'ERROR']);

/** @param {{ tossBaseUrl: () => string }} options where get-order-status is served */
export function createDevBackend({ tossBaseUrl }) {
  /** orderId → { orderId, sku, environment, userKey, grantedAt, requests }: each order granted once. */
  const grants = new Map();
  /** Every hand-off request as it arrived, with what was answered. */
  const requests = [];
  let mode = 'up';

  async function orderStatus(orderId, userKey) {
    const res = await fetch(new URL(ORDER_STATUS_PATH, tossBaseUrl()), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-toss-user-key': userKey },
      body: JSON.stringify({ orderId }),
    });
    const body = await res.json();
    return body?.resultType === 'SUCCESS' ? body.success.status : `FAIL:${body?.error?.errorCode ?? 'UNKNOWN'}`;
  }

  async function grant(req, res) {
    const body = await readJson(req);
    const orderId = typeof body?.orderId === 'string' ? body.orderId : '';
    const userKey = String(req.headers['x-toss-user-key'] ?? req.headers.authorization ?? 'sandbox-user');
    const entry = { orderId, sku: body?.sku, environment: body?.environment, idempotencyKey: req.headers['idempotency-key'], at: Date.now() };
    requests.push(entry);
    const reply = (status, value) => {
      entry.answer = { status, ...value };
      sendJson(res, status, value);
    };
    if (mode === 'down') return reply(503, { granted: false, reason: 'backend down (test switch)' });
    if (mode === 'hang') return; // never answers: the client's deadline must settle the grant
    if (mode === 'refuse') return reply(200, { granted: false, reason: 'refused (test switch)' });
    if (!orderId || orderId.length > 200) return reply(400, { granted: false, reason: 'orderId missing or invalid' });
    if (entry.idempotencyKey !== orderId) return reply(400, { granted: false, reason: 'Idempotency-Key must equal orderId' });
    const existing = grants.get(orderId);
    if (existing) {
      existing.requests += 1;
      return reply(200, { granted: true, alreadyGranted: true });
    }
    let status;
    try {
      status = await orderStatus(orderId, userKey);
    } catch (e) {
      return reply(503, { granted: false, reason: `get-order-status unreachable: ${e.message}` });
    }
    entry.orderStatus = status;
    if (TRANSIENT.has(status)) return reply(503, { granted: false, reason: `order status ${status}, try again` });
    if (!PAID.has(status)) return reply(409, { granted: false, reason: `order status ${status}` });
    // Check-and-set with no await in between: a concurrent request for the same order cannot grant twice.
    if (grants.has(orderId)) {
      grants.get(orderId).requests += 1;
      return reply(200, { granted: true, alreadyGranted: true });
    }
    grants.set(orderId, { orderId, sku: body.sku, environment: body.environment, userKey, grantedAt: Date.now(), requests: 1 });
    return reply(200, { granted: true });
  }

  /** Handles the backend's routes; returns false for any other request. */
  async function handle(req, res) {
    const path = pathOf(req);
    if (path === '/api/grant' && req.method === 'POST') return grant(req, res).then(() => true);
    if (path === '/api/ledger' && req.method === 'GET') {
      sendJson(res, 200, { grants: [...grants.values()], requests });
      return true;
    }
    if (path === '/__backend/mode' && req.method === 'POST') {
      mode = (await readJson(req))?.mode ?? 'up';
      sendJson(res, 200, { mode });
      return true;
    }
    return false;
  }

  return { handle, grants, requests, setMode: (m) => { mode = m; } };
}
