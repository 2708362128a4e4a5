// The hand-off's HTTP side, in JS: the POST (imported by the wasm module, src/backend.rs: one crossing this way,
// instead of one per header, option and response field), the early check of the grant URL, and the developer's
// console diagnostics (`warnOnce`, also imported by the wasm module).

const warned = new Set();

/** `console.warn`s `text` once per `cause` in this page: the developer learns what went wrong, without a flood. */
export function warnOnce(cause, text) {
  if (!warned.has(cause)) console.warn(`ait-iap: ${text}`);
  warned.add(cause);
}

/** Warns that `url` did not answer (`error`): the cause shared by the early check and the POST. */
const unreachable = (url, error) =>
  warnOnce(url, `grant URL ${url} unreachable (${error}): backend down, CORS, or CSP connect-src?`);

/** POSTs the hand-off `body` to `url` (the app's `headers` win over ours). Resolves `{ status, granted, reason }`:
 *  status 0 when nothing answered (network, CORS, CSP, a redirect, or `timeoutMs` passed); `granted` and `reason`
 *  as the JSON body had them. Never rejects. A redirect is never followed: the orderId and the user's credentials
 *  go to the grant URL and nowhere else. 'manual' rather than 'error' (which looks like any network failure): the
 *  redirect then answers with status 0, and the developer is told. */
export async function postGrant(url, appHeaders, credentials, body, orderId, timeoutMs) {
  const own = Object.keys(appHeaders).join().toLowerCase();
  const headers = { ...appHeaders };
  if (!own.includes('content-type')) headers['Content-Type'] = 'application/json';
  if (!own.includes('idempotency-key')) headers['Idempotency-Key'] = orderId;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, { method: 'POST', headers, credentials, body, redirect: 'manual', signal: controller.signal });
    const { status } = response;
    const reply = await response.json().catch(() => ({}));
    const reason = typeof reply?.reason === 'string' ? reply.reason : undefined;
    if (status > 299 || typeof reply?.granted !== 'boolean') {
      // Status 0: the opaque answer to a redirect, which is not followed.
      const what = status ? `HTTP ${status} ${reason ?? 'without {"granted": boolean}'}` : 'redirected (not followed)';
      warnOnce(url + status, `grant URL ${url}: ${what}`);
    }
    return { status, granted: reply?.granted, reason };
  } catch (error) {
    if (!controller.signal.aborted) unreachable(url, error);
    return { status: 0 };
  } finally {
    clearTimeout(timer);
  }
}

/** In development (the sandbox app, the host emulator), checks once at `createIap` that a grant URL on another
 *  origin answers this page: missing CORS shows at once, not after the first purchase's deadline. A simple GET,
 *  which the page can read only when the backend answers CORS for it (ait-iap/server answers 204). A same-origin
 *  URL needs no CORS, and a wrong one is told at the first hand-off, at once. */
export function checkGrantUrl(grant) {
  const url = typeof grant === 'string' ? grant : grant?.url;
  const target = URL.parse?.(url, location.href);
  if (target && target.origin !== location.origin) fetch(target, { credentials: grant.credentials }).catch((error) => unreachable(url, error));
}
