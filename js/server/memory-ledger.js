// A ledger in this process's memory, FOR UNIT TESTS ONLY: a restart forgets every grant and two instances grant
// twice. It has the same interface and answers as postgresLedger; `tx.query` throws, since there is no database.
// With NODE_ENV=production it refuses to be made unless told `{ iUnderstandGrantsAreLostOnRestart: true }`.
import { AitIapServerError } from './errors.js';
import { checkBackoffMs, verdictOn, withinDeadline } from './ledger.js';

export function memoryLedger({ iUnderstandGrantsAreLostOnRestart = false } = {}) {
  if (globalThis.process?.env?.NODE_ENV === 'production' && iUnderstandGrantsAreLostOnRestart !== true) {
    throw new AitIapServerError('MEMORY_LEDGER_IN_PRODUCTION', 'memoryLedger() with NODE_ENV=production: every grant is lost on restart and two instances grant twice; use postgresLedger (or pass { iUnderstandGrantsAreLostOnRestart: true })');
  }
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
    grantOnce(grant, deliver, { timeoutMs = 5000 } = {}) {
      return exclusive(grant.orderId, async () => {
        const known = grants.get(grant.orderId);
        if (known) return verdictOn(known, grant.userKey, grant.sku);
        await withinDeadline(deliver(grant, tx), timeoutMs, grant.orderId);
        const { tossAnswer, ...kept } = grant;
        grants.set(grant.orderId, { skuSource: 'toss', claimedSku: null, determinedAt: null, ...kept, grantedAt: new Date(), revokedAt: null, checkedAt: null, checkFailures: 0, nextCheckAt: null });
        return { granted: true, alreadyGranted: false };
      });
    },
    async dueForCheck(before, limit, now = new Date()) {
      return [...grants.values()]
        .filter((g) => !g.revokedAt && (g.checkedAt ?? g.grantedAt) < before && !(g.nextCheckAt > now))
        .sort((a, b) => (a.checkedAt ?? a.grantedAt) - (b.checkedAt ?? b.grantedAt))
        .slice(0, limit);
    },
    async markChecked(orderId, now = new Date()) {
      const g = grants.get(orderId);
      if (g) Object.assign(g, { checkedAt: now, checkFailures: 0, nextCheckAt: null });
    },
    async markCheckFailed(orderId, now = new Date()) {
      const g = grants.get(orderId) ?? {};
      g.checkFailures = (g.checkFailures ?? 0) + 1;
      g.nextCheckAt = new Date(now.getTime() + checkBackoffMs(g.checkFailures));
      return { failures: g.checkFailures, nextCheckAt: g.nextCheckAt };
    },
    revokeOnce(order, revoke) {
      return exclusive(order.orderId, async () => {
        const g = grants.get(order.orderId);
        if (!g || g.revokedAt) return false;
        await revoke(g, tx);
        g.revokedAt = g.checkedAt = new Date();
        return true;
      });
    },
  };
}
