// The ledger's table names: the partner's choice, checked and quoted, and the names of its companion tables.
import { AitIapServerError } from './errors.js';

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The table name, checked and quoted (so that reserved words such as `user` work too). */
export function quotedTable(table) {
  if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
    throw new AitIapServerError('INVALID_OPTIONS', `table must be a plain lower-case SQL name (a-z, 0-9, _), got ${JSON.stringify(table)}`);
  }
  return `"${table}"`;
}

/** The name of a table (or index) that belongs to `table`, quoted; cut to stay within PostgreSQL's 63 characters. */
export const companionTable = (table, suffix) => quotedTable(`${quotedTable(table).slice(1, -1).slice(0, 63 - suffix.length)}${suffix}`);
