// ait-iap/server on Deno: the docs' Supabase Edge Function block (server-deno-example) run as written by `deno
// run`, with Deno.createHttpClient doing mTLS to the Toss emulator and npm:pg reaching PostgreSQL over TCP; the
// docs' migrate.mjs run by Deno too. `npm:` specifiers resolve from node_modules folders (deno.json
// "nodeModulesDir": "manual", as in a project that installs with npm): `npm:ait-iap/server` to this repository's
// js/server, `npm:pg` to its pg. Prints "N passed, N failed".
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { blockCases } from './core-cases.mjs';
import { binary, freePort, isRepoServer, migrateWith, root, startBackend, suite, surroundings, workDir } from './harness.mjs';

const { check, cleanup, end } = suite('ait-iap/server on Deno');
// What Supabase grants an Edge Function: the network, its environment, reading its own files.
const PERMISSIONS = ['--allow-net', '--allow-env', '--allow-read'];

try {
  const deno = binary('deno');
  const dir = workDir('deno', { 'index.js': 'server-deno-example', 'migrate.mjs': 'server-migrate-example' });
  writeFileSync(join(dir, 'deno.json'), `${JSON.stringify({ nodeModulesDir: 'manual' })}\n`);
  const { toss, database, env } = await surroundings(cleanup, { DENO_DIR: join(root, 'target/deno-cache'), NO_COLOR: '1' });

  await check("`npm:ait-iap/server` is this repository's js/server; `npm:pg` its pg (node_modules, no download)", async () => {
    const script = "console.log(import.meta.resolve('npm:ait-iap/server')); console.log(import.meta.resolve('npm:pg'))";
    const { stdout } = await promisify(execFile)(deno, ['eval', script], { cwd: dir, env, encoding: 'utf8' });
    const [server, pg] = stdout.trim().split('\n');
    assert.ok(isRepoServer(server), server);
    assert.ok(pg.startsWith(`file://${root}node_modules/pg/`), pg);
  });
  /** The Edge Function on a port of its own (DENO_SERVE_ADDRESS: Deno.serve's address, as Supabase sets it). */
  const serve = async (db, identity, tossUrl, { production = false } = {}) => {
    const port = await freePort();
    const backend = await startBackend({
      command: deno, args: ['run', ...PERMISSIONS, 'index.js'], cwd: dir, base: `http://127.0.0.1:${port}`,
      env: { ...env, ...toss.env(identity, tossUrl), SUPABASE_DB_URL: db.url, DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}`, DEV_SIGN_IN: production ? '' : '1' },
    });
    cleanup(backend.stop);
    return { ...backend, grantUrl: `${backend.base}/functions/v1/iap-grant` };
  };
  await blockCases(check, {
    serve, toss, database, prefix: 'deno', wrongPath: false,
    migrate: migrateWith("the docs' migrate.mjs under Deno: the ledger's table and items, on PostgreSQL over TCP", deno, ['run', ...PERMISSIONS, 'migrate.mjs'], { cwd: dir, env }),
    logged: /TOSS_UNREACHABLE: get-order-status unreachable: fetch failed \(.*(close_notify|alert).*\)/,
  });
} catch (e) {
  await check('the suite set itself up', () => { throw e; });
} finally {
  await end();
}
