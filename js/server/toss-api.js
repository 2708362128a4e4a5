// The Toss partner API client: get-order-status over mTLS (node:https with the partner's certificate), or over
// a `fetch` the runtime gives (Cloudflare's mTLS binding, Deno.createHttpClient). Verification of Toss's server
// certificate is always on: there is deliberately no option to turn it off. A redirect is never followed, and an
// answer over 64 KB is refused without being buffered.
import https from 'node:https';
import { AitIapServerError, tossTransient } from './errors.js';
import { checkOrderId, checkSku, checkUserKey } from './ids.js';
import { readCapped } from './request-body.js';
import { beforeAbort } from './deadline.js';
import { ORDER_STATUSES, ORDER_STATUS_PATH } from './order-status.js';
import { parseCertificates, parseClientIdentity } from './pem.js';

export const TOSS_API_BASE_URL = 'https://apps-in-toss-api.toss.im';
const MAX_BODY = 64 * 1024;
/** get-order-status's error code for "over 3,000 requests a minute" (with `retryAfterSeconds`). */
const RATE_LIMITED = '4095';
/** Toss's `retryAfterSeconds` is honoured within these bounds (one minute when it names none). */
const RETRY_AFTER_MS = { min: 1000, max: 3_600_000, unsaid: 60_000 };

/**
 * @param {{ cert?: string|Uint8Array, key?: string|Uint8Array, ca?: string|Uint8Array, baseUrl?: string,
 *           fetch?: typeof fetch, timeoutMs?: number }} options
 */
export function createTossApi({ cert, key, ca, baseUrl = TOSS_API_BASE_URL, fetch: fetchFn, timeoutMs = 5000 } = {}) {
  let url;
  try {
    url = new URL(ORDER_STATUS_PATH, baseUrl);
  } catch {
    throw new AitIapServerError('INVALID_OPTIONS', `baseUrl is not a URL: ${JSON.stringify(baseUrl)}`);
  }
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0 && timeoutMs <= 60_000)) {
    throw new AitIapServerError('INVALID_OPTIONS', `timeoutMs must be a number of milliseconds in (0, 60000], got ${timeoutMs}`);
  }
  // Node turns every TLS check of the process off with this variable: the partner API's answers would then be
  // anyone's word. Refuse to start rather than verify nothing.
  refuseUnverifiedTls();
  if (url.protocol !== 'https:') throw new AitIapServerError('INVALID_OPTIONS', `baseUrl must be https (mTLS), got ${url.protocol}`);
  let post;
  if (fetchFn !== undefined) {
    if (typeof fetchFn !== 'function') throw new AitIapServerError('INVALID_OPTIONS', 'fetch must be a function');
    post = fetchPost(fetchFn);
  } else {
    if (cert === undefined || key === undefined) {
      throw new AitIapServerError('MISSING_CERT', 'cert and key are required: the partner API needs the client certificate from the Apps-in-Toss console (or pass a fetch that does mTLS)');
    }
    const identity = parseClientIdentity(cert, key);
    // rejectUnauthorized said explicitly: Node's default follows NODE_TLS_REJECT_UNAUTHORIZED at each connection,
    // so a variable set after this point would otherwise turn verification off.
    const agent = new https.Agent({ ...identity, ...(ca === undefined ? {} : { ca: parseCertificates(ca, 'ca').pem }), keepAlive: true, rejectUnauthorized: true });
    post = httpsPost(agent);
  }

  async function getOrderStatus(orderId, userKey) {
    checkOrderId(orderId);
    checkUserKey(userKey);
    const headers = { 'content-type': 'application/json', 'x-toss-user-key': userKey };
    const body = JSON.stringify({ orderId });
    const deadline = AbortSignal.timeout(timeoutMs);
    let reply;
    for (let attempt = 1; ; attempt++) {
      try {
        // The deadline holds even for a fetch that ignores its signal (a partner's wrapper, a body not tied to it).
        reply = await beforeAbort(post(url, headers, body, deadline), deadline);
        break;
      } catch (e) {
        const error = networkError(e, deadline);
        if (attempt >= 2 || error.code !== 'TOSS_UNREACHABLE') throw error;
      }
    }
    return readOrderStatus(reply, orderId);
  }

  return { getOrderStatus, close: () => post.close?.() };
}

