// The emulated Toss server side: the order ledger mirrored from the host emulator (over plain HTTP, from the
// page), and the partner API `POST /api-partner/v1/apps-in-toss/order/get-order-status` answered over it with the
// documented request, header and response, over HTTPS that requires the partner's client certificate (mTLS),
// as the real one does.
import https from 'node:https';
import { ownJson, readJson, refused, sendJson, pathOf } from './http-json.mjs';
import { ORDER_STATUS_PATH } from '../js/server/order-status.js';
import { orderStatusAnswer, orderStatusOf } from '../js/vite/emulated-toss.js';
export { ORDER_STATUS_PATH };

/**
 * @param {{ miniAppId?: string, paidStatus?: 'PAYMENT_COMPLETED'|'PURCHASED' }} [options]
 *   paidStatus: how a paid-but-ungranted order is reported (the docs disagree; both mean paid).
 */
export function createTossServer({ miniAppId = 'ait-iap-sandbox', paidStatus = 'PAYMENT_COMPLETED' } = {}) {
  /** orderId → the order as the host emulator last mirrored it. */
  const orders = new Map();
  /** orderId → status forced by a test (ORDER_IN_PROGRESS, ERROR, ...). */
  const overrides = new Map();
  /** orderId → fields of the `success` object forced by a test (another sku, a missing one, a wrong type). */
  const answerOverrides = new Map();
  const statusRequests = [];
  /** How get-order-status answers: 'normal', or broken for a test: 'fail', 'fail-beside-paid', 'not-json', '5xx', 'hang'. */
  let answer = 'normal';

  function statusOf(orderId) {
    if (overrides.has(orderId)) return overrides.get(orderId);
    return orderStatusOf(orders.get(orderId), { miniAppId, paidStatus });
  }

  async function orderStatus(req, res) {
    const body = await readJson(req);
    const userKey = req.headers['x-toss-user-key'];
    statusRequests.push({ orderId: body?.orderId, userKey, at: Date.now() });
    if (answer === 'hang') return;
    if (answer === '5xx') return res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
    if (answer === 'not-json') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
    if (answer === 'fail') return sendJson(res, 200, { resultType: 'FAIL', error: { errorCode: 'INTERNAL', reason: '일시적인 오류입니다.' } });
    if (answer === 'fail-beside-paid') { // a FAIL envelope that also carries a paid `success`: FAIL decides
      const success = orderStatusAnswer(body?.orderId, orders.get(body?.orderId), { miniAppId, paidStatus }, paidStatus);
      return sendJson(res, 200, { resultType: 'FAIL', error: { errorCode: 'INTERNAL', reason: '일시적인 오류입니다.' }, success });
    }
    if (!userKey) return sendJson(res, 200, { resultType: 'FAIL', error: { errorCode: 'INVALID_USER_KEY', reason: 'x-toss-user-key 헤더가 필요합니다.' } });
    if (typeof body?.orderId !== 'string') return sendJson(res, 200, { resultType: 'FAIL', error: { errorCode: 'INVALID_REQUEST', reason: 'orderId가 필요합니다.' } });
    const success = orderStatusAnswer(body.orderId, orders.get(body.orderId), { miniAppId, paidStatus }, statusOf(body.orderId));
    sendJson(res, 200, { resultType: 'SUCCESS', success: { ...success, ...answerOverrides.get(body.orderId) } });
  }

  /** The emulator's HTTP routes (the page mirrors its orders here; tests force statuses). */
  async function handle(req, res) {
    const path = pathOf(req);
    if (path === '/__emulator/orders' && req.method === 'POST') {
      const body = await ownJson(req, res);
      if (!body) return true;
      if (typeof body.value?.orderId === 'string') orders.set(body.value.orderId, body.value);
      sendJson(res, 200, { ok: true });
      return true;
    }
    if (path === '/__emulator/orders' && req.method === 'GET') {
      if (!refused(req, res)) sendJson(res, 200, { orders: [...orders.values()] });
      return true;
    }
    if (path === '/__emulator/order-status' && req.method === 'POST') {
      const body = await ownJson(req, res);
      if (!body) return true;
      const { orderId, status } = body.value ?? {};
      if (status) overrides.set(orderId, status);
      else overrides.delete(orderId);
      sendJson(res, 200, { orderId, status: statusOf(orderId) });
      return true;
    }
    return false;
  }

  /**
   * The partner API over HTTPS on its own port: Toss's server certificate, and only clients whose certificate
   * `certs.ca` signed (and in date) get an answer. Resolves `{ url, close }`.
   */
  async function listenTls(certs, { port = 0, host = '127.0.0.1' } = {}) {
    const server = https.createServer({ ...certs.server, ca: certs.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      if (pathOf(req) === ORDER_STATUS_PATH && req.method === 'POST') return orderStatus(req, res);
      res.writeHead(404).end();
    });
    await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
    return {
      url: `https://localhost:${server.address().port}/`,
      close: () => (server.closeAllConnections(), new Promise((r) => server.close(r))),
    };
  }

  return { handle, listenTls, orders, overrides, answerOverrides, statusRequests, statusOf, setAnswer: (mode) => { answer = mode; } };
}
