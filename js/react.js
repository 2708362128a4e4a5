// `ait-iap/react`: one client for the app (<IapProvider>), its purchase state through useSyncExternalStore, the
// products, order history, subscription info and the backend's entitlements as hooks. The library's list as a component is
// `ait-iap/react/product-list` (react-product-list.js), so that an app of hooks alone ships the engine alone.
import { createContext, createElement, Fragment, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import * as headless from './headless.js';
import { entitlements } from './entitlements.js';
import { aitError } from './ait-error.js';
import { NOT_INITIALIZED } from './error-codes.js';

const ClientContext = createContext(null);

/** The module the provider loads and makes its client with: the engine alone (ait_iap_headless_bg.wasm), or the
 *  engine with the list (ait_iap_bg.wasm) once `ait-iap/react/product-list` is imported, whose <ProductList> draws
 *  with its client's own module. */
let engine = headless;
/** The module that made each provider's client. */
const moduleOf = new WeakMap();

/** For `ait-iap/react/product-list`, as it is imported (not part of the API): the providers mounted from now on
 *  load `module`; returns whether a client was made with it. */
export function withProductList(module) {
  engine = module;
  return (client) => moduleOf.get(client) === module;
}

/** The typed NOT_INITIALIZED error of ait-iap/react (and of ait-iap/react/product-list: not part of the API). */
export const notInitialized = (detail) => aitError(NOT_INITIALIZED, detail);

/** One client for the app, created after `init()` and disposed on unmount. The props are `createIap`'s options and
 *  `wasm` (where `init` finds the module, if not beside the entry), read once at mount (give the provider a new `key`
 *  to start over with others), and `fallback` (shown while the module loads). An `init()` that fails
 *  (`WASM_LOAD_FAILED`) is thrown to the nearest error boundary. */
export function IapProvider({ children, fallback = null, ...props }) {
  const [made, setMade] = useState(null);
  const first = useRef(props);
  useEffect(() => {
    const { wasm, ...options } = first.current;
    const module = engine;
    // StrictMode mounts, unmounts and mounts again: a client is made only by the mount that is still there when the
    // module is ready, so there is one client, one recovery at start and one set of SDK listeners.
    let live = true;
    let client = null;
    // The SDK's product call starts while the module loads (init({ sdk })); the first list or useProducts shows it.
    module.init({ sdk: options.sdk, wasm }).then(
      () => {
        if (!live) return;
        try {
          client = module.createIap(options);
          moduleOf.set(client, module);
          setMade({ client });
        } catch (error) {
          setMade({ error });
        }
      },
      (error) => live && setMade({ error }),
    );
    return () => {
      live = false;
      client?.dispose();
      setMade(null);
    };
  }, []);
  if (made?.error) throw made.error;
  return made ? createElement(ClientContext.Provider, { value: made.client }, children) : createElement(Fragment, null, fallback);
}

/** The provider's client (for what the hooks do not cover: `recoverPendingOrders`, `outbox`, `onRecovered`). */
export function useIapClient() {
  const client = useContext(ClientContext);
  if (!client) throw notInitialized('use the hooks of ait-iap/react inside <IapProvider>');
  return client;
}

const sameState = (a, b) => a.phase === b.phase && a.sku === b.sku && a.orderId === b.orderId && a.error?.code === b.error?.code;

/** The client's state as a store for useSyncExternalStore: one snapshot object per change (the `state` getter
 *  builds new objects, its error too, at every read). */
function stateStore(client) {
  let snapshot = client.state;
  const read = () => {
    const now = client.state;
    if (!sameState(now, snapshot)) snapshot = now;
    return snapshot;
  };
  return { subscribe: (notify) => client.subscribe(notify), read };
}

/** `{ purchase(sku, options?), state }`: `purchase` resolves with the outcome (never rejects for an expected
 *  failure); `state` is the purchase's phase, re-rendered once per change. */
export function usePurchase() {
  const client = useIapClient();
  const store = useMemo(() => stateStore(client), [client]);
  const state = useSyncExternalStore(store.subscribe, store.read, store.read);
  const purchase = useCallback((sku, options) => client.purchase(sku, options), [client]);
  return { purchase, state };
}

/** Runs `load(signal)` at mount, when `deps` change and on `reload()`: `{ value, error, loading, reload }`; a result
 *  that arrives after the component moved on is dropped (and `signal` aborted). */
function useAsync(load, deps) {
  const [round, setRound] = useState(0);
  const [result, setResult] = useState({ value: undefined, error: undefined, loading: true });
  useEffect(() => {
    const moved = new AbortController();
    setResult((r) => (r.loading ? r : { ...r, loading: true }));
    load(moved.signal).then(
      (value) => !moved.signal.aborted && setResult({ value, error: undefined, loading: false }),
      (error) => !moved.signal.aborted && setResult({ value: undefined, error, loading: false }),
    );
    return () => moved.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [round, ...deps]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...result, reload };
}

/** `useAsync` of `load(client)`, run again when the provider's client changes. */
function useLoad(load, deps) {
  const client = useIapClient();
  return useAsync(() => load(client), [client, ...deps]);
}

/** `{ products, error, loading, reload }`: the SDK's product list, validated; `error` is the typed error the client
 *  reports (`NO_HOST` outside Toss). `products` is `[]` until loaded. */
export function useProducts() {
  const { value, ...rest } = useLoad((client) => client.products(), []);
  return { products: value ?? [], ...rest };
}

/** `{ info, error, loading, reload }` for a subscription's `orderId` (nothing is loaded without one). */
export function useSubscriptionInfo(orderId) {
  const { value, ...rest } = useLoad((client) => (orderId ? client.subscriptionInfo(orderId) : Promise.resolve(undefined)), [orderId]);
  return { info: value, ...rest };
}

/** `{ entitlements, error, loading, reload }`: what the app's backend at `url` says the signed-in user is entitled to
 *  (`entitlements(url, options)`: `options` as the latest render gave them, read at each load). Needs no
 *  <IapProvider>. Nothing is loaded without a `url`; `reload()` after a purchase completes. */
export function useEntitlements(url, options) {
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const href = url ? String(url) : null; // a URL object made at each render is still the same URL
  const { value, ...rest } = useAsync((signal) => (href ? entitlements(href, { ...latest.current, signal }) : Promise.resolve(undefined)), [href]);
  return { entitlements: value, ...rest };
}

/** `{ orders, error, loading, done, loadMore }`: the order history one page at a time, the first at mount and the
 *  next on `loadMore()`. */
export function useOrderHistory() {
  const client = useIapClient();
  const [history, setHistory] = useState({ orders: [], error: undefined, loading: true, done: false });
  const pager = useRef(null);
  const more = useCallback(() => {
    const current = pager.current;
    if (!current || current.busy || current.done) return;
    current.busy = true;
    setHistory((h) => ({ ...h, loading: true }));
    client.historyPage(current.key ?? undefined).then(
      (page) => {
        current.busy = false;
        current.key = page.nextKey;
        current.done = page.nextKey == null;
        if (pager.current === current) setHistory((h) => ({ orders: [...h.orders, ...page.orders], error: undefined, loading: false, done: current.done }));
      },
      (error) => {
        current.busy = false;
        if (pager.current === current) setHistory((h) => ({ ...h, error, loading: false }));
      },
    );
  }, [client]);
  useEffect(() => {
    pager.current = { key: null, busy: false, done: false };
    setHistory({ orders: [], error: undefined, loading: true, done: false });
    more();
    return () => {
      pager.current = null;
    };
  }, [client, more]);
  return { ...history, loadMore: more };
}
