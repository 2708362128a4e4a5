// The reference backend handler for ait-iap's hand-off (node:http, no framework; copy it into your server).
// It verifies each orderId with Toss (get-order-status) and grants at most once per orderId, answering the
// contract the module expects: 200 {granted:true} | 4xx / {granted:false} refused | 5xx try again.
export const ORDER_STATUS_PATH = '/api-partner/v1/apps-in-toss/order/get-order-status';
const PAID = new Set(['PURCHASED', 'PAYMENT_COMPLETED']);
const TRY_AGAIN = new Set(['NOT_FOUND', 'ORDER_IN_PROGRESS', 'ERROR']); // right after payment: transient

/**
 * Asks Toss for the order's status. In production pass your mTLS client certificate through `init`, e.g.
 * `{ dispatcher: new (await import('undici')).Agent({ connect: { cert, key } }) }` (Node's fetch takes it).
 */
export async function getOrderStatus(tossBaseUrl, orderId, userKey, init = {}) {
  const res = await fetch(new URL(ORDER_STATUS_PATH, tossBaseUrl), {
    ...init,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-toss-user-key': userKey },
    body: JSON.stringify({ orderId }),
  });
  const body = await res.json();
  return body?.resultType === 'SUCCESS' ? body.success.status : 'ERROR';
}

/**
 * @param {object} options
 * @param {(orderId: string, userKey: string) => Promise<string>} options.orderStatus get-order-status
 * @param {(req: import('node:http').IncomingMessage) => string | null} options.userKeyOf the signed-in user
 * @param {(order: {orderId: string, sku: string, userKey: string}) => Promise<void>} options.deliver gives the item
 * @param {Map<string, object>} [options.ledger] orderId → grant; in production a table with orderId as primary key
 * @returns {(body: unknown, req: import('node:http').IncomingMessage) => Promise<{status: number, body: object}>}
 */
export function createGrantHandler({ orderStatus, userKeyOf, deliver, ledger = new Map() }) {
  const deliveries = new Map(); // orderId → the delivery in progress
  return async function decide(body, req) {
    const orderId = typeof body?.orderId === 'string' && body.orderId.length <= 200 ? body.orderId : '';
    const sku = typeof body?.sku === 'string' ? body.sku : '';
    if (!orderId) return { status: 400, body: { granted: false, reason: 'orderId missing or invalid' } };
    if (req.headers['idempotency-key'] !== orderId) return { status: 400, body: { granted: false, reason: 'Idempotency-Key must equal orderId' } };
    const userKey = userKeyOf(req);
    if (!userKey) return { status: 401, body: { granted: false, reason: 'not signed in' } };
    const known = ledger.get(orderId);
    if (known) {
      await deliveries.get(orderId); // a concurrent request for the same order waits for the first one
      if (!ledger.has(orderId)) return decide(body, req); // whose delivery failed
      known.requests += 1;
      return { status: 200, body: { granted: true, alreadyGranted: true } };
    }
    let status;
    try {
      status = await orderStatus(orderId, userKey);
    } catch (e) {
      return { status: 503, body: { granted: false, reason: `get-order-status unreachable: ${e.message}` } };
    }
    if (TRY_AGAIN.has(status)) return { status: 503, body: { granted: false, reason: `order status ${status}, try again` } };
    if (!PAID.has(status)) return { status: 409, body: { granted: false, reason: `order status ${status}` } };
    if (ledger.has(orderId)) return decide(body, req); // granted while we asked Toss
    const grant = { orderId, sku, userKey, environment: body.environment, grantedAt: Date.now(), requests: 1 };
    const delivery = deliver(grant);
    ledger.set(orderId, grant); // set before awaiting: one delivery per orderId
    deliveries.set(orderId, delivery.catch(() => {}));
    try {
      await delivery;
    } catch (e) {
      ledger.delete(orderId);
      return { status: 503, body: { granted: false, reason: `delivery failed: ${e.message}` } };
    } finally {
      deliveries.delete(orderId);
    }
    return { status: 200, body: { granted: true } };
  };
}

/**
 * CORS for the hand-off. The mini-app's page and your backend are different origins, and the POST (JSON with an
 * Idempotency-Key header) is preflighted: without these answers the browser never sends it, and every grant
 * fails as unreachable. Answers a preflight (returns true: the response is done); otherwise adds the allow
 * headers for an allowed `Origin` and returns false. `allowOrigins`: the origins your mini-app is served from.
 */
export function cors(req, res, allowOrigins) {
  const origin = req.headers.origin;
  const allowed = typeof origin === 'string' && allowOrigins.includes(origin);
  if (allowed) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true'); // for `grant: { credentials: 'include' }`
    res.setHeader('vary', 'origin');
  }
  if (req.method !== 'OPTIONS') return false;
  if (allowed) {
    res.setHeader('access-control-allow-methods', 'POST');
    // Add any header you pass in `grant: { headers }`.
    res.setHeader('access-control-allow-headers', 'content-type, idempotency-key, authorization');
    res.setHeader('access-control-max-age', '600');
  }
  res.writeHead(allowed ? 204 : 403).end();
  return true;
}

/**
 * The node:http request handler around `decide`: `http.createServer(grantRoute(decide, { allowOrigins }))` or
 * call it per route. `allowOrigins`: the mini-app's origins when it calls the backend cross-origin (see `cors`).
 */
export function grantRoute(decide, { allowOrigins = [] } = {}) {
  return async (req, res) => {
    if (cors(req, res, allowOrigins)) return;
    if (req.method !== 'POST') return res.writeHead(405, { allow: 'POST, OPTIONS' }).end();
    const { status, body } = await decide(await readJson(req), req);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
}

/** The request's JSON body, or undefined when it is not JSON (bodies over 64 KB are cut off). */
export function readJson(req) {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text.length < 65536 ? (text += chunk) : req.destroy()));
    req.on('end', () => { try { resolve(JSON.parse(text)); } catch { resolve(undefined); } });
    req.on('error', () => resolve(undefined));
  });
}
