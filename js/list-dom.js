// The product list's DOM (src/list/: the wasm decides, this file writes). It owns the list's elements and carries
// out one update's ops in one call: the ops packed as numbers (src/list/batch.rs writes them; the codes below are
// its `op` module's), the texts the wasm made (kind badges, offers, messages) in one string, and the product items
// the update came from, whose display texts are read and compared here, where they live: they never cross into the
// wasm, and a field is written only when its value changed. Text goes in only through textContent and attributes.

const ROW_HTML = '<li class="ait-iap-row"><span class="ait-iap-icon-wrap">'
  + '<img class="ait-iap-icon" width="48" height="48" loading="lazy" decoding="async" alt="" hidden>'
  + '<span class="ait-iap-icon ait-iap-icon--fallback" aria-hidden="true"></span></span>'
  + '<div class="ait-iap-body"><span class="ait-iap-name"></span><span class="ait-iap-badges">'
  + '<span class="ait-iap-badge ait-iap-badge--kind"></span><span class="ait-iap-badge ait-iap-badge--test" hidden></span></span>'
  + '<span class="ait-iap-description"></span><span class="ait-iap-price"></span><span class="ait-iap-offers"></span></div>'
  + '<button class="ait-iap-buy" type="button"></button></li>';
const SKELETON_HTML = '<li class="ait-iap-row ait-iap-row--skeleton" aria-hidden="true"></li>'.repeat(3);
const LIST_HTML = '<ul class="ait-iap-list"></ul><div class="ait-iap-state" hidden></div><p class="ait-iap-status" role="status" aria-live="polite"></p>';
// The fixed words' places in `words` (core's `view::Text`, in its order).
const LIST_LABEL = 0, BUY = 1, RETRY = 5, TEST_BADGE = 6;
const NONE = 0xffffffff;

const flag = (e, name, on) => (on ? e.setAttribute(name, 'true') : e.removeAttribute(name));
const toggle = (e, name, on) => e.toggleAttribute(name, on);
const set = (e, name, value) => (value == null ? e.removeAttribute(name) : e.setAttribute(name, value));

/** The list's elements in `container` (null: it is not an element); `words`: the fixed words in the list's language,
 *  one a line. */
export function mountDom(container, words, testBadge) {
  if (container?.nodeType !== 1) return null;
  const w = words.split('\n');
  container.classList.add('ait-iap');
  container.innerHTML = LIST_HTML; // constant markup
  const list = container.firstElementChild;
  list.setAttribute('aria-label', w[LIST_LABEL]);
  const holder = container.ownerDocument.createElement('ul');
  holder.innerHTML = ROW_HTML; // constant markup
  const template = holder.firstElementChild;
  const test = template.querySelector('.ait-iap-badge--test');
  test.textContent = w[TEST_BADGE];
  toggle(test, 'hidden', !testBadge);
  template.lastElementChild.textContent = w[BUY];
  return { container, list, state: list.nextElementSibling, status: container.lastElementChild, template, w, rows: [] };
}

/** `handler` hears the list's events: a buy or offer button tapped (`[sku, offerId]`), the retry of a load
 *  (`undefined`), row `i`'s icon failing to load (`i`). */
export function listenDom(dom, handler) {
  dom.click = (e) => {
    const b = e.target.closest?.('button');
    if (!b || b.hasAttribute('disabled')) return;
    if (b.getAttribute('data-action') === 'reload') handler();
    else if (b.hasAttribute('data-sku')) handler([b.getAttribute('data-sku'), b.getAttribute('data-offer-id') ?? undefined]);
  };
  // A broken icon shows the letter instead (error events do not bubble: heard in the capture phase).
  dom.error = (e) => {
    const i = dom.rows.findIndex((r) => r.img === e.target);
    if (i >= 0) handler(i);
  };
  dom.container.addEventListener('click', dom.click);
  dom.container.addEventListener('error', dom.error, true);
}

/** Empties the container and removes what the list set on it, its listeners too. */
export function unmountDom(dom) {
  const c = dom.container;
  c.removeEventListener('click', dom.click);
  c.removeEventListener('error', dom.error, true);
  dom.rows = [];
  c.textContent = '';
  c.classList.remove('ait-iap');
  c.removeAttribute('data-state');
  c.removeAttribute('data-error-code');
}

function newRow(dom, sku) {
  const li = dom.template.cloneNode(true);
  const wrap = li.firstElementChild, body = wrap.nextElementSibling, img = wrap.firstElementChild;
  const name = body.firstElementChild, badges = name.nextElementSibling, description = badges.nextElementSibling;
  const price = description.nextElementSibling, buy = body.nextElementSibling;
  li.setAttribute('data-sku', sku);
  buy.setAttribute('data-sku', sku);
  // n, d, p, s: the name, description, price and icon URL shown; k: the words on the buy button.
  return { li, img, fallback: img.nextElementSibling, name, kind: badges.firstElementChild, description, price, offers: price.nextElementSibling, buy, sku, k: BUY };
}

function button(dom, parent, cls, name, value, words) {
  const b = dom.container.ownerDocument.createElement('button');
  b.className = cls;
  b.setAttribute('type', 'button');
  b.setAttribute(name, value);
  b.textContent = words;
  parent.append(b);
  return b;
}

const label = (dom, r) => r.buy.setAttribute('aria-label', r.n + ' ' + dom.w[r.k]);

