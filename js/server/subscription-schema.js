// The subscription record's two tables beside the grants table (schema version 3): each subscription order's
// current state, and the history of every notification received for it. Their names derive from the grants
// table's: `ait_iap_grants` → `ait_iap_grants_subscriptions`, `ait_iap_grants_subscription_events`.
import { companionTable, quotedTable } from './table-name.js';

/** The tables of `table`'s subscription record: `{ subscriptions, events }`, quoted. */
export function subscriptionTables(table) {
  return { subscriptions: companionTable(table, '_subscriptions'), events: companionTable(table, '_subscription_events') };
}

/** Version 2 → 3 (and part of a new ledger), idempotent: the statements, for teams that run their own migrations. */
export function subscriptionDdl(table = 'ait_iap_grants') {
  const { subscriptions, events } = subscriptionTables(table);
  return [
    `CREATE TABLE IF NOT EXISTS ${subscriptions} (
  order_id        text PRIMARY KEY,
  sku             text NOT NULL,
  status          text NOT NULL,
  access_granted  boolean NOT NULL,
  expires_at      timestamptz,
  auto_renew      boolean NOT NULL,
  change_reason   text NOT NULL,
  occurred_at     timestamptz NOT NULL,
  needs_reconcile boolean NOT NULL DEFAULT false,
  updated_at      timestamptz NOT NULL DEFAULT now()
)`,
    `CREATE TABLE IF NOT EXISTS ${events} (
  event_hash    text PRIMARY KEY,
  order_id      text NOT NULL,
  occurred_at   timestamptz NOT NULL,
  change_reason text NOT NULL,
  outcome       text NOT NULL CHECK (outcome IN ('applied', 'stale', 'conflict')),
  body          jsonb NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now()
)`,
    `CREATE INDEX IF NOT EXISTS ${companionTable(table, '_subscription_events_by_order')} ON ${events} (order_id, occurred_at)`,
    `CREATE INDEX IF NOT EXISTS ${companionTable(table, '_subscriptions_by_sku')} ON ${subscriptions} (sku)`,
    `CREATE INDEX IF NOT EXISTS ${companionTable(table, '_by_user')} ON ${quotedTable(table)} (user_key)`,
  ];
}
