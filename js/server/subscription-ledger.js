// The subscription record in the ledger's database: each subscription order's current state
// `{status, accessGranted, expiresAt, autoRenew}` and its history of notifications, written by the webhook, and
// what a user is entitled to now. An event is bound to its user through the order's grant (a join at reading time:
// an event that comes before its grant is kept, and counts as soon as the grant is written, in either order).
// Toss sends no event id: an event is known by the SHA-256 of its canonical form. Events of one order are applied
// in `occurredAt` order under a per-order advisory lock: an older one arriving late goes to the history only; a
// different one at the very same instant flags the record for reconcile (there is no telling which came last).
import { AitIapServerError } from './errors.js';
import { canonicalNotification } from './subscription-notification.js';
import { subscriptionTables } from './subscription-schema.js';
import { sha256Hex } from './sha256.js';
import { beforeAbort } from './deadline.js';

/** How long past `expiresAt` Toss's `accessGranted` is still believed in IN_GRACE_PERIOD (the stores' longest grace
 *  is 28–30 days; whether Toss moves `expiresAt` during grace is not known). */
export const GRACE_ALLOWANCE_MS = 30 * 86_400_000;

const SUBSCRIPTION_COLUMNS = 's.order_id, s.sku, s.status, s.access_granted, s.expires_at, s.auto_renew, s.change_reason, s.occurred_at, s.needs_reconcile, s.updated_at, g.user_key, g.revoked_at';
const dateOrNull = (value) => (value ? new Date(value) : null);
const recordOf = (r) => r && {
  orderId: r.order_id, sku: r.sku, userKey: r.user_key ?? null, status: r.status, accessGranted: r.access_granted,
  expiresAt: dateOrNull(r.expires_at), autoRenew: r.auto_renew, changeReason: r.change_reason, occurredAt: new Date(r.occurred_at),
  needsReconcile: r.needs_reconcile, updatedAt: new Date(r.updated_at), grantRevokedAt: dateOrNull(r.revoked_at),
};

/** Whether a record gives access at `now`: Toss's word, its expiry as a safety net, and no refund of the grant. */
export function hasAccess(record, now) {
  if (!record.accessGranted || !record.userKey || record.grantRevokedAt) return false;
  if (!record.expiresAt) return true;
  const until = record.expiresAt.getTime() + (record.status === 'IN_GRACE_PERIOD' ? GRACE_ALLOWANCE_MS : 0);
  return now.getTime() < until;
}

/**
 * The subscription half of postgresLedger: `{ applySubscriptionEvent, subscription, subscriptionHistory, entitlements }`.
 * @param {{ db: object, transaction: Function, guarded: Function, name: string, table: string, lockTimeoutMs: number, nonConsumableSkus: string[] | null }} ledger
 */
