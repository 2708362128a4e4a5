// The golden test of the glue as scripts/glue.mjs rewrote it, run at the end of every build (scripts/build.sh) and by
// npm test: every import of each shipped .wasm was rewritten exactly once and the entry's bundle provides it (the
// module instantiates), every snippet import was rewritten once, and no name or path it replaced is left over. And
// glue.mjs itself, on a tiny glue: a pattern matching twice, or not at all, fails the build naming the rewrite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rewriteGlue } from '../scripts/glue.mjs';

const file = (path) => new URL(`../${path}`, import.meta.url);
const BUILDS = [
  { glue: 'ait_iap', entry: 'index.js' },
  { glue: 'ait_iap_headless', entry: 'headless.js' },
];

for (const { glue, entry } of BUILDS) {
  test(`${entry}: the rewritten ${glue} glue matches ${glue}_bg.wasm`, async () => {
    const report = JSON.parse(readFileSync(file(`target/${glue}-glue.json`), 'utf8'));
    const names = JSON.parse(readFileSync(file(`target/${glue}-names.json`), 'utf8'));
    const bytes = readFileSync(file(`dist/${glue}_bg.wasm`));
    const wasmImports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
    assert.deepEqual(Object.keys(report.imports).sort(), names.imports.map(([, from]) => from).sort(), 'every import renamed');
    assert.ok(Object.values(report.imports).every((n) => n === 1), 'each import key rewritten exactly once');
    assert.deepEqual(names.imports.map(([, , to]) => to).sort(), wasmImports.map((i) => i.name).sort(), 'the mapping is the module\'s');
    assert.equal(report.module, 1, 'the import module renamed once');
    assert.ok(Object.keys(report.snippets).length > 0 && Object.values(report.snippets).every((n) => n === 1), 'each snippet import rewritten once');
    const exported = new Set(names.exports.map(([from]) => from));
    assert.ok(Object.keys(report.exports).every((n) => exported.has(n)), 'the glue reads only exports the module has');

    const bundle = readFileSync(file(`dist/${entry}`), 'utf8');
    assert.doesNotMatch(bundle, /snippets\//, 'no snippet path left');
    for (const [, from] of names.imports) assert.ok(!bundle.includes(from), `import ${from} left in ${entry}`);
    const { init, detectEnvironment } = await import(file(`dist/${entry}`));
    await init(bytes); // a LinkError if the bundle's import object lacks one of the module's imports
    assert.equal(detectEnvironment(), 'none', 'an export called through its rewritten name');
  });
}

test('glue.mjs fails the build, naming the rewrite, when a pattern matches twice or never', () => {
  const map = { imports: [['./g_bg.js', '__wbg_f_1a2b', 'a']], exports: [['memory', 'b']] };
  const run = (glue) => rewriteGlue(glue, { map, module: 'm', bgModule: '"./g_bg.js"' });
  const snippet = "import { postGrant } from './snippets/ait-iap-0123/js/hand-off.js';\n";
  const ok = run(`${snippet}const i = { __wbg_f_1a2b: function() {} };\nwasm.memory;\nreturn { "./g_bg.js": i };\n`);
  assert.equal(ok.glue, `import { postGrant } from './hand-off.js';\nconst i = { a: function() {} };\nwasm.b;\nreturn { "m": i };\n`);
  assert.deepEqual(ok.report, { imports: { __wbg_f_1a2b: 1 }, exports: { memory: 1 }, module: 1, snippets: { 'ait-iap-0123/js/hand-off.js': 1 } });
  const fails = (glue, message) => assert.throws(() => run(glue), message);
  fails(`const i = { __wbg_f_1a2b: 1, __wbg_f_1a2b: 2 };\nreturn { "./g_bg.js": i };\n`, /import __wbg_f_1a2b: 2 matches, expected exactly 1/);
  fails(`const i = { "__wbg_f_1a2b": 1 };\nreturn { "./g_bg.js": i };\n`, /import __wbg_f_1a2b: 0 matches/);
  fails(`const i = { __wbg_f_1a2b: 1 };\nreturn { "./g_bg.js": i, "./g_bg.js": i };\n`, /the import module .*: 2 matches/);
  fails(`${snippet}${snippet}const i = { __wbg_f_1a2b: 1 };\nreturn { "./g_bg.js": i };\n`, /snippet ait-iap-0123\/js\/hand-off.js: 2 matches/);
  fails(`import './snippets/ait-iap-0123/inline0.js';\nconst i = { __wbg_f_1a2b: 1 };\nreturn { "./g_bg.js": i };\n`, /inline0.js: not a file of js\//);
  fails(`const i = { __wbg_f_1a2b: 1 };\nwasm.gone();\nreturn { "./g_bg.js": i };\n`, /wasm\.gone, which the module does not export/);
});
