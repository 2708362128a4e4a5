// Types of the ait-iap package entry.

export type ErrorCategory = 'canceled' | 'pending' | 'transient' | 'rejected' | 'paid_unverified' | 'environment' | 'developer';
export type ErrorRoute = 'none' | 'retry' | 'support' | 'update_app' | 'open_in_toss';

/** The codes the library routes (the SDK's, then its own); any other code a host sends is kept as given. */
export type KnownErrorCode =
  | 'INVALID_PRODUCT_ID' | 'PAYMENT_PENDING' | 'NETWORK_ERROR' | 'INVALID_USER_ENVIRONMENT' | 'ITEM_ALREADY_OWNED'
  | 'APP_MARKET_VERIFICATION_FAILED' | 'TOSS_SERVER_VERIFICATION_FAILED' | 'INTERNAL_ERROR' | 'KOREAN_ACCOUNT_ONLY'
  | 'USER_CANCELED' | 'PRODUCT_NOT_GRANTED_BY_PARTNER'
  | 'APP_TOO_OLD' | 'NO_HOST' | 'TIMEOUT' | 'PURCHASE_IN_FLIGHT' | 'BACKEND_REFUSED' | 'BACKEND_UNREACHABLE'
  | 'INVALID_PRODUCT_DATA' | 'INVALID_ARGUMENT' | 'DISPOSED' | 'NOT_INITIALIZED' | 'WASM_LOAD_FAILED'
  | 'ENTITLEMENTS_UNREACHABLE' | 'ENTITLEMENTS_REFUSED' | 'ENTITLEMENTS_BAD_RESPONSE';

/** Every error the library reports: a JS Error with a stable code. */
export interface AitIapError extends Error {
  name: 'AitIapError';
  /** A known code, or whatever unknown code the host sent (routed as transient). */
  code: KnownErrorCode | (string & {});
  category: ErrorCategory;
  retryable: boolean;
  route: ErrorRoute;
  messages: { ko: string; en: string };
  detail: string;
  orderId?: string;
  /** The error as the SDK delivered it, when it came from the SDK. */
  raw?: unknown;
  /** Why the backend did not confirm the purchase's order (for the developer; the user sees `message`):
   *  `BACKEND_REFUSED` (a 4xx or `{ granted: false }`) or `BACKEND_UNREACHABLE`, with the HTTP `status`
   *  (0: no answer — network, CORS, CSP, timeout — or the app's grant function) and the reason in `detail`. */
  cause?: AitIapError & { code: 'BACKEND_REFUSED' | 'BACKEND_UNREACHABLE'; status: number };
}

/** An order the backend confirmed after its purchase had ended. */
export interface RecoveredOrder {
  orderId: string;
  sku: string;
}

export type ProductType = 'CONSUMABLE' | 'NON_CONSUMABLE' | 'SUBSCRIPTION';

export interface Offer {
  type: 'FREE_TRIAL' | 'NEW_SUBSCRIPTION' | 'RETURNING';
  offerId: string;
  period: string;
  displayAmount?: string;
}

export interface Product {
  sku: string;
  type: ProductType;
  displayName: string;
  displayAmount: string;
  iconUrl?: string;
  description: string;
  renewalCycle?: 'WEEKLY' | 'MONTHLY' | 'YEARLY';
  offers: Offer[];
}

export type PurchaseStatus = 'completed' | 'canceled' | 'pending' | 'failed';

export interface Outcome {
  status: PurchaseStatus;
  sku: string;
  orderId?: string;
  error?: AitIapError;
}

export type Phase = 'idle' | 'requesting' | 'purchased' | 'granting' | 'confirming' | 'completed' | 'canceled' | 'pending' | 'failed';

export interface PurchaseState {
  phase: Phase;
  sku?: string;
  orderId?: string;
  error?: AitIapError;
}

export interface GrantRequest {
  orderId: string;
  sku: string;
  environment: 'toss' | 'sandbox';
}

export type GrantReply = boolean | { granted: boolean; reason?: string };

/** The backend URL, the URL with headers/credentials, or a function standing in for the POST (one that throws,
 *  rejects, or does not answer within 8 s counts as unreachable and is called again). */
export type Grant =
  | string
  | { url: string; headers?: Record<string, string>; credentials?: 'include' | 'same-origin' | 'omit' }
  | ((request: GrantRequest) => GrantReply | Promise<GrantReply>);

/** `localStorage`, the SDK's `Storage` (promises), or anything shaped like either. */
export interface OutboxStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
}

