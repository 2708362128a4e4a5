// Types of ait-iap/server: the partner backend's half of the purchase guarantee.

/** Every error the server library throws: a JS Error with a stable code. */
export declare class AitIapServerError extends Error {
  name: 'AitIapServerError';
  code:
    | 'INVALID_OPTIONS' | 'MISSING_CERT' | 'INVALID_CERT' | 'INVALID_KEY' | 'INVALID_CA' | 'CERT_EXPIRED' | 'CERT_NOT_YET_VALID'
    | 'CERT_KEY_MISMATCH' | 'INVALID_ORDER_ID' | 'INVALID_USER_KEY' | 'INVALID_SKU' | 'TOSS_RESULT_FAIL' | 'TOSS_BAD_RESPONSE'
    | 'TOSS_HTTP_ERROR' | 'TOSS_TIMEOUT' | 'TOSS_UNREACHABLE' | 'TOSS_CLIENT_CERT_REJECTED' | 'TOSS_SERVER_UNTRUSTED'
    | 'TOSS_RATE_LIMITED' | 'MEMORY_LEDGER_IN_PRODUCTION'
    | 'NO_DATABASE' | 'LEDGER_INCONSISTENT' | 'LEDGER_TOO_NEW' | 'TLS_VERIFICATION_DISABLED' | 'TRANSACTION_CLOSED'
    | 'DELIVERY_TIMEOUT' | 'DELIVERY_FAILED' | 'ORDER_BUSY' | 'DATABASE_UNAVAILABLE'
    // Refusals the grant handler reports to onError (the client is told only "refused"):
    | 'SKU_MISMATCH' | 'UNVERIFIED_ORDER' | 'ORDER_NOT_PAID' | 'OTHER_USER' | 'ENVIRONMENT_REFUSED'
    // The subscription webhook's refusals and flags (Toss is told a short reason):
    | 'INVALID_NOTIFICATION' | 'WEBHOOK_UNAUTHORIZED' | 'WEBHOOK_SOURCE_REFUSED' | 'WEBHOOK_SOURCE_UNKNOWN'
    | 'SUBSCRIPTION_EVENT_CONFLICT' | 'ON_CHANGE_FAILED' | 'ON_CHANGE_TIMEOUT';
  /** True when the same call may succeed later (the order may be paid: answer 5xx, the client retries). */
  transient: boolean;
  /** The HTTP status Toss answered, for TOSS_HTTP_ERROR. */
  status?: number;
  /** Facts for the logs, when they apply: the order, the sku Toss reported and the one the request claimed,
   *  Toss's status and business error code. Never a userKey. */
  orderId?: string;
  tossSku?: string;
  claimedSku?: string | null;
  tossStatus?: OrderStatus;
  tossErrorCode?: string;
  /** For TOSS_RATE_LIMITED: how long Toss asks to wait (its `retryAfterSeconds`, 1 s to 1 h; a minute when unsaid). */
  retryAfterMs?: number;
}

export type OrderStatus = 'PURCHASED' | 'PAYMENT_COMPLETED' | 'ORDER_IN_PROGRESS' | 'FAILED' | 'REFUNDED' | 'NOT_FOUND' | 'MINIAPP_MISMATCH' | 'ERROR';
export declare const ORDER_STATUSES: readonly OrderStatus[];
export declare const ORDER_STATUS_PATH: '/api-partner/v1/apps-in-toss/order/get-order-status';
export declare const TOSS_API_BASE_URL: 'https://apps-in-toss-api.toss.im';

/** PEM text, PEM with literal `\n` escapes, or base64 of a PEM; as a string or bytes. */
export type PemInput = string | Uint8Array;

