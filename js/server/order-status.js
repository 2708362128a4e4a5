// The answers of Toss's get-order-status, and what each means for a grant (section 3 of the guide; the docs
// disagree on PURCHASED vs PAYMENT_COMPLETED, so both mean paid).

export const ORDER_STATUS_PATH = '/api-partner/v1/apps-in-toss/order/get-order-status';

export const ORDER_STATUSES = Object.freeze([
  'PURCHASED', 'PAYMENT_COMPLETED', 'ORDER_IN_PROGRESS', 'FAILED', 'REFUNDED', 'NOT_FOUND', 'MINIAPP_MISMATCH', 'ERROR',
]);

/** Paid: grant it. */
export const PAID = new Set(['PURCHASED', 'PAYMENT_COMPLETED']);
/** Right after payment Toss may not know the order yet: try again later (the client retries a 5xx). */
export const NOT_YET = new Set(['ORDER_IN_PROGRESS', 'NOT_FOUND', 'ERROR']);
/** Anything else (FAILED, REFUNDED, MINIAPP_MISMATCH) is refused. */