export function subscriptionRecord({ db, transaction, guarded, name, table, lockTimeoutMs, nonConsumableSkus }) {
  const { subscriptions, events } = subscriptionTables(table);
  const selectRecord = `SELECT ${SUBSCRIPTION_COLUMNS} FROM ${subscriptions} s LEFT JOIN ${name} g USING (order_id) WHERE s.order_id = $1`;

  /** The record as it stands in `tx` (or null), and the outcome `event` has on it. */
  async function outcomeOf(tx, event) {
    const { rows } = await tx.query(selectRecord, [event.orderId]);
    const record = recordOf(rows[0]) ?? null;
    if (!record) return { record, outcome: 'applied' };
    const [theirs, ours] = [record.occurredAt.getTime(), event.occurredAt.getTime()];
    return { record, outcome: ours > theirs ? 'applied' : ours < theirs ? 'stale' : 'conflict' };
  }

  return {
    /**
     * Records a parsed `subscription.status_changed` once, and applies it to the order's record unless a newer one
     * is already there; `onChange(change, tx)` runs in the same transaction when the record changed (applied, or
     * flagged as a conflict). A throw of `onChange` rolls everything back (ON_CHANGE_FAILED, transient).
     * @returns {Promise<{ outcome: 'duplicate' | 'applied' | 'stale' | 'conflict', record: object | null }>}
     */
    async applySubscriptionEvent(event, { body = null, onChange = null, timeoutMs = 5000 } = {}) {
      const hash = await sha256Hex(canonicalNotification(event));
      return guarded('recording a subscription event', () => transaction(async (tx) => {
        await tx.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)", [String(lockTimeoutMs), String(Math.ceil(timeoutMs))]);
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ait-iap subscription ${table} ${event.orderId}`]);
        const seen = await tx.query(`SELECT outcome FROM ${events} WHERE event_hash = $1`, [hash]);
        if (seen.rows.length) return { outcome: 'duplicate', record: recordOf((await tx.query(selectRecord, [event.orderId])).rows[0]) ?? null };
        const { outcome } = await outcomeOf(tx, event);
        await tx.query(
          `INSERT INTO ${events} (event_hash, order_id, occurred_at, change_reason, outcome, body) VALUES ($1, $2, $3, $4, $5, $6)`,
          [hash, event.orderId, event.occurredAt.toISOString(), event.changeReason, outcome, storedBody(body ?? JSON.parse(canonicalNotification(event)))],
        );
        const { current } = event;
        if (outcome === 'applied') {
          await tx.query(
            `INSERT INTO ${subscriptions} (order_id, sku, status, access_granted, expires_at, auto_renew, change_reason, occurred_at, needs_reconcile, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false, now())
             ON CONFLICT (order_id) DO UPDATE SET sku = excluded.sku, status = excluded.status, access_granted = excluded.access_granted,
               expires_at = excluded.expires_at, auto_renew = excluded.auto_renew, change_reason = excluded.change_reason,
               occurred_at = excluded.occurred_at, needs_reconcile = false, updated_at = now()`,
            [event.orderId, event.sku, current.status, current.accessGranted, current.expiresAt?.toISOString() ?? null, current.autoRenew, event.changeReason, event.occurredAt.toISOString()],
          );
        } else if (outcome === 'conflict') {
          await tx.query(`UPDATE ${subscriptions} SET needs_reconcile = true, updated_at = now() WHERE order_id = $1`, [event.orderId]);
        }
        const record = recordOf((await tx.query(selectRecord, [event.orderId])).rows[0]);
        if (outcome !== 'stale' && onChange) await changing(onChange, { outcome, event, record }, tx, timeoutMs);
        return { outcome, record };
      }));
    },

    /** The record of one subscription order (with its user once granted), or null. */
    async subscription(orderId) {
      const { rows } = await guarded('reading a subscription', () => db.query(selectRecord, [orderId]));
      return recordOf(rows[0]) ?? null;
    },

    /** Every notification received for the order, oldest `occurredAt` first, with what it did to the record. */
    async subscriptionHistory(orderId) {
      const { rows } = await guarded('reading a subscription history', () => db.query(
        `SELECT event_hash, occurred_at, change_reason, outcome, body, received_at FROM ${events} WHERE order_id = $1 ORDER BY occurred_at, received_at`, [orderId],
      ));
      return rows.map((r) => ({ hash: r.event_hash, occurredAt: new Date(r.occurred_at), changeReason: r.change_reason, outcome: r.outcome, body: r.body, receivedAt: new Date(r.received_at) }));
    },

    /**
     * What `userKey` is entitled to at `now`: its subscriptions that give access (Toss's `accessGranted`, with
     * `expiresAt` as a safety net) and its one-time orders granted and not revoked (only `nonConsumableSkus` when
     * the ledger was given them; never an order of a sku Toss notified as a subscription, which counts only
     * through its own record: one whose notifications never came would otherwise give access for ever).
     */
    async entitlements(userKey, now = new Date()) {
      return guarded('reading entitlements', async () => {
        const subs = await db.query(`SELECT ${SUBSCRIPTION_COLUMNS} FROM ${subscriptions} s JOIN ${name} g USING (order_id) WHERE g.user_key = $1 ORDER BY s.order_id`, [userKey]);
        const owned = await db.query(
          `SELECT order_id, sku, granted_at FROM ${name} g WHERE user_key = $1 AND revoked_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM ${subscriptions} s WHERE s.order_id = g.order_id)
             AND NOT EXISTS (SELECT 1 FROM ${subscriptions} s WHERE s.sku = g.sku)
             AND ($2::text[] IS NULL OR sku = ANY($2::text[]))
           ORDER BY granted_at, order_id`,
          [userKey, nonConsumableSkus],
        );
        return {
          subscriptions: subs.rows.map(recordOf).filter((record) => hasAccess(record, now)),
          nonConsumables: owned.rows.map((r) => ({ orderId: r.order_id, sku: r.sku, grantedAt: new Date(r.granted_at) })),
        };
      });
    },
  };
}

/** How deep the history keeps a body's nesting; deeper values (in fields the handler does not read) are replaced. */
const MAX_STORED_DEPTH = 32;
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const storableText = (text) => text.replace(UNSTORABLE, '\ufffd');

/** The body as jsonb can hold it, whatever a field the handler does not read carries: PostgreSQL refuses U+0000 and
 *  unpaired surrogates (in keys as in values) and a deep enough nesting overflows the stack; each of those would
 *  answer 500 to every delivery of a valid event. Those characters become U+FFFD, nesting past 32 a short text. */
const storedBody = (body) => JSON.stringify(storable(body, 0));

function storable(value, depth) {
  if (typeof value === 'string') return storableText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_STORED_DEPTH) return '(nested too deep: not kept)';
  if (Array.isArray(value)) return value.map((item) => storable(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableText(key), storable(item, depth + 1)]));
}

/** The partner's `onChange` within the transaction: a throw or a run past `timeoutMs` rolls the event back. */
async function changing(onChange, change, tx, timeoutMs) {
  const orderId = change.event.orderId;
  try {
    return await beforeAbort(Promise.resolve().then(() => onChange(changeOf(change), tx)), AbortSignal.timeout(timeoutMs),
      () => new AitIapServerError('ON_CHANGE_TIMEOUT', `onChange did not finish within ${timeoutMs} ms: rolled back`, { transient: true, orderId }));
  } catch (e) {
    if (e instanceof AitIapServerError) throw e;
    throw new AitIapServerError('ON_CHANGE_FAILED', `onChange failed: ${e?.message ?? e}`, { transient: true, orderId, cause: e });
  }
}

/** What `onChange` is told: the event, and the record after it (`userKey` null while the order is not granted). */
const changeOf = ({ outcome, event, record }) => ({
  outcome, orderId: event.orderId, sku: event.sku, userKey: record.userKey, changeReason: event.changeReason,
  occurredAt: event.occurredAt, previous: event.previous, current: event.current, subscription: record,
});
