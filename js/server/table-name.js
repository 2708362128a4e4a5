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

/**
 * The name of a table (or index) that belongs to `table`, quoted, within PostgreSQL's 63 characters. When `table`
 * is too long for that, it is cut and a hash of the whole name added, so that two long names sharing their first
 * characters never share a companion (each ledger would read the other's subscriptions and events).
 */
export function companionTable(table, suffix) {
  const name = quotedTable(table).slice(1, -1);
  if (name.length + suffix.length <= 63) return quotedTable(`${name}${suffix}`);
  return quotedTable(`${name.slice(0, 63 - suffix.length - 9)}_${fnv1a(name)}${suffix}`);
}

/** FNV-1a (32 bits) of an ASCII name as 8 hex digits: short and synchronous, enough to tell names apart. */
function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}
