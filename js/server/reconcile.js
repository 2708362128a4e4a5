// Refunds after the grant: asks Toss again about granted orders and takes back the refunded ones, each once,
// in the same transaction as the ledger's mark. Run it from a cron (README). An order whose check fails backs off
// (5 minutes, doubling, at most a day), so orders Toss cannot answer about never hold the oldest slots. Toss over
// its rate limit (TOSS_RATE_LIMITED) is waited out, as long as it says, and the same order asked again.
import { AitIapServerError } from './errors.js';
import { PAID } from './order-status.js';

/** Rate-limit answers waited out in one run, each for at most a minute; after that the run ends early. */
const RATE_LIMIT = { waits: 3, maxWaitMs: 60_000 };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {{ toss: { getOrderStatus(orderId: string, userKey: string): Promise<{ status: string, sku?: string | null }> },
 *           ledger: ReturnType<typeof import('./ledger.js').postgresLedger>,
 *           revoke: (grant: object, tx: object) => unknown, olderThan?: number, limit?: number, now?: Date }} options
 *   olderThan: only orders granted (or last checked) more than this many ms ago (default one hour).
 *   revoke gets the stored grant: the sku that was delivered, as the ledger recorded it.
 * Resolves `{ checked, revoked, failed, mismatched, unexpected, rateLimited, stoppedEarly }`: `mismatched` the
 * orders Toss reports as another sku than the stored one, `unexpected` those Toss reports neither paid nor
 * refunded (both still marked checked, and a refund still taken back), `rateLimited` how many times Toss said to
 * slow down, `stoppedEarly` true when the run ended on that (the rest are asked about on the next run).
 */
export async function reconcile({ toss, ledger, revoke, olderThan = 3_600_000, limit = 100, now = new Date() }) {
  if (typeof revoke !== 'function') throw new AitIapServerError('INVALID_OPTIONS', 'reconcile: revoke must be a function');
  const due = await ledger.dueForCheck(new Date(now.getTime() - olderThan), limit, now);
  const report = { checked: 0, revoked: [], failed: [], mismatched: [], unexpected: [], rateLimited: 0, stoppedEarly: false };
  /** A check that failed: the order backs off. */
  const failed = async (grant, error) => {
    const backoff = await ledger.markCheckFailed(grant.orderId, now).catch(() => null);
    report.failed.push({ orderId: grant.orderId, error, failures: backoff?.failures, nextCheckAt: backoff?.nextCheckAt });
  };
  for (let i = 0; i < due.length; i++) {
    const grant = due[i];
    let answer;
    try {
      answer = await toss.getOrderStatus(grant.orderId, grant.userKey);
    } catch (error) {
      if (error?.code === 'TOSS_RATE_LIMITED') {
        report.rateLimited += 1;
        if (report.rateLimited > RATE_LIMIT.waits) return { ...report, stoppedEarly: true };
        await sleep(Math.min(error.retryAfterMs ?? RATE_LIMIT.maxWaitMs, RATE_LIMIT.maxWaitMs));
        i -= 1; // the same order again
        continue;
      }
      await failed(grant, error);
      continue;
    }
    report.checked += 1;
    const { status, sku } = answer;
    if (typeof sku === 'string' && sku !== grant.sku) report.mismatched.push({ orderId: grant.orderId, sku: grant.sku, tossSku: sku, status });
    try {
      if (status === 'REFUNDED') {
        if (await ledger.revokeOnce(grant, revoke)) report.revoked.push(grant.orderId);
      } else {
        if (!PAID.has(status)) report.unexpected.push({ orderId: grant.orderId, status });
        await ledger.markChecked(grant.orderId, now);
      }
    } catch (error) {
      await failed(grant, error);
    }
  }
  return report;
}
