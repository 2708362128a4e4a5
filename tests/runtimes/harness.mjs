// What the runtime suites (Deno, Bun, workerd) share. Each suite is a plain Node script that runs the docs' block
// for its runtime under that runtime, as written (tests/server/doc-blocks.mjs reads it), talks to it over HTTP on
// 127.0.0.1 like the client does, and prints one line per case and, last, "N passed, N failed".
//
// Around the backend: the emulated Toss partner API in this process (the Toss emulator's own server, over mTLS
// with its throwaway CA: server/certs.mjs), a Toss that asks for no client certificate (the control of the rogue
// certificate case), and a throwaway PostgreSQL server listening on 127.0.0.1 (every runtime reaches it over TCP,
// as it reaches a hosted database). `ait-iap/server` resolves to this repository's js/server (a package folder
// under target/runtimes/node_modules whose `server` is a link to it); `pg` and PGlite to the repository's own.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import https from 'node:https';
import net from 'node:net';
import { existsSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { testCertificates } from '../../server/certs.mjs';
import { createTossServer } from '../../server/toss-server.mjs';
import { docBlock } from '../server/doc-blocks.mjs';
import { startPostgres } from '../server/postgres.mjs';
import { ORIGIN } from './core-cases.mjs';
import { LEDGER_SCHEMA_VERSION } from '../../js/server/ledger-schema.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const WORK = join(root, 'target/runtimes');

/** The runtimes' binaries, where scripts/setup.sh installs them (npm packages that carry them). */
export const BINARIES = {
  deno: join(root, 'target/deno/node_modules/@deno/linux-x64-glibc/deno'),
  bun: join(root, 'target/bun/node_modules/bun/bin/bun.exe'), // bun's postinstall moves @oven/bun-linux-x64's binary here
  workerd: join(root, 'target/workerd/node_modules/@cloudflare/workerd-linux-64/bin/workerd'),
};

/** Cases counted as they run: `check(name, fn)` prints "ok - name" or "not ok - name" with the error; `end()` prints
 *  the closing "N passed, N failed" and sets the exit code. A case that cannot run (a backend that does not start)
 *  fails, and so does the whole suite past `limitMs`. */
export function suite(title, { limitMs = 110_000 } = {}) {
  let passed = 0, failed = 0, ended = false;
  const cleanups = [];
  const end = async () => {
    if (ended) return;
    ended = true;
    for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch((e) => console.log(`# cleanup: ${e?.message ?? e}`));
    console.log(`\n# ${title}\n${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
  };
  const timer = setTimeout(async () => {
    failed += 1;
    console.log(`not ok - the suite finished within ${limitMs / 1000} s`);
    await end();
    process.exit(1);
  }, limitMs);
  timer.unref();
  return {
    async check(name, fn) {
      const started = Date.now();
      try {
        await fn();
        passed += 1;
        console.log(`ok - ${name} (${Date.now() - started} ms)`);
        return true;
      } catch (e) {
        failed += 1;
        console.log(`not ok - ${name}\n${String(e?.stack ?? e).replace(/^/gm, '    ')}`);
        return false;
      }
    },
    /** Runs at the end, the last added first (backends, then Toss and PostgreSQL). */
    cleanup: (fn) => cleanups.push(fn),
    end,
  };
}

/** Throws unless the runtime is installed (scripts/setup.sh with AIT_IAP_TESTS=1 installs it). */
export function binary(name) {
  if (!existsSync(BINARIES[name])) throw new Error(`${name} is not installed at ${BINARIES[name]}: run \`AIT_IAP_TESTS=1 bash scripts/setup.sh\` (npm test does)`);
  return BINARIES[name];
}

/** A fresh folder for one runtime's files, target/runtimes/<name>, beside the package folder `ait-iap` that the
 *  blocks import (`ait-iap/server` and Deno's `npm:ait-iap/server`); `blocks` maps a file name in it to the docs'
 *  block it holds. */
export function workDir(name, blocks = {}) {
  // A package of its own around the runtimes' files: without it the repository's package.json (named ait-iap) would
  // be theirs, and `ait-iap/server` would resolve to itself (dist/, as built last) before node_modules.
  mkdirSync(WORK, { recursive: true });
  writeFileSync(join(WORK, 'package.json'), `${JSON.stringify({ name: 'ait-iap-runtime-tests', private: true, type: 'module' }, null, 2)}\n`);
  const pkg = join(WORK, 'node_modules/ait-iap');
  if (!existsSync(join(pkg, 'server/index.js'))) {
    rmSync(pkg, { recursive: true, force: true });
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), `${JSON.stringify({ name: 'ait-iap', type: 'module', exports: { './server': './server/index.js' } }, null, 2)}\n`);
    symlinkSync('../../../../js/server', join(pkg, 'server'));
  }
  const dir = join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [file, marker] of Object.entries(blocks)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), docBlock(marker));
  }
  return dir;
}

/** What a suite's backends run against, closed at its end: `{ toss, database, env }` (startToss's, startDatabase's,
 *  and their environment: this process's with NODE_ENV=development, MINI_APP_ORIGIN and `env`). */
