// `node bench/quick.mjs [scenario...]`: the script-time ratio of a few scenarios, for trying a change (no
// BENCHMARKS.md; `npm run bench` is the record). Same page and alternation as bench/run.mjs.
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';

const scenarios = process.argv.slice(2).length ? process.argv.slice(2) : ['create100', 'create1000', 'update10pct'];
const N = Number(process.env.BENCH_ITERATIONS ?? 25);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const server = await startServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--js-flags=--expose-gc'] });
const page = await browser.newPage();
await page.goto(server.url + 'bench');
await page.waitForFunction(() => window.benchReady === true);
for (const id of scenarios) {
  const t = { wasm: [], js: [] };
  for (let i = 0; i < 3; i++) for (const impl of ['wasm', 'js']) await page.evaluate(([m, s]) => window.runOnce(m, s), [impl, id]);
  for (let i = 0; i < N; i++) {
    for (const impl of i % 2 ? ['js', 'wasm'] : ['wasm', 'js']) t[impl].push((await page.evaluate(([m, s]) => window.runOnce(m, s), [impl, id])).script);
  }
  console.log(`${id.padEnd(12)} ${median(t.wasm).toFixed(2)} vs ${median(t.js).toFixed(2)} ms (×${(median(t.wasm) / median(t.js)).toFixed(2)})`);
}
await browser.close();
await server.close();
