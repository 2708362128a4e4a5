// The server examples of docs/backend.md, as the docs show them: the code block after a `<!-- marker -->`, the
// same in docs/backend.md and docs/ko/backend.md (a block inside a list item read without the item's indentation,
// as Markdown renders it). Each runs as written: doc-examples.test.mjs, and the packed tarball's partner-backend test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export function docBlock(marker) {
  const blocks = ['docs/backend.md', 'docs/ko/backend.md'].map((doc) => {
    const found = readFileSync(join(root, doc), 'utf8').split(`<!-- ${marker} -->`)[1]?.match(/^\n( *)```js\n([\s\S]*?)\n\1```/);
    assert.ok(found, `a ${marker} block in ${doc}`);
    const [, indent, code] = found;
    return `${code.split('\n').map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n')}\n`;
  });
  assert.equal(blocks[1], blocks[0], `docs/ko/backend.md shows the same ${marker} code`);
  return blocks[0];
}