export interface TossApiOptions {
  cert?: PemInput;
  key?: PemInput;
  /** Replaces the system's root certificates (tests against a local server). */
  ca?: PemInput;
  /** Default `https://apps-in-toss-api.toss.im`. */
  baseUrl?: string;
  /** A fetch that does mTLS itself (Cloudflare's mTLS binding, Deno.createHttpClient); cert and key are then not needed. */
  fetch?: (url: string, init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<Response>;
  /** The whole call, one retry included. Default 5000. */
  timeoutMs?: number;
}

/** What Toss answered about one order. */
export interface OrderStatusAnswer {
  status: OrderStatus;
  reason: string;
  /** The product Toss says was bought; null when its answer names none. */
  sku: string | null;
  /** `statusDeterminedAt` (Korea time) as a Date: when it was paid, or for REFUNDED when it was refunded. */
  determinedAt: Date | null;
  /** Toss's `success` object as it came (the ledger keeps it as evidence). */
  answer?: Record<string, unknown>;
}

export interface TossApi {
  getOrderStatus(orderId: string, userKey: string): Promise<OrderStatusAnswer>;
  /** Closes the kept-alive connections. */
  close(): void;
}

export declare function createTossApi(options: TossApiOptions): TossApi;
/** Plain PEM from any accepted shape; throws INVALID_<NAME> naming `name`. */
export declare function normalizePem(value: PemInput, name: string): string;

/** A client inside the open transaction: `query` as in `pg`. */
export interface Tx {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

/** An order to deliver: `sku` is what Toss reported as paid (or, with acceptClaimedSkuWhenTossOmitsIt, the claim). */
export interface Order {
  orderId: string;
  sku: string;
  userKey: string;
  /** What the client said it ran in: its word, recorded, not verified. */
  environment: 'toss' | 'sandbox';
  /** Where `sku` came from. Default 'toss'. */
  skuSource?: 'toss' | 'claimed';
  /** The sku the request named, or null when it named none. */
  claimedSku?: string | null;
  determinedAt?: Date | null;
  tossAnswer?: Record<string, unknown> | null;
}

export interface Grant extends Order {
  skuSource: 'toss' | 'claimed';
  claimedSku: string | null;
  determinedAt: Date | null;
  grantedAt: Date;
  checkedAt: Date | null;
  checkFailures: number;
  nextCheckAt: Date | null;
  revokedAt: Date | null;
}

export type GrantVerdict = { granted: true; alreadyGranted: boolean } | { granted: false; reason: 'OTHER_USER' | 'OTHER_SKU' | 'REFUNDED' };

export interface Ledger {
  readonly kind: 'postgres' | 'memory';
  /** Creates the table or upgrades it in place; `from` 0 when it was created. `waitMs` (default 0): while the
   *  database is not up yet (DATABASE_UNAVAILABLE), try again for this long. */
  migrate(options?: { waitMs?: number }): Promise<{ from: number; to: number } | void>;
  find(orderId: string): Promise<Grant | null>;
  /** `timeoutMs` (default 5000): a delivery that takes longer rolls back with DELIVERY_TIMEOUT. */
  grantOnce(order: Order, deliver: (order: Order, tx: Tx) => unknown, options?: { timeoutMs?: number }): Promise<GrantVerdict>;
  dueForCheck(before: Date, limit: number, now?: Date): Promise<Grant[]>;
  markChecked(orderId: string, now?: Date): Promise<void>;
  /** A failed check: backs off 5 minutes, doubling, at most a day. */
  markCheckFailed(orderId: string, now?: Date): Promise<{ failures: number; nextCheckAt: Date }>;
  revokeOnce(order: Order, revoke: (grant: Grant, tx: Tx) => unknown): Promise<boolean>;
}

/** A `pg` Pool or a PGlite instance (structurally). */
export type Database =
  | { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>; connect(): Promise<Tx & { release(error?: unknown): void }> }
  | { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>; transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> };

/** `lockTimeoutMs` (default 500): how long a claim waits for another claim of the same order (then ORDER_BUSY, 503). */
/** `onError`: told when a `pg` Pool that has no 'error' listener of yours loses an idle connection (the ledger adds
 *  one so that a database restart cannot end the process; default: one console line). */
/** `nonConsumableSkus`: the one-time products `entitlements()` lists (default: every one-time order granted). */
export declare function postgresLedger(db: Database, options?: { table?: string; lockTimeoutMs?: number; onError?: (error: unknown) => void; nonConsumableSkus?: string[] }): PostgresLedger;
/** The ledger schema this version writes (2: Toss's sku, its evidence, the reconcile back-off; 3: the subscription record). */
export declare const LEDGER_SCHEMA_VERSION: 3;
/** The subscription record's tables (schema 3) beside `table`, as statements, for teams that run their own migrations. */
export declare function subscriptionDdl(table?: string): string[];
/** The ledger table's DDL, for teams that run their own migrations. */
export declare function ledgerDdl(table?: string): string;
/** FOR UNIT TESTS ONLY: in this process's memory; a restart forgets it and two instances grant twice. With
 *  NODE_ENV=production it throws MEMORY_LEDGER_IN_PRODUCTION unless `iUnderstandGrantsAreLostOnRestart: true`. */
export declare function memoryLedger(options?: { iUnderstandGrantsAreLostOnRestart?: boolean }): Ledger & { readonly grants: Map<string, Grant> };

export interface GrantHandlerOptions {
  toss: Pick<TossApi, 'getOrderStatus'>;
  ledger: Ledger;
  /** The signed-in user's Toss userKey from your own session; null or undefined answers 401. */
  userKeyOf: (request: Request) => string | null | undefined | Promise<string | null | undefined>;
  /** Gives the item; write it through `tx` so that it commits with the grant. */
  deliver: (order: Order, tx: Tx) => unknown;
  /** The origins your mini-app's page is served from (CORS): `https://…`, or `http://localhost…`. */
  allowOrigins?: string[];
  /** The environments whose hand-offs this backend accepts (default both). */
  environments?: ('toss' | 'sandbox')[];
  /** A delivery that takes longer rolls back and answers 503. Default 5000. */
  deliverTimeoutMs?: number;
  /** RISK: when Toss's answer names no product, deliver the sku the request claims (the user's word). Default false:
   *  such an order is refused as unverified (409). */
  acceptClaimedSkuWhenTossOmitsIt?: boolean;
  /** Told every failure and refusal with its code and facts (default: one console line each). */
  onError?: (error: unknown, orderId: string) => void;
}

export declare function createGrantHandler(options: GrantHandlerOptions): (request: Request) => Promise<Response>;

/** What toNodeListener reads of node:http's IncomingMessage (and Express's request). */
export interface NodeRequest extends AsyncIterable<unknown> {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  readableEnded?: boolean;
  body?: unknown;
  /** The connection: its peer's address is handed to the handler (`remoteAddr.hostname`). */
  socket?: { remoteAddress?: string };
}
/** What toNodeListener writes through node:http's ServerResponse. */
export interface NodeResponse {
  headersSent: boolean;
  writeHead(status: number, headers?: Record<string, string>): unknown;
  end(body?: Uint8Array | string): unknown;
}

/** What toNodeListener hands the handler beside the request, in the shape of Deno.serve's: the socket's peer address
 *  (the subscription webhook's `allowIps` reads it). Behind a proxy, that is the proxy's. */
export interface NodeConnectionInfo {
  remoteAddr: { hostname: string | null };
}

/** What a server hands a handler beside the request, as far as ait-iap reads it: Deno.serve's `info` and
 *  toNodeListener's NodeConnectionInfo both are one. */
export interface ConnectionInfo {
  remoteAddr?: { hostname?: string | null };
}

/** For node:http and Express: `http.createServer(toNodeListener(handler))`. */
export declare function toNodeListener(handler: (request: Request, info: NodeConnectionInfo) => Response | Promise<Response>): (req: NodeRequest, res: NodeResponse) => Promise<void>;

/** The answer for a path the backend does not serve: 404 `{"reason":"not found"}` with CORS for an allowed origin
 *  (so the page sees the 404), and for an OPTIONS preflight the grant handler's (204 allowed, 403 otherwise). */
export declare function notFound(request: Request, options?: { allowOrigins?: string[] }): Response;

export interface ReconcileReport {
  checked: number;
  revoked: string[];
  /** Checks that failed: each order backs off before its next check. */
  failed: { orderId: string; error: unknown; failures?: number; nextCheckAt?: Date }[];
  /** Orders Toss reports as another sku than the stored (delivered) one; a refund among them is still taken back. */
  mismatched: { orderId: string; sku: string; tossSku: string; status: OrderStatus }[];
  /** Orders Toss reports neither paid nor refunded (FAILED, NOT_FOUND, …): marked checked, and reported. */
  unexpected: { orderId: string; status: OrderStatus }[];
  /** How many times Toss answered over its rate limit; each was waited out (at most a minute) and the order asked again. */
  rateLimited: number;
  /** True when the run ended after a fourth rate-limit answer: the rest are asked about on the next run. */
  stoppedEarly: boolean;
}

export declare function reconcile(options: {
  toss: Pick<TossApi, 'getOrderStatus'>;
  ledger: Ledger;
  revoke: (order: Grant, tx: Tx) => unknown;
  /** Only orders granted or last checked more than this many ms ago. Default one hour. */
  olderThan?: number;
  /** Default 100. */
  limit?: number;
  now?: Date;
}): Promise<ReconcileReport>;

// ---- Subscriptions: Toss's status-change notifications ----

export type SubscriptionChangeReason =
  | 'CREATED' | 'RENEWED' | 'RECOVERED' | 'RESTARTED' | 'ENTERED_GRACE_PERIOD' | 'ON_HOLD' | 'PAUSED'
  | 'AUTO_RENEW_ENABLED' | 'AUTO_RENEW_DISABLED' | 'EXTENDED' | 'EXPIRED' | 'REVOKED';
export type SubscriptionStatus = 'ACTIVE' | 'EXPIRED' | 'IN_GRACE_PERIOD' | 'ON_HOLD' | 'PAUSED' | 'REVOKED';
export declare const SUBSCRIPTION_CHANGE_REASONS: readonly SubscriptionChangeReason[];
export declare const SUBSCRIPTION_STATUSES: readonly SubscriptionStatus[];

/** One snapshot of a subscription as a notification reports it. */
export interface SubscriptionSnapshot {
  status: SubscriptionStatus;
  accessGranted: boolean;
  /** Null when Toss sends none (seen on CREATED). */
  expiresAt: Date | null;
  autoRenew: boolean;
}

/** A notification body as read by `parseSubscriptionNotification`. */
export type SubscriptionNotification =
  | { eventType: 'callback.registration_verification'; occurredAt: Date | null }
  | {
      eventType: 'subscription.status_changed';
      eventVersion: '1.0';
      occurredAt: Date;
      orderId: string;
      sku: string;
      changeReason: SubscriptionChangeReason;
      /** Null when the body has none (CREATED). */
      previous: SubscriptionSnapshot | null;
      current: SubscriptionSnapshot;
    };

/** Reads a notification body strictly; throws AitIapServerError INVALID_NOTIFICATION with a short reason. */
export declare function parseSubscriptionNotification(body: unknown): SubscriptionNotification;

/** A notification time: without an offset it is Korea time (+09:00); with `Z` or `±hh:mm`, that instant. */
export declare function notificationTime(value: string, what?: string): Date;
/** A time as Toss writes it: Korea time, no offset (`2026-08-01T12:00:00`). */
export declare function koreaTimeText(time: Date | string | number): string;

type TimeInput = Date | string | number;
interface SnapshotInput {
  status: SubscriptionStatus;
  accessGranted: boolean;
  expiresAt?: TimeInput | null;
  autoRenew: boolean;
}
/** A body in the shape Toss sends, for development senders and tests; throws on what Toss would not send. */
export declare function subscriptionNotification(fields: {
  eventType?: 'subscription.status_changed';
  orderId: string;
  sku: string;
  changeReason: SubscriptionChangeReason;
  current: SnapshotInput;
  previous?: SnapshotInput;
  /** Default now. */
  occurredAt?: TimeInput;
}): Record<string, unknown>;
export declare function subscriptionNotification(fields: { eventType: 'callback.registration_verification'; occurredAt?: TimeInput }): Record<string, unknown>;

/** Toss's published source addresses of the notifications (.11 and .80–.87 of 117.52.3, 211.115.96, 106.249.5;
 *  from partners' public code, not an official page). */
export declare const TOSS_NOTIFICATION_IPS: readonly string[];
/** How long past `expiresAt` an IN_GRACE_PERIOD record with `accessGranted` still gives access (30 days). */
export declare const GRACE_ALLOWANCE_MS: number;

/** One subscription order's current state in the ledger. */
export interface SubscriptionRecord extends SubscriptionSnapshot {
  orderId: string;
  sku: string;
  /** The buyer, through the order's grant; null while the order is not granted (the event came first). */
  userKey: string | null;
  /** The event the state comes from. */
  changeReason: SubscriptionChangeReason;
  occurredAt: Date;
  /** Two different events came for the same instant: which is last is unknown. Cleared by a newer event. */
  needsReconcile: boolean;
  updatedAt: Date;
  /** The grant's `revokedAt` (reconcile found it refunded): no access then. */
  grantRevokedAt: Date | null;
}

/** What a notification did: applied to the record, kept in the history only (older than the record's), or flagged. */
export type SubscriptionEventOutcome = 'applied' | 'stale' | 'conflict';

export interface SubscriptionEventRecord {
  /** SHA-256 of the event's canonical form: Toss sends no event id. */
  hash: string;
  occurredAt: Date;
  changeReason: SubscriptionChangeReason;
  outcome: SubscriptionEventOutcome;
  /** The body as received. */
  body: Record<string, unknown>;
  receivedAt: Date;
}

export interface Entitlements {
  /** Subscriptions that give access now: Toss's `accessGranted`, not past `expiresAt` (in grace: 30 days past it). */
  subscriptions: SubscriptionRecord[];
  /** One-time orders granted and not revoked (only `nonConsumableSkus` when the ledger was given them; never an order
   *  of a sku Toss notified as a subscription, which counts only through its own record). */
  nonConsumables: { orderId: string; sku: string; grantedAt: Date }[];
}

/** What `onChange` is told, in the transaction that records the event. */
export interface SubscriptionChange {
  outcome: 'applied' | 'conflict';
  orderId: string;
  sku: string;
  /** Null while the order is not granted: bind it in your `deliver` then (`ledger.subscription(orderId)`). */
  userKey: string | null;
  changeReason: SubscriptionChangeReason;
  occurredAt: Date;
  previous: SubscriptionSnapshot | null;
  current: SubscriptionSnapshot;
  /** The record after the change. */
  subscription: SubscriptionRecord;
}

export interface PostgresLedger extends Ledger {
  readonly kind: 'postgres';
  /** Records a parsed status change once and applies it unless the record is newer (the webhook calls it). */
  applySubscriptionEvent(
    event: Extract<SubscriptionNotification, { eventType: 'subscription.status_changed' }>,
    options?: { body?: unknown; onChange?: ((change: SubscriptionChange, tx: Tx) => unknown) | null; timeoutMs?: number },
  ): Promise<{ outcome: 'duplicate' | SubscriptionEventOutcome; record: SubscriptionRecord | null }>;
  subscription(orderId: string): Promise<SubscriptionRecord | null>;
  /** Every notification of the order, oldest first, with its outcome. */
  subscriptionHistory(orderId: string): Promise<SubscriptionEventRecord[]>;
  /** What `userKey` is entitled to at `now` (default now). */
  entitlements(userKey: string, now?: Date): Promise<Entitlements>;
}

export interface SubscriptionWebhookOptions {
  /** postgresLedger (memoryLedger keeps no subscription record). */
  ledger: PostgresLedger;
  /** The value registered in the console, sent as `Basic <secret>` or `Bearer <secret>`; several while rotating. */
  secret: string | string[];
  /** Updates your own tables through `tx`, in the transaction that records the change; a throw answers 503. */
  onChange?: (change: SubscriptionChange, tx: Tx) => unknown;
  /** Told every refusal, conflict and failure with its code (default: one console line each). */
  onError?: (error: unknown, orderId: string) => void;
  /** `true`: only TOSS_NOTIFICATION_IPS; or your own list. Default: no address check. */
  allowIps?: boolean | string[];
  /** The caller's address. Default: `info.remoteAddr.hostname`, as Deno.serve and toNodeListener pass it (the
   *  socket's peer); behind a proxy, read the header your proxy sets (never one the client could send). */
  clientIp?: (request: Request, info?: ConnectionInfo) => string | null | undefined | Promise<string | null | undefined>;
  /** An onChange that takes longer rolls back and answers 503. Default 5000. */
  onChangeTimeoutMs?: number;
}

/** The "결제 알림 URL" endpoint: 204 once recorded (or for the console's verification call), 401 without the secret,
 *  400 for a body it cannot read, 503 when the database (or onChange) fails. */
export declare function createSubscriptionWebhookHandler(options: SubscriptionWebhookOptions): (request: Request, info?: ConnectionInfo) => Promise<Response>;

export interface EntitlementsHandlerOptions {
  /** postgresLedger (its `entitlements`). */
  ledger: Pick<PostgresLedger, 'entitlements'>;
  /** The signed-in user's Toss userKey from your own session, as for createGrantHandler; null or undefined answers 401. */
  userKeyOf: (request: Request) => string | null | undefined | Promise<string | null | undefined>;
  /** The origins your mini-app's page is served from (CORS): `https://…`, or `http://localhost…`. */
  allowOrigins?: string[];
  /** The time entitlements are answered for. Default: the clock. */
  now?: () => Date;
  /** Told a userKey that is not one (INVALID_USER_KEY) and every failure (default: one console line each). */
  onError?: (error: unknown) => void;
}

/** What createEntitlementsHandler answers (200): as little as the page needs, no orderId, no userKey. */
export interface EntitlementsReply {
  /** Every sku the user may use now: the subscriptions' and the one-time products'. */
  skus: string[];
  subscriptions: { sku: string; status: SubscriptionStatus; accessGranted: boolean; expiresAt: string | null; autoRenew: boolean }[];
  nonConsumables: { sku: string }[];
}

/** "What am I entitled to?" for your page: GET → 200 EntitlementsReply for the session's user (`no-store`), 401 without
 *  a session, 405 for another method, 503 when the database fails; CORS and preflight as the grant handler's. */
export declare function createEntitlementsHandler(options: EntitlementsHandlerOptions): (request: Request) => Promise<Response>;
