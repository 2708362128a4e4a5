// ait-iap/server: the partner backend's half of the purchase guarantee. Verify each orderId with Toss over mTLS,
// grant it exactly once on PostgreSQL (or PGlite), answer the client's hand-off, and take back refunded orders;
// record Toss's subscription notifications and answer what a user is entitled to.
export { AitIapServerError } from './errors.js';
export { createTossApi, TOSS_API_BASE_URL } from './toss-api.js';
export { ORDER_STATUSES, ORDER_STATUS_PATH } from './order-status.js';
export { normalizePem } from './pem.js';
export { postgresLedger, ledgerDdl, LEDGER_SCHEMA_VERSION } from './ledger.js';
export { subscriptionDdl } from './subscription-schema.js';
export { GRACE_ALLOWANCE_MS } from './subscription-ledger.js';
export { memoryLedger } from './memory-ledger.js';
export { createGrantHandler } from './grant-handler.js';
export { toNodeListener } from './node-listener.js';
export { notFound } from './not-found.js';
export { reconcile } from './reconcile.js';
export { createSubscriptionWebhookHandler } from './subscription-webhook.js';
export { createEntitlementsHandler } from './entitlements-handler.js';
export { TOSS_NOTIFICATION_IPS } from './webhook-auth.js';
export {
  subscriptionNotification, parseSubscriptionNotification, notificationTime, koreaTimeText,
  SUBSCRIPTION_CHANGE_REASONS, SUBSCRIPTION_STATUSES,
} from './subscription-notification.js';
