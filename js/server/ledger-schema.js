// The ledger's table and its migrations. Version 1 (ait-iap 0.1) stored the sku the request named; version 2 stores
// the sku Toss reported and where it came from, Toss's answer as evidence, and the reconcile back-off; version 3 adds
// the subscription record's two tables beside it (subscription-schema.js) and an index by user. `migrate()`
// brings any earlier table to the current version in place, under one fixed advisory lock (several instances may
// start at once, even for different tables: `ait_iap_schema` is shared), and records the version in `ait_iap_schema`.
import { AitIapServerError } from './errors.js';
import { quotedTable } from './table-name.js';
import { subscriptionDdl } from './subscription-schema.js';

export { quotedTable };

export const LEDGER_SCHEMA_VERSION = 3;

/** The one advisory lock key every `migrate()` holds, whatever its table ('aiti' in ASCII). */
const MIGRATION_LOCK = 0x61697469;

/** The current table's DDL, for teams that run their own migrations (the README shows it). */
export const ledgerDdl = (table = 'ait_iap_grants') => `CREATE TABLE IF NOT EXISTS ${quotedTable(table)} (
  order_id             text PRIMARY KEY,
  user_key             text NOT NULL,
  sku                  text NOT NULL,
  sku_source           text NOT NULL CHECK (sku_source IN ('toss', 'claimed')),
  claimed_sku          text,
  environment          text NOT NULL,
  status_determined_at timestamptz,
  toss_answer          jsonb,
  granted_at           timestamptz NOT NULL DEFAULT now(),
  checked_at           timestamptz,
  check_failures       integer NOT NULL DEFAULT 0,
  next_check_at        timestamptz,
  revoked_at           timestamptz
)`;

/** Version 1 → 2, idempotent. Rows granted by version 1 delivered the sku the request claimed: they say so. The
 *  default stays: during a rolling deploy an instance still on version 1 inserts without `sku_source`, and what it
 *  delivered was the claim. */
export const upgradeFrom1 = (name) => [
  `ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS sku_source text NOT NULL DEFAULT 'claimed' CHECK (sku_source IN ('toss', 'claimed'))`,
  `ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS claimed_sku text`,
  `UPDATE ${name} SET claimed_sku = sku WHERE sku_source = 'claimed' AND claimed_sku IS NULL`,
  `ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS status_determined_at timestamptz`,
  `ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS toss_answer jsonb`,
  `ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS check_failures integer NOT NULL DEFAULT 0`,
  `ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS next_check_at timestamptz`,
];

/** Creates or upgrades `table` in one transaction; resolves `{ from, to }` (from 0: created). */
export function migrateLedger(transaction, table) {
  const name = quotedTable(table);
  return transaction(async (tx) => {
    // One key for every table: two instances creating `ait_iap_schema` at once would otherwise fail with 23505.
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.query('CREATE TABLE IF NOT EXISTS ait_iap_schema (table_name text PRIMARY KEY, version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())');
    const recorded = (await tx.query('SELECT version FROM ait_iap_schema WHERE table_name = $1', [table])).rows[0]?.version;
    const exists = (await tx.query('SELECT to_regclass($1) IS NOT NULL AS exists', [name])).rows[0].exists;
    const from = recorded ?? (exists ? 1 : 0);
    if (from > LEDGER_SCHEMA_VERSION) {
      throw new AitIapServerError('LEDGER_TOO_NEW', `table ${table} is at schema version ${from}, newer than this ait-iap's ${LEDGER_SCHEMA_VERSION}: upgrade ait-iap`);
    }
    if (from === 0) await tx.query(ledgerDdl(table));
    if (from === 1) for (const statement of upgradeFrom1(name)) await tx.query(statement);
    if (from < 3) for (const statement of subscriptionDdl(table)) await tx.query(statement);
    await tx.query(
      `INSERT INTO ait_iap_schema (table_name, version) VALUES ($1, $2)
       ON CONFLICT (table_name) DO UPDATE SET version = excluded.version, migrated_at = now()`,
      [table, LEDGER_SCHEMA_VERSION],
    );
    return { from, to: LEDGER_SCHEMA_VERSION };
  });
}
