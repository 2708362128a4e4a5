// Tiny JSON helpers for the node:http servers.
// The body reader lives in the reference handler, which must stay a single file to copy.
export { readJson } from './grant-handler.mjs';

export function sendJson(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}

export const pathOf = (req) => new URL(req.url, 'http://localhost').pathname;
