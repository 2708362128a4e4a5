// One way to run a function inside a transaction on either engine: a `pg` Pool (a client checked out for it,
// BEGIN … COMMIT, ROLLBACK on a throw) or PGlite (its own `transaction`). Either way `tx.query(text, params)`
// resolves `{ rows }`, as `pg` does, and only while the transaction is open: a delivery still running after its
// deadline cannot write through a connection that went back to the pool.
import { AitIapServerError } from './errors.js';

export function transactionOf(db) {
  if (db && typeof db.transaction === 'function') return (work) => db.transaction((tx) => scoped(tx, work));
  if (db && typeof db.connect === 'function' && typeof db.query === 'function') {
    return async (work) => {
      const client = await db.connect();
      let broken;
      // A connection the server drops while checked out emits 'error' on the client; unheard, Node would end the
      // process. Its next query fails anyway, and the client is then destroyed rather than returned.
      const lost = (e) => { broken = e; };
      client.on?.('error', lost);
      try {
        await client.query('BEGIN');
        const result = await scoped(client, work);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch((rollbackError) => { broken = rollbackError; });
        throw e;
      } finally {
        client.off?.('error', lost);
        client.release(broken);
      }
    };
  }
  throw new AitIapServerError('INVALID_OPTIONS', 'db must be a pg Pool or a PGlite instance');
}

/** Runs `work` with a `tx` whose `query` works until `work` settles, and refuses after. */
async function scoped(connection, work) {
  let open = true;
  const tx = {
    query(text, params) {
      if (!open) return Promise.reject(new AitIapServerError('TRANSACTION_CLOSED', 'this transaction has ended (its delivery ran past the deadline, or threw): nothing was written'));
      return connection.query(text, params);
    },
  };
  try {
    return await work(tx);
  } finally {
    open = false;
  }
}
