// A Web `Request → Response` handler as a node:http / Express listener; the handler's second argument carries the
// caller's address, as Deno.serve's does.
import { Readable } from 'node:stream';

const UNCARRIED = new Set(['TRACE', 'CONNECT', 'TRACK']);

/** `http.createServer(toNodeListener(handler))`, or `app.post('/api/iap/grant', toNodeListener(handler))`. */
export function toNodeListener(handler) {
  return async (req, res) => {
    // Methods a Web Request cannot carry (its constructor throws): nothing to log, only a 405.
    if (UNCARRIED.has(req.method)) return void res.writeHead(405, { 'content-type': 'application/json' }).end(JSON.stringify({ granted: false, reason: 'method not allowed' }));
    try {
      // The caller's address as Deno.serve passes it (the subscription webhook's allowIps reads it): the socket's
      // peer, never a header. Behind a proxy that is the proxy: pass clientIp there.
      const response = await handler(toRequest(req), { remoteAddr: { hostname: req.socket?.remoteAddress ?? null } });
      // Answered before the body was read to its end (a 413 on Content-Length): close the connection after the
      // answer, or it stays open waiting for a body nobody reads while the client keeps sending it.
      if (!req.complete) res.shouldKeepAlive = false;
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (e) {
      console.error('[ait-iap/server] request failed:', e);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ granted: false, reason: 'internal error' }));
    }
  };
}

function toRequest(req) {
  let url;
  try {
    // HTTP/2 (node:http2's compatibility API) names the host `:authority`, and has no Host header.
    url = new URL(req.url ?? '/', `http://${req.headers.host ?? req.headers[':authority'] ?? 'localhost'}`);
  } catch {
    url = new URL('http://localhost/');
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2's pseudo-headers (`:method`, `:path`, …) are not headers: a Web Headers refuses their names.
    if (value !== undefined && !name.startsWith(':')) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const init = { method: req.method, headers };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    // Express with a body parser in front has consumed the stream: use what it parsed.
    if (req.body !== undefined && req.readableEnded) init.body = typeof req.body === 'string' || req.body instanceof Uint8Array ? req.body : JSON.stringify(req.body);
    else Object.assign(init, { body: Readable.toWeb(req), duplex: 'half' });
  }
  return new Request(url, init);
}
