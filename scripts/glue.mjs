// Rewrites wasm-bindgen's generated glue for the shipped build, each rewrite checked: it fails the build, naming the
// rewrite, unless every pattern matched exactly as often as expected and nothing it replaces is left over.
// - Names: the wasm's import and export names are shortened by `wasm-opt --minify-imports-and-exports-and-modules`
//   (wasm-bindgen's are like `__wbg_appendChild_7465eba84213c75f`: ~6 KB of the module and again of the glue, and
//   hashes barely compress); the glue is rewritten to match. Each import is one key of the import object (exactly
//   one match); every `wasm.x` the glue reads must be an export the module has; the import module once.
// - Snippets: the module's JS imports (`#[wasm_bindgen(module = "/js/…")]` in src/) are imported by wasm-bindgen
//   from its copies in ./snippets/<crate>-<hash>/js/; they are rewritten to ./<file>.js, the file the entries import
//   too (one module, one copy in the bundle), once each, after checking the copy is that file. The list comes from
//   the glue itself; their names are printed, one a line, for build.sh to bundle.
// The counts go to <report.json> (target/<name>-glue.json), which tests/glue.test.mjs reads at the end of every build.
// Usage: node scripts/glue.mjs <glue.js> <mapping.json> <module.wasm> <out.js> <report.json>, after wasm-opt printed
// the mapping.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const escape = (s) => s.replace(/[$.\\]/g, '\\$&');
const ident = /^[A-Za-z_$][\w$]*$/;
const key = (name) => (ident.test(name) ? name : JSON.stringify(name));

/**
 * The glue rewritten, and the count of each rewrite. `map`: wasm-opt's mapping; `module`: the import module's new
 * name; `bgModule`: the one wasm-bindgen gave it (`"./<name>_bg.js"`); `snippetOk(path, file)`: whether the snippet
 * copy at `path` is js/`file`. Throws, naming the rewrite, on a count other than expected.
 */
export function rewriteGlue(glue, { map, module, bgModule, snippetOk = () => true }) {
  const fail = (what) => {
    throw new Error(`glue.mjs: ${what}`);
  };
  const rewrite = (pattern, to) => {
    const counts = {};
    glue = glue.replace(pattern, (match, name) => {
      counts[name] = (counts[name] ?? 0) + 1;
      return to(name);
    });
    return counts;
  };
  const expectOnce = (counts, names, what) => {
    for (const name of names) if (counts[name] !== 1) fail(`${what} ${name}: ${counts[name] ?? 0} matches, expected exactly 1`);
  };

  // Imports: the keys of the import object (`name: function(…) {…}`), all in one pass.
  const imports = new Map(map.imports.map(([, from, to]) => [from, to]));
  const importCounts = rewrite(new RegExp(`(?<![\\w$])(${[...imports.keys()].map(escape).join('|')})(?=\\s*:)`, 'g'), (n) => key(imports.get(n)));
  expectOnce(importCounts, imports.keys(), 'import');
  for (const from of imports.keys()) if (new RegExp(`(?<![\\w$])${escape(from)}(?![\\w$])`).test(glue)) fail(`import ${from} left over after the rewrite`);

  // Exports: every `wasm.name` the glue reads, in one pass; a name the module does not export fails.
  const exports = new Map(map.exports);
  const exportCounts = rewrite(/(?<![\w$.])wasm\.([A-Za-z_$][\w$]*)/g, (n) => {
    const to = exports.get(n) ?? fail(`the glue reads wasm.${n}, which the module does not export`);
    return ident.test(to) ? `wasm.${to}` : `wasm[${JSON.stringify(to)}]`;
  });

  // The import module: wasm-bindgen names it after the glue file; the pass renamed it (not in the mapping).
  const moduleCounts = rewrite(new RegExp(`(${escape(bgModule)})(?=\\s*:)`, 'g'), () => JSON.stringify(module));
  expectOnce(moduleCounts, [bgModule], 'the import module');

  // Snippets: ./snippets/<crate>/js/<file>.js → ./<file>.js, once each, if the copy is js/<file>.js.
  const snippetCounts = rewrite(/(?<=['"])\.\/snippets\/([^'"]*)(?=['"])/g, (path) => {
    const file = path.match(/^[^/]+\/js\/([\w.-]+\.js)$/)?.[1] ?? fail(`snippet ${path}: not a file of js/ (only #[wasm_bindgen(module = "/js/…")] is handled)`);
    if (!snippetOk(path, file)) fail(`snippet ${path} differs from js/${file}`);
    return `./${file}`;
  });
  expectOnce(snippetCounts, Object.keys(snippetCounts), 'snippet');
  if (/snippets\//.test(glue)) fail('a ./snippets/ path left over after the rewrite');

  return { glue, report: { imports: importCounts, exports: exportCounts, module: moduleCounts[bgModule], snippets: snippetCounts } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [glueFile, mapFile, wasmFile, outFile, reportFile] = process.argv.slice(2);
  const root = fileURLToPath(new URL('..', import.meta.url));
  const modules = [...new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmFile))).map((i) => i.module))];
  if (modules.length !== 1) throw new Error(`glue.mjs: expected one import module in ${wasmFile}, found ${modules.join(', ')}`);
  const snippetOk = (path, file) => {
    const copy = join(dirname(glueFile), 'snippets', path);
    return !existsSync(copy) || readFileSync(copy, 'utf8') === readFileSync(join(root, 'js', file), 'utf8');
  };
  const { glue, report } = rewriteGlue(readFileSync(glueFile, 'utf8'), {
    map: JSON.parse(readFileSync(mapFile, 'utf8')),
    module: modules[0],
    bgModule: `"./${basename(glueFile, '.js')}_bg.js"`,
    snippetOk,
  });
  writeFileSync(outFile, glue);
  writeFileSync(reportFile, JSON.stringify(report, null, 1) + '\n');
  for (const path of Object.keys(report.snippets)) console.log(basename(path));
}
