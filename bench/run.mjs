// `npm run bench`: the product list, ait-iap (wasm) vs the plain-JS baseline doing the same DOM work, in headless
// Chromium. Reports medians and the ratio ait-iap / plain JS (this machine is noisy: ratios, not absolute times, are
// what to compare), then runs the soak (bench/soak.mjs: a long session's memory beside the raw SDK's), and writes
// BENCHMARKS.md. A benchmark, not a test: nothing here fails on time.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { measure, ENTRIES } from '../scripts/size.mjs';
import { PURCHASES, runSoak, soakSection } from './soak.mjs';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 25);
const INIT_ITERATIONS = Number(process.env.BENCH_INIT_ITERATIONS ?? 21);
const SCENARIOS = [
  ['create20', 'create 20 rows'],
  ['create100', 'create 100 rows'],
  ['create1000', 'create 1000 rows'],
  ['update10pct', 'update 10 % of 1000 rows'],
  ['replace1000', 'replace 1000 rows'],
  ['clear', 'clear 1000 rows'],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => x.toFixed(2);

const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--js-flags=--expose-gc', '--enable-precise-memory-info'],
});
const open = async () => {
  const page = await browser.newPage();
  await page.goto(server.url + 'bench');
  await page.waitForFunction(() => window.benchReady === true);
  return page;
};

const rows = [];
const page = await open();
for (const [id, label] of SCENARIOS) {
  const times = { wasm: { script: [], total: [] }, js: { script: [], total: [] } };
  for (let i = 0; i < 3; i++) for (const impl of ['wasm', 'js']) await page.evaluate(([m, s]) => window.runOnce(m, s), [impl, id]);
  for (let i = 0; i < ITERATIONS; i++) {
    // Alternate the order so that drift hits both sides alike.
    for (const impl of i % 2 ? ['js', 'wasm'] : ['wasm', 'js']) {
      const t = await page.evaluate(([m, s]) => window.runOnce(m, s), [impl, id]);
      times[impl].script.push(t.script);
      times[impl].total.push(t.total);
    }
  }
  const r = {
    label,
    wasm: median(times.wasm.script), js: median(times.js.script),
    wasmTotal: median(times.wasm.total), jsTotal: median(times.js.total),
  };
  rows.push(r);
  console.log(`${label.padEnd(28)} script ${ms(r.wasm)} vs ${ms(r.js)} ms (×${(r.wasm / r.js).toFixed(2)})   with layout ${ms(r.wasmTotal)} vs ${ms(r.jsTotal)} ms (×${(r.wasmTotal / r.jsTotal).toFixed(2)})`);
}
await page.close();

const init = { wasm: [], js: [] };
for (let i = 0; i < INIT_ITERATIONS; i++) {
  for (const impl of ['wasm', 'js']) {
    const p = await browser.newPage();
    await p.goto(server.url + 'bench');
    await p.waitForFunction(() => window.benchReady === true);
    init[impl].push(await p.evaluate((m) => window.initAndFirstRender(m), impl));
    await p.close();
  }
}
const initRow = { label: 'init + first render of 20', wasm: median(init.wasm), js: median(init.js) };
console.log(`${initRow.label.padEnd(28)} ${ms(initRow.wasm)} vs ${ms(initRow.js)} ms (×${(initRow.wasm / initRow.js).toFixed(2)})`);

// A first visit with the host answering getProductItemList after 150 ms (both sides), at full speed and with the
// CPU throttled 4× (a mid-range phone, as DevTools emulates it). ait-iap in the quick start's order (init({ sdk })
// asks for the products while the module loads), in the order before it (init(), then client.products()), and a
// repeat visit (the stored catalogue).
const PHASES = ['fetch', 'compile', 'instantiate', 'client', 'products', 'render'];
const REPEAT_PHASES = ['import', 'init', 'client', 'mount', 'ready', 'layout'];
const firstVisit = {};
for (const rate of [1, 4]) {
  const runs = { js: [], quickstart: [], sequential: [], repeat: [] };
  for (let i = 0; i < INIT_ITERATIONS; i++) {
    for (const [name, impl] of [['js', 'js'], ['quickstart', 'wasm'], ['sequential', 'wasm'], ['repeat', 'wasm']]) {
      const p = await browser.newPage();
      const cdp = await p.context().newCDPSession(p);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      await p.goto(server.url + 'bench');
      await p.waitForFunction(() => window.benchReady === true);
      runs[name].push(await p.evaluate(([m, o]) => window.initFromHost(m, o), [impl, name]));
      await p.close();
    }
  }
  const total = (name) => median(runs[name].map((r) => r.total));
  const phases = Object.fromEntries(PHASES.map((k) => [k, median(runs.sequential.map((r) => r.phases[k]))]));
  const repeatPhases = Object.fromEntries(REPEAT_PHASES.map((k) => [k, median(runs.repeat.map((r) => r.phases[k]))]));
  firstVisit[rate] = { js: total('js'), quickstart: total('quickstart'), sequential: total('sequential'), repeat: total('repeat'), phases, repeatPhases };
  const f = firstVisit[rate];
  console.log(`first visit, CPU ×${rate}: plain JS ${ms(f.js)}, ait-iap quick start ${ms(f.quickstart)} (×${(f.quickstart / f.js).toFixed(2)}), init() then products ${ms(f.sequential)} (×${(f.sequential / f.js).toFixed(2)}) ms; repeat visit ${ms(f.repeat)} (×${(f.repeat / f.js).toFixed(2)}); phases ${PHASES.map((k) => `${k} ${ms(phases[k])}`).join(', ')}`);
}

