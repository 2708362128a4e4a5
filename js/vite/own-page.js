// Development routes (the Vite plugin's, the sandbox's) answer only the dev server's own page: an `Origin` other
// than its own is refused, a POST must be JSON (a text/plain POST would skip the CORS preflight), bodies are capped.
import { Readable } from 'node:stream';
import { readJsonBody } from '../server/request-body.js';

/**
 * Why a development route turns `req` away, as `{ status, reason }`, or null. 403: an `Origin` other than the dev
 * server's own (scheme, host and port of the request's Host), so another site's page cannot use or read it;
 * a request without one (curl, a test) passes. 415: a POST whose body is not declared `application/json`, since
 * a text/plain POST is a "simple request" that any site may send without a CORS preflight.
 */
export function refusalOf(req) {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== ownOrigin(req)) return { status: 403, reason: `Origin ${origin} is not this dev server's` };
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (req.method === 'POST' && type !== 'application/json') return { status: 415, reason: 'a POST here must be content-type: application/json' };
  return null;
}

function ownOrigin(req) {
  const host = req.headers.host ?? req.headers[':authority']; // HTTP/2 (a `server.https` dev server) names it so
  if (!host) return null; // without a Host, no Origin matches
  try {
    return new URL(`${req.socket?.encrypted ? 'https' : 'http'}://${host}`).origin;
  } catch {
    return null;
  }
}

/**
 * The JSON body of a POST from the dev server's own page: `{ value }`, or `{ status, reason }` saying why not:
 * refusalOf's 403 and 415, then ait-iap/server's capped reader's 413 (over 16 KB) and 400 (not UTF-8 JSON).
 */
export async function readOwnJson(req) {
  const refused = refusalOf(req);
  if (refused) return refused;
  const length = req.headers['content-length'];
  return readJsonBody(new Request('http://dev.invalid/', {
    method: 'POST', headers: length === undefined ? {} : { 'content-length': length }, body: Readable.toWeb(req), duplex: 'half',
  }));
}
