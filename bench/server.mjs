// `npm run bench:server`: hand-offs per second on PostgreSQL with 1 and 4 backend processes, on a duplicate-heavy
// mix (each orderId arrives 5 times, as retries, recovery and double taps make it), ait-iap/server against the
// plain `INSERT … ON CONFLICT DO NOTHING` handler doing the same writes. Both verify with the same Toss client
// against the emulated Toss server over mTLS. Reports throughput, p50 and p99 latency and the cost ratio
// (baseline throughput / ait-iap's), and writes its section of BENCHMARKS.md. A benchmark: nothing fails on time.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ledgerDdl } from '../js/server/index.js';
import { testCertificates } from '../server/certs.mjs';
import { createTossServer } from '../server/toss-server.mjs';
import { startPostgres } from '../tests/server/postgres.mjs';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 400);
const COPIES = 5;
const CONCURRENCY = 32;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const toss = createTossServer();
const tls = await toss.listenTls(testCertificates());
const db = startPostgres();
const pool = new pg.Pool(db);
await pool.query(ledgerDdl());
await pool.query('CREATE TABLE items (order_id text PRIMARY KEY, user_key text NOT NULL, sku text NOT NULL)');
const env = { ...process.env, TOSS_URL: tls.url, PGHOST: db.host, PGPORT: String(db.port), PGUSER: db.user, PGDATABASE: db.database };

function startBackend(mode) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./server-backend.mjs', import.meta.url))], { env: { ...env, MODE: mode }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('listening ')) resolve({ child, port: Number(line.split(' ')[1]) });
  }));
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function run(mode, processes, round) {
  await pool.query('TRUNCATE items, ait_iap_grants');
  const ids = Array.from({ length: ORDERS }, (_, i) => `bench-${round}-${i}`);
  for (const orderId of ids) toss.orders.set(orderId, { orderId, sku: 'gem.100', status: 'paid' });
  const backends = await Promise.all(Array.from({ length: processes }, () => startBackend(mode)));
  const queue = ids.flatMap((id) => Array(COPIES).fill(id)).sort(() => Math.random() - 0.5);
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, worker) => {
    while (next < queue.length) {
      const orderId = queue[next++];
      const t = performance.now();
      const res = await fetch(`http://127.0.0.1:${backends[(next + worker) % processes].port}/api/iap/grant`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': orderId },
        body: JSON.stringify({ orderId, sku: 'gem.100', environment: 'sandbox' }),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${mode}: ${orderId} answered ${res.status}`);
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  for (const b of backends) b.child.kill();
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM items');
  if (rows[0].n !== ORDERS) throw new Error(`${mode}: ${rows[0].n} items for ${ORDERS} orders`);
  latencies.sort((a, b) => a - b);
  return { perSecond: queue.length / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (const processes of [1, 4]) {
  const runs = { library: [], baseline: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ['baseline', 'library']) runs[mode].push(await run(mode, processes, `${processes}-${round}-${mode}`));
  }
  const summary = (mode) => ({ perSecond: median(runs[mode].map((r) => r.perSecond)), p50: median(runs[mode].map((r) => r.p50)), p99: median(runs[mode].map((r) => r.p99)) });
  const row = { processes, library: summary('library'), baseline: summary('baseline') };
  row.ratio = row.baseline.perSecond / row.library.perSecond;
  results.push(row);
  console.log(`${processes} process(es): ait-iap ${row.library.perSecond.toFixed(0)}/s (p50 ${row.library.p50.toFixed(1)} ms, p99 ${row.library.p99.toFixed(1)} ms); baseline ${row.baseline.perSecond.toFixed(0)}/s (p50 ${row.baseline.p50.toFixed(1)} ms, p99 ${row.baseline.p99.toFixed(1)} ms); cost ×${row.ratio.toFixed(2)}`);
}
await pool.end();
db.stop();
await tls.close();

const section = `<!-- server-bench -->
## Server: hand-offs on PostgreSQL (\`npm run bench:server\`)

${ORDERS * COPIES} hand-offs over ${ORDERS} orderIds (each 5 times, shuffled), ${CONCURRENCY} at a time over keep-alive HTTP, to 1 or 4
backend processes sharing one PostgreSQL 15 server (a throwaway cluster, fsync off); every request verified with the
emulated Toss server over mTLS (in the load generator's process). Baseline: a plain handler that verifies with the
same client and writes \`INSERT … ON CONFLICT DO NOTHING\`. ait-iap: \`createGrantHandler\` + \`postgresLedger\`
(ledger lookup, then the claim and the delivery in one transaction). Median of ${ROUNDS} rounds; cost = baseline
throughput / ait-iap throughput (below 1: ait-iap is faster, since a duplicate is answered from the ledger
without asking Toss again).

| processes | ait-iap hand-offs/s | p50 | p99 | baseline hand-offs/s | p50 | p99 | cost |
| --- | --- | --- | --- | --- | --- | --- | --- |
${results.map((r) => `| ${r.processes} | ${r.library.perSecond.toFixed(0)} | ${r.library.p50.toFixed(1)} ms | ${r.library.p99.toFixed(1)} ms | ${r.baseline.perSecond.toFixed(0)} | ${r.baseline.p50.toFixed(1)} ms | ${r.baseline.p99.toFixed(1)} ms | ×${r.ratio.toFixed(2)} |`).join('\n')}

Reading it: ait-iap's extra cost is its round trips (a ledger lookup, then BEGIN, the claim, the delivery, COMMIT,
against the baseline's one autocommit INSERT), bought for what the baseline lacks: the delivery commits with the
claim, a failed delivery is retried, orders are bound to their user. Here the emulated Toss answers in well under a
millisecond; against the real API (tens of milliseconds away) the duplicates ait-iap answers from its ledger without
asking Toss weigh more than its round trips. On these 2-core machines the load generator, the emulated Toss server
and the backends share the cores, so 4 processes are not faster than 1: that row shows the ledger under contention
between processes, not scaling.
`;
const path = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
writeFileSync(new URL('./SERVER.md', import.meta.url), section);
const current = readFileSync(path, 'utf8').split('<!-- server-bench -->')[0].trimEnd();
writeFileSync(path, `${current}\n\n${section}`);
console.log('wrote the server section of BENCHMARKS.md (and bench/SERVER.md)');
