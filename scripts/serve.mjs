// Serves the sandbox app (www/) with the built package (dist/) and the dev backend, on 127.0.0.1.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { createDevBackend } from '../server/dev-backend.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const TYPES = {
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

/** Bundles the sandbox page with the real SDK from node_modules, as a mini-app's bundler would. */
export async function bundleSandbox() {
  await esbuild.build({
    entryPoints: [join(root, 'www/main.js')],
    bundle: true,
    format: 'esm',
    target: ['chrome96', 'safari15'],
    outdir: join(root, 'www/build'),
    logLevel: 'warning',
  });
}

async function serveStatic(req, res) {
  const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  const file = path === '/' ? 'www/index.html' : MOUNTS.filter(([p]) => path.startsWith(p)).map(([p, dir]) => dir + path.slice(p.length))[0];
  const safe = file && normalize(file);
  if (!safe || safe.startsWith('..') || safe.includes('/../')) {
    res.writeHead(404).end('not found');
    return;
  }
  try {
    const body = await readFile(join(root, safe));
    res.writeHead(200, { 'content-type': TYPES[extname(safe)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
}

/** Starts the server; `port: 0` picks a free one. Resolves `{ url, backend, close }`. */
export async function startServer({ port = 0, host = '127.0.0.1' } = {}) {
  await bundleSandbox();
  const backend = createDevBackend();
  const server = http.createServer(async (req, res) => {
    if (!(await backend.handle(req, res))) await serveStatic(req, res);
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const url = `http://${host}:${server.address().port}/`;
  return { url, backend, close: () => new Promise((r) => server.close(r)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startServer({ port: Number(process.env.PORT ?? 4173) });
  console.log(`ait-iap sandbox: ${url}  (host emulator, sandbox products, dev backend at ${url}api/ledger)`);
}
