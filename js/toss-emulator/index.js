// ait-iap/toss-emulator: Toss's partner API for your backend in development (`npx ait-iap toss-emulator`, or the
// Vite plugin's `tossEmulator` option). `POST /api-partner/v1/apps-in-toss/order/get-order-status` over HTTPS that
// requires the partner's client certificate (mTLS, a throwaway CA made with openssl), answered as Toss answers it,
// about the orders the host emulator made: read from a mirror (`ordersFrom`, e.g. the Vite plugin's
// /__emulator/orders), POSTed to this emulator's own mirror over plain HTTP, or looked up in-process (`lookup`).
// The sandbox and the repository's tests run the same server (server/toss-server.mjs), with their test switches.
import http from 'node:http';
import https from 'node:https';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ORDER_STATUS_PATH } from '../server/order-status.js';
import { orderStatusAnswer, orderStatusOf } from '../vite/emulated-toss.js';
import { readJsonBody } from '../server/request-body.js';
import { nodeRequest, readOwnJson, refusalOf } from '../vite/own-page.js';
import { emulatorCertificates } from './certs.js';
import { SUBSCRIPTIONS_PATH, createTimeTravel } from './time-travel.js';

export { ORDER_STATUS_PATH, SUBSCRIPTIONS_PATH, emulatorCertificates };
export { OpensslMissingError } from './certs.js';

/** The HTTPS port `npx ait-iap toss-emulator` listens on unless told otherwise; its order mirror is the next one. */
export const DEFAULT_PORT = 7443;
/** Where the host emulator's orders are POSTed (`mirrorUrl`) and read (GET), here as in the Vite plugin. */
export const MIRROR_PATH = '/__emulator/orders';

const FAIL = (errorCode, reason, more) => ({ resultType: 'FAIL', error: { errorCode, reason, ...more } });
/** The test switch that forces a status: the sandbox's and the tests' server only, never the CLI's mirror. */
const FORCE_PATH = '/__emulator/order-status';

/**
 * The emulated partner API and its order mirror, not listening yet.
 * @param {{ miniAppId?: string, paidStatus?: 'PAYMENT_COMPLETED'|'PURCHASED', ordersFrom?: string,
 *   lookup?: (orderId: string) => object | undefined, log?: (line: string) => void,
 *   notifications?: { url?: string, secret?: string, scheme?: 'Bearer'|'Basic' } }} [options]
 *   miniAppId: the host emulator's (orders of another mini-app are MINIAPP_MISMATCH); paidStatus: how a
 *   paid-but-ungranted order is reported (the docs disagree; both mean paid); ordersFrom: a mirror's URL, read
 *   before each answer; lookup: orders kept elsewhere in this process (the Vite plugin's); log: one line per answer;
 *   notifications: where the mirror's POST /__emulator/subscriptions sends subscription notifications (time-travel.js).
 */
