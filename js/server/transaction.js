// One way to run a function inside a transaction on either engine: a `pg` Pool (a client checked out for it,
// BEGIN … COMMIT, ROLLBACK on a throw) or PGlite (its own `transaction`). Either way `tx.query(text, params)`
// resolves `{ rows }`, as `pg` does.
import { AitIapServerError } from './errors.js';

export function transactionOf(db) {
  if (db && typeof db.transaction === 'function') return (work) => db.transaction(work);
  if (db && typeof db.connect === 'function' && typeof db.query === 'function') {
    return async (work) => {
      const client = await db.connect();
      let broken;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch((rollbackError) => { broken = rollbackError; });
        throw e;
      } finally {
        client.release(broken);
      }
    };
  }
  throw new AitIapServerError('INVALID_OPTIONS', 'db must be a pg Pool or a PGlite instance');
}
