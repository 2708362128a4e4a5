// The soak benchmark (issue 27): a long session's memory. One page, the product list mounted, purchases one after
// another (of every 7: 6 granted, 1 for a sku the host does not know), in headless Chromium with the real SDK and the
// host emulator (bench/soak-page.js). After each round and a rest the page is garbage collected (CDP) and the wasm
// linear memory and the JS heap are read; the raw SDK with a plain-JS list does the same purchases as the baseline.
// A benchmark, not a test: nothing here fails. `npm run bench` runs it; alone: `node bench/soak.mjs` (writes its
// section of BENCHMARKS.md and bench/SOAK.md). SOAK_PURCHASES (default 4200; 0 skips it in `npm run bench`) and
// SOAK_ROUND (300) make a quick run possible: `SOAK_PURCHASES=600 node bench/soak.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PURCHASES = Number(process.env.SOAK_PURCHASES ?? 4200);
export const ROUND = Number(process.env.SOAK_ROUND ?? 300);
/** The rest after each round, before the collection: ait-iap's longest timer (one hand-off attempt's 8 s bound) has
 *  fired, so what is measured is what stays, not the closures that pending timers hold for a few seconds. */
const REST_MS = Number(process.env.SOAK_REST_MS ?? 8500);
const IMPLS = { wasm: 'ait-iap', js: 'raw SDK' };
const kb = (n) => (n / 1024).toFixed(1);

/** One side's session: memory after set-up (`purchases` 0) and after each round. */
async function session(browser, url, impl, purchases, round) {
  const page = await browser.newPage();
  try {
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url + 'bench');
    await page.waitForFunction(() => window.benchReady === true);
    const cdp = await page.context().newCDPSession(page);
    const points = [];
    const phases = {};
    const measure = async (from, count) => {
      const t0 = Date.now();
      const r = await page.evaluate(([m, f, n]) => window.soakRound(m, f, n), [impl, from, count]);
      for (const [phase, n] of Object.entries(r.phases)) phases[phase] = (phases[phase] ?? 0) + n;
      const took = Date.now() - t0;
      await page.waitForTimeout(REST_MS);
      // Twice: what a first collection frees (finalizers, weak references) a second one takes.
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      points.push({ purchases: from + count, wasm: r.wasmMemory, heap: heap.usedSize });
      console.log(`soak ${IMPLS[impl]}: ${from + count} purchases, wasm ${kb(r.wasmMemory)} KB, JS heap ${kb(heap.usedSize)} KB (${count} in ${took} ms)`);
    };
    await measure(0, 0); // the set-up alone
    for (let done = 0; done < purchases; done += round) await measure(done, Math.min(round, purchases - done));
    if (errors.length) console.log(`soak ${IMPLS[impl]}: page errors: ${errors.slice(0, 3).join('; ')}`);
    return { points, phases };
  } finally {
    await page.close();
  }
}

/** Both sides at once, each in a page of its own (its own context: its own renderer process and JS heap). */
export async function runSoak(browser, url, { purchases = PURCHASES, round = ROUND } = {}) {
  const [wasm, js] = await Promise.all([session(browser, url, 'wasm', purchases, round), session(browser, url, 'js', purchases, round)]);
  return { purchases, round, wasm, js };
}

/** JS heap growth per `round` purchases from `points[from]` to the last point. */
const slope = (points, round, from) => {
  const first = points[from], last = points.at(-1);
  if (!first || last === first) return 0;
  return ((last.heap - first.heap) / (last.purchases - first.purchases)) * round;
};

/** The soak's section of BENCHMARKS.md. */
export function soakSection({ purchases, round, wasm, js }, chromium) {
  const rows = wasm.points.map((p, i) => {
    const base = js.points[i];
    return `| ${p.purchases || 'set-up'} | ${kb(p.wasm)} | ${kb(p.heap)} | ${base ? kb(base.heap) : ''} |`;
  });
  const first = wasm.points[1] ?? wasm.points[0], last = wasm.points.at(-1);
  const half = Math.floor(wasm.points.length / 2);
  const outcomes = (phases) => Object.entries(phases).map(([k, n]) => `${n} ${k}`).join(', ');
  return `<!-- soak -->
## Soak: a long session's memory (\`bench/soak.mjs\`)

\`npm run bench\` runs it (about 4 minutes); alone: \`node bench/soak.mjs\`, quicker with \`SOAK_PURCHASES=600\`.

Generated on ${new Date().toISOString().slice(0, 10)} in headless Chromium ${chromium}: ${purchases} purchases in one page
with the product list mounted, one after another through its buy buttons (of every 7, 6 granted and 1 for a sku the
host does not know), the real SDK against the host emulator, each paid order handed to the app's grant function
(granted after a task; no HTTP, so that only the page is measured). Baseline: the raw SDK and a plain-JS list, the
same grant called from \`processProductGrant\`, in a page of its own at the same time. After every ${round} purchases
and a rest of ${REST_MS / 1000} s (ait-iap's longest timer, a hand-off attempt's 8 s bound, has fired), the page is garbage
collected (CDP \`HeapProfiler.collectGarbage\`, twice), then the wasm linear memory (\`memory.buffer.byteLength\`) and
the JS heap (\`Runtime.getHeapUsage\`) are read. Most of both JS heaps' growth is the SDK's and the host emulator's
(a heap snapshot diff shows the same records growing on both sides: the emulator keeps every order and call).
Outcomes: ait-iap ${outcomes(wasm.phases)}; raw SDK ${outcomes(js.phases)}.

| purchases | ait-iap wasm memory (KB) | ait-iap JS heap (KB) | raw SDK JS heap (KB) |
| ---: | ---: | ---: | ---: |
${rows.join('\n')}

Wasm memory after ${first.purchases} purchases ${kb(first.wasm)} KB, after ${last.purchases} ${kb(last.wasm)} KB. JS heap growth per ${round}
purchases, from the end of the first round to the last: ait-iap ${kb(slope(wasm.points, round, 1))} KB, raw SDK ${kb(slope(js.points, round, 1))} KB; over the
second half (from ${wasm.points[half].purchases} purchases): ait-iap ${kb(slope(wasm.points, round, half))} KB, raw SDK ${kb(slope(js.points, round, half))} KB. What ait-iap adds early on is
compiled code (V8 tiering up the module and its glue as they get hot, ~60 KB in a heap snapshot diff), not records.
<!-- /soak -->
`;
}

const MARK = /<!-- soak -->[\s\S]*?<!-- \/soak -->\n?/;

/** Puts `section` into BENCHMARKS.md in place of the last one (or before the notes), and into bench/SOAK.md. */
export function writeSoakSection(section) {
  writeFileSync(new URL('./SOAK.md', import.meta.url), section);
  const path = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
  const current = readFileSync(path, 'utf8');
  const next = MARK.test(current)
    ? current.replace(MARK, section)
    : current.replace('## Where the ratios come from', `${section}\n## Where the ratios come from`);
  writeFileSync(path, next);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { chromium } = await import('playwright-core');
  const { startServer } = await import('../scripts/serve.mjs');
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const result = await runSoak(browser, server.url);
    const section = soakSection(result, browser.version());
    if (process.env.SOAK_WRITE !== '0') {
      writeSoakSection(section);
      console.log('wrote the soak section of BENCHMARKS.md (and bench/SOAK.md)');
    } else {
      console.log(section);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
