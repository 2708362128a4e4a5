// The plain-JS baseline for the benchmark: the same DOM work as the wasm list (src/list/dom.rs) — template-cloned
// rows keyed by sku, only changed fields written, rows on the longest kept run left in place — with no
// validation, no engine and no wasm boundary. It is what a careful hand-written list costs.

function el(tag, cls) {
  const e = document.createElement(tag);
  e.className = cls;
  return e;
}

function template() {
  const li = el('li', 'ait-iap-row');
  const wrap = el('span', 'ait-iap-icon-wrap');
  const img = el('img', 'ait-iap-icon');
  for (const [k, v] of [['width', '48'], ['height', '48'], ['loading', 'lazy'], ['decoding', 'async'], ['alt', ''], ['hidden', '']]) img.setAttribute(k, v);
  const fallback = el('span', 'ait-iap-icon ait-iap-icon--fallback');
  fallback.setAttribute('aria-hidden', 'true');
  wrap.append(img, fallback);
  const body = el('div', 'ait-iap-body');
  const badges = el('span', 'ait-iap-badges');
  const test = el('span', 'ait-iap-badge ait-iap-badge--test');
  test.textContent = '테스트';
  test.setAttribute('hidden', '');
  badges.append(el('span', 'ait-iap-badge ait-iap-badge--kind'), test);
  body.append(el('span', 'ait-iap-name'), badges, el('span', 'ait-iap-description'), el('span', 'ait-iap-price'), el('span', 'ait-iap-offers'));
  const buy = el('button', 'ait-iap-buy');
  buy.setAttribute('type', 'button');
  buy.textContent = '구매';
  li.append(wrap, body, buy);
  return li;
}

const KIND = { CONSUMABLE: '소모품', NON_CONSUMABLE: '영구 상품', SUBSCRIPTION: '구독' };
const CYCLE = { WEEKLY: '매주', MONTHLY: '매월', YEARLY: '매년' };
const iconAllowed = (u) => typeof u === 'string' && /^(https:\/\/.+|http:\/\/(localhost|127\.0\.0\.1|\[::1\])([:/].*)?$)/i.test(u.trim());

function longestIncreasing(seq) {
  const tails = [];
  const prev = new Array(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    const v = seq[i];
    if (v < 0) continue;
    let lo = 0, hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]] < v) lo = mid + 1; else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const stays = new Array(seq.length).fill(false);
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) stays[i] = true;
  return stays;
}

export function mountBaselineList(container) {
  const tpl = template();
  const list = el('ul', 'ait-iap-list');
  // The same stylesheet scope as the library's list (its font stack and colours): the same style and layout work.
  container.classList.add('ait-iap');
  container.replaceChildren(list);
  let rows = [];

  function newRow(key) {
    const li = tpl.cloneNode(true);
    const [wrap, body, buy] = li.children;
    const badges = body.children[1];
    const row = {
      key, li, buy,
      img: wrap.children[0], fallback: wrap.children[1],
      name: body.children[0], kind: badges.children[0], test: badges.children[1],
      description: body.children[2], price: body.children[3], offers: body.children[4],
      shown: [],
    };
    li.setAttribute('data-sku', key);
    buy.setAttribute('data-sku', key);
    return row;
  }

  function fill(row, p) {
    const s = row.shown;
    if (s[0] !== p.displayName) {
      row.name.textContent = p.displayName;
      row.fallback.textContent = p.displayName.charAt(0);
      row.buy.setAttribute('aria-label', p.displayName + ' 구매');
      s[0] = p.displayName;
    }
    if (s[1] !== p.description) { row.description.textContent = p.description; s[1] = p.description; }
    if (s[2] !== p.displayAmount) { row.price.textContent = p.displayAmount; s[2] = p.displayAmount; }
    if (s[3] !== p.type || s[4] !== p.renewalCycle) {
      const cycle = CYCLE[p.renewalCycle];
      row.kind.textContent = cycle ? `${KIND[p.type] ?? ''} · ${cycle}` : KIND[p.type] ?? '';
      s[3] = p.type; s[4] = p.renewalCycle;
    }
    if (s[5] !== p.iconUrl) {
      const allowed = iconAllowed(p.iconUrl);
      if (allowed) row.img.setAttribute('src', p.iconUrl); else row.img.removeAttribute('src');
      row.img.toggleAttribute('hidden', !allowed);
      row.fallback.toggleAttribute('hidden', allowed);
      s[5] = p.iconUrl;
    }
    const signature = JSON.stringify(p.offers);
    if (s[6] !== signature) { row.offers.textContent = ''; s[6] = signature; }
  }

  function update(products) {
    const index = new Map();
    rows.forEach((r, i) => index.set(r.key, i));
    const source = products.map((p, i) => (rows[i]?.key === p.sku ? i : index.get(p.sku) ?? -1));
    const used = new Set(source);
    rows.forEach((r, i) => { if (!used.has(i)) r.li.remove(); });
    const stays = longestIncreasing(source);
    const next = products.map((p, i) => {
      const row = source[i] >= 0 ? rows[source[i]] : newRow(p.sku);
      fill(row, p);
      return row;
    });
    let anchor = null;
    for (let i = next.length - 1; i >= 0; i--) {
      if (!stays[i]) list.insertBefore(next[i].li, anchor);
      anchor = next[i].li;
    }
    rows = next;
  }

  return { update, destroy: () => container.replaceChildren() };
}