/** What Toss answered about one order, typed: `{ status, reason, sku, determinedAt, answer }` (`sku` the product
 *  Toss says was bought, or null when its answer names none; `determinedAt` a Date, or null; `answer` Toss's
 *  `success` object as it came, for the ledger's evidence). A reply that is not that is a typed transient error. */
function readOrderStatus({ status, text }, orderId) {
  if (text === null) throw tossTransient('TOSS_BAD_RESPONSE', `get-order-status answered more than ${MAX_BODY / 1024} KB`, { status });
  if (status >= 500) throw tossTransient('TOSS_HTTP_ERROR', `get-order-status answered HTTP ${status}`, { status });
  if (status < 200 || status >= 300) throw tossTransient('TOSS_HTTP_ERROR', `get-order-status answered HTTP ${status} (is the certificate registered for this app?)`, { status });
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw tossTransient('TOSS_BAD_RESPONSE', `get-order-status answered something that is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  // Business errors come as HTTP 200 with resultType FAIL; a `success` beside it is not an answer.
  if (body?.resultType !== 'SUCCESS') {
    const error = body?.error ?? {};
    if (String(error.errorCode) === RATE_LIMITED) {
      const retryAfterMs = retryAfterMsOf(error.retryAfterSeconds ?? body.retryAfterSeconds);
      throw tossTransient('TOSS_RATE_LIMITED', `get-order-status answered ${RATE_LIMITED} (over Toss's rate limit): try again in ${retryAfterMs / 1000} s`, { tossErrorCode: error.errorCode, retryAfterMs });
    }
    throw tossTransient('TOSS_RESULT_FAIL', `get-order-status answered resultType ${JSON.stringify(body?.resultType)}: ${error.errorCode ?? ''} ${error.reason ?? ''}`.trim(), { tossErrorCode: error.errorCode });
  }
  const answer = body.success;
  const bad = (what) => tossTransient('TOSS_BAD_RESPONSE', `get-order-status answered ${what}`);
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw bad('no success object');
  if (!ORDER_STATUSES.includes(answer.status)) throw bad(`an unknown status ${JSON.stringify(answer.status)}`);
  if (answer.orderId !== undefined && answer.orderId !== orderId) throw bad(`for another order (${JSON.stringify(answer.orderId)})`);
  let sku = null;
  if (answer.sku !== undefined && answer.sku !== null) {
    try {
      sku = checkSku(answer.sku, "Toss's sku");
    } catch (e) {
      throw bad(`a sku that is not one: ${e.message}`);
    }
  }
  return { status: answer.status, reason: typeof answer.reason === 'string' ? answer.reason : '', sku, determinedAt: determinedAtOf(answer.statusDeterminedAt, bad), answer };
}

/** Toss's `retryAfterSeconds` in ms, within RETRY_AFTER_MS (a missing or unreadable one: a minute). */
function retryAfterMsOf(seconds) {
  const ms = Number(seconds) * 1000;
  if (seconds === null || seconds === '' || !Number.isFinite(ms)) return RETRY_AFTER_MS.unsaid;
  return Math.min(RETRY_AFTER_MS.max, Math.max(RETRY_AFTER_MS.min, Math.ceil(ms)));
}

/** Node turns every TLS check of the process off with this variable: the partner API's answers would then be
 *  anyone's word. Checked at creation, and before each call in the fetch mode (a runtime's fetch may honour it,
 *  and nothing here can force it not to). */
function refuseUnverifiedTls() {
  if (globalThis.process?.env?.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
    throw new AitIapServerError('TLS_VERIFICATION_DISABLED', 'NODE_TLS_REJECT_UNAUTHORIZED=0 is set: it turns off verification of Toss\'s server certificate; unset it (for a local Toss emulator pass its CA as `ca`)');
  }
}