// The same first visit over a simulated mobile network, from the navigation's start: each side's page and bundle
// (bench/visit/), files gzipped as a CDN sends them, ait-iap's page preloading the .wasm as the Vite plugin's build
// does. DevTools' "Fast 4G" profile: 165 ms round trip, 9 Mbit/s down and 1.5 Mbit/s up, each × 0.9.
const FAST_4G = { offline: false, latency: 165, downloadThroughput: (9e6 * 0.9) / 8, uploadThroughput: (1.5e6 * 0.9) / 8 };
const network = {};
for (const rate of [1, 4]) {
  const runs = { js: [], wasm: [] };
  for (let i = 0; i < INIT_ITERATIONS; i++) {
    for (const impl of ['js', 'wasm']) {
      const p = await browser.newPage();
      const cdp = await p.context().newCDPSession(p);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', FAST_4G);
      await p.setExtraHTTPHeaders({ 'x-ait-bench-gzip': '1' });
      await p.goto(server.url + `bench/visit-${impl}`);
      runs[impl].push(await p.waitForFunction(() => window.visitDrawnAt).then((h) => h.jsonValue()));
      await p.close();
    }
  }
  network[rate] = { js: median(runs.js), wasm: median(runs.wasm) };
  console.log(`first visit on Fast 4G, CPU ×${rate}: plain JS ${ms(network[rate].js)}, ait-iap quick start ${ms(network[rate].wasm)} ms (×${(network[rate].wasm / network[rate].js).toFixed(2)})`);
}

const memory = {};
for (const impl of ['wasm', 'js']) {
  const p = await open();
  memory[impl] = await p.evaluate((m) => window.memoryAfter1000(m), impl);
  await p.close();
}
// The soak (bench/soak.mjs): a long session's memory; SOAK_PURCHASES=0 skips it and keeps its last section.
const soak = PURCHASES > 0 ? soakSection(await runSoak(browser, server.url), browser.version()) : null;
await browser.close();
await server.close();

const chromiumVersion = browser.version();
const sizes = ENTRIES.map((e) => ({ name: e.name, ...measure(e.files) }));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const table = [
  '| scenario | ait-iap (ms) | plain JS (ms) | ratio | with style+layout: ait-iap | plain JS | ratio |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.label} | ${ms(r.wasm)} | ${ms(r.js)} | ${(r.wasm / r.js).toFixed(2)}× | ${ms(r.wasmTotal)} | ${ms(r.jsTotal)} | ${(r.wasmTotal / r.jsTotal).toFixed(2)}× |`),
  `| ${initRow.label} | ${ms(initRow.wasm)} | ${ms(initRow.js)} | ${(initRow.wasm / initRow.js).toFixed(2)}× | | | |`,
].join('\n');

