// `ait-iap/react`: React (18 and 19) bindings of ait-iap (`<ProductList>`: `ait-iap/react/product-list`).
import type { ReactElement, ReactNode } from 'react';
import type {
  AitIapError, CreateIapOptions, Entitlements, EntitlementsError, EntitlementsOptions, HistoryOrder, IapClient, Outcome, Product, PurchaseState,
  SubscriptionInfo, WasmSource,
} from './index.js';

export type {
  ErrorCategory, ErrorRoute, KnownErrorCode, AitIapError, ProductType, Offer, Product, PurchaseStatus, Outcome, Phase,
  PurchaseState, GrantRequest, GrantReply, Grant, OutboxStorage, IapSdk, CreateIapOptions, OutboxEntry, RecoveryReport,
  HistoryOrder, SubscriptionInfo, IapClient, RecoveredOrder, Entitlements, EntitledSubscription, EntitlementsOptions,
  EntitlementsError, InitOptions, WasmSource,
} from './index.js';

export interface IapProviderProps extends CreateIapOptions {
  children?: ReactNode;
  /** Shown while the module loads. */
  fallback?: ReactNode;
  /** Where `init()` finds the `.wasm` (a URL, Response, BufferSource or Module), if not beside the entry: the engine's
   *  `ait_iap_headless_bg.wasm`, or `ait_iap_bg.wasm` (with the list) once `ait-iap/react/product-list` is imported. */
  wasm?: WasmSource;
}

/** One client for the app, created after `init()` and disposed on unmount; the options are read once, at mount. An
 *  `init()` that fails (`WASM_LOAD_FAILED`) is thrown to the nearest error boundary. */
export function IapProvider(props: IapProviderProps): ReactElement;

/** The provider's client. Throws `NOT_INITIALIZED` outside `<IapProvider>` (as every hook here). */
export function useIapClient(): IapClient;

export interface UsePurchase {
  /** Resolves with the outcome; never rejects for an expected failure. */
  purchase(sku: string, options?: { offerId?: string; subscription?: boolean }): Promise<Outcome>;
  /** The purchase's phase, one render per change. */
  state: PurchaseState;
}
export function usePurchase(): UsePurchase;

export interface Loaded {
  /** The typed error the library reports (`NO_HOST` outside Toss, …). */
  error: AitIapError | undefined;
  loading: boolean;
  /** Loads again. */
  reload(): void;
}

export interface UseProducts extends Loaded {
  /** `[]` until loaded. */
  products: Product[];
}
export function useProducts(): UseProducts;

export interface UseSubscriptionInfo extends Loaded {
  /** `undefined` until loaded; `null` when the order has no subscription. */
  info: SubscriptionInfo | null | undefined;
}
/** Nothing is loaded without an `orderId`. */
export function useSubscriptionInfo(orderId: string | null | undefined): UseSubscriptionInfo;

export interface UseOrderHistory {
  /** Every order of the pages loaded so far. */
  orders: HistoryOrder[];
  error: AitIapError | undefined;
  loading: boolean;
  /** No page left. */
  done: boolean;
  /** Loads the next page (nothing while one is loading or when done). */
  loadMore(): void;
}
export function useOrderHistory(): UseOrderHistory;

export interface UseEntitlements {
  /** `undefined` until loaded (and without a `url`). */
  entitlements: Entitlements | undefined;
  error: EntitlementsError | undefined;
  loading: boolean;
  /** Asks again (after a purchase completes, say). */
  reload(): void;
}
/** What your backend at `url` says the signed-in user is entitled to (`entitlements(url, options)`); loads at mount
 *  and when `url` changes, `options` read at each load. Needs no `<IapProvider>`. Nothing is loaded without a `url`. */
export function useEntitlements(url: string | URL | null | undefined, options?: Omit<EntitlementsOptions, 'signal'>): UseEntitlements;
