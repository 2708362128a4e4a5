// The README's TypeScript, as a new user meets it: create-vite's `vanilla-ts` and `react-ts` templates (from the npm
// registry), the packed tarball installed, the README's quick start and React example as their `src/main.ts(x)`,
// then the templates' own build script (`tsc && vite build`, `tsc -b && vite build`) on the TypeScript the template
// installs and on the major before it. The built apps sell a product in Chromium, and the React app of hooks alone
// emits only the engine's wasm (no product list).
//
// Everything comes from the npm registry and stays under target/templates/, so that a second run installs only the
// tarball. The SDK is web-bridge under @apps-in-toss/web-framework's name (an npm alias): web-framework's browser
// entry is web-bridge's and web-analytics' exports (tests/fixtures/web-framework.js), and its package brings the
// React Native / Granite toolchain.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buy, SKU2, BROWSER } from './e2e/harness.mjs';
import { serveApp } from './fixtures/serve-app.mjs';
import { docBlock, readmeExample } from './fixtures/examples.mjs';
import { transform } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, 'target/templates');
/** create-vite's release whose templates are used: bump it to follow what `npm create vite` makes. */
const CREATE_VITE = '9.3.0';
/** The SDK as the repository's tests pin it. */
const SDK = '2.10.8';

const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/** Newest modification time under `path` (a file or a folder), in ms. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/** The tarball of the working tree: dist/ as it is when it is newer than what builds it, else built first (`npm
 *  pack`'s prepack). */
function packTarball() {
  const sources = ['src', 'js', 'Cargo.toml', 'Cargo.lock', 'scripts/build.sh'].map((p) => join(root, p));
  const built = existsSync(join(root, 'dist/index.js')) && statSync(join(root, 'dist/index.js')).mtimeMs > Math.max(...sources.map(newest));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work, ...(built ? ['--ignore-scripts'] : [])], { cwd: root, encoding: 'utf8' });
  const [info] = JSON.parse(out.slice(out.lastIndexOf('\n[') + 1));
  return join(work, info.filename);
}

/** create-vite's template `name` (`react-ts`, `vanilla-ts`), unpacked once. */
function template(name) {
  const dir = join(work, `create-vite-${CREATE_VITE}`);
  if (!existsSync(join(dir, 'package.json'))) {
    const out = npm(['pack', `create-vite@${CREATE_VITE}`, '--json', '--pack-destination', work], work);
    const [{ filename }] = JSON.parse(out);
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['xzf', join(work, filename), '-C', dir, '--strip-components=1']);
  }
  return join(dir, `template-${name}`);
}

/** The template `name` as an app in target/templates/<as> with `typescript` at `range` (default the template's),
 *  the SDK, and the tarball; node_modules kept while the template and the ranges are the same. Returns its folder
 *  and the TypeScript version installed. */
function app(name, tarball, { as = name, typescript } = {}) {
  const dir = join(work, as);
  const pkg = JSON.parse(readFileSync(join(template(name), 'package.json'), 'utf8'));
  pkg.name = as;
  pkg.dependencies = { ...pkg.dependencies, '@apps-in-toss/web-framework': `npm:@apps-in-toss/web-bridge@${SDK}`, '@apps-in-toss/bridge-core': SDK };
  if (typescript) pkg.devDependencies.typescript = typescript;
  const stamp = JSON.stringify(pkg);
  const stampFile = join(dir, 'node_modules/.ait-iap-test-stamp');
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
    rmSync(dir, { recursive: true, force: true });
    cpSync(template(name), dir, { recursive: true });
    renameSync(join(dir, '_gitignore'), join(dir, '.gitignore'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    npm(['install'], dir);
    writeFileSync(stampFile, stamp);
  }
  npm(['install', '--offline', '--no-save', tarball], dir);
  const version = JSON.parse(readFileSync(join(dir, 'node_modules/typescript/package.json'), 'utf8')).version;
  return { dir, version, range: pkg.devDependencies.typescript };
}

/** The template's own `npm run build` (`tsc -b && vite build` or `tsc && vite build`), in production. */
function build(dir) {
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  const script = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts.build;
  assert.match(script, /^tsc( -b)? && vite build$/, 'the template builds with tsc, then vite');
  const { NODE_ENV, ...env } = process.env;
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: dir, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    assert.fail(`npm run build (${script}) failed in ${dir}:\n${e.stdout}${e.stderr}`);
  }
  const assets = readdirSync(join(dir, 'dist/assets'));
  const code = assets.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dir, 'dist/assets', f), 'utf8')).join('\n');
  // The examples' development-only install: no emulator in the production bundle.
  assert.doesNotMatch(code, /__emulator\/orders|__CONSTANT_HANDLER_MAP\s*=/, 'no host emulator in the production bundle');
  return assets.filter((f) => f.endsWith('.wasm'));
}

/** The previous major of a `~7.0.2`-style range: `^6`. */
const previousMajor = (range) => `^${Number(range.match(/\d+/)[0]) - 1}`;

let tarball, browser;

before(() => {
  mkdirSync(work, { recursive: true });
  for (const f of readdirSync(work)) if (f.startsWith('ait-iap-') && f.endsWith('.tgz')) rmSync(join(work, f));
  tarball = packTarball();
});

after(() => browser?.close());

/** Serves the built app with the emulated host and a backend (tests/fixtures/serve-app.mjs) and runs `check(page)`. */
async function inChromium(dir, check) {
  const served = await serveApp(join(dir, 'dist'));
  browser ??= await chromium.launch(BROWSER);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(served.url);
    await check(page, served);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await served.close();
  }
}

