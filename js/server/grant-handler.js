// The hand-off endpoint as a Web `Request → Response` function (Next.js route handlers, Hono, Bun, Deno,
// Workers; `toNodeListener` for node:http and Express). It answers the README's contract: 200 granted (or granted
// before), 4xx refused with a reason, 5xx try again, and never grants an order Toss does not report as paid.
import { AitIapServerError } from './errors.js';
import { checkOrderId, checkSku, checkUserKey } from './ids.js';
import { NOT_YET, PAID } from './order-status.js';
import { corsHeaders, preflight } from './cors.js';
import { readJsonBody } from './request-body.js';
import { verdictOn } from './ledger.js';

const ENVIRONMENTS = ['toss', 'sandbox'];

/**
 * @param {{ toss: { getOrderStatus(orderId: string, userKey: string): Promise<{ status: string, reason: string }> },
 *           ledger: ReturnType<typeof import('./ledger.js').postgresLedger>,
 *           userKeyOf: (request: Request) => string | null | undefined | Promise<string | null | undefined>,
 *           deliver: (order: object, tx: object) => unknown, allowOrigins?: string[],
 *           onError?: (error: unknown, orderId: string) => void }} options
 */
export function createGrantHandler({ toss, ledger, userKeyOf, deliver, allowOrigins = [], onError = logError }) {
  for (const [name, ok] of [['toss', typeof toss?.getOrderStatus === 'function'], ['ledger', typeof ledger?.grantOnce === 'function'],
    ['userKeyOf', typeof userKeyOf === 'function'], ['deliver', typeof deliver === 'function'], ['allowOrigins', Array.isArray(allowOrigins)]]) {
    if (!ok) throw new AitIapServerError('INVALID_OPTIONS', `createGrantHandler: ${name} is missing or of the wrong type`);
  }

  async function decide(request) {
    if (request.method !== 'POST') return [405, { granted: false, reason: 'only POST' }];
    const body = await readJsonBody(request);
    if (!('value' in body)) return [body.status, { granted: false, reason: body.reason }];
    const order = orderOf(body.value);
    if (typeof order === 'string') return [400, { granted: false, reason: order }];
    if (request.headers.get('idempotency-key') !== order.orderId) return [400, { granted: false, reason: 'Idempotency-Key must equal orderId' }];

    const userKey = await userKeyOf(request);
    if (userKey === null || userKey === undefined) return [401, { granted: false, reason: 'not signed in' }];
    try {
      order.userKey = checkUserKey(userKey);
    } catch (e) {
      return [401, { granted: false, reason: `userKeyOf: ${e.message}` }];
    }

    const known = await ledger.find(order.orderId);
    if (known) return verdictReply(verdictOn(known, order.userKey));

    let status, reason;
    try {
      ({ status, reason } = await toss.getOrderStatus(order.orderId, order.userKey));
    } catch (e) {
      if (e instanceof AitIapServerError && e.transient) return [503, { granted: false, reason: `${e.code}: ${e.message}` }];
      throw e;
    }
    if (NOT_YET.has(status)) return [503, { granted: false, status, reason: `order status ${status}, try again` }];
    if (!PAID.has(status)) return [409, { granted: false, status, reason: `order status ${status}${reason ? `: ${reason}` : ''}` }];

    try {
      return verdictReply(await ledger.grantOnce(order, deliver));
    } catch (e) {
      onError(e, order.orderId);
      return [503, { granted: false, reason: `delivery failed, try again: ${e?.message ?? e}` }];
    }
  }

  return async function handleGrant(request) {
    const cors = corsHeaders(request.headers.get('origin'), allowOrigins);
    if (request.method === 'OPTIONS') return preflight(cors);
    // The client's early check in development (a simple GET): reachable, and readable by the page when allowed.
    if (request.method === 'GET') return new Response(null, { status: 204, headers: { ...cors } });
    let status, body;
    try {
      [status, body] = await decide(request);
    } catch (e) {
      onError(e, '');
      [status, body] = [500, { granted: false, reason: 'internal error' }];
    }
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...cors },
    });
  };
}

/** The order the body names, or why it names none. */
function orderOf(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object {orderId, sku, environment}';
  const environment = body.environment ?? 'toss';
  if (!ENVIRONMENTS.includes(environment)) return `environment must be "toss" or "sandbox", got ${JSON.stringify(environment)}`;
  try {
    return { orderId: checkOrderId(body.orderId), sku: checkSku(body.sku), environment, userKey: '' };
  } catch (e) {
    return e.message;
  }
}

function verdictReply(verdict) {
  if (verdict.granted) return [200, verdict.alreadyGranted ? { granted: true, alreadyGranted: true } : { granted: true }];
  if (verdict.reason === 'OTHER_USER') return [403, { granted: false, reason: 'this order belongs to another user' }];
  return [409, { granted: false, reason: 'this order was refunded' }];
}

function logError(error, orderId) {
  console.error(`[ait-iap/server] grant of ${orderId || 'a request'} failed:`, error);
}
