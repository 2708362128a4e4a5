// Tiny JSON helpers for the node:http servers of the sandbox (the emulated Toss server, the dev backend). Their
// routes follow the Vite plugin's rules (js/vite/own-page.js): only the sandbox's own page
// (or a client that sends no Origin, as tests and the Toss API client do), POSTs as application/json, bodies capped.
import { readOwnJson, refusalOf } from '../js/vite/own-page.js';

/** The request's JSON body, or undefined when it is refused, over the cap or not JSON. */
export const readJson = async (req) => (await readOwnJson(req)).value;

/** The JSON body of a POST from the sandbox's own page as `{ value }`, or null once the refusal is answered
 *  (403 another origin, 415 not application/json, 413 too large, 400 not JSON). */
export async function ownJson(req, res) {
  const body = await readOwnJson(req);
  if ('value' in body) return body;
  sendJson(res, body.status, { reason: body.reason });
  return null;
}

/** True once a request from another origin is answered 403 (refusalOf), for the routes that read no body. */
export function refused(req, res) {
  const refusal = refusalOf(req);
  if (refusal) sendJson(res, refusal.status, { reason: refusal.reason });
  return refusal !== null;
}

export function sendJson(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}

export const pathOf = (req) => new URL(req.url, 'http://localhost').pathname;
