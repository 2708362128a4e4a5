// Which database failures are "try again": the server restarting or failing over (connections refused, reset or
// terminated, SQLSTATE class 08, 57P01–57P03), contention (40001 serialization, 40P01 deadlock, 55P03 lock
// timeout), exhaustion (53300 too many connections, a pool's acquire timeout), a statement cancelled by its
// timeout (57014). Anything else (a missing table, a syntax error) is a bug, and stays what it was.
import { AitIapServerError } from './errors.js';

const TRANSIENT_SQLSTATE = /^(08...|57P0[123]|40001|40P01|55P03|53300|53400|57014)$/;
const CONNECTION_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// pg's own words for a lost or unavailable connection (its errors carry no code), and workerd's when its socket
// (cloudflare:sockets, pg on Workers) cannot reach the database.
const CONNECTION_WORDS = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|Client was closed|terminating connection|connection attempt failed/i;

/** True when the same database call may succeed later. */
export function isTransientDatabaseError(e) {
  const code = String(e?.code ?? '');
  return TRANSIENT_SQLSTATE.test(code) || CONNECTION_ERRNO.has(code) || (code === 'ENOENT' && e?.syscall === 'connect') || CONNECTION_WORDS.test(String(e?.message ?? ''));
}

/** `e` as DATABASE_UNAVAILABLE (transient, `e` its cause) when it is one of those; otherwise `e` itself. */
export function databaseError(e, doing) {
  if (e instanceof AitIapServerError || !isTransientDatabaseError(e)) return e;
  return new AitIapServerError('DATABASE_UNAVAILABLE', `the database failed while ${doing} (${e.code ?? 'no code'}: ${e.message}): try again`, { transient: true, cause: e });
}
