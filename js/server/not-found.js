// The answer for a path your backend does not serve, readable by an allowed page: a wrong grant URL then shows
// in the browser (and in the client's diagnostics) as the 404 it is, not as an unreachable backend. The hand-off is
// preflighted, so the preflight of an unknown path is answered as the grant handler answers it: a browser drops
// the POST after a failed preflight, and never sees its status.
import { checkOrigins, corsHeaders, preflight } from './cors.js';

/** `notFound(request, { allowOrigins })` → a Response: 404 `{"reason":"not found"}` with CORS for an allowed
 *  origin; for an OPTIONS preflight, the grant handler's answer (204 for an allowed origin, 403 otherwise). */
export function notFound(request, { allowOrigins = [] } = {}) {
  const cors = corsHeaders(request.headers.get('origin'), checkOrigins(allowOrigins));
  if (request.method === 'OPTIONS') return preflight(cors);
  return new Response(JSON.stringify({ reason: 'not found' }), {
    status: 404,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...cors },
  });
}
