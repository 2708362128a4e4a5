// An emulator of the Toss app's native side of the web bridge, so that the real, unmodified
// @apps-in-toss/web-bridge SDK runs in a desktop browser and in tests.
//
// Protocol (from the SDK's source): the page posts JSON messages through
// window.ReactNativeWebView.postMessage ({type: 'method'|'addEventListener'|'removeEventListener',
// functionName, eventId, args}); the host answers through window.__GRANITE_NATIVE_EMITTER.emit with
// `<fn>/resolve/<id>`, `<fn>/reject/<id>`, `<fn>/onEvent/<id>`, `<fn>/onError/<id>`; constants live in
// window.__CONSTANT_HANDLER_MAP.
import { SANDBOX_PRODUCTS, EXAMPLE_CATALOGUE, GATES, supports, renewalDays, amountOf } from './emulator-catalogue.js';
import { SCENARIOS, SDK_ERROR_CODES, THROTTLED, createScenarioQueue, scenarioAnswer, scenarioError } from './emulator-scenarios.js';
import { createLedger } from './emulator-ledger.js';
import { confirmPurchase } from './emulator-sheet.js';

export { SANDBOX_PRODUCTS, EXAMPLE_CATALOGUE, GATES, SCENARIOS, SDK_ERROR_CODES };

/** How long the host waits for the mini-app's processProductGrant before giving up (as the Toss app does). */
export const GRANT_TIMEOUT_MS = 30_000;

const hostError = (code, message = code, extra = {}) => ({ ...extra, code, message, __isError: true });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** A deep copy of plain data (the structured-clone global arrived in Safari 15.4). */
const clone = (value) => JSON.parse(JSON.stringify(value));
/** A v4 UUID from getRandomValues: the UUID helper needs Safari 15.4 and a secure context (not http://192.168…). */
function newId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether the page has the Toss app's native host: inside the Toss app (its WebView's bridge), or with an emulator
 *  installed. Apps install the emulator in development when there is none:
 *  `if (import.meta.env.DEV && !hasTossHost()) installHostEmulator()`. */
export function hasTossHost() {
  return globalThis.ReactNativeWebView != null;
}

/** The native key-value store behind the SDK's `Storage`: in localStorage under `prefix` (null: memory only). */
function nativeStorage(local, prefix) {
  if (!prefix || !local) {
    const memory = new Map();
    return { get: (k) => memory.get(k) ?? null, set: (k, v) => void memory.set(k, v), remove: (k) => void memory.delete(k), clear: () => memory.clear() };
  }
  return {
    get: (k) => local.getItem(prefix + k),
    set: (k, v) => local.setItem(prefix + k, v),
    remove: (k) => local.removeItem(prefix + k),
    clear: () => Object.keys(local).filter((k) => k.startsWith(prefix)).forEach((k) => local.removeItem(k)),
  };
}

/** Host methods answered `undefined` when the app version is below their gate (as old Toss apps do). */
const METHOD_GATES = {
  iapGetProductItemList: 'iap',
  getPendingOrders: 'pendingOrders',
  getCompletedOrRefundedOrders: 'history',
  completeProductGrant: 'completeProductGrant',
  getSubscriptionInfo: 'subscription',
};

/**
 * Installs the emulated host on `target` (default: globalThis).
 * @param {object} [options]
 * @param {'sandbox'|'toss'} [options.environment] 'sandbox' passes every version gate.
 * @param {string} [options.appVersion] Toss app version reported to the SDK.
 * @param {'android'|'ios'} [options.os]
 * @param {object[]} [options.products] the catalogue (default: the sandbox's two mock products).
 * @param {number} [options.latencyMs] delay of every answer.
 * @param {number} [options.grantTimeoutMs] how long the host waits for processProductGrant (30 s).
 * @param {number} [options.throttleMs] purchase calls closer together than this fail with TOO_MANY_REQUESTS.
 * @param {string|null} [options.storageKey] localStorage key that keeps the ledger across reloads (null: memory only,
 *   for the ledger and for the SDK's `Storage`, which otherwise lives in localStorage under `ait-iap:host-emulator:storage:`).
 * @param {string} [options.mirrorUrl] where each order change is POSTed (the emulated Toss server).
 * @param {string} [options.miniAppId]
 * @param {boolean} [options.autoConfirm] skip the order sheet (true) or always show it (false); unset, it shows
 *   except in automated browsers (`navigator.webdriver`, as in tests).
 */
