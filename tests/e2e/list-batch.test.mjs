// The batched list (issue 24): the wasm hands each update's ops to the JS applier (js/list-dom.js), which reads the
// display texts from the items and compares them there. What that must keep: a broken icon stays the letter while
// its URL does not change, and texts the app changes in new objects are written, those it repeats are not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await openSandbox(); });
after(async () => { await sandbox.close(); });

test('an update repeating a broken icon keeps the letter, and rewrites only the texts that changed', async () => {
  const page = await sandbox.page();
  const broken = 'https://127.0.0.1:1/missing.png';
  await page.evaluate((broken) => {
    const container = document.createElement('section');
    container.id = 'test-list';
    document.body.append(container);
    const item = (i, extra) => ({ sku: `p${i}`, type: 'CONSUMABLE', displayName: `상품 ${i}`, displayAmount: `${i},000원`, iconUrl: broken, description: `설명 ${i}`, ...extra });
    window.item = item;
    window.testList = window.aitIap.mountProductList(container, { client: window.iap, products: [item(1), item(2)] });
  }, broken);
  await page.waitForFunction(() => [...document.querySelectorAll('#test-list img.ait-iap-icon')].every((img) => img.hidden));
  const result = await page.evaluate(() => {
    const ul = document.querySelector('#test-list .ait-iap-list');
    const observer = new MutationObserver(() => {});
    observer.observe(ul, { subtree: true, childList: true, characterData: true, attributes: true });
    // New objects, the same texts but row 2's name.
    window.testList.update([window.item(1), window.item(2, { displayName: '새 이름' })]);
    const records = observer.takeRecords();
    observer.disconnect();
    return {
      touched: [...new Set(records.map((r) => (r.target.closest?.('li') ?? r.target.parentElement?.closest('li'))?.dataset.sku))],
      names: [...ul.querySelectorAll('.ait-iap-name')].map((n) => n.textContent),
      label: ul.querySelector('li[data-sku="p2"] .ait-iap-buy').getAttribute('aria-label'),
      icons: [...ul.querySelectorAll('li')].map((li) => [li.querySelector('img').hidden, li.querySelector('.ait-iap-icon--fallback').hidden]),
    };
  });
  assert.deepEqual(result.icons, [[true, false], [true, false]], 'the broken icons stay hidden, the letters shown');
  assert.deepEqual(result.touched, ['p2'], 'only the renamed row is written');
  assert.deepEqual(result.names, ['상품 1', '새 이름']);
  assert.equal(result.label, '새 이름 구매');
  await page.close();
});

test('a long update goes to the applier in parts: every row drawn in order, and focus stays on a moved row', async () => {
  const page = await sandbox.page();
  const result = await page.evaluate(() => {
    const container = document.createElement('section');
    container.id = 'test-list';
    document.body.append(container);
    const item = (sku) => ({ sku, type: 'CONSUMABLE', displayName: `상품 ${sku}`, displayAmount: '1,000원', description: `설명 ${sku}` });
    const old = Array.from({ length: 400 }, (_, i) => item(`p${i}`));
    const list = window.aitIap.mountProductList(container, { client: window.iap, products: old });
    container.querySelector('li[data-sku="p399"] button.ait-iap-buy').focus();
    // 600 new rows first (their fields alone are several parts), then the old ones reversed: the moves come last.
    const next = [...Array.from({ length: 600 }, (_, i) => item(`n${i}`)), ...old.reverse()];
    list.update(next);
    const rows = [...container.querySelectorAll('li')];
    return {
      same: rows.length === next.length && rows.every((li, i) => li.dataset.sku === next[i].sku && li.querySelector('.ait-iap-name').textContent === next[i].displayName),
      count: rows.length,
      focused: document.activeElement?.dataset.sku,
    };
  });
  assert.equal(result.count, 1000);
  assert.ok(result.same, 'every row in the new order with its own name');
  assert.equal(result.focused, 'p399', 'focus put back after the last part, once the rows have moved');
  await page.close();
});

test('an item whose text throws when the list draws it is reported, and the list keeps working', async () => {
  const page = await sandbox.page();
  const reported = [];
  page.on('pageerror', (e) => reported.push(e.message));
  const result = await page.evaluate(() => {
    const container = document.createElement('section');
    document.body.append(container);
    const list = window.aitIap.mountProductList(container, { client: window.iap, products: [] });
    let reads = 0;
    // Read once to validate, then again to draw: the second read throws (a getter the app wrote).
    const odd = { sku: 'odd', type: 'CONSUMABLE', displayAmount: '1,000원', get displayName() { if (reads++) throw new Error('read twice'); return '상품'; } };
    const out = {};
    try { list.update([odd]); out.first = 'ok'; } catch (e) { out.first = String(e); }
    try { list.update([{ sku: 'a', type: 'CONSUMABLE', displayName: '상품 A', displayAmount: '1,000원' }]); out.second = 'ok'; } catch (e) { out.second = String(e); }
    out.rows = [...container.querySelectorAll('li')].map((li) => [li.dataset.sku, li.querySelector('.ait-iap-name').textContent]);
    return out;
  });
  await page.waitForTimeout(50);
  assert.equal(result.second, 'ok', 'the next update works (no trap: no borrow left held in the wasm)');
  assert.deepEqual(result.rows, [['a', '상품 A']]);
  assert.ok(reported.includes('read twice'), 'the error is reported');
  await page.close();
});
