// One backend process for `npm run bench:server`, on PostgreSQL (pg reads PGHOST/PGPORT/PGUSER/PGDATABASE):
// MODE=library is ait-iap/server's grant handler; MODE=baseline is the plain handler partners write, doing the
// same writes: verify with the same Toss client, then `INSERT … ON CONFLICT DO NOTHING` into the item table.
import http from 'node:http';
import pg from 'pg';
import { createGrantHandler, createTossApi, postgresLedger, toNodeListener } from '../js/server/index.js';
import { testCertificates } from '../server/certs.mjs';

const pool = new pg.Pool({ max: 10 });
const toss = createTossApi({ ...testCertificates().client, ca: testCertificates().ca, baseUrl: process.env.TOSS_URL });
const insert = 'INSERT INTO items (order_id, user_key, sku) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING';

const library = toNodeListener(createGrantHandler({
  toss,
  ledger: postgresLedger(pool),
  userKeyOf: () => 'bench-user',
  deliver: (order, tx) => tx.query(insert, [order.orderId, order.userKey, order.sku]),
}));

async function baseline(req, res) {
  let text = '';
  for await (const chunk of req) text += chunk;
  const { orderId, sku } = JSON.parse(text);
  const { status } = await toss.getOrderStatus(orderId, 'bench-user');
  if (status !== 'PURCHASED' && status !== 'PAYMENT_COMPLETED') return res.writeHead(409).end('{"granted":false}');
  await pool.query(insert, [orderId, 'bench-user', sku]);
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"granted":true}');
}

const server = http.createServer({ keepAlive: true }, process.env.MODE === 'baseline' ? baseline : library);
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
