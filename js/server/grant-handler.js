// The hand-off endpoint as a Web `Request → Response` function (Next.js route handlers, Hono, Bun, Deno,
// Workers; `toNodeListener` for node:http and Express). It answers the hand-off contract (hand-off-contract.json):
// 200 granted (or granted before), 4xx refused, 5xx try again. What is delivered is what Toss reports as paid:
// the request only names the order; a sku it claims is compared with Toss's, never delivered on its word.
// Replies say little ("try again", "refused"); `onError` gets the details.
import { AitIapServerError } from './errors.js';
import { CONTRACT, checkOrderId, checkUserKey, claimedSkuOf, shown } from './ids.js';
import { NOT_YET, PAID } from './order-status.js';
import { checkOrigins, corsHeaders, preflight } from './cors.js';
import { readJsonBody } from './request-body.js';
import { verdictOn } from './ledger.js';
import { toldSafely } from './told-safely.js';

const ENVIRONMENTS = CONTRACT.environment;
/** Retry-After on a 503, in seconds: 2, or Toss's own delay when it says it is over its rate limit (at most 60). */
const RETRY_AFTER = { usual: 2, max: 60 };
/** An orderId as logs show it (checked visible ASCII already; quoted and escaped all the same). */
const orderShown = (orderId) => `order ${shown(orderId, 200)}`;

/**
 * @param {{ toss: { getOrderStatus(orderId: string, userKey: string): Promise<{ status: string, reason: string, sku: string | null, determinedAt: Date | null, answer?: object }> },
 *           ledger: ReturnType<typeof import('./ledger.js').postgresLedger>,
 *           userKeyOf: (request: Request) => string | null | undefined | Promise<string | null | undefined>,
 *           deliver: (grant: object, tx: object) => unknown, allowOrigins?: string[], environments?: string[],
 *           deliverTimeoutMs?: number, acceptClaimedSkuWhenTossOmitsIt?: boolean,
 *           onError?: (error: unknown, orderId: string) => void }} options
 */
