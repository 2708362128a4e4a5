// ait-iap/server on Cloudflare Workers: the docs' Worker block (server-worker-example) bundled with esbuild as
// wrangler bundles it (the `workerd` condition, Node's built-ins left to nodejs_compat) and run by `workerd`,
// Cloudflare's runtime, from a config this script writes. Prints "N passed, N failed".
//
// What stands in for Cloudflare's bindings (workerd.capnp, which ships in the workerd package, defines both):
// - TOSS_MTLS, the mTLS certificate binding: a service binding to an external HTTPS service whose `tlsOptions`
//   carry a `keypair` (the client certificate and its key) and trust the Toss emulator's CA. As with the binding,
//   the Worker calls `env.TOSS_MTLS.fetch(url, init)` and workerd presents the certificate; the URL stays Toss's
//   own (`createTossApi` is given no baseUrl), and the service's address is the emulator on 127.0.0.1.
// - HYPERDRIVE: workerd's own `hyperdrive` binding (what `wrangler dev` runs locally): `connectionString` names a
//   host that workerd routes to its designated service, here an external TCP service, PostgreSQL on 127.0.0.1.
//   pg connects through `cloudflare:sockets` (pg-cloudflare, with nodejs_compat). Hyperdrive's pooling and query
//   caching are not there: each request opens its own connections, as the block's per-request pool does anyway.
// The tables are made by the docs' migrate.mjs under Node, as a deploy step would make them.
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { ORIGIN, blockCases } from './core-cases.mjs';
import { binary, freePort, isRepoServer, migrateWith, root, startBackend, suite, surroundings, workDir } from './harness.mjs';

const { check, cleanup, end } = suite('ait-iap/server on workerd (Cloudflare Workers)');
const COMPATIBILITY_DATE = '2026-11-01';

/** Node's built-ins for nodejs_compat: imported as `node:*`; a `require()` of one (pg is CommonJS) gets the module's
 *  default export, as wrangler's bundling does it. */
const nodejsCompat = {
  name: 'nodejs-compat',
  setup(build) {
    const builtins = new Set(builtinModules);
    build.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, ({ path, kind }) => {
      const name = path.replace(/^node:/, '');
      if (!builtins.has(name)) return undefined;
      return kind === 'require-call' ? { path: `node:${name}`, namespace: 'node-require' } : { path: `node:${name}`, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: 'node-require' }, ({ path }) => ({ contents: `import library from '${path}';\nmodule.exports = library;\n`, loader: 'js' }));
    build.onResolve({ filter: /^cloudflare:/ }, ({ path }) => ({ path, external: true }));
  },
};

/** A capnp text literal. */
const text = (value) => JSON.stringify(value);

/** The workerd config: the Worker on 127.0.0.1:`port`, its bindings as described at the top. */
function config({ port, tossAddress, identity, ca, postgres, database, devSignIn }) {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "toss-mtls", external = (
      address = ${text(tossAddress)},
      https = (
        options = (),
        tlsOptions = (
          keypair = (privateKey = ${text(identity.key)}, certificateChain = ${text(identity.cert)}),
          trustBrowserCas = false,
          trustedCertificates = [${text(ca)}],
        ),
        certificateHost = "localhost",
      ),
    )),
    (name = "postgres", external = (address = ${text(postgres)}, tcp = ())),
  ],
  sockets = [(name = "http", address = ${text(`127.0.0.1:${port}`)}, http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = ${text(COMPATIBILITY_DATE)},
  compatibilityFlags = ["nodejs_compat"],
  bindings = [
    (name = "TOSS_MTLS", service = "toss-mtls"),
    (name = "HYPERDRIVE", hyperdrive = (designator = "postgres", database = ${text(database)}, user = "postgres", password = "", scheme = "postgresql")),
    (name = "MINI_APP_ORIGIN", text = ${text(ORIGIN)}),
    (name = "DEV_SIGN_IN", text = ${text(devSignIn)}),
  ],
);
`;
}

try {
  const workerd = binary('workerd');
  const dir = workDir('workerd', { 'index.js': 'server-worker-example', 'migrate.mjs': 'server-migrate-example' });
  const { toss, database, env } = await surroundings(cleanup);

  await check("the Worker bundles with esbuild (the workerd condition: pg over cloudflare:sockets; Node built-ins from nodejs_compat); its ait-iap/server is this repository's js/server", async () => {
    const result = await esbuild.build({
      entryPoints: [join(dir, 'index.js')], outfile: join(dir, 'worker.js'), bundle: true, format: 'esm', platform: 'neutral', metafile: true,
      conditions: ['workerd', 'worker'], mainFields: ['module', 'main'], external: ['pg-native'], plugins: [nodejsCompat], logLevel: 'silent',
    });
    assert.deepEqual(result.errors, []);
    const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.includes(':'));
    assert.ok(inputs.some((input) => input.endsWith('server/index.js') && isRepoServer(join(root, input))), inputs.join('\n'));
    assert.ok(inputs.some((input) => input.includes('pg-cloudflare/')), 'pg-cloudflare bundled');
  });

  /** workerd serving the Worker from a config of its own; `tossUrl` is where TOSS_MTLS connects. */
  let configs = 0;
  const serve = async (db, identity, tossUrl, { production = false } = {}) => {
    const port = await freePort();
    const folder = join(dir, `config-${++configs}`);
    mkdirSync(folder);
    copyFileSync(join(dir, 'worker.js'), join(folder, 'worker.js'));
    writeFileSync(join(folder, 'config.capnp'), config({
      port, tossAddress: new URL(tossUrl).host, identity, ca: toss.certs.ca,
      postgres: `127.0.0.1:${database.server.port}`, database: db.name, devSignIn: production ? '' : '1',
    }));
    const backend = await startBackend({ command: workerd, args: ['serve', 'config.capnp', '--verbose'], cwd: folder, env, base: `http://127.0.0.1:${port}` });
    cleanup(backend.stop);
    return { ...backend, grantUrl: `${backend.base}/api/iap/grant` };
  };
  await blockCases(check, {
    serve, toss, database, prefix: 'workerd',
    logged: /TOSS_UNREACHABLE: get-order-status unreachable: Network connection lost/,
    migrate: migrateWith("the docs' migrate.mjs (a deploy step, under Node): the ledger's table and items", process.execPath, ['migrate.mjs'], { cwd: dir, env }),
  });
} catch (e) {
  await check('the suite set itself up', () => { throw e; });
} finally {
  await end();
}
