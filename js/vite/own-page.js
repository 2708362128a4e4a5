// Development routes (the Vite plugin's, the sandbox's) answer only the dev server's own page on this machine: a Host
// other than localhost (DNS rebinding) and an `Origin` other than its own are refused, a POST must be JSON (a text/plain POST would skip the CORS preflight), bodies are capped.
import { Readable } from 'node:stream';
import { LOCAL_HOSTS, urlOf } from '../server/cors.js';
import { readJsonBody } from '../server/request-body.js';

/**
 * Why a development route turns `req` away, as `{ status, reason }`, or null. 403: a Host other than localhost,
 * 127.0.0.1 or [::1] (any port), so that a site whose name is made to resolve to this machine (DNS rebinding)
 * cannot reach these routes as its own origin; an `Origin` other than the dev server's own (scheme, host and port
 * of the request's Host), so another site's page cannot use or read it; a request without an Origin (curl, a test)
 * passes. 415: a POST whose body is not declared `application/json`, since a text/plain POST is a "simple request"
 * that any site may send without a CORS preflight.
 */
export function refusalOf(req) {
  const host = hostOf(req);
  if (!LOCAL_HOSTS.has(urlOf(`http://${host}`)?.hostname)) return { status: 403, reason: `Host ${JSON.stringify(host ?? null)} is not this machine (localhost, 127.0.0.1 or [::1])` };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== ownOrigin(req)) return { status: 403, reason: `Origin ${origin} is not this dev server's` };
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (req.method === 'POST' && type !== 'application/json') return { status: 415, reason: 'a POST here must be content-type: application/json' };
  return null;
}

const hostOf = (req) => req.headers.host ?? req.headers[':authority']; // HTTP/2 (a `server.https` dev server) names it so

function ownOrigin(req) {
  const host = hostOf(req);
  if (!host) return null; // without a Host, no Origin matches
  return urlOf(`${req.socket?.encrypted ? 'https' : 'http'}://${host}`)?.origin ?? null;
}

/**
 * The JSON body of a POST from the dev server's own page: `{ value }`, or `{ status, reason }` saying why not:
 * refusalOf's 403 and 415, then ait-iap/server's capped reader's 413 (over 16 KB) and 400 (not UTF-8 JSON).
 */
export async function readOwnJson(req) {
  const refused = refusalOf(req);
  if (refused) return refused;
  return readJsonBody(nodeRequest(req));
}

/** A node:http request's body as a Web Request (its declared length kept, for the reader's early 413). */
export function nodeRequest(req) {
  const length = req.headers['content-length'];
  return new Request('http://dev.invalid/', {
    method: 'POST', headers: length === undefined ? {} : { 'content-length': length }, body: Readable.toWeb(req), duplex: 'half',
  });
}
