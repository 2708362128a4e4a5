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
