// The local development backend: receives the orderIds the module hands off (POST /api/grant),
// grants once per orderId, and shows its ledger (GET /api/ledger). A stand-in for the partner's server.

const MAX_BODY = 16 * 1024;

function readJson(req) {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > MAX_BODY) req.destroy();
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(body));
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', () => resolve(undefined));
  });
}

function send(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}

export function createDevBackend() {
  /** orderId → { orderId, sku, environment, grantedAt, requests } : each order granted once. */
  const grants = new Map();
  /** Every hand-off request as it arrived. */
  const requests = [];

  async function grant(req, res) {
    const body = await readJson(req);
    const orderId = typeof body?.orderId === 'string' ? body.orderId : '';
    const idempotencyKey = req.headers['idempotency-key'];
    requests.push({ orderId, sku: body?.sku, environment: body?.environment, idempotencyKey, at: Date.now() });
    if (!orderId || orderId.length > 200) return send(res, 400, { granted: false, reason: 'orderId missing or invalid' });
    if (idempotencyKey !== orderId) return send(res, 400, { granted: false, reason: 'Idempotency-Key must equal orderId' });
    const existing = grants.get(orderId);
    if (existing) {
      existing.requests += 1;
      return send(res, 200, { granted: true, alreadyGranted: true });
    }
    grants.set(orderId, { orderId, sku: body.sku, environment: body.environment, grantedAt: Date.now(), requests: 1 });
    return send(res, 200, { granted: true });
  }

  /** Handles the backend's routes; returns false for any other request. */
  async function handle(req, res) {
    const path = new URL(req.url, 'http://localhost').pathname;
    if (path === '/api/grant' && req.method === 'POST') return grant(req, res).then(() => true);
    if (path === '/api/ledger' && req.method === 'GET') {
      send(res, 200, { grants: [...grants.values()], requests });
      return true;
    }
    return false;
  }

  return { handle, grants, requests };
}
