// Types of ait-iap/toss-emulator: Toss's partner API for your backend in development (`npx ait-iap toss-emulator`).

/** An order as the host emulator mirrors it (its `mirrorUrl` POSTs). */
export interface MirroredOrder {
  orderId: string;
  sku?: string;
  /** 'paid', 'completed', 'refunded' or 'failed'. */
  status?: string;
  miniAppId?: string;
  paidAt?: number;
  completedAt?: number;
  refundedAt?: number;
  [field: string]: unknown;
}

/** PEM strings. */
export interface EmulatorCertificates {
  ca: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string };
}

export interface TossEmulatorOptions {
  /** The host emulator's miniAppId: orders of another are MINIAPP_MISMATCH. Default `ait-iap-sandbox`. */
  miniAppId?: string;
  /** How a paid order that is not granted yet is reported. Default `PAYMENT_COMPLETED`. */
  paidStatus?: 'PAYMENT_COMPLETED' | 'PURCHASED';
  /** A mirror answering `GET → {orders: [...]}` (the Vite plugin's `/__emulator/orders`), read before each answer. */
  ordersFrom?: string;
  /** Orders kept elsewhere in this process (the Vite plugin's own mirror). */
  lookup?: (orderId: string) => MirroredOrder | undefined;
  /** One line per answer and per trouble. Default: silent. */
  log?: (line: string) => void;
  /** Where POST /__emulator/subscriptions (on the mirror) sends Toss's subscription notifications: time travel. */
  notifications?: NotificationTarget;
}

/** The partner's notification URL (the console's 결제 알림 URL) and the value registered with it. */
export interface NotificationTarget {
  /** Absolute, or (in the Vite plugin) a path on the dev server itself. None: the route answers 409 until configured. */
  url?: string;
  /** The registered value, sent as `Authorization: <scheme> <secret>`; none: no Authorization header. */
  secret?: string;
  /** `Bearer` (default: production has been seen sending it) or `Basic` (as Toss's docs say). */
  scheme?: 'Bearer' | 'Basic';
}

/** What one time-travel request may send: a changeReason, or a delivery that is not a change. */
export type TimeTravelEvent =
  | 'CREATED' | 'RENEWED' | 'RECOVERED' | 'RESTARTED' | 'ENTERED_GRACE_PERIOD' | 'ON_HOLD' | 'PAUSED'
  | 'AUTO_RENEW_ENABLED' | 'AUTO_RENEW_DISABLED' | 'EXTENDED' | 'EXPIRED' | 'REVOKED'
  | 'duplicate' | 'out-of-order' | 'registration-verification';

export interface TimeTravelRequest {
  event: TimeTravelEvent;
  /** The subscription order the host emulator sold (not for `registration-verification`). */
  orderId?: string;
  /** EXTENDED: how many days (default 7). */
  days?: number;
  /** out-of-order: the two changes in the order they happen (the second is sent first). */
  pair?: [TimeTravelEvent, TimeTravelEvent];
  /** This request's scheme instead of the configured one. */
  scheme?: 'Bearer' | 'Basic';
}

/** One notification sent: its body, and your URL's HTTP status (0 when it could not be reached: `error`) and reply. */
export interface SentNotification {
  event: string;
  orderId?: string;
  body: object;
  status: number;
  reply?: string;
  error?: string;
}

/** A subscription's state after the last notification sent about it (`expiresAt`, `occurredAt` in ms). */
export interface EmulatedSubscription {
  orderId: string;
  sku: string;
  status: 'ACTIVE' | 'EXPIRED' | 'IN_GRACE_PERIOD' | 'ON_HOLD' | 'PAUSED' | 'REVOKED';
  accessGranted: boolean;
  expiresAt: number | null;
  autoRenew: boolean;
  occurredAt: number;
}

export interface TimeTravel {
  /** Sends `request`'s notifications in order; rejects (`status`, `message`) when they cannot follow the state. */
  send(request: TimeTravelRequest): Promise<{ sent: SentNotification[]; subscription: EmulatedSubscription | null }>;
  state(): { target: { url: string | null; scheme: 'Bearer' | 'Basic'; secret: boolean }; subscriptions: EmulatedSubscription[]; sent: SentNotification[] };
  /** Changes where and how notifications go (the fields given replace the current ones). */
  configure(target: NotificationTarget): void;
}

export interface Listening {
  /** `https://127.0.0.1:PORT` (the partner API) or `http://127.0.0.1:PORT` (the mirror). */
  url: string;
  close(): Promise<void>;
}

export interface TossEmulator {
  /** The mirror's routes on a node:http server of yours; resolves true when it answered the request. */
  handle(req: object, res: object): Promise<boolean>;
  listenTls(certs: EmulatorCertificates, options?: { port?: number; host?: string }): Promise<Listening>;
  listenMirror(options?: { port?: number; host?: string }): Promise<Listening>;
  /** Records (or replaces) an order, as a mirror POST does. */
  record(order: MirroredOrder): void;
  orders: Map<string, MirroredOrder>;
  /** Subscription notifications on demand, about these orders (also served at SUBSCRIPTIONS_PATH by `handle`). */
  timeTravel: TimeTravel;
}

/** The environment your backend needs, in shapes `createTossApi` takes (base64 of each PEM). */
export interface BackendEnvironment {
  TOSS_CERT: string;
  TOSS_KEY: string;
  /** createTossApi's `ca`: leave it unset in production (the system's roots then verify Toss). */
  TOSS_CA: string;
  TOSS_API_BASE_URL: string;
}

export interface StartedTossEmulator {
  /** The partner API's base URL (the value of TOSS_API_BASE_URL). */
  url: string;
  /** The order mirror's URL (`/__emulator/orders` on the mirror port), or null with `mirrorPort: false`. */
  mirrorUrl: string | null;
  env: BackendEnvironment;
  /** `dir`/toss.env: the same variables, for `node --env-file`. */
  envFile: string;
  dir: string;
  emulator: TossEmulator;
  close(): Promise<void>;
}

/** The HTTPS port `npx ait-iap toss-emulator` uses unless told otherwise (7443); the mirror is the next one. */
export declare const DEFAULT_PORT: number;
export declare const MIRROR_PATH: '/__emulator/orders';
/** Time travel: GET (the subscriptions) and POST (a TimeTravelRequest) on the mirror's port and the Vite dev server. */
export declare const SUBSCRIPTIONS_PATH: '/__emulator/subscriptions';
export declare const ORDER_STATUS_PATH: '/api-partner/v1/apps-in-toss/order/get-order-status';

/** Certificates in `dir` (made once with openssl), the partner API on `port` (default 7443, 0: any free port), the
 *  order mirror on `mirrorPort` (default the next port; false: none). */
export declare function startTossEmulator(options: TossEmulatorOptions & { dir: string; port?: number; mirrorPort?: number | false; host?: string }): Promise<StartedTossEmulator>;
export declare function createTossEmulator(options?: TossEmulatorOptions): TossEmulator;
/** The CA, server and client certificates in `dir`, made there first when missing. Throws OpensslMissingError without openssl. */
export declare function emulatorCertificates(dir: string): EmulatorCertificates;
export declare function backendEnvironment(certs: EmulatorCertificates, url: string): BackendEnvironment;
/** `NAME=value` lines. */
export declare function envLines(env: object): string;

export declare class OpensslMissingError extends Error {
  name: 'OpensslMissingError';
  code: 'OPENSSL_MISSING';
}
