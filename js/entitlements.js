// "What am I entitled to?", asked of the app's own backend (ait-iap/server's createEntitlementsHandler, or any URL
// that answers its JSON): the app decides access from its backend's word, never from client data alone. Plain JS
// beside the wasm module (it needs no init()), shipped as its own file that the entries re-export.
import { aitError } from './ait-error.js';
import { ENTITLEMENTS_BAD_RESPONSE, ENTITLEMENTS_REFUSED, ENTITLEMENTS_UNREACHABLE } from './error-codes.js';

const is = (value, type) => typeof value == type;
const strings = (list) => Array.isArray(list) && list.every((s) => is(s, 'string'));
const time = (v) => (v === null ? null : is(v, 'string') && !isNaN(Date.parse(v)) ? new Date(v) : undefined);

/** One subscription of the answer, typed, or undefined when it is not one. */
function subscriptionOf(s) {
  const expiresAt = time(s?.expiresAt);
  if (!is(s?.sku, 'string') || !is(s.status, 'string') || !is(s.accessGranted, 'boolean') || !is(s.autoRenew, 'boolean') || expiresAt === undefined) return;
  return { sku: s.sku, status: s.status, accessGranted: s.accessGranted, expiresAt, autoRenew: s.autoRenew };
}

/** The answer `{ skus, subscriptions, nonConsumables }` as the page may use it, or undefined when it is not one. */
function entitlementsOf(body) {
  const subscriptions = Array.isArray(body?.subscriptions) ? body.subscriptions.map(subscriptionOf) : [undefined];
  const nonConsumables = Array.isArray(body?.nonConsumables) && body.nonConsumables.every((p) => is(p?.sku, 'string')) ? body.nonConsumables.map((p) => ({ sku: p.sku })) : undefined;
  if (strings(body?.skus) && nonConsumables && !subscriptions.includes(undefined)) return { skus: [...body.skus], subscriptions, nonConsumables };
}

/** GETs `url` with the app's `headers` and `credentials` (its sign-in) and resolves what the backend says the user is
 *  entitled to. Rejects with an AitIapError: ENTITLEMENTS_UNREACHABLE (no answer within `timeoutMs`, network, CORS,
 *  CSP; or a 5xx, 408, 429: `retryable`), ENTITLEMENTS_REFUSED (any other status but 2xx: 401 when not signed in; a
 *  redirect, never followed), ENTITLEMENTS_BAD_RESPONSE (a 2xx that is not the JSON above); each with the HTTP `status`
 *  (0: no answer). An abort through `signal` rejects with the signal's reason. */
export async function entitlements(url, { headers, credentials, signal, timeoutMs = 10_000 } = {}) {
  const controller = new AbortController();
  const stop = () => controller.abort();
  const timer = setTimeout(stop, timeoutMs);
  signal?.addEventListener('abort', stop);
  const fail = (code, status, what, cause) => Object.assign(aitError(code, `entitlements ${url}: ${what}`, cause), { status });
  let status = 0;
  try {
    const response = await fetch(url, { headers, credentials, cache: 'no-store', redirect: 'manual', signal: controller.signal });
    status = response.status;
    if (status == 0 || (status > 299 && status < 400)) throw fail(ENTITLEMENTS_REFUSED, status, 'redirected (not followed)');
    if (status > 299) {
      const reason = await response.json().then((r) => r?.reason, () => undefined);
      const transient = status > 499 || status == 408 || status == 429;
      throw fail(transient ? ENTITLEMENTS_UNREACHABLE : ENTITLEMENTS_REFUSED, status, `HTTP ${status}${is(reason, 'string') ? ` ${reason}` : ''}`);
    }
    const answer = entitlementsOf(await response.json().catch(() => undefined));
    if (!answer) throw fail(ENTITLEMENTS_BAD_RESPONSE, status, 'the answer is not { skus, subscriptions, nonConsumables }');
    return answer;
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error; // `reason`: Safari 15.4, Chrome 98; before, fetch's AbortError
    if (error?.name == 'AitIapError') throw error;
    const what = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : `unreachable (${error?.message ?? error}): backend down, CORS, or CSP connect-src?`;
    throw fail(ENTITLEMENTS_UNREACHABLE, status, what, error);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
  }
}
