// End to end through every real part: the wasm client in Chromium, the dev backend on ait-iap/server with its
// ledger in a PGlite folder, the emulated Toss server over mTLS. The backend grants an order, its reply is lost,
// and it restarts before the client's recovery: the ledger kept the grant, so recovery is answered granted and
// the item exists once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSandbox, SKU1 } from './harness.mjs';

let sandbox, tmp;
before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ait-iap-e2e-'));
  sandbox = await openSandbox({ dataDir: join(tmp, '.data/pglite') }); // nested, like npm start's: made as needed
});
after(async () => {
  await sandbox.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('granted, reply lost, backend restarted before recovery: recovered as granted, delivered once', async () => {
  const page = await sandbox.page();
  const outcome = await sandbox.whileBackend('lose-reply', () =>
    page.evaluate(async (sku) => {
      window.iap.dispose();
      const client = window.aitIap.createIap({ sdk: window.sdk, grant: '/api/grant', recoverOnStart: false, grantDeadlineMs: 1500 });
      const o = await client.purchase(sku);
      client.dispose();
      return { status: o.status, orderId: o.orderId, code: o.error?.code };
    }, SKU1));
  assert.equal(outcome.status, 'failed');
  assert.equal(outcome.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  const delivered = (await sandbox.server.backend.items()).filter((i) => i.orderId === outcome.orderId);
  assert.equal(delivered.length, 1, 'the backend had delivered it before its reply was lost');

  await sandbox.server.restartBackend();
  const report = await page.evaluate(async () => {
    const client = window.aitIap.createIap({ sdk: window.sdk, grant: '/api/grant', recoverOnStart: false });
    const r = await client.recoverPendingOrders();
    const left = client.outbox().length;
    client.dispose();
    return { ...r, left };
  });
  assert.deepEqual(report.granted, [outcome.orderId]);
  assert.equal(report.left, 0);
  const answer = sandbox.server.backend.requests.find((r) => r.orderId === outcome.orderId)?.answer;
  assert.deepEqual(answer, { status: 200, granted: true, alreadyGranted: true }, 'the restarted backend found the grant in its ledger');
  assert.equal((await sandbox.server.backend.items()).filter((i) => i.orderId === outcome.orderId).length, 1, 'still delivered once');
  assert.deepEqual(sandbox.pageErrors, []);
  await page.close();
});

test('a purchase through the library on PGlite writes one item row for its order', async () => {
  const page = await sandbox.page();
  const outcome = await page.evaluate((sku) => window.iap.purchase(sku).then((o) => ({ status: o.status, orderId: o.orderId })), SKU1);
  assert.equal(outcome.status, 'completed');
  const items = (await sandbox.server.backend.items()).filter((i) => i.orderId === outcome.orderId);
  assert.deepEqual(items, [{ orderId: outcome.orderId, userKey: 'sandbox-user', sku: SKU1 }]);
  await page.close();
});
