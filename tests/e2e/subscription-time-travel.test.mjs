// Issue 25, end to end: a subscription bought in Chromium through the real SDK and the host emulator, granted by the
// dev backend's grant handler (get-order-status over mTLS), then renewed, expired, restarted and refunded (REVOKED)
// by time travel from the sandbox panel's buttons: the emulated Toss server sends each notification over HTTP to the
// dev backend's subscription webhook handler, and `ledger.entitlements(userKey)` follows each step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { openSandbox, purchase } from './harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const USER = 'sandbox-user'; // the dev backend grants every order to this user
const DAY = 86_400_000;

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

test('bought, granted, then renewed, expired, restarted and revoked by the panel: entitlements follow each step', async () => {
  const page = await sandbox.page('?catalogue=example');
  const bought = await purchase(page, 'pass.monthly');
  assert.equal(bought.status, 'completed', JSON.stringify(bought));
  const { orderId } = bought;
  const ledger = sandbox.server.backend.ledger;
  const entitled = async () => (await ledger.entitlements(USER)).subscriptions.filter((s) => s.orderId === orderId);

  const panel = page.getByRole('group', { name: '구독 시간 여행 · Subscription time travel' });
  await page.waitForSelector(`#subscription-order option[value="${orderId}"]`, { state: 'attached' });
  await panel.getByRole('combobox', { name: '구독 주문 · Subscription order' }).selectOption(orderId);
  const result = page.locator('#subscription-result');
  /** Clicks the event's button and waits for the line saying what the dev backend answered. */
  async function travel(label, event) {
    await result.evaluate((el) => { el.textContent = ''; });
    await panel.getByRole('button', { name: label, exact: true }).click();
    await page.waitForFunction(() => !/…$|^$/.test(document.querySelector('#subscription-result').textContent));
    const text = await result.textContent();
    assert.match(text, new RegExp(`${event} → 204`), text);
    return text;
  }

  assert.match(await travel('갱신 · Renew', 'RENEWED'), /^CREATED → 204, RENEWED → 204$/, 'the first event brings CREATED');
  let [record] = await entitled();
  assert.equal(record?.status, 'ACTIVE', 'renewed: entitled');
  assert.equal(record.userKey, USER);
  assert.equal(record.sku, 'pass.monthly');
  assert.ok(Math.abs(record.expiresAt.getTime() - (Date.now() + 60 * DAY)) < 5 * 60_000, `two periods from the purchase: ${record.expiresAt.toISOString()}`);
  const renewedUntil = record.expiresAt.getTime();

  await travel('만료 · Expire', 'EXPIRED');
  assert.deepEqual(await entitled(), [], 'expired: not entitled');
  assert.equal((await ledger.subscription(orderId)).status, 'EXPIRED');

  await travel('재시작 · Restart', 'RESTARTED');
  [record] = await entitled();
  assert.equal(record?.status, 'ACTIVE', 'restarted: entitled again');
  assert.ok(record.expiresAt.getTime() < renewedUntil, 'a new period from now');

  await travel('환불 · Revoke (refund)', 'REVOKED');
  assert.deepEqual(await entitled(), [], 'revoked (refunded): not entitled');
  const { nonConsumables } = await ledger.entitlements(USER);
  assert.ok(!nonConsumables.some((o) => o.orderId === orderId), 'a subscription order is not owned as a one-time product');

  // Refused by the emulator, not sent: a renewal cannot follow a refund.
  await panel.getByRole('button', { name: '갱신 · Renew', exact: true }).click();
  await page.waitForFunction(() => /^409:/.test(document.querySelector('#subscription-result').textContent));
  assert.equal((await ledger.subscription(orderId)).status, 'REVOKED');

  // A duplicate of the last notification changes nothing; the verification callback is answered 2xx.
  await panel.getByRole('button', { name: '중복 전송 · Duplicate', exact: true }).click();
  await page.waitForFunction(() => /^REVOKED → 2\d\d$/.test(document.querySelector('#subscription-result').textContent));
  assert.equal((await ledger.subscriptionHistory(orderId)).length, 5, 'CREATED, RENEWED, EXPIRED, RESTARTED, REVOKED: the duplicate is not a sixth');
  await panel.getByRole('button', { name: 'URL 확인 · Verify URL', exact: true }).click();
  await page.waitForFunction(() => /^callback\.registration_verification → 2\d\d$/.test(document.querySelector('#subscription-result').textContent));

  // The controls keep the panel's accessibility: axe-core finds nothing serious in them.
  await page.addScriptTag({ path: AXE });
  const axe = await page.evaluate(() => window.axe.run('#host-panel', { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target}`));
  assert.deepEqual(serious, []);
  await page.close();
});