const KOREA_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;

/** `statusDeterminedAt` (`yyyy-MM-dd'T'HH:mm:ss`, Korea time, no offset) as a Date; null when absent. */
function determinedAtOf(value, bad) {
  if (value === undefined || value === null) return null;
  const m = typeof value === 'string' && KOREA_TIME.exec(value);
  const [year, month, day, hour, minute, second] = m ? m.slice(1, 7).map(Number) : [];
  const date = m && new Date(`${value.slice(0, 19)}${(m[7] ?? '').slice(0, 4)}${m[8] ?? '+09:00'}`);
  const real = m && month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate() && hour < 24 && minute < 60 && second < 60;
  if (!real || Number.isNaN(date.getTime())) throw bad(`a statusDeterminedAt that is not a time: ${JSON.stringify(value)?.slice(0, 40)}`);
  return date;
}

/** TLS verification codes of Node's tls module: Toss's server certificate is not trusted. */
const UNTRUSTED = /CERT|SELF_SIGNED|UNABLE_TO_|ALTNAME|HOSTNAME/;

function networkError(e, deadline) {
  if (e instanceof AitIapServerError) return e;
  const code = String(e?.code ?? '');
  if (deadline.aborted || e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return tossTransient('TOSS_TIMEOUT', 'get-order-status did not answer in time', { cause: e });
  }
  if ((code.startsWith('ERR_SSL_') && /ALERT/.test(code)) || e?.afterHandshake) {
    return tossTransient('TOSS_CLIENT_CERT_REJECTED', `Toss refused the client certificate (${code}): is it the one registered in the Apps-in-Toss console, and in date?`, { cause: e });
  }
  if (UNTRUSTED.test(code)) {
    return tossTransient('TOSS_SERVER_UNTRUSTED', `Toss's server certificate was not trusted (${code}): nothing was sent`, { cause: e });
  }
  // A runtime's fetch (Deno, workerd, undici) says only "fetch failed": what failed (a TLS alert, a refused
  // connection) is in its cause.
  const why = e?.cause?.message && e.cause.message !== e.message ? ` (${e.cause.message})` : '';
  return tossTransient('TOSS_UNREACHABLE', `get-order-status unreachable: ${e?.message ?? e}${why}`, { cause: e });
}

function httpsPost(agent) {
  const post = (url, headers, body, signal) =>
    new Promise((resolve, reject) => {
      const req = https.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, signal }, (res) => {
        const chunks = [];
        let size = 0;
        res.on('data', (chunk) => {
          size += chunk.length;
          if (size <= MAX_BODY) return void chunks.push(chunk);
          resolve({ status: res.statusCode ?? 0, text: null }); // over the cap: the connection is dropped, nothing kept
          req.destroy();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      // Under TLS 1.3 a server that refuses the client certificate does so after the client's handshake is done:
      // the client sees only a reset on a fresh connection, before any answer.
      let handshaken = false;
      // Only a fresh connection: on a kept-alive socket the listener would never fire, and one per call piled up
      // (a reset there is an idle connection closed, not a refused certificate).
      req.on('socket', (socket) => socket.connecting && socket.once('secureConnect', () => { handshaken = true; }));
      req.on('error', (e) => reject(handshaken && e.code === 'ECONNRESET' ? Object.assign(e, { afterHandshake: true }) : e));
      req.end(body);
    });
  post.close = () => agent.destroy();
  return post;
}

const fetchPost = (fetchFn) => async (url, headers, body, signal) => {
  refuseUnverifiedTls();
  const res = await fetchFn(url.href, { method: 'POST', headers, body, signal, redirect: 'manual' });
  const bytes = res.body ? await readCapped(res.body, MAX_BODY) : new Uint8Array(0);
  return { status: res.status, text: bytes && new TextDecoder().decode(bytes) };
};
