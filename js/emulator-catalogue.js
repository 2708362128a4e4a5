// What the emulated host sells, and the Toss app versions at which each IAP feature arrived.

/** The two mock products the Toss sandbox app shows. */
export const SANDBOX_PRODUCTS = Object.freeze([
  Object.freeze({ sku: 'ait.sandbox.test.product.1', type: 'CONSUMABLE', displayName: '테스트 상품 - 1', displayAmount: '1,000원', iconUrl: '', description: '테스트 상품 - 1' }),
  Object.freeze({ sku: 'ait.sandbox.test.product.2', type: 'CONSUMABLE', displayName: '테스트 상품 - 2', displayAmount: '2,000원', iconUrl: '', description: '테스트 상품 - 2' }),
]);

/** A catalogue with one product of each kind, for developing against every path. */
export const EXAMPLE_CATALOGUE = Object.freeze([
  { sku: 'gem.100', type: 'CONSUMABLE', displayName: '보석 100개', displayAmount: '1,100원', iconUrl: '', description: '게임 안에서 쓰는 보석' },
  { sku: 'no.ads', type: 'NON_CONSUMABLE', displayName: '광고 제거', displayAmount: '3,300원', iconUrl: '', description: '광고 없이 즐기기' },
  {
    sku: 'pass.monthly', type: 'SUBSCRIPTION', displayName: '월간 패스', displayAmount: '4,900원', iconUrl: '', description: '매달 혜택', renewalCycle: 'MONTHLY',
    offers: [
      { type: 'FREE_TRIAL', offerId: 'trial.7d', period: 'P7D' },
      { type: 'NEW_SUBSCRIPTION', offerId: 'new.first', period: 'P1M', displayAmount: '990원' },
      { type: 'RETURNING', offerId: 'returning', period: 'P1M', displayAmount: '2,900원' },
    ],
  },
]);

/** Minimum Toss app versions per feature, as the SDK's source gates them (sandbox passes every gate). */
export const GATES = Object.freeze({
  iap: { android: '5.219.0', ios: '5.219.0' },
  processProductGrant: { android: '5.231.1', ios: '5.230.0' },
  history: { android: '5.231.0', ios: '5.231.0' },
  completeProductGrant: { android: '5.233.0', ios: '5.233.0' },
  pendingOrders: { android: '5.234.0', ios: '5.231.0' },
  subscription: { android: '5.248.0', ios: '5.249.0' },
});

export function compareVersions(a, b) {
  const pa = String(a).split('.').map((n) => parseInt(n, 10) || 0);
  const pb = String(b).split('.').map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Whether a host with this environment, version and OS has the feature behind `gate`. */
export function supports(gate, { environment, appVersion, os }) {
  if (environment === 'sandbox') return true;
  const min = GATES[gate]?.[os === 'ios' ? 'ios' : 'android'];
  return min !== undefined && compareVersions(appVersion, min) >= 0;
}

const PERIOD_DAYS = { WEEKLY: 7, MONTHLY: 30, YEARLY: 365 };
export const renewalDays = (cycle) => PERIOD_DAYS[cycle] ?? 30;

/** "1,000원" → 1000 */
export const amountOf = (displayAmount) => Number(String(displayAmount ?? '').replace(/[^0-9]/g, '')) || 0;
