// How the emulated host misbehaves on the next call(s): set one scenario, or queue several.

/** The SDK's documented error codes. */
export const SDK_ERROR_CODES = Object.freeze([
  'INVALID_PRODUCT_ID', 'PAYMENT_PENDING', 'NETWORK_ERROR', 'INVALID_USER_ENVIRONMENT', 'ITEM_ALREADY_OWNED',
  'APP_MARKET_VERIFICATION_FAILED', 'TOSS_SERVER_VERIFICATION_FAILED', 'INTERNAL_ERROR', 'KOREAN_ACCOUNT_ONLY',
  'USER_CANCELED', 'PRODUCT_NOT_GRANTED_BY_PARTNER',
]);

/** The code a throttled call fails with. */
export const THROTTLED = 'TOO_MANY_REQUESTS';

/**
 * Named scenarios. A scenario object may also be given directly:
 * { on?: 'purchase' | <host function name>, error?: code, errorShape?: 'code' | 'userInfo' | 'message',
 *   afterGrant?: boolean, delayMs?: number, noAnswer?: boolean, duplicatePurchased?: boolean,
 *   grantTimeoutMs?: number, throttled?: boolean, answer?: value | (emulatedAnswer) => value }
 * `answer` is what a host method (`on`) resolves instead of the emulated answer (a function gets that answer): the
 * shapes real devices send, which the emulated ledger never makes.
 */
export const SCENARIOS = Object.freeze({
  success: {},
  pending: { error: 'PAYMENT_PENDING' },
  grantTimeout: { grantTimeoutMs: 300 },
  duplicatePurchased: { duplicatePurchased: true },
  slowHost: { delayMs: 1500 },
  noAnswer: { noAnswer: true },
  throttled: { throttled: true },
  verificationFailedAfterGrant: { error: 'TOSS_SERVER_VERIFICATION_FAILED', afterGrant: true },
  codeInMessageOnly: { error: 'NETWORK_ERROR', errorShape: 'message' },
  codeInUserInfo: { error: 'INTERNAL_ERROR', errorShape: 'userInfo' },
  // Real devices: `{}` for an order without a subscription; a history page with `hasNext` and no `nextKey`.
  noSubscription: { on: 'getSubscriptionInfo', answer: {} },
  hasNextWithoutNextKey: { on: 'getCompletedOrRefundedOrders', answer: (page) => ({ ...page, hasNext: true, nextKey: undefined }) },
  ...Object.fromEntries(SDK_ERROR_CODES.map((code) => [code, { error: code }])),
});

export function normalizeScenario(s) {
  const scenario = typeof s === 'string' ? SCENARIOS[s] : s;
  if (!scenario || typeof scenario !== 'object') throw new TypeError(`unknown host scenario: ${String(s)}`);
  return { on: 'purchase', ...scenario, name: typeof s === 'string' ? s : scenario.name ?? 'custom' };
}

/** What a host method resolves under `scenario`: its `answer` if it has one (a function gets the emulated answer,
 *  which `emulated()` makes), else the emulated answer. */
export async function scenarioAnswer(scenario, emulated) {
  const { answer } = scenario;
  return typeof answer === 'function' ? answer(await emulated()) : 'answer' in scenario ? answer : emulated();
}

/** The host error object as it crosses the bridge, in the requested shape. */
export function scenarioError(code, shape = 'code', extra = {}) {
  const message = `[emulated host] ${code}`;
  if (shape === 'message') return { ...extra, message, __isError: true };
  if (shape === 'userInfo') return { ...extra, code: 'E_IAP', userInfo: { ...(extra.userInfo ?? {}), code }, message: 'IAP error', __isError: true };
  return { ...extra, code, message, __isError: true };
}

export function createScenarioQueue() {
  let queue = [];
  return {
    set: (s) => { queue = [normalizeScenario(s)]; },
    queue: (list) => { queue.push(...list.map(normalizeScenario)); },
    clear: () => { queue = []; },
    pending: () => queue.map((s) => s.name),
    /** Takes the first queued scenario that applies to `functionName` (a purchase call or a method). */
    take(functionName, isPurchase) {
      const i = queue.findIndex((s) => s.on === functionName || (s.on === 'purchase' && isPurchase));
      return i < 0 ? normalizeScenario('success') : queue.splice(i, 1)[0];
    },
  };
}
