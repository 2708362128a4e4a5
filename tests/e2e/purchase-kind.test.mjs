// How a sku is bought follows the latest product list: a sku once listed as SUBSCRIPTION and now as CONSUMABLE is
// bought one-time (found by fuzzing product lists: a sticky set bought it as a subscription forever after, and on
// web-bridge 1.4, which has no subscriptions, it could no longer be bought at all: APP_TOO_OLD).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

const item = (type) => ({ sku: 'flip.item', type, displayName: '바뀐 상품', displayAmount: '1,000원', iconUrl: '', description: '종류가 바뀐 상품', ...(type === 'SUBSCRIPTION' ? { renewalCycle: 'MONTHLY' } : {}) });

for (const sdk of ['2.10', '1.4']) {
  test(`web-bridge ${sdk}: listed as SUBSCRIPTION, then as CONSUMABLE: bought one-time`, async () => {
    const page = await sandbox.page(`?sdk=${sdk}`);
    const result = await page.evaluate(async ([subscription, consumable]) => {
      window.hostEmulator.setProducts([subscription]);
      await window.iap.products();
      window.hostEmulator.setProducts([consumable]);
      await window.iap.products();
      const outcome = await window.iap.purchase('flip.item');
      const calls = window.hostEmulator.calls().map((c) => c.functionName).filter((n) => /Purchase|PurchaseOrder/.test(n));
      return { status: outcome.status, code: outcome.error?.code, calls };
    }, [item('SUBSCRIPTION'), item('CONSUMABLE')]);
    assert.equal(result.status, 'completed', JSON.stringify(result));
    assert.ok(!result.calls.includes('requestSubscriptionPurchase'), `no subscription order: ${result.calls}`);
    await page.close();
  });
}

test('a sku the latest list leaves out keeps how an earlier list had it (an app may show part of its catalogue)', async () => {
  const page = await sandbox.page();
  const result = await page.evaluate(async ([subscription, consumable]) => {
    const pass = { ...subscription, sku: 'part.pass' };
    window.hostEmulator.setProducts([pass, consumable]);
    await window.iap.products();
    window.hostEmulator.setProducts([consumable]);
    await window.iap.products();
    window.hostEmulator.setProducts([pass, consumable]);
    const outcome = await window.iap.purchase('part.pass');
    return { status: outcome.status, calls: window.hostEmulator.calls().map((c) => c.functionName) };
  }, [item('SUBSCRIPTION'), item('CONSUMABLE')]);
  assert.equal(result.status, 'completed', JSON.stringify(result));
  assert.ok(result.calls.includes('requestSubscriptionPurchase'), 'bought as the subscription it was listed as');
  await page.close();
});