const cases = [
  {
    name: 'vanilla-ts',
    // The quick start as src/main.ts, into the template's own <div id="app"> (its index.html as create-vite wrote
    // it, whatever an earlier run left); docs/api.md's headless block is type-checked beside it.
    write(dir) {
      cpSync(join(template('vanilla-ts'), 'index.html'), join(dir, 'index.html'));
      writeFileSync(join(dir, 'src/main.ts'), readmeExample());
      writeFileSync(join(dir, 'src/headless.ts'), docBlock('docs/api.md', 'headless-example', 'ts'));
      writeFileSync(join(dir, 'vite.config.ts'), "import { defineConfig } from 'vite';\nimport aitIap from 'ait-iap/vite';\n\nexport default defineConfig({ plugins: [aitIap()] });\n");
    },
    wasm: /^ait_iap_bg-.*\.wasm$/,
    async sell(page, served) {
      const shown = await buy(page, SKU2);
      assert.equal(shown.status, 'completed', JSON.stringify(shown));
      assert.deepEqual(served.deliveries.map((o) => o.orderId), [shown.orderId]);
    },
  },
  {
    name: 'react-ts',
    // The README's React example (hooks alone) as src/main.tsx; docs/api.md's <ProductList> block type-checked beside
    // it; the plugin in the template's vite.config.ts, which `tsc -b` checks too.
    write(dir) {
      writeFileSync(join(dir, 'src/main.tsx'), docBlock('README.md', 'react-hooks-example', 'tsx'));
      writeFileSync(join(dir, 'src/list.tsx'), docBlock('docs/api.md', 'react-example', 'tsx'));
      const config = readFileSync(join(template('react-ts'), 'vite.config.ts'), 'utf8');
      assert.match(config, /plugins: \[react\(\)\]/);
      writeFileSync(join(dir, 'vite.config.ts'), `import aitIap from 'ait-iap/vite'\n${config.replace('plugins: [react()]', 'plugins: [react(), aitIap()]')}`);
    },
    wasm: /^ait_iap_headless_bg-.*\.wasm$/,
    async sell(page, served) {
      await page.locator(`button[data-sku="${SKU2}"]`).click();
      await page.locator('[data-phase="completed"]', { hasText: '지급 완료!' }).waitFor({ timeout: 15_000 });
      assert.deepEqual(served.deliveries.map((o) => o.sku), [SKU2]);
    },
  },
];

for (const { name, write, wasm, sell } of cases) {
  test(`create-vite's ${name} app builds the README's TypeScript from the tarball (tsc, vite build) on its TypeScript and the major before, and sells`, async (t) => {
    const current = app(name, tarball);
    const previous = app(name, tarball, { as: `${name}-previous-ts`, typescript: previousMajor(current.range) });
    for (const { dir, version } of [current, previous]) {
      write(dir);
      const emitted = build(dir);
      t.diagnostic(`${name}: TypeScript ${version}; emitted ${emitted.join(', ')}`);
      assert.equal(emitted.length, 1, `one .wasm: ${emitted}`);
      assert.match(emitted[0], wasm);
    }
    assert.equal(Number(previous.version.split('.')[0]), Number(current.version.split('.')[0]) - 1, `${previous.version} is the major before ${current.version}`);
    await inChromium(current.dir, sell);
  });
}

test("ait-iap/react loads the engine alone until ait-iap/react/product-list is imported; <ProductList> under a provider mounted before says why it cannot draw", async () => {
  const { dir } = app('react-ts', tarball);
  writeFileSync(join(dir, 'src/main.tsx'), readFileSync(join(root, 'tests/fixtures/react-late-list.tsx'), 'utf8'));
  rmSync(join(dir, 'src/list.tsx'), { force: true });
  assert.equal(build(dir).length, 2, 'the lazily imported list brings its module');
  await inChromium(dir, async (page) => {
    // The .wasm files the page asks for, by name, from a reload on (the first load may still be asking).
    const wasm = new Set();
    page.on('request', (r) => r.url().endsWith('.wasm') && wasm.add(r.url().split('/').pop().split('-')[0]));
    await page.reload();
    await page.locator('#count[data-count="2"]').waitFor({ state: 'attached' });
    assert.deepEqual([...wasm], ['ait_iap_headless_bg'], 'hooks alone: the engine alone');
    await page.click('#load');
    const refused = page.locator('#refused');
    await refused.waitFor();
    assert.equal(await refused.getAttribute('data-code'), 'NOT_INITIALIZED');
    assert.match(await refused.textContent(), /import it where the provider is/);
    await page.click('#second');
    await page.locator('#second-list .ait-iap-row').nth(1).waitFor();
    assert.deepEqual([...wasm], ['ait_iap_headless_bg', 'ait_iap_bg'], 'a provider mounted after the import loads the module with the list');
  });
});

test("the README's plain-JS notes turn its TypeScript into JavaScript (drop the `!`; in React also `type Phase` and WORDS' type)", async () => {
  const dropped = (source, ...typescript) => {
    for (const t of typescript) assert.ok(source.includes(t), t);
    return typescript.reduce((js, t) => js.replaceAll(t, t === ')!' ? ')' : ''), source);
  };
  await transform(dropped(readmeExample(), ')!'), { loader: 'js' });
  await transform(docBlock('docs/api.md', 'headless-example', 'ts'), { loader: 'js' });
  await transform(dropped(docBlock('docs/api.md', 'react-example', 'tsx'), ')!'), { loader: 'jsx' });
  await transform(dropped(docBlock('README.md', 'react-hooks-example', 'tsx'), ', type Phase', ': Partial<Record<Phase, string>>', ')!'), { loader: 'jsx' });
});