/** What the library calls on the SDK's `IAP` object: the first two always, the rest when the host supports them. */
export interface IapObject {
  getProductItemList(): Promise<unknown>;
  createOneTimePurchaseOrder(params: never): () => void;
  createSubscriptionPurchaseOrder?(params: never): () => void;
  getPendingOrders?(): Promise<unknown>;
  completeProductGrant?(params: never): Promise<unknown>;
  getCompletedOrRefundedOrders?(params: never): Promise<unknown>;
  getSubscriptionInfo?(params: never): Promise<unknown>;
}

/** The SDK's `IAP` object (from `@apps-in-toss/web-framework` or `@apps-in-toss/web-bridge`), or a namespace with one. */
export type IapSdk = IapObject | { IAP: IapObject };

export interface CreateIapOptions {
  sdk: IapSdk;
  grant: Grant;
  storage?: OutboxStorage;
  storageKey?: string;
  locale?: 'ko' | 'en';
  routes?: Partial<Record<ErrorCategory, (error: AitIapError, outcome: Outcome) => void>>;
  recoverOnStart?: boolean;
  grantDeadlineMs?: number;
  purchaseTimeoutMs?: number;
}

export interface OutboxEntry {
  orderId: string;
  sku: string;
  since: number;
  reason: 'purchase' | 'verification_failed' | 'recovery';
  refused?: string;
}

export interface RecoveryReport {
  granted: string[];
  refused: { orderId: string; reason: string }[];
  failed: { orderId: string; reason: string }[];
}

export interface HistoryOrder {
  orderId: string;
  sku: string;
  status: 'COMPLETED' | 'REFUNDED';
  date: string;
}

export interface SubscriptionInfo {
  orderId: string;
  catalogId: number | null;
  status: 'ACTIVE' | 'EXPIRED' | 'IN_GRACE_PERIOD' | 'ON_HOLD' | 'PAUSED' | 'REVOKED';
  expiresAt: string | null;
  isAutoRenew: boolean;
  gracePeriodExpiresAt: string | null;
  isAccessible: boolean;
}

export interface IapClient {
  /** The SDK's product list, validated (malformed items dropped with a console warning). Rejects with a typed
   *  error: `NO_HOST` outside Toss, `APP_TOO_OLD` when the host returns nothing, `INVALID_PRODUCT_DATA`. */
  products(): Promise<Product[]>;
  /** Runs one purchase through the order sheet, the backend hand-off and Toss's verdict. Never rejects for an
   *  expected failure: the outcome says `completed`, `canceled`, `pending` or `failed` (with a typed error). */
  purchase(sku: string, options?: { offerId?: string; subscription?: boolean }): Promise<Outcome>;
  /** Hands off every outbox order and every order Toss holds paid-but-ungranted; completes the latter at Toss
   *  once the backend confirmed. Safe to run any number of times (runs at start unless `recoverOnStart: false`). */
  recoverPendingOrders(): Promise<RecoveryReport>;
  /** Paid orders the backend has not confirmed yet. */
  outbox(): OutboxEntry[];
  /** Every completed or refunded order, across all pages. A page that says `hasNext` without a `nextKey` (seen on
   *  real devices) ends the history there, with one developer warning. */
  orderHistory(): AsyncIterableIterator<HistoryOrder>;
  /** One page of the order history; pass the previous page's `nextKey` for the next one. */
  historyPage(key?: string): Promise<{ orders: HistoryOrder[]; nextKey: string | null }>;
  /** The subscription of `orderId` as the host knows it; `null` when the host answers that it has none (`{}`). */
  subscriptionInfo(orderId: string): Promise<SubscriptionInfo | null>;
  /** Calls `listener` on every phase change; returns the unsubscribe function. */
  subscribe(listener: (state: PurchaseState) => void): () => void;
  /** Calls `listener` for each order the backend confirmed after its purchase had ended (the user was told
   *  "곧 다시 지급을 시도해요"): by `recoverPendingOrders()` or a retry that got through. Returns the unsubscribe function. */
  onRecovered(listener: (order: RecoveredOrder) => void): () => void;
  readonly state: PurchaseState;
  /** Ends the purchase in flight, answers pending grants `false` (the order stays in the outbox for recovery)
   *  and releases the SDK's callbacks. Also runs when the page unloads (`pagehide`; a page kept in the
   *  back/forward cache gets its client back on `pageshow`). */
  dispose(): void;
}

