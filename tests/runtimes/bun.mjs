// ait-iap/server on Bun: the docs' Bun block (server-bun-example: Bun.serve with the Web handler) and the docs'
// node:http and PGlite blocks (toNodeListener on Bun's node:http), each run as written by `bun`, with
// createTossApi doing mTLS through Bun's node:https to the Toss emulator; the ledger on PostgreSQL over TCP and on
// PGlite in a folder. `ait-iap/server` resolves to this repository's js/server. Prints "N passed, N failed".
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { blockCases, coreCases, expectedItems } from './core-cases.mjs';
import { binary, freePort, isRepoServer, startBackend, suite, surroundings, workDir } from './harness.mjs';

const { check, cleanup, end } = suite('ait-iap/server on Bun');

try {
  const bun = binary('bun');
  const dir = workDir('bun', { 'bun/server.js': 'server-bun-example', 'node/server.js': 'server-node-example', 'pglite/server.js': 'server-pglite-example' });
  const { toss, database, env } = await surroundings(cleanup);

  /** `bun server.js` of block `name`, on a port of its own; its database URL (none: PGlite, in its folder). */
  const serve = async (name, db, identity, tossUrl, { production = false } = {}) => {
    const port = await freePort();
    const backend = await startBackend({
      command: bun, args: ['server.js'], cwd: join(dir, name), base: `http://127.0.0.1:${port}`,
      env: { ...env, ...toss.env(identity, tossUrl), ...(db ? { DATABASE_URL: db.url } : {}), PORT: String(port), ...(production ? { NODE_ENV: 'production' } : {}) },
    });
    cleanup(backend.stop);
    return { ...backend, grantUrl: `${backend.base}/api/iap/grant` };
  };
  const stopsCleanly = async (backend) => {
    const { code, exitMs } = await backend.stop();
    assert.equal(code, 0, `SIGTERM: requests finished, pool and Toss client closed, exit 0\n${backend.output()}`);
    assert.ok(exitMs < 3000, `exited ${exitMs} ms after SIGTERM`);
  };

  await check("`ait-iap/server` is this repository's js/server", async () => {
    const { stdout } = await promisify(execFile)(bun, ['-e', "console.log(import.meta.resolve('ait-iap/server'))"], { cwd: join(dir, 'bun'), env, encoding: 'utf8' });
    assert.ok(isRepoServer(stdout.trim()), stdout);
  });

  // Bun.serve and the Web handler; then the node:http block, toNodeListener on Bun's node:http; both on PostgreSQL.
  for (const [name, label] of [['bun', 'Bun.serve on PostgreSQL'], ['node', 'node:http on PostgreSQL']]) {
    const main = await blockCases(check, {
      serve: (...args) => serve(name, ...args), toss, database, prefix: `bun${name}`, label, logged: /TOSS_CLIENT_CERT_REJECTED/,
    });
    await check(`${label}: SIGTERM closes the server, the pool and the Toss client`, () => stopsCleanly(main));
  }

  // The PGlite block under Bun: the database in a folder, read here once the backend has closed it.
  const pglite = await serve('pglite', null, toss.certs.client, toss.url);
  await coreCases(check, { grantUrl: pglite.grantUrl, toss: toss.toss, prefix: 'bunlite', label: 'node:http on PGlite' });
  await check('PGlite under Bun: SIGTERM writes the folder out; each order in it delivered once, as Toss reported it', async () => {
    await stopsCleanly(pglite);
    const db = await PGlite.create(join(dir, 'pglite', 'pglite-data'));
    try {
      assert.deepEqual((await db.query('SELECT order_id, user_key, sku FROM items ORDER BY order_id')).rows, expectedItems('bunlite'));
      assert.deepEqual((await db.query('SELECT DISTINCT sku_source FROM ait_iap_grants')).rows, [{ sku_source: 'toss' }]);
    } finally {
      await db.close();
    }
  });
} catch (e) {
  await check('the suite set itself up', () => { throw e; });
} finally {
  await end();
}
