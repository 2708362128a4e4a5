// The grant ledger on PostgreSQL: one row per granted orderId, written in the same transaction as the partner's
// delivery, so that an order is delivered exactly once however many requests, tabs and backend instances race
// for it. Each row keeps the evidence of the grant: the sku Toss reported (or, by the partner's choice, the one the
// request claimed, with `sku_source` saying which), Toss's `statusDeterminedAt` and its whole answer. Production
// runs it on `pg` (a Pool shared by every instance); development and tests on PGlite, with the same SQL.
import { AitIapServerError } from './errors.js';
import { transactionOf } from './transaction.js';
import { LEDGER_SCHEMA_VERSION, ledgerDdl, migrateLedger, quotedTable } from './ledger-schema.js';
import { databaseError } from './database-errors.js';
import { subscriptionRecord } from './subscription-ledger.js';
import { toldSafely } from './told-safely.js';
import { beforeAbort } from './deadline.js';

export { LEDGER_SCHEMA_VERSION, ledgerDdl };

/** How long a failing check waits before the next one: doubling from 5 minutes, at most a day. */
export const checkBackoffMs = (failures) => Math.min(5 * 60_000 * 2 ** Math.max(0, failures - 1), 86_400_000);

const COLUMNS = 'order_id, user_key, sku, sku_source, claimed_sku, environment, status_determined_at, granted_at, checked_at, check_failures, next_check_at, revoked_at';
const dateOrNull = (value) => (value ? new Date(value) : null);
const rowOf = (r) => r && {
  orderId: r.order_id, userKey: r.user_key, sku: r.sku, skuSource: r.sku_source, claimedSku: r.claimed_sku, environment: r.environment,
  determinedAt: dateOrNull(r.status_determined_at), grantedAt: new Date(r.granted_at), checkedAt: dateOrNull(r.checked_at),
  checkFailures: r.check_failures, nextCheckAt: dateOrNull(r.next_check_at), revokedAt: dateOrNull(r.revoked_at),
};

/**
 * @param {import('pg').Pool | import('@electric-sql/pglite').PGlite} db
 * @param {{ table?: string, lockTimeoutMs?: number, onError?: (error: unknown) => void, nonConsumableSkus?: string[] }} [options]
 *   lockTimeoutMs: how long a claim waits for another claim of the same order to finish (then it is "try again").
 *   onError: told when a `pg` Pool without an 'error' listener loses an idle connection (default: one console line).
 *   nonConsumableSkus: which one-time products `entitlements()` lists (default: every one-time order granted).
 */
