// The emulated host's order ledger: created → paid → completed, refunded. Persisted (so orders survive a
// reload, as they do in the Toss app) and optionally mirrored to the emulated Toss server (server/toss-server.mjs)
// so a backend can check an order's status the way a partner's backend does.

const HISTORY_PAGE = 10;

export function createLedger({ storage, storageKey, mirrorUrl, miniAppId }) {
  /** orderId → { orderId, sku, kind, status: 'paid'|'completed'|'refunded'|'failed', paidAt, completedAt?, refundedAt?, subscriptionId?, offerId? } */
  const orders = new Map();

  try {
    const saved = storageKey && storage?.getItem(storageKey);
    for (const o of saved ? JSON.parse(saved) : []) orders.set(o.orderId, o);
  } catch {
    // A broken saved ledger starts empty.
  }

  function save(order) {
    try {
      storageKey && storage?.setItem(storageKey, JSON.stringify([...orders.values()]));
    } catch {
      // Storage full or unavailable: the in-memory ledger still works.
    }
    if (!mirrorUrl) return Promise.resolve();
    return fetch(mirrorUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...order, miniAppId }),
      keepalive: true,
    }).then(() => undefined, () => undefined);
  }

  const iso = (ms) => new Date(ms).toISOString().slice(0, 19);

  return {
    get: (orderId) => orders.get(orderId),
    list: () => [...orders.values()].map((o) => ({ ...o })),
    /** Records a new paid order; resolves once it is mirrored. */
    add(order) {
      orders.set(order.orderId, order);
      return save(order);
    },
    update(orderId, patch) {
      const order = orders.get(orderId);
      if (!order) return Promise.resolve();
      Object.assign(order, patch);
      return save(order);
    },
    /** Paid but not granted: what getPendingOrders lists. */
    pending: () =>
      [...orders.values()].filter((o) => o.status === 'paid').map((o) => ({ orderId: o.orderId, sku: o.sku, paymentCompletedDate: iso(o.paidAt) })),
    owns: (sku) => [...orders.values()].some((o) => o.sku === sku && o.status === 'completed'),
    /** getCompletedOrRefundedOrders: newest first, pages of 10, `key` is the next page's offset. */
    history(key) {
      const done = [...orders.values()]
        .filter((o) => o.status === 'completed' || o.status === 'refunded')
        .map((o) => ({
          orderId: o.orderId,
          sku: o.sku,
          status: o.status === 'refunded' ? 'REFUNDED' : 'COMPLETED',
          date: iso(o.status === 'refunded' ? o.refundedAt : o.completedAt ?? o.paidAt),
        }))
        .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.orderId < b.orderId ? 1 : -1));
      const start = Math.max(0, parseInt(key ?? '0', 10) || 0);
      const page = done.slice(start, start + HISTORY_PAGE);
      const hasNext = start + HISTORY_PAGE < done.length;
      return { hasNext, nextKey: hasNext ? String(start + HISTORY_PAGE) : null, orders: page };
    },
    clear() {
      orders.clear();
      try {
        storageKey && storage?.removeItem(storageKey);
      } catch {
        // ignore
      }
    },
  };
}
