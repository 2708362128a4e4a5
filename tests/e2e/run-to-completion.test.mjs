// The client runs each event to completion: an event raised while effects run (a purchase started from a route
// handler, which runs inside the engine's Finish effect) waits its turn, every purchase() call is answered by its
// own id, and listeners hear once per change, after its effects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, SKU1 } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

test('purchases started from a route handler each resolve with their own outcome; listeners hear each change once', async () => {
  const page = await sandbox.page();
  const result = await page.evaluate(async (sku) => {
    window.iap.dispose();
    const phases = [];
    const retries = [];
    const client = window.aitIap.createIap({
      sdk: window.sdk,
      grant: '/api/grant',
      recoverOnStart: false,
      routes: {
        // Runs while the failed purchase's effects run: both calls are queued, answered in order.
        transient: () => retries.push(client.purchase(sku), client.purchase(sku)),
      },
    });
    client.subscribe((state) => phases.push(state.phase));
    window.hostEmulator.setScenario('NETWORK_ERROR');
    const first = await client.purchase(sku);
    const [second, third] = await Promise.all(retries);
    client.dispose();
    return { first: first.error?.code, second: second.status, third: third.error?.code, phases };
  }, SKU1);
  assert.equal(result.first, 'NETWORK_ERROR');
  assert.equal(result.second, 'completed', JSON.stringify(result));
  assert.equal(result.third, 'PURCHASE_IN_FLIGHT');
  assert.ok(result.phases.every((p, i) => p !== result.phases[i - 1]), `each change heard once: ${result.phases}`);
  assert.equal(result.phases.at(-1), 'completed');
  await page.close();
});
