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
 *  status 0 when nothing answered (network, CORS, CSP, or `timeoutMs` passed); `granted` and `reason` as the JSON
 *  body had them. Never rejects. */
export async function postGrant(url, appHeaders, credentials, body, orderId, timeoutMs) {
  const own = Object.keys(appHeaders).join().toLowerCase();
  const headers = { ...appHeaders };
  if (!own.includes('content-type')) headers['Content-Type'] = 'application/json';
  if (!own.includes('idempotency-key')) headers['Idempotency-Key'] = orderId;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, { method: 'POST', headers, credentials, body, signal: controller.signal });
    const { status } = response;
    const reply = await response.json().catch(() => ({}));
    const reason = typeof reply?.reason === 'string' ? reply.reason : undefined;
    if (status > 299 || typeof reply?.granted !== 'boolean') {
      warnOnce(url + status, `grant URL ${url}: HTTP ${status} ${reason ?? 'without {"granted": boolean}'}`);
    }
    return { status, granted: reply?.granted, reason };
  } catch (error) {
    if (!controller.signal.aborted) unreachable(url, error);
    return { status: 0 };
  } finally {
    clearTimeout(timer);
  }
}

/** In development (the sandbox app, the host emulator), checks once at `createIap` that the grant URL answers this
 *  page: a wrong URL or missing CORS shows at once, not after the first purchase's deadline. Same origin: OPTIONS
 *  (404: no route there). Another origin: a simple GET, readable only when the backend answers CORS for this page. */
export function checkGrantUrl(grant) {
  const url = typeof grant === 'string' ? grant : grant?.url;
  const target = URL.parse?.(url, location.href);
  if (!target) return;
  const sameOrigin = target.origin === location.origin;
  fetch(target, { method: sameOrigin ? 'OPTIONS' : 'GET', credentials: grant.credentials }).then(
    ({ status }) => status === 404 && warnOnce(url + status, `grant URL ${url}: HTTP 404`),
    (error) => unreachable(url, error),
  );
}
