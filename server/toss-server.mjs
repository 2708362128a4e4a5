// The emulated Toss server side: the order ledger mirrored from the host emulator, and the partner API
// `POST /api-partner/v1/apps-in-toss/order/get-order-status` answered over it, with the documented request,
// header and response. (The real API needs mTLS with the partner's certificate; this one runs on loopback.)
import { readJson, sendJson, pathOf } from './http-json.mjs';
import { ORDER_STATUS_PATH } from './grant-handler.mjs';
export { ORDER_STATUS_PATH };

const REASONS = {
  PURCHASED: '구매 완료된 주문입니다.',
  PAYMENT_COMPLETED: '결제가 완료된 주문입니다.',
  ORDER_IN_PROGRESS: '진행 중인 주문입니다.',
  FAILED: '실패한 주문입니다.',
  REFUNDED: '환불된 주문입니다.',
  NOT_FOUND: '주문을 찾을 수 없습니다.',
  MINIAPP_MISMATCH: '해당 앱에서 판매하는 상품의 주문이 아닙니다.',
  ERROR: '주문 상태가 올바르지 않습니다.',
};

/**
 * @param {{ miniAppId?: string, paidStatus?: 'PAYMENT_COMPLETED'|'PURCHASED' }} [options]
 *   paidStatus: how a paid-but-ungranted order is reported (the docs disagree; both mean paid).
 */
export function createTossServer({ miniAppId = 'ait-iap-sandbox', paidStatus = 'PAYMENT_COMPLETED' } = {}) {
  /** orderId → the order as the host emulator last mirrored it. */
  const orders = new Map();
  /** orderId → status forced by a test (ORDER_IN_PROGRESS, ERROR, ...). */
  const overrides = new Map();
  const statusRequests = [];

  function statusOf(orderId) {
    if (overrides.has(orderId)) return overrides.get(orderId);
    const order = orders.get(orderId);
    if (!order) return 'NOT_FOUND';
    if (order.miniAppId && order.miniAppId !== miniAppId) return 'MINIAPP_MISMATCH';
    return { paid: paidStatus, completed: 'PURCHASED', refunded: 'REFUNDED', failed: 'FAILED' }[order.status] ?? 'ERROR';
  }

  async function handle(req, res) {
    const path = pathOf(req);
    if (path === ORDER_STATUS_PATH && req.method === 'POST') {
      const body = await readJson(req);
      const userKey = req.headers['x-toss-user-key'];
      statusRequests.push({ orderId: body?.orderId, userKey, at: Date.now() });
      if (!userKey) return sendJson(res, 200, { resultType: 'FAIL', error: { errorCode: 'INVALID_USER_KEY', reason: 'x-toss-user-key 헤더가 필요합니다.' } }), true;
      if (typeof body?.orderId !== 'string') return sendJson(res, 200, { resultType: 'FAIL', error: { errorCode: 'INVALID_REQUEST', reason: 'orderId가 필요합니다.' } }), true;
      const status = statusOf(body.orderId);
      sendJson(res, 200, { resultType: 'SUCCESS', success: { orderId: body.orderId, status, reason: REASONS[status] } });
      return true;
    }
    if (path === '/__emulator/orders' && req.method === 'POST') {
      const order = await readJson(req);
      if (typeof order?.orderId === 'string') orders.set(order.orderId, order);
      sendJson(res, 200, { ok: true });
      return true;
    }
    if (path === '/__emulator/orders' && req.method === 'GET') {
      sendJson(res, 200, { orders: [...orders.values()] });
      return true;
    }
    if (path === '/__emulator/order-status' && req.method === 'POST') {
      const { orderId, status } = (await readJson(req)) ?? {};
      if (status) overrides.set(orderId, status);
      else overrides.delete(orderId);
      sendJson(res, 200, { orderId, status: statusOf(orderId) });
      return true;
    }
    return false;
  }

  return { handle, orders, overrides, statusRequests, statusOf };
}