export function createTossEmulator({ miniAppId = 'ait-iap-sandbox', paidStatus = 'PAYMENT_COMPLETED', ordersFrom, lookup, log, notifications } = {}) {
  /** orderId → the order as the host emulator last mirrored it. */
  const orders = new Map();
  /** orderId → status forced by a test (ORDER_IN_PROGRESS, ERROR, ...). */
  const overrides = new Map();
  /** orderId → fields of the `success` object forced by a test (another sku, a missing one, a wrong type). */
  const answerOverrides = new Map();
  const statusRequests = [];
  /** How get-order-status answers: 'normal', or broken for a test: 'fail', 'fail-beside-paid', 'not-json', '5xx', 'hang'. */
  let answer = 'normal';
  /** Over Toss's rate limit (3,000 a minute) for the next `times` answers: error 4095 with `retryAfterSeconds`. */
  let rateLimit = { times: 0, retryAfterSeconds: 1 };
  let mirrorTrouble = null;

  const record = (order) => {
    if (typeof order?.orderId === 'string') orders.set(order.orderId, order);
  };
  const orderOf = (orderId) => orders.get(orderId) ?? lookup?.(orderId);
  const timeTravel = createTimeTravel({ orderOf, refresh: () => readMirror(), notifications, log });

  function statusOf(orderId) {
    if (overrides.has(orderId)) return overrides.get(orderId);
    return orderStatusOf(orderOf(orderId), { miniAppId, paidStatus });
  }

  /** The mirror at `ordersFrom`, read again: the host emulator's orders as they are now (paid, completed, refunded). */
  async function readMirror() {
    if (!ordersFrom) return;
    try {
      const res = await fetch(ordersFrom, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(3000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const list = (await res.json())?.orders;
      if (!Array.isArray(list)) throw new Error('the answer has no "orders" array');
      list.forEach(record);
      mirrorTrouble = null;
    } catch (e) {
      const trouble = e?.cause?.code ?? e?.message ?? String(e);
      if (trouble !== mirrorTrouble) log?.(`could not read the orders at ${ordersFrom} (${trouble}): answering from the orders known here`);
      mirrorTrouble = trouble;
    }
  }

  /** Toss's own API, not a page's dev route: mTLS decides who may ask, and the Host is whatever name the caller
   *  used for Toss (a Worker's mTLS binding keeps Toss's host name), so the dev routes' Host gate does not apply. */
  async function orderStatus(req, res) {
    const body = (await readJsonBody(nodeRequest(req))).value;
    const userKey = req.headers['x-toss-user-key'];
    const orderId = body?.orderId;
    statusRequests.push({ orderId, userKey, at: Date.now() });
    if (answer === 'hang') return;
    if (rateLimit.times > 0) {
      rateLimit.times -= 1;
      return said(res, orderId, FAIL('4095', '요청이 너무 많습니다. 잠시 후 다시 시도해주세요.', { retryAfterSeconds: rateLimit.retryAfterSeconds }));
    }
    if (answer === '5xx') return res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
    if (answer === 'not-json') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
    if (answer === 'fail') return send(res, 200, FAIL('INTERNAL', '일시적인 오류입니다.'));
    if (answer === 'fail-beside-paid') { // a FAIL envelope that also carries a paid `success`: FAIL decides
      const success = orderStatusAnswer(orderId, orderOf(orderId), { miniAppId, paidStatus }, paidStatus);
      return send(res, 200, { ...FAIL('INTERNAL', '일시적인 오류입니다.'), success });
    }
    if (!userKey) return said(res, orderId, FAIL('INVALID_USER_KEY', 'x-toss-user-key 헤더가 필요합니다.'));
    if (typeof orderId !== 'string') return said(res, orderId, FAIL('INVALID_REQUEST', 'orderId가 필요합니다.'));
    await readMirror();
    const success = orderStatusAnswer(orderId, orderOf(orderId), { miniAppId, paidStatus }, statusOf(orderId));
    said(res, orderId, { resultType: 'SUCCESS', success: { ...success, ...answerOverrides.get(orderId) } });
  }

  function said(res, orderId, value) {
    const what = value.success ? `${value.success.status}${value.success.sku ? ` (${value.success.sku})` : ''}` : `FAIL ${value.error.errorCode}`;
    log?.(`get-order-status ${orderId === undefined ? '(no orderId)' : JSON.stringify(orderId)} → ${what}`);
    send(res, 200, value);
  }

  /**
   * The mirror's routes and the tests' switch, on a plain HTTP server: POST and GET `/__emulator/orders` (the host
   * emulator's `mirrorUrl`), POST `/__emulator/order-status` `{orderId, status}` (a forced status; none: back to the
   * order's own), GET and POST /__emulator/subscriptions (time travel: time-travel.js). The Vite plugin's rules (js/vite/own-page.js): a request from a page of another origin gets 403, a
   * POST must be JSON. A path that does not parse (`//`) gets 400. With `{ forcing: false }` (the CLI's mirror) the
   * forced-status switch is not served. Resolves true when it answered.
   */
  async function handle(req, res, { forcing = true } = {}) {
    const path = pathOf(req);
    if (path === null) return send(res, 400, { reason: 'not a request path' }), true;
    if (await timeTravel.handle(req, res)) return true;
    if (path !== MIRROR_PATH && !(forcing && path === FORCE_PATH)) return false;
    if (req.method === 'GET' && path === MIRROR_PATH) {
      const refused = refusalOf(req);
      if (refused) send(res, refused.status, { reason: refused.reason });
      else send(res, 200, { orders: [...orders.values()] });
      return true;
    }
    if (req.method !== 'POST') return send(res, 405, { reason: 'GET or POST' }), true;
    const body = await readOwnJson(req);
    if (!('value' in body)) return send(res, body.status, { reason: body.reason }), true;
    if (path === MIRROR_PATH) {
      record(body.value);
      send(res, 200, { ok: true });
      return true;
    }
    const { orderId, status } = body.value ?? {};
    if (status) overrides.set(orderId, status);
    else overrides.delete(orderId);
    send(res, 200, { orderId, status: statusOf(orderId) });
    return true;
  }

  /**
   * The partner API over HTTPS: Toss's server certificate, and an answer only for clients whose certificate
   * `certs.ca` signed (and in date). Resolves `{ url, close }`.
   */
  async function listenTls(certs, { port = 0, host = '127.0.0.1' } = {}) {
    const server = https.createServer({ ...certs.server, ca: certs.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const path = pathOf(req);
      if (path === ORDER_STATUS_PATH && req.method === 'POST') return void orderStatus(req, res).catch((e) => failed(res, e));
      log?.(`${req.method} ${JSON.stringify(req.url)}: not a partner API path this emulator answers (${path === null ? 400 : 404})`);
      res.writeHead(path === null ? 400 : 404).end();
    });
    let turnedAway = 0;
    server.on('tlsClientError', (error) => {
      // Once, then every 20th: a backend without TOSS_CERT/TOSS_KEY retries, and each try is refused.
      if (turnedAway++ % 20 === 0) log?.(`a client without a certificate from this emulator's CA was turned away (${error.code ?? error.message}): give your backend the TOSS_CERT and TOSS_KEY printed above`);
    });
    return listening(server, port, host, 'https');
  }

  /** A request that threw: answered 500 (when nothing was yet), and logged; the process goes on. */
  function failed(res, error) {
    log?.(`a request failed: ${error?.stack ?? error}`);
    if (!res.headersSent) send(res, 500, { reason: 'internal error' });
    else res.destroy();
  }

  /** The order mirror (handle, without the test switch FORCE_PATH) on its own plain HTTP port. Resolves `{ url, close }`. */
  async function listenMirror({ port = 0, host = '127.0.0.1' } = {}) {
    const server = http.createServer((req, res) => {
      handle(req, res, { forcing: false })
        .then((answered) => answered || send(res, 404, { reason: `this is the Toss emulator's order mirror: ${MIRROR_PATH}` }))
        .catch((e) => failed(res, e));
    });
    return listening(server, port, host, 'http');
  }

  return {
    handle, listenTls, listenMirror, record, orders, overrides, answerOverrides, statusRequests, statusOf, timeTravel,
    setAnswer: (mode) => { answer = mode; },
    /** The next `times` get-order-status answers are Toss's rate limit (4095, `retryAfterSeconds`); 0 ends it. */
    setRateLimit: ({ times = Infinity, retryAfterSeconds = 1 } = {}) => { rateLimit = { times, retryAfterSeconds }; },
  };
}

/**
 * Certificates in `dir` (made once), the partner API on `port` and the order mirror on `mirrorPort` (default the
 * next port; `false`: none), the backend's environment written to `dir`/toss.env. Resolves
 * `{ url, mirrorUrl, env, envFile, dir, emulator, close }`. Rejects with OpensslMissingError without openssl, and
 * with a message naming the port when it is taken.
 */
export async function startTossEmulator({ dir, port = DEFAULT_PORT, mirrorPort, host = '127.0.0.1', ...options } = {}) {
  const certs = emulatorCertificates(dir);
  const emulator = createTossEmulator(options);
  const tls = await emulator.listenTls(certs, { port, host });
  let mirror = null;
  if (mirrorPort !== false) {
    try {
      mirror = await emulator.listenMirror({ port: mirrorPort ?? (port ? port + 1 : 0), host });
    } catch (e) {
      await tls.close();
      throw e;
    }
  }
  const env = backendEnvironment(certs, tls.url);
  const envFile = join(dir, 'toss.env');
  writeFileSync(envFile, envLines(env), { mode: 0o600 }); // it holds the client key
  return {
    url: tls.url, mirrorUrl: mirror && new URL(MIRROR_PATH, mirror.url).href, env, envFile, dir, emulator,
    close: async () => { await Promise.all([tls.close(), mirror?.close()]); },
  };
}

/** What the partner's backend needs to reach the emulator, in shapes createTossApi takes: base64 of each PEM
 *  (one line, for an environment variable or a .env file) and the base URL. */
export function backendEnvironment(certs, url) {
  const base64 = (pem) => Buffer.from(pem).toString('base64');
  return { TOSS_CERT: base64(certs.client.cert), TOSS_KEY: base64(certs.client.key), TOSS_CA: base64(certs.ca), TOSS_API_BASE_URL: url };
}

/** `NAME=value` lines, as a .env file or `node --env-file` reads them. */
export const envLines = (env) => Object.entries(env).map(([name, value]) => `${name}=${value}\n`).join('');

/** The request's path, or null when it is none (`//`, `//:x`: `new URL` throws on them). */
function pathOf(req) {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return null;
  }
}

function send(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(value));
}

async function listening(server, port, host, scheme) {
  await new Promise((resolve, reject) => {
    server.once('error', (e) => reject(e.code === 'EADDRINUSE' ? Object.assign(new Error(`port ${port} on ${host} is in use: choose another (--port N, or port: N)`), { code: e.code }) : e));
    server.listen(port, host, resolve);
  });
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host; // as certificates name it
  return {
    url: `${scheme}://${shown}:${server.address().port}`,
    close: () => (server.closeAllConnections(), new Promise((r) => server.close(r))),
  };
}
