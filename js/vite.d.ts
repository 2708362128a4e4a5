// Types of ait-iap/vite. The plugin is typed by shape, so that it needs no particular Vite version's types.
import type { NotificationTarget } from './toss-emulator.js';

export interface AitIapViteOptions {
  /** Where the app POSTs its orders (`grant` in createIap). Default `/api/iap/grant`. */
  grantPath?: string;
  /** The host emulator's `mirrorUrl`. Default `/__emulator/orders`. */
  mirrorPath?: string;
  /** The development ledger's PGlite folder. Default `node_modules/.ait-iap/pglite` under the project root. */
  dataDir?: string;
  /** The user every development order is granted to. Default `sandbox-user`. */
  userKey?: string;
  /**
   * Also serve Toss's partner API (get-order-status over mTLS) about this page's orders, for your own backend, as
   * `npx ait-iap toss-emulator` does, and print the environment that backend needs. `port` default 7443; `dir`, where
   * the throwaway certificates are made once, default `.ait-iap/toss-emulator` under the project root. Default off.
   */
  tossEmulator?: boolean | { port?: number; dir?: string };
  /**
   * Time travel: where `POST /__emulator/subscriptions` `{ event, orderId }` sends Toss's subscription notifications
   * about the subscriptions the host emulator sold (a `url` that is a path alone is on this dev server). Default: none
   * (the route answers 409 until set).
   */
  notifications?: NotificationTarget;
}

export interface AitIapVitePlugin {
  name: 'ait-iap';
  config(user: { build?: { target?: unknown } }): object;
  configureServer(server: object): void;
}

/** `plugins: [aitIap()]` in vite.config: the development backend and emulator mirror in `vite dev`. */
export default function aitIap(options?: AitIapViteOptions): AitIapVitePlugin;
export { aitIap };
