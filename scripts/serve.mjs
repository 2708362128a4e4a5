// Serves the sandbox app (www/) with the built package (dist/), the emulated Toss server and the dev
// backend, on 127.0.0.1. `/?sdk=1.4` (1.14, 2.0, 2.10) loads the page bundled with that web-bridge version.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { createTossApi } from '../js/server/index.js';
import { testCertificates } from '../server/certs.mjs';
import { NOTIFICATION_PATH, NOTIFICATION_SECRET, createDevBackend } from '../server/dev-backend.mjs';
import { createTossServer } from '../server/toss-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
/** URL prefix → folder. Nothing outside these is served. */
const MOUNTS = [
  ['/build/', 'www/build/'],
  ['/dist/', 'dist/'],
  ['/www/', 'www/'],
];

/** The SDK versions the sandbox can run: web-bridge and the bridge-core it imports, installed side by side. */
export const SDK_VERSIONS = {
  '2.10': null, // the packages under their own names (2.10.8)
  '2.0': { 'web-bridge': 'web-bridge-2.0', 'bridge-core': 'bridge-core-2.0' },
  '1.14': { 'web-bridge': 'web-bridge-1.14', 'bridge-core': 'bridge-core-1.14' },
  '1.4': { 'web-bridge': 'web-bridge-1.4', 'bridge-core': 'bridge-core-1.4' },
};
export const DEFAULT_SDK = '2.10';

function sdkAlias(aliases) {
  return {
    name: 'sdk-version',
    setup(build) {
      if (!aliases) return;
      build.onResolve({ filter: /^@apps-in-toss\/(web-bridge|bridge-core)$/ }, (args) =>
        build.resolve(aliases[args.path.split('/')[1]], { resolveDir: root, kind: args.kind }),
      );
    },
  };
}

/** The strict policy the CSP page is served with (issue: the list must work under it). */
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' https:";

const bundle = (entry, outfile, aliases = null) =>
  esbuild.build({
    entryPoints: [join(root, entry)],
    bundle: true,
    format: 'esm',
    target: ['chrome96', 'safari15'],
    outfile: join(root, outfile),
    plugins: [sdkAlias(aliases)],
    logLevel: 'warning',
  });

/** Bundles the pages: the sandbox once per SDK version (the real SDK from node_modules, as a mini-app's bundler
 *  would), the strict-CSP page and the benchmark page. */
export async function bundleSandbox() {
  await Promise.all([
    ...Object.entries(SDK_VERSIONS).map(([version, aliases]) => bundle('www/main.js', `www/build/sdk-${version}/main.js`, aliases)),
    bundle('www/csp.js', 'www/build/csp/main.js'),
    bundle('bench/page.js', 'www/build/bench/main.js'),
    bundle('bench/visit/js.js', 'www/build/bench/visit-js.js'),
    bundle('bench/visit/wasm.js', 'www/build/bench/visit-wasm.js'),
  ]);
}

async function serveIndex(req, res) {
  const sdk = new URL(req.url, 'http://localhost').searchParams.get('sdk') ?? DEFAULT_SDK;
  if (!(sdk in SDK_VERSIONS)) {
    res.writeHead(400).end(`unknown sdk version ${sdk}; one of ${Object.keys(SDK_VERSIONS).join(', ')}`);
    return;
  }
  const html = await readFile(join(root, 'www/index.html'), 'utf8');
  res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
  res.end(html.replace(`/build/sdk-${DEFAULT_SDK}/main.js`, `/build/sdk-${sdk}/main.js`));
}

