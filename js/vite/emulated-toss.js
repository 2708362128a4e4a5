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

/** The orders the host emulator mirrors, and a `getOrderStatus` over them with the Toss API client's shape. */
export function createEmulatedToss() {
  const orders = new Map();
  return {
    orders,
    record(order) {
      if (typeof order?.orderId === 'string') orders.set(order.orderId, order);
    },
    async getOrderStatus(orderId) {
      const status = orderStatusOf(orders.get(orderId));
      return { status, reason: STATUS_REASONS[status] };
    },
  };
}
