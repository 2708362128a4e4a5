// Shipped size of the package (wasm + JS the app loads), raw, gzip and brotli. Sizes are deterministic.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const SHIPPED = ['ait_iap_bg.wasm', 'ait_iap.js', 'index.js'];
export const BUDGET_GZIP = 53 * 1024;

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

export function measure() {
  const rows = SHIPPED.filter((f) => existsSync(dist + f)).map((file) => {
    const bytes = readFileSync(dist + file);
    return {
      file,
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  return { rows, total };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows, total } = measure();
  const kb = (n) => (n / 1024).toFixed(1).padStart(7) + ' KB';
  console.log('shipped size'.padEnd(20) + 'raw'.padStart(10) + 'gzip'.padStart(10) + 'brotli'.padStart(10));
  for (const r of [...rows, { file: 'total', ...total }]) console.log(r.file.padEnd(20) + kb(r.raw) + kb(r.gzip) + kb(r.brotli));
  console.log(`budget: ${kb(BUDGET_GZIP).trim()} gzip (${((total.gzip / BUDGET_GZIP) * 100).toFixed(0)}% used)`);
}