async function serveStatic(req, res) {
  const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  if (path === '/' || path === '/index.html') return serveIndex(req, res);
  if (path === '/csp') {
    res.writeHead(200, { 'content-type': TYPES['.html'], 'content-security-policy': STRICT_CSP, 'cache-control': 'no-store' });
    res.end(await readFile(join(root, 'www/csp.html')));
    return;
  }
  const page = { '/bench': 'bench/page.html', '/bench/visit-js': 'bench/visit/js.html', '/bench/visit-wasm': 'bench/visit/wasm.html' }[path];
  if (page) {
    res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
    res.end(await readFile(join(root, page)));
    return;
  }
  const file = MOUNTS.filter(([p]) => path.startsWith(p)).map(([p, dir]) => dir + path.slice(p.length))[0];
  const safe = file && normalize(file);
  if (!safe || safe.startsWith('..') || safe.includes('/../')) {
    res.writeHead(404).end('not found');
    return;
  }
  try {
    const body = await readFile(join(root, safe));
    const headers = { 'content-type': TYPES[extname(safe)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
    // The benchmark's network runs: files as a CDN sends them (bench/run.mjs sets this header on its pages).
    if (req.headers['x-ait-bench-gzip']) {
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip' });
      res.end(gzipSync(body));
      return;
    }
    res.writeHead(200, headers);
    res.end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
}

/**
 * Starts the sandbox: the page server (static files, the emulator's order mirror, the dev backend) on `port`
 * (`0` picks a free one) and the emulated Toss partner API over mTLS on its own port. `dataDir`: the dev
 * backend's PGlite folder (a restart keeps the ledger); without it the ledger lives in memory.
 * Resolves `{ url, backend, toss, tossApi, restartBackend, close }`.
 */
export async function startServer({ port = 0, host = '127.0.0.1', dataDir } = {}) {
  await bundleSandbox();
  const certs = testCertificates();
  const toss = createTossServer();
  const tossTls = await toss.listenTls(certs, { host });
  const tossApi = createTossApi({ cert: certs.client.cert, key: certs.client.key, ca: certs.ca, baseUrl: tossTls.url });
  const sandbox = {};
  try {
    sandbox.backend = await createDevBackend({ toss: tossApi, dataDir });
  } catch (e) {
    tossApi.close();
    await tossTls.close(); // or the process never exits
    throw e;
  }
  const server = http.createServer(async (req, res) => {
    try {
      if (await toss.handle(req, res)) return;
      if (await sandbox.backend.handle(req, res)) return;
      await serveStatic(req, res);
    } catch (e) { // a path that does not decode (/%zz) or parse: the sandbox goes on
      if (!res.headersSent) res.writeHead(400).end(`bad request: ${e?.message ?? e}`);
      else res.destroy();
    }
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const url = `http://${host}:${server.address().port}/`;
  // Time travel (the panel's subscription buttons): the emulated Toss server notifies the dev backend.
  toss.timeTravel.configure({ url: new URL(NOTIFICATION_PATH, url).href, secret: NOTIFICATION_SECRET });
  const close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await tossTls.close();
    tossApi.close();
    await sandbox.backend.close();
  };
  return Object.assign(sandbox, {
    url,
    toss,
    tossApi,
    tossUrl: tossTls.url,
    certs,
    /** A new dev backend process state on the same PGlite folder, as after a restart of the partner's server. */
    async restartBackend() {
      await sandbox.backend.close();
      sandbox.backend = await createDevBackend({ toss: tossApi, dataDir });
    },
    close,
  });
}

/** Ports `fetch` refuses (the Fetch standard's "bad ports"): the page could not reach the dev backend there,
 *  and every grant would fail as unreachable. */
const BAD_PORTS = new Set([1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103,
  104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531,
  532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000,
  6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080]);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 4173);
  if (BAD_PORTS.has(port)) {
    console.error(`PORT=${port} is one of the ports fetch refuses to connect to; pick another (default 4173).`);
    process.exit(1);
  }
  const { url, tossUrl } = await startServer({ port, dataDir: join(root, '.data/pglite') });
  console.log(`ait-iap sandbox: ${url}`);
  console.log(`  host emulator + sandbox products; other SDK versions: ${url}?sdk=1.4 (1.14, 2.0)`);
  console.log(`  dev backend ledger: ${url}api/ledger (PGlite in .data/pglite)   emulated Toss orders: ${url}__emulator/orders`);
  console.log(`  emulated Toss partner API (mTLS, certificates in target/certs): ${tossUrl}`);
}
