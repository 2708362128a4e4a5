// Tiny JSON helpers for the node:http servers of the sandbox (the emulated Toss server, the dev backend).

/** The request's JSON body, or undefined when it is not JSON (bodies over 64 KB are cut off). */
export function readJson(req) {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text.length < 65536 ? (text += chunk) : req.destroy()));
    req.on('end', () => { try { resolve(JSON.parse(text)); } catch { resolve(undefined); } });
    req.on('error', () => resolve(undefined));
  });
}

export function sendJson(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}

export const pathOf = (req) => new URL(req.url, 'http://localhost').pathname;
