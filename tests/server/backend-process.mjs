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
  : new (await import('pg')).default.Pool({ max: 10 });
const ledger = postgresLedger(db);
if (process.env.MIGRATE) {
  await ledger.migrate();
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
  onError: () => {},
});
const server = http.createServer(toNodeListener(handler));
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
