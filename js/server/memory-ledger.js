// A ledger in this process's memory, FOR UNIT TESTS ONLY: a restart forgets every grant and two instances grant
// twice. It has the same interface and answers as postgresLedger; `tx.query` throws, since there is no database.
import { AitIapServerError } from './errors.js';
import { verdictOn } from './ledger.js';

export function memoryLedger() {
  const grants = new Map();
  const locks = new Map(); // orderId → the claim in progress, so that a concurrent claim waits for it
  const tx = {
    query() {
      throw new AitIapServerError('NO_DATABASE', 'memoryLedger has no database: use postgresLedger to write the delivery in the same transaction');
    },
  };

  async function exclusive(orderId, work) {
    while (locks.has(orderId)) await locks.get(orderId);
    const run = work();
    const done = run.then(() => {}, () => {});
    locks.set(orderId, done);
    try {
      return await run;
    } finally {
      locks.delete(orderId);
    }
  }

  return {
    kind: 'memory',
    grants,
    async migrate() {},
    async find(orderId) {
      return grants.get(orderId) ?? null;
    },
    grantOnce(order, deliver) {
      return exclusive(order.orderId, async () => {
        const known = grants.get(order.orderId);
        if (known) return verdictOn(known, order.userKey);
        await deliver(order, tx);
        grants.set(order.orderId, { ...order, grantedAt: new Date(), revokedAt: null, checkedAt: null });
        return { granted: true, alreadyGranted: false };
      });
    },
    async dueForCheck(before, limit) {
      return [...grants.values()]
        .filter((g) => !g.revokedAt && (g.checkedAt ?? g.grantedAt) < before)
        .sort((a, b) => (a.checkedAt ?? a.grantedAt) - (b.checkedAt ?? b.grantedAt))
        .slice(0, limit);
    },
    async markChecked(orderId) {
      const g = grants.get(orderId);
      if (g) g.checkedAt = new Date();
    },
    revokeOnce(order, revoke) {
      return exclusive(order.orderId, async () => {
        const g = grants.get(order.orderId);
        if (!g || g.revokedAt) return false;
        await revoke(order, tx);
        g.revokedAt = g.checkedAt = new Date();
        return true;
      });
    },
  };
}
