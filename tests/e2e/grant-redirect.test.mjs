// The hand-off never follows a redirect: a grant URL that answers 307 must not carry the orderId (and the user's
// credentials) to wherever it points, even to a URL that would grant. The redirect counts as no answer: the
// purchase is not reported granted, the order stays in the outbox, and the developer is told once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, corsServer, SKU1 } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

test('a grant URL that redirects (307) to one that would grant: the POST is not followed, the purchase not granted', async (t) => {
  const elsewhere = await corsServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"granted":true}'));
  t.after(() => elsewhere.close());
  const redirecting = await corsServer((req, res) => res.writeHead(307, { location: elsewhere.url }).end());
  t.after(() => redirecting.close());
  const page = await sandbox.page();
  t.after(() => page.close());
  const warnings = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  const outcome = await page.evaluate(async ([url, sku]) => {
    window.iap.dispose();
    const client = window.aitIap.createIap({ sdk: window.sdk, grant: { url }, recoverOnStart: false, grantDeadlineMs: 1500 });
    const o = await client.purchase(sku);
    const outbox = client.outbox().map((e) => e.orderId);
    client.dispose();
    return { status: o.status, orderId: o.orderId, code: o.error?.code, outbox };
  }, [redirecting.url, SKU1]);

  assert.ok(redirecting.posts.length >= 1, 'the grant URL received the hand-off');
  assert.equal(redirecting.posts[0].orderId, outcome.orderId);
  assert.deepEqual(elsewhere.posts, [], 'the redirect target never received the POST');
  assert.equal(outcome.status, 'failed');
  assert.equal(outcome.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  assert.deepEqual(outcome.outbox, [outcome.orderId], 'the paid order is kept, to be handed off again');
  const told = warnings.filter((w) => w.includes('redirected'));
  assert.equal(told.length, 1, `the developer is told once that the grant URL redirected: ${JSON.stringify(warnings)}`);
  assert.ok(told[0].includes(`grant URL ${redirecting.url}: redirected (not followed)`), told[0]);
  assert.deepEqual(sandbox.pageErrors, []);
});