export function installHostEmulator(options = {}) {
  const target = options.target ?? globalThis;
  const config = {
    environment: 'sandbox',
    appVersion: '5.250.0',
    os: 'android',
    latencyMs: 0,
    grantTimeoutMs: GRANT_TIMEOUT_MS,
    throttleMs: 0,
    ...options,
  };
  let products = (options.products ?? SANDBOX_PRODUCTS).map((p) => ({ ...p }));
  const ledger = createLedger({
    storage: target.localStorage,
    storageKey: options.storageKey === undefined ? 'ait-iap:host-emulator:ledger' : options.storageKey,
    mirrorUrl: options.mirrorUrl,
    miniAppId: options.miniAppId ?? 'ait-iap-sandbox',
  });
  const storage = nativeStorage(target.localStorage, options.storageKey === null ? null : 'ait-iap:host-emulator:storage:');
  const scenarios = createScenarioQueue();
  /** orderId → { stream, scenario, product, timer }: paid orders waiting for the mini-app's grant. */
  const awaitingGrant = new Map();
  /** eventId → open event stream. */
  const streams = new Map();
  const calls = [];
  let lastPurchaseAt = -Infinity;

  // web-bridge replaces the emitter when it is imported, so look it up at each emit.
  const emit = (name, payload) => target.__GRANITE_NATIVE_EMITTER?.emit(name, payload);
  const findProduct = (sku) => products.find((p) => p.sku === sku);

  function setConstants() {
    target.__CONSTANT_HANDLER_MAP = {
      ...(target.__CONSTANT_HANDLER_MAP ?? {}),
      getOperationalEnvironment: config.environment,
      getTossAppVersion: config.appVersion,
      getPlatformOS: config.os,
    };
  }

  function successData(order, product) {
    return {
      orderId: order.orderId,
      displayName: product?.displayName ?? '',
      displayAmount: product?.displayAmount ?? '',
      amount: amountOf(product?.displayAmount),
      currency: 'KRW',
      fraction: 0,
      miniAppIconUrl: null,
    };
  }

  /** The order sheet shows unless `autoConfirm` is true; left unset, automated browsers (tests) skip it too. */
  const showsOrderSheet = () =>
    config.autoConfirm === false || (config.autoConfirm === undefined && !target.navigator?.webdriver && target.document !== undefined);

  /** Checks a purchase request; returns the product or throws the host error. */
  function checkPurchase(sku, offerId, subscription, scenario) {
    if (scenario.throttled || performance.now() - lastPurchaseAt < config.throttleMs) {
      throw hostError(THROTTLED, '요청이 너무 많아요. 잠시 후 다시 시도해 주세요.');
    }
    lastPurchaseAt = performance.now();
    const product = findProduct(sku);
    if (!product || (product.type === 'SUBSCRIPTION') !== subscription) throw hostError('INVALID_PRODUCT_ID', `unknown sku ${sku}`);
    if (offerId != null && !product.offers?.some((o) => o.offerId === offerId)) throw hostError('INVALID_PRODUCT_ID', `unknown offer ${offerId}`);
    if (product.type === 'NON_CONSUMABLE' && ledger.owns(sku)) throw hostError('ITEM_ALREADY_OWNED', `already owns ${sku}`);
    if (scenario.error && !scenario.afterGrant && scenario.error !== 'PRODUCT_NOT_GRANTED_BY_PARTNER') {
      throw scenarioError(scenario.error, scenario.errorShape);
    }
    return product;
  }

  /** The current purchase stream (requestOneTimePurchase / requestSubscriptionPurchase). */
  async function purchaseStream(functionName, args, stream) {
    const subscription = functionName === 'requestSubscriptionPurchase';
    const scenario = scenarios.take(functionName, true);
    if (scenario.noAnswer) return;
    await sleep(config.latencyMs + (scenario.delayMs ?? 0));
    let product;
    try {
      product = checkPurchase(args?.sku, subscription ? args?.offerId : null, subscription, scenario);
    } catch (error) {
      stream.onError(error);
      return;
    }
    if (showsOrderSheet() && !(await confirmPurchase(target.document, product))) {
      stream.onError(hostError('USER_CANCELED', '사용자가 결제를 취소했어요.'));
      return;
    }
    const orderId = newId();
    const order = { orderId, sku: product.sku, kind: product.type, status: 'paid', paidAt: Date.now() };
    if (subscription) Object.assign(order, { subscriptionId: newId(), offerId: args?.offerId ?? null });
    await ledger.add(order);
    const timer = setTimeout(() => grantAnswered(orderId, false), scenario.grantTimeoutMs ?? config.grantTimeoutMs);
    awaitingGrant.set(orderId, { stream, scenario, product, timer });
    const purchased = { type: 'purchased', data: subscription ? { orderId, subscriptionId: order.subscriptionId } : { orderId } };
    stream.onEvent(purchased);
    if (scenario.duplicatePurchased) stream.onEvent(purchased);
  }

  /** The mini-app answered processProductGrant (or the host stopped waiting: `granted` false). */
  async function grantAnswered(orderId, granted) {
    const waiting = awaitingGrant.get(orderId);
    if (!waiting) return;
    awaitingGrant.delete(orderId);
    clearTimeout(waiting.timer);
    const { stream, scenario, product } = waiting;
    const forcedFailure = scenario.error === 'PRODUCT_NOT_GRANTED_BY_PARTNER';
    if (!granted || forcedFailure) {
      // The order stays paid-but-ungranted: getPendingOrders lists it until completeProductGrant.
      stream.onError(hostError('PRODUCT_NOT_GRANTED_BY_PARTNER', '파트너사의 상품 지급이 실패했어요.'));
    } else if (scenario.afterGrant) {
      // Money taken and granted, but Toss could not record it: the order stays pending for reconciliation.
      stream.onError(scenarioError(scenario.error, scenario.errorShape, { userInfo: { orderId } }));
    } else {
      await ledger.update(orderId, { status: 'completed', completedAt: Date.now() });
      stream.onEvent({ type: 'success', data: successData(ledger.get(orderId), product) });
    }
  }

  const methods = {
    iapGetProductItemList: () => ({ products: products.map((p) => clone(p)) }),
    processProductGrant: ({ orderId, isProductGranted } = {}) => {
      grantAnswered(orderId, isProductGranted === true);
      return true;
    },
    // The legacy one-time purchase (apps below 5.231.1 / 5.230.0): no grant step; the order completes at once.
    iapCreateOneTimePurchaseOrder: async ({ productId } = {}, scenario) => {
      const product = checkPurchase(productId, null, false, scenario);
      const order = { orderId: newId(), sku: product.sku, kind: product.type, status: 'completed', paidAt: Date.now(), completedAt: Date.now() };
      await ledger.add(order);
      return successData(order, product);
    },
    // The SDK's `Storage` (the app's native key-value store: it outlives the WebView).
    getStorageItem: (key) => storage.get(String(key)),
    setStorageItem: (key, _, args) => storage.set(String(key), String(args[1])),
    removeStorageItem: (key) => storage.remove(String(key)),
    clearItems: () => storage.clear(),
    getPendingOrders: () => ({ orders: ledger.pending() }),
    completeProductGrant: async ({ params } = {}) => {
      const order = ledger.get(params?.orderId);
      if (!order || order.status !== 'paid' || awaitingGrant.has(order.orderId)) return false;
      await ledger.update(order.orderId, { status: 'completed', completedAt: Date.now() });
      return true;
    },
    getCompletedOrRefundedOrders: (arg) => ledger.history(arg?.key ?? arg?.params?.key),
    getSubscriptionInfo: ({ params } = {}) => {
      const order = ledger.get(params?.orderId);
      const product = order && findProduct(order.sku);
      if (!order || order.kind !== 'SUBSCRIPTION') throw hostError('INVALID_ORDER_ID', `no subscription order ${params?.orderId}`);
      const started = order.completedAt ?? order.paidAt;
      const expiresAt = started + renewalDays(product?.renewalCycle) * 86_400_000;
      const status = order.status === 'refunded' ? 'REVOKED' : order.status !== 'completed' ? 'ON_HOLD' : expiresAt < Date.now() ? 'EXPIRED' : 'ACTIVE';
      return {
        subscription: {
          catalogId: Math.max(1, products.indexOf(product) + 1),
          status,
          expiresAt: new Date(expiresAt).toISOString(),
          isAutoRenew: status === 'ACTIVE',
          gracePeriodExpiresAt: null,
          isAccessible: status === 'ACTIVE',
        },
      };
    },
  };

  async function onMethod(functionName, eventId, args) {
    const isPurchase = functionName === 'iapCreateOneTimePurchaseOrder';
    const scenario = scenarios.take(functionName, isPurchase);
    if (scenario.noAnswer) return;
    await sleep(config.latencyMs + (scenario.delayMs ?? 0));
    const reject = (error) => emit(`${functionName}/reject/${eventId}`, error);
    const gate = METHOD_GATES[functionName];
    if (gate && !supports(gate, config)) return emit(`${functionName}/resolve/${eventId}`, undefined);
    const handler = methods[functionName];
    if (!handler) return reject(hostError('NOT_SUPPORTED', `${functionName} is not emulated`));
    if (scenario.error && !isPurchase) return reject(scenarioError(scenario.error, scenario.errorShape));
    try {
      emit(`${functionName}/resolve/${eventId}`, await scenarioAnswer(scenario, () => handler(args?.[0], scenario, args ?? [])));
    } catch (error) {
      reject(error?.__isError ? error : hostError('INTERNAL_ERROR', String(error)));
    }
  }

  function onMessage(raw) {
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    calls.push(msg);
    const { type, functionName, eventId, args } = msg;
    if (type === 'method') {
      onMethod(functionName, eventId, args);
    } else if (type === 'addEventListener') {
      const stream = {
        onEvent: (data) => streams.has(eventId) && emit(`${functionName}/onEvent/${eventId}`, data),
        onError: (error) => streams.has(eventId) && emit(`${functionName}/onError/${eventId}`, error),
      };
      streams.set(eventId, stream);
      if (functionName === 'requestOneTimePurchase' || functionName === 'requestSubscriptionPurchase') {
        purchaseStream(functionName, args, stream);
      } else {
        setTimeout(() => stream.onError(hostError('NOT_SUPPORTED', `${functionName} is not emulated`)), config.latencyMs);
      }
    } else if (type === 'removeEventListener') {
      streams.delete(eventId);
    }
  }

  const previous = { ReactNativeWebView: target.ReactNativeWebView, __CONSTANT_HANDLER_MAP: target.__CONSTANT_HANDLER_MAP };
  target.ReactNativeWebView = { postMessage: onMessage };
  setConstants();

  return {
    /** A snapshot of every order the host knows. */
    orders: () => ledger.list(),
    /** Every message the page sent to the host. */
    calls: () => calls.map((c) => clone(c)),
    /** The next call (a purchase, or `scenario.on`) behaves as `scenario` (a name from SCENARIOS or an object). */
    setScenario: (scenario) => scenarios.set(scenario),
    /** Queues scenarios, one per call. */
    queueScenarios: (list) => scenarios.queue(list),
    clearScenarios: () => scenarios.clear(),
    pendingScenarios: () => scenarios.pending(),
    /** Changes environment, appVersion, os, latencyMs, grantTimeoutMs or throttleMs. */
    configure(patch) {
      Object.assign(config, patch);
      setConstants();
    },
    config: () => ({ ...config, target: undefined }),
    setProducts(list) {
      products = list.map((p) => ({ ...p }));
    },
    /** Refunds a completed order: it shows as REFUNDED in the order history. Resolves whether it was refunded. */
    async refund(orderId) {
      const order = ledger.get(orderId);
      if (!order || order.status !== 'completed') return false;
      await ledger.update(orderId, { status: 'refunded', refundedAt: Date.now() });
      return true;
    },
    /** Forgets every order (and the saved ledger). */
    reset() {
      for (const w of awaitingGrant.values()) clearTimeout(w.timer);
      awaitingGrant.clear();
      ledger.clear();
      scenarios.clear();
    },
    /** Removes the emulator and restores what was there. */
    uninstall() {
      for (const w of awaitingGrant.values()) clearTimeout(w.timer);
      target.ReactNativeWebView = previous.ReactNativeWebView;
      target.__CONSTANT_HANDLER_MAP = previous.__CONSTANT_HANDLER_MAP;
    },
  };
}
