// CORS for the hand-off: the mini-app's page and the partner's backend are different origins, and the POST
// (JSON with an Idempotency-Key header) is preflighted, so without these answers the browser never sends it.

import { AitIapServerError } from './errors.js';

/** This machine's names, as `URL.hostname` writes them (http origins are allowed for these only). */
export const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `allowOrigins` as given, when every entry is an origin: `https://host[:port]`, or `http://` on this machine. */
export function checkOrigins(allowOrigins) {
  if (!Array.isArray(allowOrigins)) throw new AitIapServerError('INVALID_OPTIONS', 'allowOrigins must be an array of origins');
  for (const entry of allowOrigins) {
    const url = typeof entry === 'string' ? urlOf(entry) : null;
    const secure = url?.protocol === 'https:' || (url?.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname));
    if (!url || url.origin !== entry || !secure) {
      throw new AitIapServerError('INVALID_OPTIONS', `allowOrigins: ${JSON.stringify(entry) ?? String(entry)} is not an origin such as "https://mini.example.com" (no path, no trailing slash, no "*"; http only for localhost)`);
    }
  }
  return allowOrigins;
}

/** `text` as a URL, or null when it is none. */
export function urlOf(text) {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** The headers that let `origin` read the reply when it is allowed; `vary: origin` always, so that a cache never
 *  serves one origin's answer (with or without the allow headers) to another. */
export function corsHeaders(origin, allowOrigins) {
  if (!origin || !allowOrigins.includes(origin)) return { vary: 'origin' };
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true', // for `grant: { credentials: 'include' }`
    vary: 'origin',
  };
}

/** The answer to a preflight: 204 with what the hand-off needs for an allowed origin, 403 otherwise; never cached
 *  by a shared cache (the browser keeps an allowed one `access-control-max-age`). */
export function preflight(cors) {
  const headers = { ...cors, 'cache-control': 'no-store' };
  if (!cors['access-control-allow-origin']) return new Response(null, { status: 403, headers });
  return new Response(null, {
    status: 204,
    headers: {
      ...headers,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type, idempotency-key, authorization',
      'access-control-max-age': '600',
    },
  });
}