export async function surroundings(cleanup, env = {}) {
  const toss = await startToss();
  cleanup(toss.close);
  const database = startDatabase();
  cleanup(database.close);
  const backendEnv = { ...process.env, MINI_APP_ORIGIN: ORIGIN, ...env };
  backendEnv.NODE_ENV = 'development'; // the docs' sign-in stand-in signs in only then (Node, Bun)
  return { toss, database, env: backendEnv };
}

/** blockCases' `migrate`: the docs' migrate.mjs (in `cwd`) run by `command args…` on each database. */
export const migrateWith = (title, command, args, { cwd, env }) => [title, async (db) => {
  const { stdout } = await promisify(execFile)(command, args, { cwd, env: { ...env, DATABASE_URL: db.url }, encoding: 'utf8' });
  assert.match(stdout, new RegExp(`ledger schema 0 → ${LEDGER_SCHEMA_VERSION}, items ready`));
}];

export const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));

/**
 * The emulated Toss partner API: `{ certs, toss, url, laxUrl, env(identity, url?), close }`. `toss` is the
 * emulator's state (orders, statusRequests); `url` requires a client certificate from its CA; `laxUrl` is a Toss
 * that asks for none (it forwards to `url` over mTLS of its own), so that a rogue certificate's refusal can be
 * shown to be the TLS handshake's. `env(identity)` is the backend's environment for a client identity, each PEM
 * base64-encoded as `npx ait-iap toss-emulator` prints it.
 */
export async function startToss() {
  const certs = testCertificates();
  const toss = createTossServer();
  const strict = await toss.listenTls(certs);
  const agent = new https.Agent({ ...certs.client, ca: certs.ca, keepAlive: true });
  const lax = https.createServer(certs.server, (req, res) => {
    const upstream = https.request(`${strict.url}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(strict.url).host }, agent }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const laxUrl = `https://127.0.0.1:${await listen(lax)}`;
  const b64 = (pem) => Buffer.from(pem).toString('base64');
  return {
    certs, toss, url: strict.url, laxUrl,
    env: (identity, url = strict.url) => ({ TOSS_CERT: b64(identity.cert), TOSS_KEY: b64(identity.key), TOSS_CA: b64(certs.ca), TOSS_API_BASE_URL: url }),
    close: async () => {
      agent.destroy();
      lax.closeAllConnections();
      await new Promise((r) => lax.close(r));
      await strict.close();
    },
  };
}

/** A throwaway PostgreSQL server on a Unix socket and 127.0.0.1: `{ server, database(name), close }`;
 *  `database(name)` creates one and resolves `{ name, url, pool }` (its TCP URL, and a pool for the test's own
 *  queries); `server.fault.stop()` and `.start()` take the server down and up. */
export function startDatabase() {
  const server = startPostgres({ tcp: true });
  const admin = new pg.Pool({ ...server, max: 2 });
  const pools = [admin];
  // The database-down case stops the server under these pools: their idle connections end, which is no failure here.
  admin.on('error', () => {});
  return {
    server,
    async database(name) {
      await admin.query(`CREATE DATABASE ${name}`);
      const pool = new pg.Pool({ ...server, database: name, max: 2 });
      pool.on('error', () => {});
      pools.push(pool);
      return { name, url: `postgresql://${server.user}@127.0.0.1:${server.port}/${name}`, pool };
    },
    close: async () => {
      await Promise.all(pools.map((p) => p.end()));
      server.stop();
    },
  };
}

/** The backends still running, each ended (its process group) if this process exits first. */
const running = new Set();
process.once('exit', () => { for (const kill of running) kill('SIGKILL'); });

/**
 * Runs a backend: `command args…` in `cwd` with `env`, answering at `base` (http://127.0.0.1:<port>). Resolves once
 * it answers HTTP: `{ base, output(), stop() }`; `stop()` sends SIGTERM and resolves `{ code, exitMs }` (SIGKILL
 * after 5 s). Rejects with what it printed when it exits or does not answer within `startMs`.
 */
export async function startBackend({ command, args, cwd, env, base, startMs = 30_000 }) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  let done = false;
  exited.then(() => { done = true; });
  const kill = (signal) => { try { process.kill(-child.pid, signal); } catch {} };
  running.add(kill);
  exited.then(() => running.delete(kill));
  const stop = async () => {
    if (done) return { code: await exited, exitMs: 0 };
    const stopping = Date.now();
    kill('SIGTERM');
    const late = setTimeout(() => kill('SIGKILL'), 5000);
    const code = await exited;
    clearTimeout(late);
    return { code, exitMs: Date.now() - stopping };
  };
  const deadline = Date.now() + startMs;
  while (!(await fetch(base, { method: 'OPTIONS' }).then(() => true, () => false))) {
    if (done || Date.now() > deadline) {
      await stop();
      throw new Error(`${[command, ...args].join(' ')} ${done ? 'exited' : `did not answer within ${startMs / 1000} s`}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base, output: () => out, stop };
}

/** Whether a resolved `ait-iap/server` (a file URL or path) is this repository's js/server/index.js. */
export const isRepoServer = (resolved) => realpathSync(resolved.startsWith('file:') ? fileURLToPath(resolved) : resolved) === join(root, 'js/server/index.js');