const out = `# Benchmarks

Generated by \`npm run bench\` (bench/run.mjs) on ${new Date().toISOString().slice(0, 10)}, headless Chromium ${chromiumVersion},
${ITERATIONS} iterations per scenario after 3 warm-ups (init: ${INIT_ITERATIONS} fresh pages each), medians. These machines
are noisy: compare the ratios, not the milliseconds. The baseline (bench/baseline-list.js) is a careful plain-JS list
doing the same DOM work (template-cloned rows keyed by sku, changed fields only, minimal moves) without validation,
engine or wasm boundary. "ms" is the update call; "with style+layout" adds the forced reflow that follows.

${table}

First visit with the host answering \`getProductItemList\` after 150 ms (both sides; ${INIT_ITERATIONS} fresh pages each, medians),
ait-iap in the quick start's order (\`await init({ sdk: IAP })\`, which asks for the products while the module loads,
then the client and the list) and in the order before the fast start (\`await init()\`, then \`client.products()\`):

| CPU | plain JS (ms) | ait-iap, quick start (ms) | ratio | ait-iap, init() then products (ms) | ratio |
| --- | ---: | ---: | ---: | ---: | ---: |
${[1, 4].map((rate) => { const f = firstVisit[rate]; return `| ${rate === 1 ? 'full speed' : '4× throttled'} | ${ms(f.js)} | ${ms(f.quickstart)} | ${(f.quickstart / f.js).toFixed(2)}× | ${ms(f.sequential)} | ${(f.sequential / f.js).toFixed(2)}× |`; }).join('\n')}

The same first visit over a simulated mobile network (DevTools' "Fast 4G": 165 ms round trip, 9 Mbit/s down, 1.5
Mbit/s up, each × 0.9), timed from the navigation's start to the drawn rows: each side's page and bundle (the SDK
and the host emulator in both; bench/visit/), gzipped as a CDN sends them; ait-iap's page preloads the \`.wasm\` as
the Vite plugin's build does, and runs the quick start.

| CPU | plain JS (ms) | ait-iap, quick start (ms) | ratio |
| --- | ---: | ---: | ---: |
${[1, 4].map((rate) => `| ${rate === 1 ? 'full speed' : '4× throttled'} | ${ms(network[rate].js)} | ${ms(network[rate].wasm)} | ${(network[rate].wasm / network[rate].js).toFixed(2)}× |`).join('\n')}

A repeat visit (the last catalogue in the client's storage; the host still answers after 150 ms): ait-iap draws
the stored catalogue before the SDK answers; the plain-JS shop has no store and waits for the answer.

| CPU | plain JS (ms) | ait-iap from the stored catalogue (ms) | ratio |
| --- | ---: | ---: | ---: |
${[1, 4].map((rate) => { const f = firstVisit[rate]; return `| ${rate === 1 ? 'full speed' : '4× throttled'} | ${ms(f.js)} | ${ms(f.repeat)} | ${(f.repeat / f.js).toFixed(2)}× |`; }).join('\n')}

Where ait-iap's first visit goes (init() then products, medians in ms): ${[1, 4].map((rate) => `${rate === 1 ? 'full speed' : '4× throttled'}: ${PHASES.map((k) => `${k} ${ms(firstVisit[rate].phases[k])}`).join(', ')}`).join('; ')}.

Where its repeat visit goes (medians in ms: importing the entry, \`init\` (fetch, compile, instantiate), creating the client, mounting the list, until the stored catalogue is drawn, the style and layout that follow): ${[1, 4].map((rate) => `${rate === 1 ? 'full speed' : '4× throttled'}: ${REPEAT_PHASES.map((k) => `${k} ${ms(firstVisit[rate].repeatPhases[k])}`).join(', ')}`).join('; ')}.

Memory after 1000 rows (after GC): ait-iap ${kb(memory.wasm.jsHeap)} JS heap + ${kb(memory.wasm.wasmMemory)} wasm linear memory, plain JS ${kb(memory.js.jsHeap)} JS heap.

Shipped size: ${sizes.map((size) => `\`${size.name}\` ${size.rows.map((r) => `${r.file} ${kb(r.gzip)}`).join(' + ')} = ${kb(size.total.gzip)} gzip, ${kb(size.total.brotli)} brotli`).join('; ')}.
`;
const extra = process.env.BENCH_NOTES ? `\n${process.env.BENCH_NOTES}\n` : '';
const notesPath = fileURLToPath(new URL('./NOTES.md', import.meta.url));
let notes = '';
try {
  notes = (await import('node:fs')).readFileSync(notesPath, 'utf8');
} catch {
  notes = '';
}
// The server benchmark's section (npm run bench:server) is kept as it last wrote it.
let serverSection = '';
try {
  serverSection = (await import('node:fs')).readFileSync(fileURLToPath(new URL('./SERVER.md', import.meta.url)), 'utf8');
} catch {
  serverSection = '';
}
const soakPath = fileURLToPath(new URL('./SOAK.md', import.meta.url));
if (soak) writeFileSync(soakPath, soak);
let soakText = soak ?? '';
try {
  soakText ||= (await import('node:fs')).readFileSync(soakPath, 'utf8');
} catch {
  soakText = '';
}
writeFileSync(fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url)), out + (soakText ? `\n${soakText}` : '') + extra + (notes ? `\n${notes}` : '') + (serverSection ? `\n${serverSection}` : ''));
console.log('wrote BENCHMARKS.md');
