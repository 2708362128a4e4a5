// Refunds after the grant: asks Toss again about granted orders and takes back the refunded ones, each once,
// in the same transaction as the ledger's mark. Run it from a cron (README). An order whose check fails backs off
// (5 minutes, doubling, at most a day), so orders Toss cannot answer about never hold the oldest slots.
import { AitIapServerError } from './errors.js';

/**
 * @param {{ toss: { getOrderStatus(orderId: string, userKey: string): Promise<{ status: string }> },
 *           ledger: ReturnType<typeof import('./ledger.js').postgresLedger>,
 *           revoke: (grant: object, tx: object) => unknown, olderThan?: number, limit?: number, now?: Date }} options
 *   olderThan: only orders granted (or last checked) more than this many ms ago (default one hour).
 *   revoke gets the stored grant: the sku that was delivered, as the ledger recorded it.
 */
export async function reconcile({ toss, ledger, revoke, olderThan = 3_600_000, limit = 100, now = new Date() }) {
  if (typeof revoke !== 'function') throw new AitIapServerError('INVALID_OPTIONS', 'reconcile: revoke must be a function');
  const due = await ledger.dueForCheck(new Date(now.getTime() - olderThan), limit, now);
  const report = { checked: 0, revoked: [], failed: [] };
  for (const grant of due) {
    try {
      const { status } = await toss.getOrderStatus(grant.orderId, grant.userKey);
      report.checked += 1;
      if (status === 'REFUNDED') {
        if (await ledger.revokeOnce(grant, revoke)) report.revoked.push(grant.orderId);
      } else {
        await ledger.markChecked(grant.orderId, now);
      }
    } catch (error) {
      const backoff = await ledger.markCheckFailed(grant.orderId, now).catch(() => null);
      report.failed.push({ orderId: grant.orderId, error, failures: backoff?.failures, nextCheckAt: backoff?.nextCheckAt });
    }
  }
  return report;
}
