// Types of ait-iap/server: the partner backend's half of the purchase guarantee.

/** Every error the server library throws: a JS Error with a stable code. */
export declare class AitIapServerError extends Error {
  name: 'AitIapServerError';
  code:
    | 'INVALID_OPTIONS' | 'MISSING_CERT' | 'INVALID_CERT' | 'INVALID_KEY' | 'INVALID_CA' | 'CERT_EXPIRED' | 'CERT_NOT_YET_VALID'
    | 'CERT_KEY_MISMATCH' | 'INVALID_ORDER_ID' | 'INVALID_USER_KEY' | 'INVALID_SKU' | 'TOSS_RESULT_FAIL' | 'TOSS_BAD_RESPONSE'
    | 'TOSS_HTTP_ERROR' | 'TOSS_TIMEOUT' | 'TOSS_UNREACHABLE' | 'TOSS_CLIENT_CERT_REJECTED' | 'TOSS_SERVER_UNTRUSTED'
    | 'NO_DATABASE' | 'LEDGER_INCONSISTENT';
  /** True when the same call may succeed later (the order may be paid: answer 5xx, the client retries). */
  transient: boolean;
  /** The HTTP status Toss answered, for TOSS_HTTP_ERROR. */
  status?: number;
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

export interface TossApi {
  getOrderStatus(orderId: string, userKey: string): Promise<{ status: OrderStatus; reason: string }>;
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

export interface Order {
  orderId: string;
  sku: string;
  userKey: string;
  environment: 'toss' | 'sandbox';
}

export interface Grant extends Order {
  grantedAt: Date;
  revokedAt: Date | null;
}

export type GrantVerdict = { granted: true; alreadyGranted: boolean } | { granted: false; reason: 'OTHER_USER' | 'REFUNDED' };

export interface Ledger {
  readonly kind: 'postgres' | 'memory';
  migrate(): Promise<void>;
  find(orderId: string): Promise<Grant | null>;
  grantOnce(order: Order, deliver: (order: Order, tx: Tx) => unknown): Promise<GrantVerdict>;
  dueForCheck(before: Date, limit: number): Promise<Grant[]>;
  markChecked(orderId: string): Promise<void>;
  revokeOnce(order: Order, revoke: (order: Order, tx: Tx) => unknown): Promise<boolean>;
}

/** A `pg` Pool or a PGlite instance (structurally). */
export type Database =
  | { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>; connect(): Promise<Tx & { release(error?: unknown): void }> }
  | { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>; transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> };

export declare function postgresLedger(db: Database, options?: { table?: string }): Ledger;
/** The ledger table's DDL, for teams that run their own migrations. */
export declare function ledgerDdl(table?: string): string;
/** FOR UNIT TESTS ONLY: in this process's memory; a restart forgets it and two instances grant twice. */
export declare function memoryLedger(): Ledger & { readonly grants: Map<string, Grant> };

export interface GrantHandlerOptions {
  toss: Pick<TossApi, 'getOrderStatus'>;
  ledger: Ledger;
  /** The signed-in user's Toss userKey from your own session; null or undefined answers 401. */
  userKeyOf: (request: Request) => string | null | undefined | Promise<string | null | undefined>;
  /** Gives the item; write it through `tx` so that it commits with the grant. */
  deliver: (order: Order, tx: Tx) => unknown;
  /** The origins your mini-app's page is served from (CORS). */
  allowOrigins?: string[];
  /** Called with failures of `deliver`, the database or the handler itself (default: console.error). */
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
}
/** What toNodeListener writes through node:http's ServerResponse. */
export interface NodeResponse {
  headersSent: boolean;
  writeHead(status: number, headers?: Record<string, string>): unknown;
  end(body?: Uint8Array | string): unknown;
}

/** For node:http and Express: `http.createServer(toNodeListener(handler))`. */
export declare function toNodeListener(handler: (request: Request) => Promise<Response>): (req: NodeRequest, res: NodeResponse) => Promise<void>;

export interface ReconcileReport {
  checked: number;
  revoked: string[];
  failed: { orderId: string; error: unknown }[];
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
