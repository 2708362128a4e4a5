// Shipped size of each entry (the wasm + JS an app that imports it loads), raw, gzip and brotli, against its gzip
// budget. Sizes are deterministic for a given build.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const KB = 1024;
export const ENTRIES = [
  // The purchase engine alone (`ait-iap/headless`): 40 KB, raised to 41 for the developer diagnostics and option
  // checks (0.9 KB, mostly their English text; BENCHMARKS.md), lowered to 40.9 (reached) by issue 24, raised to 42.2
  // by its one-call item reader (+1.3 KB: a list update a quarter faster), to 42.3 by the orderId's UUID rule (+0.12
  // KB: no second spelling of one paid order). Its goal, 36, needs a redesign (bench/NOTES.md).
  { name: 'ait-iap/headless', files: ['ait_iap_headless_bg.wasm', 'headless.js'], budget: 42.3 * KB },
  // The engine and the product list (`ait-iap`): the list's DOM work is ~10 KB more (BENCHMARKS.md). 53 KB, raised
  // to 53.5 for the stored catalogue of repeat visits (0.27 KB), then to 54 by issue 23's redesign (the list as a
  // core model and a DOM applier +0.37 KB, one error shape +0.33 KB, the client's life in the core +0.17 KB), which
  // was to cost nothing; lowered to 52.5 by issue 24's batched renderer (the DOM work in a JS applier, one call an
  // update) and the entries' own module loader, raised to 53.5 by the one-call item reader (+0.9 KB), to 53.6 by
  // the orderId's UUID rule (+0.12 KB). The goal, 45, needs more redesign (bench/NOTES.md).
  { name: 'ait-iap', files: ['ait_iap_bg.wasm', 'index.js'], budget: 53.6 * KB },
  // `entitlements()` (both entries re-export it from this file of its own; bundlers keep it only when it is called):
  // plain JS, its typed errors bundled in. Budget: what it is.
  { name: 'entitlements()', files: ['entitlements.js'], budget: 1.3 * KB },
];

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

export function measure(files) {
  const rows = files.filter((f) => existsSync(dist + f)).map((file) => {
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
  const kb = (n) => (n / KB).toFixed(1).padStart(7) + ' KB';
  for (const { name, files, budget } of ENTRIES) {
    const { rows, total } = measure(files);
    console.log(`\nshipped size: ${name}`.padEnd(31) + 'raw'.padStart(10) + 'gzip'.padStart(10) + 'brotli'.padStart(10));
    for (const r of [...rows, { file: 'total', ...total }]) console.log(r.file.padEnd(30) + kb(r.raw) + kb(r.gzip) + kb(r.brotli));
    console.log(`budget: ${kb(budget).trim()} gzip (${((total.gzip / budget) * 100).toFixed(0)}% used)`);
  }
}
