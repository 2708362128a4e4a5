// "What am I entitled to?" for the app's own page, as a Web `Request → Response` function (GET): the signed-in
// user (read by `userKeyOf`, as the grant handler reads it) and `ledger.entitlements` for them, answered with as
// little as the page needs: skus, and each subscription's status, access and expiry (no orderId, no userKey).
// CORS as the grant handler's. The app decides access from this answer, never from client data alone.
import { AitIapServerError } from './errors.js';
import { checkUserKey } from './ids.js';
import { checkOrigins, corsHeaders, preflight } from './cors.js';
import { toldSafely } from './told-safely.js';

/**
 * @param {{ ledger: { entitlements(userKey: string, now?: Date): Promise<{ subscriptions: object[], nonConsumables: object[] }> },
 *           userKeyOf: (request: Request) => string | null | undefined | Promise<string | null | undefined>,
 *           allowOrigins?: string[], now?: () => Date, onError?: (error: unknown) => void }} options
 * @returns {(request: Request) => Promise<Response>}
 */
export function createEntitlementsHandler({ ledger, userKeyOf, allowOrigins = [], now = () => new Date(), onError = logError }) {
  for (const [name, ok] of [
    ['ledger (postgresLedger)', typeof ledger?.entitlements === 'function'], ['userKeyOf', typeof userKeyOf === 'function'],
    ['now', typeof now === 'function'], ['onError', typeof onError === 'function'],
  ]) {
    if (!ok) throw new AitIapServerError('INVALID_OPTIONS', `createEntitlementsHandler: ${name} is missing or of the wrong type`);
  }
  checkOrigins(allowOrigins);
  const tell = toldSafely(onError, 'entitlements');

  async function decide(request) {
    if (request.method !== 'GET') return [405, { reason: 'only GET' }];
    const given = await userKeyOf(request);
    if (given === null || given === undefined) return [401, { reason: 'not signed in' }];
    let userKey;
    try {
      userKey = checkUserKey(given);
    } catch (e) {
      tell(e);
      return [401, { reason: 'not signed in' }];
    }
    return [200, entitlementsReply(await ledger.entitlements(userKey, now()))];
  }

  return async function handleEntitlements(request) {
    const cors = corsHeaders(request.headers.get('origin'), allowOrigins);
    if (request.method === 'OPTIONS') return preflight(cors);
    let status, body;
    try {
      [status, body] = await decide(request);
    } catch (e) {
      // The database restarting or busy: ask again shortly. Anything else is a bug. The cause goes to the logs only.
      tell(e);
      [status, body] = e instanceof AitIapServerError && e.transient ? [503, { reason: 'try again' }] : [500, { reason: 'internal error' }];
    }
    const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...cors };
    if (status === 503) headers['retry-after'] = '2';
    return new Response(JSON.stringify(body), { status, headers });
  };
}

/** What the page is told of `ledger.entitlements(…)`: every sku it may use, each subscription's state, each
 *  one-time product once. */
export function entitlementsReply({ subscriptions, nonConsumables }) {
  const subs = subscriptions.map((s) => ({ sku: s.sku, status: s.status, accessGranted: s.accessGranted, expiresAt: s.expiresAt?.toISOString() ?? null, autoRenew: s.autoRenew }));
  const owned = [...new Set(nonConsumables.map((p) => p.sku))].map((sku) => ({ sku }));
  return { skus: [...new Set([...subs, ...owned].map((e) => e.sku))], subscriptions: subs, nonConsumables: owned };
}

/** The default `onError`: one line per problem, with its code; transient ones as warnings. */
function logError(error) {
  const line = `[ait-iap/server] entitlements: ${error?.code ? `${error.code}: ` : ''}${error?.message ?? error}`;
  if (error instanceof AitIapServerError && error.transient) console.warn(line);
  else console.error(line, error instanceof AitIapServerError ? '' : error);
}
