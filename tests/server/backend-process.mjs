// One partner backend process for the crash test: ait-iap/server's grant handler on node:http, its ledger on
// PostgreSQL (pg reads PGHOST/PGPORT/PGUSER/PGDATABASE) or on PGlite in PGLITE_DIR, Toss at TOSS_URL over mTLS.
// Its delivery says "delivering <orderId>" on stdout, then holds its transaction open for 50 ms, so that a test
// can kill the process in the middle of one.
import http from 'node:http';
import { createGrantHandler, createTossApi, postgresLedger, toNodeListener } from '../../js/server/index.js';
import { testCertificates } from '../../server/certs.mjs';
import { insertItem } from './engines.mjs';

const certs = testCertificates();
const db = process.env.PGLITE_DIR
  ? await (await import('@electric-sql/pglite')).PGlite.create(process.env.PGLITE_DIR)
  : new (await import('pg')).default.Pool({ max: 10, connectionTimeoutMillis: 5000 });
// POOL_LISTENER: the partner's own pool error listener, as the docs show; without it, the ledger's own keeps the
// process alive when the database drops idle connections.
if (process.env.POOL_LISTENER) db.on('error', (e) => process.stderr.write(`pool error (the partner's listener): ${e.message}\n`));
const ledger = postgresLedger(db);
if (process.env.MIGRATE) {
  await ledger.migrate({ waitMs: 10_000 });
  await db.query('CREATE TABLE IF NOT EXISTS items (order_id text PRIMARY KEY, user_key text NOT NULL, sku text NOT NULL)');
}
const handler = createGrantHandler({
  toss: createTossApi({ ...certs.client, ca: certs.ca, baseUrl: process.env.TOSS_URL }),
  ledger,
  userKeyOf: (request) => request.headers.get('x-test-user'),
  deliver: async (order, tx) => {
    process.stdout.write(`delivering ${order.orderId}\n`);
    await tx.query('SELECT pg_sleep(0.05)');
    await insertItem(order, tx);
  },
  // The fault test reads each cause the handler reports: "error <code>" (a bug has no code: its name).
  onError: (e) => process.env.REPORT_ERRORS && process.stdout.write(`error ${e?.code ?? e?.name}\n`),
});
const server = http.createServer(toNodeListener(handler));
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
