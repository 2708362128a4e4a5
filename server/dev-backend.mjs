// The local development backend, a stand-in for the partner's server: the reference grant handler
// (grant-handler.mjs: verify with get-order-status, grant once per orderId) at POST /api/grant, its ledger at
// GET /api/ledger, and test switches: POST /__backend/mode {mode: 'up'|'down'|'hang'|'refuse'}.
import { readJson, sendJson, pathOf } from './http-json.mjs';
import { createGrantHandler, getOrderStatus } from './grant-handler.mjs';

/** @param {{ tossBaseUrl: () => string }} options where get-order-status is served */
export function createDevBackend({ tossBaseUrl }) {
  /** orderId → { orderId, sku, environment, userKey, grantedAt, requests }: each order granted once. */
  const grants = new Map();
  /** Every hand-off request as it arrived, with what was answered. */
  const requests = [];
  let mode = 'up';
  const decide = createGrantHandler({
    orderStatus: (orderId, userKey) => getOrderStatus(tossBaseUrl(), orderId, userKey),
    userKeyOf: (req) => String(req.headers['x-toss-user-key'] ?? req.headers.authorization ?? 'sandbox-user'),
    deliver: async () => {},
    ledger: grants,
  });

  async function grant(req, res) {
    const body = await readJson(req);
    const entry = { orderId: body?.orderId, sku: body?.sku, environment: body?.environment, idempotencyKey: req.headers['idempotency-key'], at: Date.now() };
    requests.push(entry);
    const reply = (status, value) => {
      entry.answer = { status, ...value };
      sendJson(res, status, value);
    };
    if (mode === 'down') return reply(503, { granted: false, reason: 'backend down (test switch)' });
    if (mode === 'hang') return; // never answers: the client's deadline must settle the grant
    if (mode === 'refuse') return reply(200, { granted: false, reason: 'refused (test switch)' });
    const { status, body: answer } = await decide(body, req);
    reply(status, answer);
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
