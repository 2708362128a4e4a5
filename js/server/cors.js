// CORS for the hand-off: the mini-app's page and the partner's backend are different origins, and the POST
// (JSON with an Idempotency-Key header) is preflighted, so without these answers the browser never sends it.

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
