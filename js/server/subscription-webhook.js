// The endpoint Toss sends subscription status changes to (the "결제 알림 URL" of the console): authenticated by the
// registered secret (and optionally the source address), each body read strictly, each status change recorded
// once in the ledger's subscription record and answered 2xx only once committed. Toss is told a short reason;
// `onError` is told enough to act on.
import { AitIapServerError } from './errors.js';
import { readJsonBody } from './request-body.js';
import { parseSubscriptionNotification, REGISTRATION_VERIFICATION } from './subscription-notification.js';
import { checkOrderId, shown } from './ids.js';
import { toldSafely } from './told-safely.js';
import { checkAuthorization, isIpLiteral, isSendableSecret, plainIp, TOSS_NOTIFICATION_IPS } from './webhook-auth.js';

/** How far ahead of this server's clock an event may be dated (clocks and time zones disagree; a day does not). */
const FUTURE_TOLERANCE_MS = 86_400_000;

/** Deno.serve's second argument carries the peer address; elsewhere the partner passes `clientIp`. */
const peerAddress = (request, info) => info?.remoteAddr?.hostname ?? null;

/**
 * @param {{ ledger: object, secret: string | string[], onChange?: (change: object, tx: object) => unknown,
 *           onError?: (error: unknown, orderId: string) => void, allowIps?: boolean | string[],
 *           clientIp?: (request: Request, info?: unknown) => string | null, onChangeTimeoutMs?: number }} options
 * @returns {(request: Request, info?: unknown) => Promise<Response>}
 */
export function createSubscriptionWebhookHandler({
  ledger, secret, onChange = null, onError = logError, allowIps = false, clientIp = peerAddress, onChangeTimeoutMs = 5000,
}) {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const allowed = allowIps === true ? TOSS_NOTIFICATION_IPS : allowIps || null;
  for (const [name, ok] of [
    ['ledger (postgresLedger: memoryLedger keeps no subscription record)', typeof ledger?.applySubscriptionEvent === 'function'],
    ['secret (visible ASCII, no space at either end)', Array.isArray(secrets) && secrets.length > 0 && secrets.every(isSendableSecret)],
    ['onChange', onChange === null || typeof onChange === 'function'], ['onError', typeof onError === 'function'],
    ['allowIps (single addresses: no ranges)', allowed === null || (Array.isArray(allowed) && allowed.length > 0 && allowed.every(isIpLiteral))],
    ['clientIp', typeof clientIp === 'function'],
    ['onChangeTimeoutMs', Number.isFinite(onChangeTimeoutMs) && onChangeTimeoutMs > 0 && onChangeTimeoutMs <= 60_000],
  ]) {
    if (!ok) throw new AitIapServerError('INVALID_OPTIONS', `createSubscriptionWebhookHandler: ${name} is missing or of the wrong type`);
  }
  const allowedIps = allowed && new Set(allowed.map(plainIp));
  const tell = toldSafely(onError, 'subscription notification');

  /** A refusal: `onError` hears why, Toss hears `reason`. */
  const refuse = (status, reason, code, message, orderId = '') => {
    tell(new AitIapServerError(code, message, { status, orderId: orderId || undefined }), orderId);
    return [status, { reason }];
  };

  async function decide(request, info, seen) {
    if (request.method !== 'POST') return [405, { reason: 'only POST' }];
    if (allowedIps) {
      const ip = plainIp(await clientIp(request, info));
      if (!ip) return refuse(403, 'forbidden', 'WEBHOOK_SOURCE_UNKNOWN', 'the request\'s source address is unknown: pass clientIp (behind a proxy, read the header it sets)');
      if (!allowedIps.has(ip)) return refuse(403, 'forbidden', 'WEBHOOK_SOURCE_REFUSED', `a notification from ${shown(ip)}, which allowIps does not list: refused`);
    }
    const auth = await checkAuthorization(request.headers.get('authorization'), secrets);
    if (!auth.ok) return refuse(401, 'unauthorized', 'WEBHOOK_UNAUTHORIZED', `${auth.why}: refused, nothing written`);
    const body = await readJsonBody(request);
    if (!('value' in body)) return refuse(body.status, body.status === 413 ? 'body too large' : 'body is not JSON', 'INVALID_NOTIFICATION', `a notification whose ${body.reason}: nothing written`);
    let event;
    try {
      event = parseSubscriptionNotification(body.value);
    } catch (e) {
      if (e?.code !== 'INVALID_NOTIFICATION') throw e;
      const orderId = loggableOrderId(body.value?.orderId);
      return refuse(400, e.message, 'INVALID_NOTIFICATION', `${e.message}: nothing written`, orderId);
    }
    if (event.eventType === REGISTRATION_VERIFICATION) return [204, null];
    seen.orderId = event.orderId;
    // Applied in occurredAt order, an event dated in the future would freeze the record until then: not Toss's.
    if (event.occurredAt.getTime() > Date.now() + FUTURE_TOLERANCE_MS) {
      return refuse(400, 'occurredAt is in the future', 'INVALID_NOTIFICATION', `occurredAt ${event.occurredAt.toISOString()} is more than a day ahead of this server's clock: nothing written`, event.orderId);
    }
    const { outcome, record } = await ledger.applySubscriptionEvent(event, { body: body.value, onChange, timeoutMs: onChangeTimeoutMs });
    if (outcome === 'conflict') {
      tell(new AitIapServerError('SUBSCRIPTION_EVENT_CONFLICT', `order ${event.orderId}: two different ${event.changeReason === record.changeReason ? event.changeReason : `events (${record.changeReason}, ${event.changeReason})`} at the same instant ${event.occurredAt.toISOString()}: the record keeps the first and needs a reconcile (needsReconcile)`, { orderId: event.orderId }), event.orderId);
    }
    return [204, null];
  }

  return async function handleSubscriptionNotification(request, info) {
    let status, body;
    const seen = { orderId: '' };
    try {
      [status, body] = await decide(request, info, seen);
    } catch (e) {
      // The database down or busy, onChange failing: rolled back, Toss may send it again. Anything else is a bug.
      tell(e, seen.orderId);
      [status, body] = e instanceof AitIapServerError && e.transient ? [503, { reason: 'try again' }] : [500, { reason: 'internal error' }];
    }
    if (body === null) return new Response(null, { status });
    const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
    if (status === 503) headers['retry-after'] = '5';
    return new Response(JSON.stringify(body), { status, headers });
  };
}

/** The orderId of a refused body as the logs may show it: one Toss could send (visible ASCII), or none. */
function loggableOrderId(value) {
  try {
    return checkOrderId(value);
  } catch {
    return '';
  }
}

/** The default `onError`: one line per problem, with its code and the order; transient ones as warnings. */
function logError(error, orderId) {
  const line = `[ait-iap/server] subscription notification${orderId ? ` for order ${orderId}` : ''}: ${error?.code ? `${error.code}: ` : ''}${error?.message ?? error}`;
  if (error instanceof AitIapServerError && (error.transient || error.code === 'SUBSCRIPTION_EVENT_CONFLICT')) console.warn(line);
  else console.error(line, error instanceof AitIapServerError ? '' : error);
}
