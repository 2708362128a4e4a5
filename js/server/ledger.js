// The grant ledger on PostgreSQL: one row per granted orderId, written in the same transaction as the partner's
// delivery, so that an order is delivered exactly once however many requests, tabs and backend instances race
// for it. Production runs it on `pg` (a Pool shared by every instance); development and tests on PGlite, with
// the same SQL.
import { AitIapServerError } from './errors.js';
import { transactionOf } from './transaction.js';

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The table's DDL (README: for teams that run their own migrations). */
export const ledgerDdl = (table = 'ait_iap_grants') => `CREATE TABLE IF NOT EXISTS ${table} (
  order_id    text PRIMARY KEY,
  user_key    text NOT NULL,
  sku         text NOT NULL,
  environment text NOT NULL,
  granted_at  timestamptz NOT NULL DEFAULT now(),
  checked_at  timestamptz,
  revoked_at  timestamptz
)`;

/**
 * @param {import('pg').Pool | import('@electric-sql/pglite').PGlite} db
 * @param {{ table?: string }} [options]
 */
export function postgresLedger(db, { table = 'ait_iap_grants' } = {}) {
  if (!TABLE_NAME.test(table)) throw new AitIapServerError('INVALID_OPTIONS', `table must be a plain lower-case SQL name, got ${JSON.stringify(table)}`);
  const transaction = transactionOf(db);
  const columns = 'order_id, user_key, sku, environment, granted_at, revoked_at';
  const rowOf = (r) => r && { orderId: r.order_id, userKey: r.user_key, sku: r.sku, environment: r.environment, grantedAt: new Date(r.granted_at), revokedAt: r.revoked_at ? new Date(r.revoked_at) : null };

  return {
    kind: 'postgres',

    async migrate() {
      await db.query(ledgerDdl(table));
    },

    /** The grant of `orderId`, or null. */
    async find(orderId) {
      const { rows } = await db.query(`SELECT ${columns} FROM ${table} WHERE order_id = $1`, [orderId]);
      return rowOf(rows[0]) ?? null;
    },

    /**
     * Claims `order.orderId` and runs `deliver(order, tx)` in one transaction. A concurrent claim of the same
     * orderId waits on the primary key until this one commits (then finds it granted) or rolls back (then claims it).
     * @returns {Promise<{ granted: true, alreadyGranted: boolean } | { granted: false, reason: 'OTHER_USER' | 'REFUNDED' }>}
     */
    grantOnce(order, deliver) {
      return transaction(async (tx) => {
        const claimed = await tx.query(
          `INSERT INTO ${table} (order_id, user_key, sku, environment) VALUES ($1, $2, $3, $4) ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
          [order.orderId, order.userKey, order.sku, order.environment],
        );
        if (claimed.rows.length === 1) {
          await deliver(order, tx);
          return { granted: true, alreadyGranted: false };
        }
        const { rows } = await tx.query(`SELECT ${columns} FROM ${table} WHERE order_id = $1`, [order.orderId]);
        return verdictOn(rowOf(rows[0]), order.userKey);
      });
    },

    /** Granted, not revoked, last checked (or granted) before `before`: the oldest check first. */
    async dueForCheck(before, limit) {
      const { rows } = await db.query(
        `SELECT ${columns} FROM ${table} WHERE revoked_at IS NULL AND coalesce(checked_at, granted_at) < $1
         ORDER BY coalesce(checked_at, granted_at) LIMIT $2`,
        [before.toISOString(), limit],
      );
      return rows.map(rowOf);
    },

    async markChecked(orderId) {
      await db.query(`UPDATE ${table} SET checked_at = now() WHERE order_id = $1`, [orderId]);
    },

    /** Marks the order revoked and runs `revoke(order, tx)` in one transaction, once: false when it was already. */
    revokeOnce(order, revoke) {
      return transaction(async (tx) => {
        const { rows } = await tx.query(`UPDATE ${table} SET revoked_at = now(), checked_at = now() WHERE order_id = $1 AND revoked_at IS NULL RETURNING order_id`, [order.orderId]);
        if (rows.length === 0) return false;
        await revoke(order, tx);
        return true;
      });
    },
  };
}

/** What a second request for a granted order gets: the same user is told it is granted, anyone else is refused. */
export function verdictOn(grant, userKey) {
  if (!grant) throw new AitIapServerError('LEDGER_INCONSISTENT', 'the order conflicted but has no row');
  if (grant.userKey !== userKey) return { granted: false, reason: 'OTHER_USER' };
  if (grant.revokedAt) return { granted: false, reason: 'REFUNDED' };
  return { granted: true, alreadyGranted: true };
}
