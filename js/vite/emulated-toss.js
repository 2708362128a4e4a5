// The Toss server as the host emulator's orders make it: what get-order-status answers for each mirrored order.
// Shared by the Vite plugin's development backend and the sandbox's emulated Toss server.

export const STATUS_REASONS = {
  PURCHASED: '구매 완료된 주문입니다.',
  PAYMENT_COMPLETED: '결제가 완료된 주문입니다.',
  ORDER_IN_PROGRESS: '진행 중인 주문입니다.',
  FAILED: '실패한 주문입니다.',
  REFUNDED: '환불된 주문입니다.',
  NOT_FOUND: '주문을 찾을 수 없습니다.',
  MINIAPP_MISMATCH: '해당 앱에서 판매하는 상품의 주문이 아닙니다.',
  ERROR: '주문 상태가 올바르지 않습니다.',
};

/** get-order-status's status for a mirrored order (undefined: Toss has never seen it). `paidStatus`: the docs
 *  disagree on how a paid-but-ungranted order is reported; both mean paid. */
export function orderStatusOf(order, { miniAppId = 'ait-iap-sandbox', paidStatus = 'PAYMENT_COMPLETED' } = {}) {
  if (!order) return 'NOT_FOUND';
  if (order.miniAppId && order.miniAppId !== miniAppId) return 'MINIAPP_MISMATCH';
  return { paid: paidStatus, completed: 'PURCHASED', refunded: 'REFUNDED', failed: 'FAILED' }[order.status] ?? 'ERROR';
}

/** `yyyy-MM-dd'T'HH:mm:ss` in Korea time, without an offset, as Toss writes `statusDeterminedAt`. */
export function koreaTime(ms) {
  return new Date(ms + 9 * 3_600_000).toISOString().slice(0, 19);
}

/** get-order-status's `success` object for `orderId`, as the real API answers it: the product bought (`sku`) and
 *  when the status was determined (for REFUNDED the refund time); neither for an order Toss has never seen. */
export function orderStatusAnswer(orderId, order, options = {}, status = orderStatusOf(order, options)) {
  const answer = { orderId, status, reason: STATUS_REASONS[status] };
  if (!order) return answer;
  const at = { REFUNDED: order.refundedAt, PURCHASED: order.completedAt }[status] ?? order.paidAt;
  return { orderId, sku: order.sku, statusDeterminedAt: Number.isFinite(at) ? koreaTime(at) : undefined, ...answer };
}

/** The orders the host emulator mirrors, and a `getOrderStatus` over them with the Toss API client's shape. */
export function createEmulatedToss() {
  const orders = new Map();
  return {
    orders,
    record(order) {
      if (typeof order?.orderId === 'string') orders.set(order.orderId, order);
    },
    async getOrderStatus(orderId) {
      const answer = orderStatusAnswer(orderId, orders.get(orderId));
      const determinedAt = answer.statusDeterminedAt ? new Date(`${answer.statusDeterminedAt}+09:00`) : null;
      return { status: answer.status, reason: answer.reason, sku: answer.sku ?? null, determinedAt, answer };
    },
  };
}
