// The host emulator's real-device shapes as scenarios: `noSubscription` (getSubscriptionInfo answers `{}`) and
// `hasNextWithoutNextKey` (a history page with `hasNext` and no `nextKey`), each applying to its own method only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCENARIOS, createScenarioQueue, scenarioAnswer } from '../js/emulator-scenarios.js';

const page = { hasNext: true, nextKey: '10', orders: [{ orderId: 'o-1', sku: 'a', status: 'COMPLETED', date: '2026-01-01T00:00:00' }] };

test('noSubscription answers getSubscriptionInfo with {} whatever the order, and nothing else', async () => {
  const queue = createScenarioQueue();
  queue.set('noSubscription');
  assert.equal(queue.take('iapCreateOneTimePurchaseOrder', true).name, 'success', 'not a purchase scenario');
  assert.equal(queue.take('getCompletedOrRefundedOrders', false).name, 'success');
  const scenario = queue.take('getSubscriptionInfo', false);
  assert.equal(scenario.name, 'noSubscription');
  // The emulated answer is not asked for: a one-time order's would be an error.
  assert.deepEqual(await scenarioAnswer(scenario, () => { throw new Error('INVALID_ORDER_ID'); }), {});
  assert.deepEqual(queue.pending(), []);
});

test('hasNextWithoutNextKey keeps the emulated page and its orders, says hasNext, and gives no nextKey', async () => {
  const queue = createScenarioQueue();
  queue.queue(['hasNextWithoutNextKey']);
  assert.equal(queue.take('getSubscriptionInfo', false).name, 'success');
  const scenario = queue.take('getCompletedOrRefundedOrders', false);
  const answer = await scenarioAnswer(scenario, async () => ({ ...page, hasNext: false, nextKey: null }));
  assert.deepEqual(answer.orders, page.orders);
  assert.equal(answer.hasNext, true);
  assert.equal(answer.nextKey, undefined);
  assert.equal(SCENARIOS.hasNextWithoutNextKey.on, 'getCompletedOrRefundedOrders');
});

test('a scenario without an answer resolves the emulated answer; an answer given as data is used as is', async () => {
  assert.equal(await scenarioAnswer(createScenarioQueue().take('getCompletedOrRefundedOrders', false), () => page), page);
  const queue = createScenarioQueue();
  queue.set({ on: 'getSubscriptionInfo', answer: { subscription: undefined } });
  assert.deepEqual(await scenarioAnswer(queue.take('getSubscriptionInfo', false), () => page), { subscription: undefined });
});