export function createGrantHandler({
  toss, ledger, userKeyOf, deliver, allowOrigins = [], environments = ENVIRONMENTS, deliverTimeoutMs = 5000,
  acceptClaimedSkuWhenTossOmitsIt = false, onError = logError,
}) {
  for (const [name, ok] of [['toss', typeof toss?.getOrderStatus === 'function'], ['ledger', typeof ledger?.grantOnce === 'function'],
    ['userKeyOf', typeof userKeyOf === 'function'], ['deliver', typeof deliver === 'function'], ['onError', typeof onError === 'function'],
    ['acceptClaimedSkuWhenTossOmitsIt', typeof acceptClaimedSkuWhenTossOmitsIt === 'boolean'],
    ['deliverTimeoutMs', Number.isFinite(deliverTimeoutMs) && deliverTimeoutMs > 0 && deliverTimeoutMs <= 60_000],
    ['environments', Array.isArray(environments) && environments.length > 0 && environments.every((e) => ENVIRONMENTS.includes(e))]]) {
    if (!ok) throw new AitIapServerError('INVALID_OPTIONS', `createGrantHandler: ${name} is missing or of the wrong type`);
  }
  checkOrigins(allowOrigins);
  const tell = toldSafely(onError, 'grant');

  /** A refusal the partner should hear about: told to `onError`, answered with as little as `reply` says. */
  const refuse = (status, reply, code, message, facts) => {
    tell(new AitIapServerError(code, message, facts), facts.orderId);
    return [status, { granted: false, reason: reply }];
  };

  function verdictReply(verdict, order) {
    if (verdict.granted) return [200, verdict.alreadyGranted ? { granted: true, alreadyGranted: true } : { granted: true }];
    const { orderId } = order;
    if (verdict.reason === 'OTHER_USER') return refuse(403, 'refused', 'OTHER_USER', `${orderShown(orderId)} was granted to another user`, { orderId });
    if (verdict.reason === 'OTHER_SKU') {
      return refuse(409, 'refused', 'SKU_MISMATCH', `${orderShown(orderId)} was granted as another product than this request claims`, { orderId, claimedSku: order.claimedSku });
    }
    return [409, { granted: false, reason: 'refunded' }];
  }

  /** The sku to deliver and where it came from, or the refusal: Toss's word decides; a claim only has to match it. */
  function productOf(order, answer) {
    const { orderId, claimedSku } = order;
    if (answer.sku !== null) {
      if (claimedSku !== null && claimedSku !== answer.sku) {
        return refuse(409, 'refused', 'SKU_MISMATCH', `${orderShown(orderId)}: Toss reports ${shown(answer.sku)} paid, the request claimed ${shown(claimedSku)}: nothing delivered`,
          { orderId, tossSku: answer.sku, claimedSku });
      }
      return { sku: answer.sku, skuSource: 'toss' };
    }
    if (acceptClaimedSkuWhenTossOmitsIt && claimedSku !== null) return { sku: claimedSku, skuSource: 'claimed' };
    return refuse(409, 'unverified order', 'UNVERIFIED_ORDER', `${orderShown(orderId)}: Toss's answer names no product${claimedSku === null ? ' and the request claims none' : ''}: nothing delivered (acceptClaimedSkuWhenTossOmitsIt accepts the claim)`,
      { orderId, claimedSku });
  }

  async function decide(request, seen) {
    if (request.method !== 'POST') return [405, { granted: false, reason: 'only POST' }];
    if (!/^application\/json\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) return [415, { granted: false, reason: 'content-type must be application/json' }];
    const body = await readJsonBody(request);
    if (!('value' in body)) return [body.status, { granted: false, reason: body.reason }];
    const order = orderOf(body.value);
    if (typeof order === 'string') return [400, { granted: false, reason: order }];
    if (request.headers.get('idempotency-key') !== order.orderId) return [400, { granted: false, reason: 'Idempotency-Key must equal orderId' }];
    seen.orderId = order.orderId;

    const userKey = await userKeyOf(request);
    if (userKey === null || userKey === undefined) return [401, { granted: false, reason: 'not signed in' }];
    try {
      order.userKey = checkUserKey(userKey);
    } catch (e) {
      tell(e, order.orderId);
      return [401, { granted: false, reason: 'not signed in' }];
    }
    if (!environments.includes(order.environment)) {
      return refuse(409, 'refused', 'ENVIRONMENT_REFUSED', `${orderShown(order.orderId)} names environment ${order.environment}, which this backend does not accept`, { orderId: order.orderId });
    }

    const known = await ledger.find(order.orderId);
    if (known) return verdictReply(verdictOn(known, order.userKey, order.claimedSku), order);

    let answer;
    try {
      answer = await toss.getOrderStatus(order.orderId, order.userKey);
    } catch (e) {
      if (!(e instanceof AitIapServerError && e.transient)) throw e;
      tell(e, order.orderId); // TOSS_CLIENT_CERT_REJECTED, TOSS_TIMEOUT, TOSS_RATE_LIMITED, …: the partner must hear of it
      return [503, { granted: false, reason: 'try again' }, retryAfterOf(e)];
    }
    if (NOT_YET.has(answer.status)) return [503, { granted: false, reason: 'try again' }];
    if (!PAID.has(answer.status)) {
      return refuse(409, 'not paid', 'ORDER_NOT_PAID', `${orderShown(order.orderId)}: Toss answers ${answer.status}${answer.reason ? ` (${answer.reason})` : ''}`, { orderId: order.orderId, tossStatus: answer.status });
    }
    const product = productOf(order, answer);
    if (Array.isArray(product)) return product;
    const grant = { ...order, ...product, determinedAt: answer.determinedAt ?? null, tossAnswer: answer.answer ?? null };
    let verdict;
    try {
      verdict = await ledger.grantOnce(grant, deliver, { timeoutMs: deliverTimeoutMs });
    } catch (e) {
      // Rolled back, nothing granted: a delivery that failed or ran late may well succeed on a later try.
      tell(e, order.orderId);
      return [503, { granted: false, reason: 'try again' }];
    }
    return verdictReply(verdict, order);
  }

  return async function handleGrant(request) {
    const cors = corsHeaders(request.headers.get('origin'), allowOrigins);
    if (request.method === 'OPTIONS') return preflight(cors);
    // The client's early check in development (a simple GET): reachable, and readable by the page when allowed.
    if (request.method === 'GET') return new Response(null, { status: 204, headers: { ...cors, 'cache-control': 'no-store' } });
    let status, body, retryAfter;
    const seen = { orderId: '' };
    try {
      [status, body, retryAfter] = await decide(request, seen);
    } catch (e) {
      // The database restarting or busy: the order may well be granted on a later try, so the client is told to
      // try again. Anything else is a bug. Either way the cause goes to the logs only.
      tell(e, seen.orderId);
      [status, body] = e instanceof AitIapServerError && e.transient ? [503, { granted: false, reason: 'try again' }] : [500, { granted: false, reason: 'internal error' }];
    }
    const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...cors };
    if (status === 503) headers['retry-after'] = String(retryAfter ?? RETRY_AFTER.usual);
    return new Response(JSON.stringify(body), { status, headers });
  };
}

/** The order the body names, or why it names none. */
function orderOf(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object {orderId, sku, environment}';
  const environment = body.environment ?? 'toss';
  if (!ENVIRONMENTS.includes(environment)) return `environment must be "toss" or "sandbox", got ${JSON.stringify(environment)?.slice(0, 40)}`;
  try {
    return { orderId: checkOrderId(body.orderId), claimedSku: claimedSkuOf(body.sku), environment, userKey: '' };
  } catch (e) {
    return e.message;
  }
}

/** Seconds for Retry-After: Toss's delay when it is over its rate limit (rounded up, at most a minute), else 2. */
function retryAfterOf(error) {
  if (!(error.retryAfterMs > 0)) return RETRY_AFTER.usual;
  return Math.min(RETRY_AFTER.max, Math.ceil(error.retryAfterMs / 1000));
}

/** The default `onError`: one line per problem, with its code and the order; transient ones as warnings. */
function logError(error, orderId) {
  const code = error?.code ? `${error.code}: ` : '';
  const line = `[ait-iap/server] ${orderId ? orderShown(String(orderId)) : 'a hand-off'}: ${code}${error?.message ?? error}`;
  if (error instanceof AitIapServerError && error.transient) console.warn(line);
  else console.error(line, error instanceof AitIapServerError ? '' : error);
}
