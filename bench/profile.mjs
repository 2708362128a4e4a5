// `node bench/profile.mjs [scenario|first-visit]`: CPU profile of the ait-iap list on one benchmark scenario (V8 sampling
// profiler over CDP), printed as the top functions by self time. Used to explain the ratios in BENCHMARKS.md.
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';

const scenario = process.argv[2] ?? 'update10pct';
const impl = process.argv[3] ?? 'wasm';
const server = await startServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage();
await page.goto(server.url + 'bench');
await page.waitForFunction(() => window.benchReady === true);
const firstVisit = scenario === 'first-visit'; // one fresh page's first visit (bench/page.js initFromHost)
if (!firstVisit) for (let i = 0; i < 3; i++) await page.evaluate(([m, s]) => window.runOnce(m, s), [impl, scenario]);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: firstVisit ? 10 : 50 });
await cdp.send('Profiler.start');
if (firstVisit) console.log(JSON.stringify(await page.evaluate((m) => window.initFromHost(m, false), impl)));
else await page.evaluate(([m, s]) => window.repeatTimed(m, s, 200), [impl, scenario]);
const { profile } = await cdp.send('Profiler.stop');
await browser.close();
await server.close();

const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = new Map();
profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
let total = 0;
for (const [id, t] of dt) {
  const f = byId.get(id).callFrame;
  const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}`;
  if (f.functionName === '(idle)' || f.functionName === '(program)') continue;
  self.set(name, (self.get(name) ?? 0) + t);
  total += t;
}
console.log(`profile of ${impl} ${scenario}: top self time (${(total / 1000).toFixed(0)} ms sampled)`);
for (const [name, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 15))) console.log(`${((100 * t) / total).toFixed(1).padStart(5)} %  ${name}`);
