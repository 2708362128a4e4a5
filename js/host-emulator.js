// An emulator of the Toss app's native side of the web bridge, so that the real, unmodified
// @apps-in-toss/web-bridge SDK runs in a desktop browser and in tests.
//
// Protocol (from the SDK's source): the page posts JSON messages through
// window.ReactNativeWebView.postMessage ({type: 'method'|'addEventListener'|'removeEventListener',
// functionName, eventId, args}); the host answers through window.__GRANITE_NATIVE_EMITTER.emit with
// `<fn>/resolve/<id>`, `<fn>/reject/<id>`, `<fn>/onEvent/<id>`, `<fn>/onError/<id>`; constants live in
// window.__CONSTANT_HANDLER_MAP.

/** The two mock products the Toss sandbox app shows. */
export const SANDBOX_PRODUCTS = Object.freeze([
  Object.freeze({
    sku: 'ait.sandbox.test.product.1',
    type: 'CONSUMABLE',
    displayName: '테스트 상품 - 1',
    displayAmount: '1,000원',
    iconUrl: '',
    description: '테스트 상품 - 1',
  }),
  Object.freeze({
    sku: 'ait.sandbox.test.product.2',
    type: 'CONSUMABLE',
    displayName: '테스트 상품 - 2',
    displayAmount: '2,000원',
    iconUrl: '',
    description: '테스트 상품 - 2',
  }),
]);

/** How long the host waits for the mini-app's processProductGrant before giving up (as the Toss app does). */
export const GRANT_TIMEOUT_MS = 30_000;

const amountOf = (displayAmount) => Number(String(displayAmount).replace(/[^0-9]/g, '')) || 0;

function hostError(code, message = code, extra = {}) {
  return { ...extra, code, message, __isError: true };
}

/**
 * Installs the emulated host on `target` (default: window).
 * @param {{environment?: 'sandbox'|'toss', appVersion?: string, os?: 'android'|'ios', products?: object[],
 *          latencyMs?: number, grantTimeoutMs?: number, target?: object}} [options]
 */
export function installHostEmulator(options = {}) {
  const {
    environment = 'sandbox',
    appVersion = '5.250.0',
    os = 'android',
    products = SANDBOX_PRODUCTS,
    latencyMs = 0,
    grantTimeoutMs = GRANT_TIMEOUT_MS,
    target = globalThis,
  } = options;

  /** orderId → order. status: 'paid' (awaiting grant) | 'completed' | 'refunded'. */
  const orders = new Map();
  /** eventId → open purchase stream. */
  const streams = new Map();
  /** Every message the page sent, for tests. */
  const calls = [];

  // web-bridge replaces the emitter when it is imported, so look it up at each emit.
  const emit = (name, payload) =>
    setTimeout(() => target.__GRANITE_NATIVE_EMITTER?.emit(name, payload), latencyMs);

  const findProduct = (sku) => products.find((p) => p.sku === sku);

  function settleGrant(order, granted) {
    clearTimeout(order.grantTimer);
    const stream = streams.get(order.eventId);
    if (granted) {
      order.status = 'completed';
      order.grantedAt = Date.now();
      const product = findProduct(order.sku) ?? {};
      stream?.onEvent({
        type: 'success',
        data: {
          orderId: order.orderId,
          displayName: product.displayName ?? '',
          displayAmount: product.displayAmount ?? '',
          amount: amountOf(product.displayAmount),
          currency: 'KRW',
          fraction: 0,
          miniAppIconUrl: null,
        },
      });
    } else {
      stream?.onError(hostError('PRODUCT_NOT_GRANTED_BY_PARTNER', '파트너사의 상품 지급이 실패했어요.'));
    }
  }

  const methods = {
    iapGetProductItemList: () => ({ products: products.map((p) => ({ ...p })) }),
    processProductGrant: ({ orderId, isProductGranted } = {}) => {
      const order = orders.get(orderId);
      if (!order) throw hostError('INVALID_ORDER_ID', `unknown order ${orderId}`);
      if (order.status === 'paid' && !order.grantSettled) {
        order.grantSettled = true;
        settleGrant(order, isProductGranted === true);
      }
      return true;
    },
  };

  const streamHandlers = {
    requestOneTimePurchase(eventId, args, stream) {
      const sku = args?.sku;
      if (!findProduct(sku)) {
        stream.onError(hostError('INVALID_PRODUCT_ID', `unknown sku ${sku}`));
        return;
      }
      const orderId = crypto.randomUUID();
      const order = { orderId, sku, status: 'paid', eventId, paidAt: Date.now(), grantSettled: false };
      orders.set(orderId, order);
      stream.onEvent({ type: 'purchased', data: { orderId } });
      order.grantTimer = setTimeout(() => {
        if (!order.grantSettled) {
          order.grantSettled = true;
          settleGrant(order, false);
        }
      }, grantTimeoutMs);
    },
  };

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
      const handler = methods[functionName];
      if (!handler) {
        emit(`${functionName}/reject/${eventId}`, hostError('NOT_SUPPORTED', `${functionName} is not emulated`));
        return;
      }
      try {
        const result = handler(...(args ?? []));
        emit(`${functionName}/resolve/${eventId}`, result);
      } catch (error) {
        emit(`${functionName}/reject/${eventId}`, error?.__isError ? error : hostError('INTERNAL_ERROR', String(error)));
      }
    } else if (type === 'addEventListener') {
      const stream = {
        functionName,
        onEvent: (data) => streams.has(eventId) && emit(`${functionName}/onEvent/${eventId}`, data),
        onError: (error) => streams.has(eventId) && emit(`${functionName}/onError/${eventId}`, error),
      };
      streams.set(eventId, stream);
      const handler = streamHandlers[functionName];
      if (handler) setTimeout(() => handler(eventId, args, stream), latencyMs);
      else stream.onError(hostError('NOT_SUPPORTED', `${functionName} is not emulated`));
    } else if (type === 'removeEventListener') {
      streams.delete(eventId);
    }
  }

  const previous = {
    ReactNativeWebView: target.ReactNativeWebView,
    __CONSTANT_HANDLER_MAP: target.__CONSTANT_HANDLER_MAP,
  };
  target.ReactNativeWebView = { postMessage: onMessage };
  target.__CONSTANT_HANDLER_MAP = {
    ...(previous.__CONSTANT_HANDLER_MAP ?? {}),
    getOperationalEnvironment: environment,
    getTossAppVersion: appVersion,
    getPlatformOS: os,
  };

  return {
    /** A snapshot of every order the host knows. */
    orders: () => [...orders.values()].map(({ grantTimer, eventId, ...o }) => ({ ...o })),
    /** Every message the page sent to the host. */
    calls: () => calls.map((c) => ({ ...c })),
    /** Removes the emulator and restores what was there. */
    uninstall() {
      for (const o of orders.values()) clearTimeout(o.grantTimer);
      target.ReactNativeWebView = previous.ReactNativeWebView;
      target.__CONSTANT_HANDLER_MAP = previous.__CONSTANT_HANDLER_MAP;
    },
  };
}
