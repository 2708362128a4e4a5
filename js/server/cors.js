// CORS for the hand-off: the mini-app's page and the partner's backend are different origins, and the POST
// (JSON with an Idempotency-Key header) is preflighted, so without these answers the browser never sends it.

import { AitIapServerError } from './errors.js';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `allowOrigins` as given, when every entry is an origin: `https://host[:port]`, or `http://` on this machine. */
export function checkOrigins(allowOrigins) {
  if (!Array.isArray(allowOrigins)) throw new AitIapServerError('INVALID_OPTIONS', 'allowOrigins must be an array of origins');
  for (const entry of allowOrigins) {
    const url = typeof entry === 'string' ? parse(entry) : null;
    const secure = url?.protocol === 'https:' || (url?.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname));
    if (!url || url.origin !== entry || !secure) {
      throw new AitIapServerError('INVALID_OPTIONS', `allowOrigins: ${JSON.stringify(entry) ?? String(entry)} is not an origin such as "https://mini.example.com" (no path, no trailing slash, no "*"; http only for localhost)`);
    }
  }
  return allowOrigins;
}

function parse(text) {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** The headers that let `origin` read the reply, or none when it is not allowed. */
export function corsHeaders(origin, allowOrigins) {
  if (!origin || !allowOrigins.includes(origin)) return null;
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true', // for `grant: { credentials: 'include' }`
    vary: 'origin',
  };
}

/** The answer to a preflight: 204 with what the hand-off needs for an allowed origin, 403 otherwise. */
export function preflight(allowed) {
  if (!allowed) return new Response(null, { status: 403 });
  return new Response(null, {
    status: 204,
    headers: {
      ...allowed,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type, idempotency-key, authorization',
      'access-control-max-age': '600',
    },
  });
}