export function postgresLedger(db, { table = 'ait_iap_grants', lockTimeoutMs = 500, onError = logPoolError, nonConsumableSkus = null } = {}) {
  const name = quotedTable(table);
  if (!(Number.isInteger(lockTimeoutMs) && lockTimeoutMs > 0 && lockTimeoutMs <= 60_000)) {
    throw new AitIapServerError('INVALID_OPTIONS', `lockTimeoutMs must be a whole number of milliseconds in [1, 60000], got ${lockTimeoutMs}`);
  }
  if (nonConsumableSkus !== null && !(Array.isArray(nonConsumableSkus) && nonConsumableSkus.every((sku) => typeof sku === 'string'))) {
    throw new AitIapServerError('INVALID_OPTIONS', 'nonConsumableSkus must be an array of skus');
  }
  const transaction = transactionOf(db);
  // A `pg` Pool emits 'error' when the server drops one of its idle connections (a restart, a failover); with no
  // listener, Node ends the process. The partner's own listener wins; without one, the pool just reconnects later.
  if (typeof db.on === 'function' && typeof db.listenerCount === 'function' && db.listenerCount('error') === 0) {
    const tell = toldSafely(onError, 'ledger');
    db.on('error', (e) => tell(databaseError(e, 'keeping an idle connection')));
  }
  // A connection the server ends while it is checked out, between two queries, emits 'error' on its client, which
  // the pool's listener does not hear: unheard, Node ends the process (seen in the restart test, 57P01 on a client
  // in use). Each client the pool connects keeps a listener that drops it: the client's next query fails, and that
  // failure is what its holder sees and reports.
  if (typeof db.on === 'function' && typeof db.connect === 'function') db.on('connect', (client) => client.on?.('error', () => {}));
  const select = `SELECT ${COLUMNS} FROM ${name} WHERE order_id = $1`;
  /** A database call whose transient failure (restart, failover, contention) becomes DATABASE_UNAVAILABLE. */
  const guarded = (doing, call) => call().catch((e) => { throw databaseError(e, doing); });

  return {
    kind: 'postgres',
    ...subscriptionRecord({ db, transaction, guarded, name, table, lockTimeoutMs, nonConsumableSkus }),

    /**
     * Creates the table, or brings one made by an earlier version to this one's columns; safe to run concurrently.
     * `waitMs`: while the database is not up yet (DATABASE_UNAVAILABLE), try again for this long (default 0).
     */
    async migrate({ waitMs = 0 } = {}) {
      for (let delay = 250, deadline = Date.now() + waitMs; ; delay = Math.min(delay * 2, 5000)) {
        try {
          return await guarded('migrating the ledger', () => migrateLedger(transaction, table));
        } catch (e) {
          if (e?.code !== 'DATABASE_UNAVAILABLE' || Date.now() + delay > deadline) throw e;
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    },

    /** The grant of `orderId`, or null. */
    async find(orderId) {
      const { rows } = await guarded('reading a grant', () => db.query(select, [orderId]));
      return rowOf(rows[0]) ?? null;
    },

    /**
     * Claims `grant.orderId` and runs `deliver(grant, tx)` in one transaction. A concurrent claim of the same
     * orderId waits on the primary key (at most `lockTimeoutMs`, then ORDER_BUSY: try again) until this one commits
     * (then finds it granted) or rolls back (then claims it). A delivery that takes longer than `timeoutMs` rolls
     * back (DELIVERY_TIMEOUT); so does any statement of it that runs that long.
     * @returns {Promise<{ granted: true, alreadyGranted: boolean } | { granted: false, reason: 'OTHER_USER' | 'OTHER_SKU' | 'REFUNDED' }>}
     */
    grantOnce(grant, deliver, { timeoutMs = 5000 } = {}) {
      return guarded('granting', () => transaction(async (tx) => {
        // Both for this transaction only, in one round trip.
        await tx.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)", [String(lockTimeoutMs), String(Math.ceil(timeoutMs))]);
        const claimed = await tx.query(
          `INSERT INTO ${name} (order_id, user_key, sku, sku_source, claimed_sku, environment, status_determined_at, toss_answer)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
          [grant.orderId, grant.userKey, grant.sku, grant.skuSource ?? 'toss', grant.claimedSku ?? null, grant.environment,
            grant.determinedAt ? grant.determinedAt.toISOString() : null, grant.tossAnswer === undefined ? null : JSON.stringify(grant.tossAnswer)],
        ).catch(busyIfLocked(grant.orderId));
        if (claimed.rows.length === 1) {
          await withinDeadline(delivering(deliver, grant, tx), timeoutMs, grant.orderId);
          return { granted: true, alreadyGranted: false };
        }
        const { rows } = await tx.query(select, [grant.orderId]);
        return verdictOn(rowOf(rows[0]), grant.userKey, grant.sku);
      }));
    },

    /** Granted, not revoked, last checked (or granted) before `before`, not backing off at `now`: the oldest first. */
    async dueForCheck(before, limit, now = new Date()) {
      const { rows } = await guarded('listing grants to check', () => db.query(
        `SELECT ${COLUMNS} FROM ${name} WHERE revoked_at IS NULL AND coalesce(checked_at, granted_at) < $1
           AND (next_check_at IS NULL OR next_check_at <= $3)
         ORDER BY coalesce(checked_at, granted_at) LIMIT $2`,
        [before.toISOString(), limit, now.toISOString()],
      ));
      return rows.map(rowOf);
    },

    async markChecked(orderId, now = new Date()) {
      await db.query(`UPDATE ${name} SET checked_at = $2, check_failures = 0, next_check_at = NULL WHERE order_id = $1`, [orderId, now.toISOString()]);
    },

    /** A check that failed: the order waits `checkBackoffMs(failures)` before the next, so it cannot hold a slot. */
    async markCheckFailed(orderId, now = new Date()) {
      const { rows } = await db.query(`UPDATE ${name} SET check_failures = check_failures + 1 WHERE order_id = $1 RETURNING check_failures`, [orderId]);
      const failures = rows[0]?.check_failures ?? 1;
      const nextCheckAt = new Date(now.getTime() + checkBackoffMs(failures));
      await db.query(`UPDATE ${name} SET next_check_at = $2 WHERE order_id = $1`, [orderId, nextCheckAt.toISOString()]);
      return { failures, nextCheckAt };
    },

    /** Marks the order revoked and runs `revoke(grant, tx)` in one transaction, once: false when it was already. */
    revokeOnce(grant, revoke) {
      return guarded('revoking', () => transaction(async (tx) => {
        await tx.query("SELECT set_config('lock_timeout', $1, true)", [String(lockTimeoutMs)]);
        const { rows } = await tx.query(`UPDATE ${name} SET revoked_at = now(), checked_at = now() WHERE order_id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`, [grant.orderId]);
        if (rows.length === 0) return false;
        await revoke(rowOf(rows[0]), tx);
        return true;
      }));
    },
  };
}

/** What a request for a granted order gets: the buyer asking for the product granted is told it is granted;
 *  anyone else, or another product, or a refunded order, is refused. `sku` null: the request claims none. */
export function verdictOn(grant, userKey, sku = null) {
  if (!grant) throw new AitIapServerError('LEDGER_INCONSISTENT', 'the order conflicted but has no row');
  if (grant.userKey !== userKey) return { granted: false, reason: 'OTHER_USER' };
  if (sku !== null && grant.sku !== sku) return { granted: false, reason: 'OTHER_SKU' };
  if (grant.revokedAt) return { granted: false, reason: 'REFUNDED' };
  return { granted: true, alreadyGranted: true };
}

/** The partner's delivery: whatever it throws is DELIVERY_FAILED (transient: it may succeed on a later try). */
async function delivering(deliver, grant, tx) {
  try {
    return await deliver(grant, tx);
  } catch (e) {
    if (e instanceof AitIapServerError) throw e;
    throw new AitIapServerError('DELIVERY_FAILED', `deliver failed: ${e?.message ?? e}`, { transient: true, orderId: grant.orderId, cause: e });
  }
}

function logPoolError(error) {
  console.warn(`[ait-iap/server] database: ${error?.code ? `${error.code}: ` : ''}${error?.message ?? error}`);
}

/** The delivery's promise, or DELIVERY_TIMEOUT (transient) after `ms`: the transaction then rolls back. */
export const withinDeadline = (promise, ms, orderId) => beforeAbort(promise, AbortSignal.timeout(ms),
  () => new AitIapServerError('DELIVERY_TIMEOUT', `deliver did not finish within ${ms} ms: rolled back`, { transient: true, orderId }));

/** A claim that waited `lock_timeout` for another claim of the same order: ORDER_BUSY, try again. */
const busyIfLocked = (orderId) => (e) => {
  if (e?.code === '55P03') throw new AitIapServerError('ORDER_BUSY', 'another request is granting this order right now', { transient: true, orderId, cause: e });
  throw e;
};