export interface ProductListOptions {
  /** Show these products instead of loading them from the client; or the promise of an `IAP.getProductItemList()`
   *  call started before the module was ready (the list loads until it answers, and reads it as its own call). */
  products?: Product[] | PromiseLike<unknown>;
  locale?: 'ko' | 'en';
  /** Show a test badge on each row (default: in the Toss sandbox). */
  testBadge?: boolean;
}

export interface ProductList {
  /** Shows these products; only the rows and fields that changed are touched. Nothing after `destroy()`. */
  update(products: Product[]): void;
  /** Loads the list from the client again (nothing after `destroy()`). */
  reload(): Promise<void>;
  /** Removes the list, its listeners and its attributes on the container; a purchase in flight goes on in the
   * client without drawing its outcome here. */
  destroy(): void;
}

/** Where the `.wasm` is, if not beside the entry. */
export type WasmSource = string | URL | Response | Promise<Response> | BufferSource | WebAssembly.Module;
export interface InitOptions {
  /** The SDK's `IAP`: its `getProductItemList()` starts at once, while the module loads, and the first client's
   *  first product list (or `products()`) shows its answer instead of asking again. */
  sdk?: IapSdk;
  wasm?: WasmSource;
}
/** Loads and instantiates the wasm module once (memoized). `init({ sdk: IAP })` also starts the product call
 *  meanwhile (the fast start); pass the `.wasm` URL (`wasm`) if your server moves it. A failed load rejects with
 *  `WASM_LOAD_FAILED` (the message says how to fix it) and a later call tries again. */
export function init(options?: InitOptions | WasmSource): Promise<void>;
/** The purchase client over the SDK's `IAP` object. Throws `INVALID_ARGUMENT` for invalid options and
 *  `NOT_INITIALIZED` before `init()`. */
export function createIap(options: CreateIapOptions): IapClient;
/** Renders the shop list (keyed, accessible, CSP-safe) into `container` and runs purchases from its buttons. Throws
 *  `INVALID_ARGUMENT` for invalid options (as `createIap`) and `NOT_INITIALIZED` before `init()`. */
export function mountProductList(container: Element, client: IapClient, options?: ProductListOptions): ProductList;
export function mountProductList(container: Element, options: ProductListOptions & { client: IapClient }): ProductList;
/** `'toss'` or `'sandbox'` inside the Toss app, `'none'` in a plain browser. */
export function detectEnvironment(): 'toss' | 'sandbox' | 'none';

/** One subscription the backend says gives access now (`createEntitlementsHandler`'s answer, `expiresAt` as a Date). */
export interface EntitledSubscription {
  sku: string;
  /** Toss's status: `'ACTIVE'`, `'IN_GRACE_PERIOD'`, … */
  status: string;
  accessGranted: boolean;
  /** `null` when Toss gave none. */
  expiresAt: Date | null;
  autoRenew: boolean;
}

/** What the app's backend says the signed-in user may use now. */
export interface Entitlements {
  /** Every sku the user may use: the subscriptions' and the one-time products'. */
  skus: string[];
  subscriptions: EntitledSubscription[];
  nonConsumables: { sku: string }[];
}

export interface EntitlementsOptions {
  /** Your sign-in, as for `grant.headers` (e.g. `Authorization`). */
  headers?: Record<string, string>;
  credentials?: 'include' | 'same-origin' | 'omit';
  /** Aborting rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Default 10000. */
  timeoutMs?: number;
}

/** Why `entitlements()` did not resolve: an AitIapError-shaped Error (`category`, `retryable`, `route`, `messages`,
 *  `detail`, as docs/errors.md routes its code) with the HTTP `status` (0: no answer); `retryable` is true for
 *  ENTITLEMENTS_UNREACHABLE (network, CORS, timeout, a 5xx, 408 or 429). */
export interface EntitlementsError extends Error {
  name: 'AitIapError';
  code: 'ENTITLEMENTS_UNREACHABLE' | 'ENTITLEMENTS_REFUSED' | 'ENTITLEMENTS_BAD_RESPONSE';
  status: number;
  category: ErrorCategory;
  retryable: boolean;
  route: ErrorRoute;
  messages: { ko: string; en: string };
  detail: string;
}

/** GETs your backend's entitlements URL (`createEntitlementsHandler` of `ait-iap/server`) with your sign-in and
 *  resolves what the user is entitled to; decide access from this, never from client data alone. Needs no `init()`.
 *  Rejects with an `EntitlementsError`; a 401 (not signed in) is `ENTITLEMENTS_REFUSED` with `status: 401`. */
export function entitlements(url: string | URL, options?: EntitlementsOptions): Promise<Entitlements>;
