// Shortens the wasm's import and export names (wasm-bindgen's are like `__wbg_appendChild_7465eba84213c75f`:
// ~6 KB of the module and again of the glue, and hashes barely compress) and rewrites the glue to match.
// Usage: node scripts/minify-names.mjs <glue.js> <mapping.json> <module.wasm>, after
// `wasm-opt --minify-imports-and-exports-and-modules` printed the mapping (the module name is read off the wasm).
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const [glueFile, mapFile, wasmFile] = process.argv.slice(2);
const map = JSON.parse(readFileSync(mapFile, 'utf8'));
let glue = readFileSync(glueFile, 'utf8');
const escape = (s) => s.replace(/[$]/g, '\\$');
const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

function replaceAll(pattern, replacement, what) {
  let count = 0;
  glue = glue.replace(pattern, () => (count++, replacement));
  if (count === 0) throw new Error(`minify-names: ${what} not found in the glue`);
}

// Imports: the keys of the import object wasm-bindgen builds (`name: function(…) {…}`).
for (const [, from, to] of map.imports) replaceAll(new RegExp(`(?<![\\w$])${escape(from)}(?=\\s*:)`, 'g'), key(to), `import ${from}`);
// Exports: every `wasm.name` the glue reads.
for (const [from, to] of map.exports) {
  if (!new RegExp(`\\bwasm\\.${escape(from)}\\b`).test(glue)) continue; // exported but unused by the glue
  replaceAll(new RegExp(`\\bwasm\\.${escape(from)}(?![\\w$])`, 'g'), /^[A-Za-z_$][\w$]*$/.test(to) ? `wasm.${to}` : `wasm[${JSON.stringify(to)}]`, `export ${from}`);
}
// The import module: wasm-bindgen names it after the glue file; the pass renamed it (not in the mapping).
const modules = [...new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmFile))).map((i) => i.module))];
if (modules.length !== 1) throw new Error(`minify-names: expected one import module, found ${modules.join(', ')}`);
const bgModule = `"./${basename(glueFile, '.js')}_bg.js"`.replace(/[.]/g, '\\.');
replaceAll(new RegExp(`${bgModule}(?=\\s*:)`, 'g'), JSON.stringify(modules[0]), 'the import module');
writeFileSync(glueFile, glue);