/** Carries out one batch, or a part of one (`last`: the update's last part): `ops` (a Uint32Array), `text` (the
 *  batch's strings, each length in `ops` before it), and `items` (the products' items, which the rows' display
 *  texts are read from). Focus inside the list stays where it was when rows move. */
export function applyOps(dom, items, ops, text, last) {
  // An app's item that throws when its text is read here (a getter) stops this part and is reported, not thrown:
  // an exception must not unwind through the wasm that called, whose borrows it would leave held for good.
  try {
    run(dom, items, ops, text);
  } catch (e) {
    setTimeout(() => { throw e; });
  }
  const focused = last && dom.focused;
  if (focused) {
    dom.focused = null;
    if (focused.isConnected && dom.list.ownerDocument.activeElement !== focused) focused.focus();
  }
}

function run(dom, items, ops, text) {
  const { list, w } = dom;
  let rows = dom.rows, at = 0, k = 0;
  const str = () => text.slice(at, (at += ops[k++]));
  const opt = () => (ops[k] === NONE ? (k++, null) : str());
  while (k < ops.length) {
    const op = ops[k++];
    if (op >= 11) {
      const r = rows[ops[k++]];
      if (op === 11) { // the texts that may differ (bits: name, description, price), each written if it does
        const may = ops[k++], { item } = r;
        let v;
        if (may & 1 && (v = item.displayName) !== r.n) { // with the row's letter and the buy button's accessible name
          r.n = r.name.textContent = v;
          r.fallback.textContent = v.charAt(0);
          label(dom, r);
        }
        if (may & 2 && (v = item.description ?? '') !== r.d) r.description.textContent = r.d = v;
        if (may & 4 && (v = item.displayAmount) !== r.p) r.price.textContent = r.p = v;
      } else if (op === 14) r.kind.textContent = str();
      else if (op === 15) {
        const v = r.item.iconUrl;
        if (v !== r.s) r.img.setAttribute('src', (r.s = v));
      } else if (op === 16) {
        r.img.removeAttribute('src');
        r.s = null;
      } else if (op === 17) {
        const on = ops[k++] === 1;
        toggle(r.img, 'hidden', !on);
        toggle(r.fallback, 'hidden', on);
      } else if (op === 18) { // the offers: each its id and words
        r.offers.textContent = '';
        for (let n = ops[k++]; n > 0; n--) {
          const id = str();
          button(dom, r.offers, 'ait-iap-offer', 'data-sku', r.sku, str()).setAttribute('data-offer-id', id);
        }
      } else if (op === 19) { // the buy button's words
        r.k = ops[k++];
        r.buy.textContent = w[r.k];
        label(dom, r);
      } else if (op === 20) {
        const on = ops[k++] === 1;
        toggle(r.li, 'data-owned', on);
        toggle(r.buy, 'disabled', on);
        flag(r.buy, 'aria-disabled', on);
      } else flag(r.li, 'aria-busy', ops[k++] === 1);
    } else if (op === 0) flag(list, 'aria-busy', ops[k++] === 1);
    else if (op === 1) list.setAttribute('aria-label', w[ops[k++]]);
    else if (op === 2) list.innerHTML = SKELETON_HTML; // constant markup; the list is empty here
    else if (op === 3) list.textContent = '';
    else if (op === 4) set(dom.container, 'data-error-code', opt());
    else if (op === 5) { // the state: its name, the message (else hidden), a retry button
      dom.container.setAttribute('data-state', str());
      const message = opt();
      dom.state.textContent = message;
      toggle(dom.state, 'hidden', message == null);
      if (ops[k++]) button(dom, dom.state, 'ait-iap-retry', 'data-action', 'reload', w[RETRY]);
    } else if (op === 6) rows[ops[k++]]?.li.remove();
    else if (op === 7) { // the rows from now on: each the old row it keeps (+1; 0: a new row) and its item
      const active = list.ownerDocument.activeElement;
      dom.focused = active && list.contains(active) ? active : null;
      const old = rows;
      rows = dom.rows = [];
      for (let n = ops[k++]; n > 0; n--) {
        const source = ops[k++], item = items[ops[k++]];
        const r = source ? old[source - 1] : newRow(dom, item.sku);
        r.item = item;
        rows.push(r);
      }
    } else if (op === 8) {
      const i = ops[k++];
      list.insertBefore(rows[i].li, rows[i + 1]?.li ?? null);
    } else if (op === 9) {
      const on = ops[k++] === 1;
      // An owned item's button stays disabled either way.
      for (const b of list.querySelectorAll('button.ait-iap-offer, li:not([data-owned]) button.ait-iap-buy')) {
        toggle(b, 'disabled', on);
        flag(b, 'aria-disabled', on);
      }
    } else if (op === 10) status(dom, rows, ops[k++], str(), opt(), opt(), str(), ops[k++], str());
  }
}

/** A purchase's phase or outcome in the row of its item: the one live region moves there before its text changes,
 *  so screen readers announce it at the item. */
function status(dom, rows, row, status, orderId, code, message, retry, sku) {
  const node = dom.status;
  const r = row === NONE ? null : rows[row];
  if (r) r.li.append(node);
  // The row is gone (a reload dropped the product), or the app removed the line: under the list.
  else if (!node.isConnected) dom.container.append(node);
  node.setAttribute('data-status', status);
  set(node, 'data-order-id', orderId);
  set(node, 'data-error-code', code);
  node.textContent = message;
  if (retry) button(dom, node, 'ait-iap-retry-purchase', 'data-sku', sku, dom.w[RETRY]);
}
