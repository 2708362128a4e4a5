// Each error carries the raw SDK error that brought it, and only that one: a TIMEOUT after an SDK failure has no
// `raw` (before, the previous failure's raw was attached to every later error).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, setScenario, SKU1 } from './harness.mjs';

/** The outcome's error code and its raw error's code, read in the page (an Error's own fields do not cross). */
const purchase = (page, sku) =>
  page.evaluate((s) => window.iap.purchase(s).then((o) => ({ code: o.error?.code, raw: o.error && 'raw' in o.error ? { code: o.error.raw?.code } : undefined })), sku);

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

test('a TIMEOUT after an SDK failure carries no stale raw error', async () => {
  const page = await sandbox.page('?purchaseTimeoutMs=500');
  await setScenario(page, 'NETWORK_ERROR');
  const failed = await purchase(page, SKU1);
  assert.equal(failed.code, 'NETWORK_ERROR');
  assert.equal(failed.raw?.code, 'NETWORK_ERROR', 'the SDK failure keeps its own raw error');
  await setScenario(page, 'noAnswer');
  const timedOut = await purchase(page, SKU1);
  assert.equal(timedOut.code, 'TIMEOUT');
  assert.equal(timedOut.raw, undefined, 'no raw error from the earlier failure');
  await page.close();
});
