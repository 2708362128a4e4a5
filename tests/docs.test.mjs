// The README and the guides in docs/ (English and Korean): every relative link reaches a file, every #anchor a
// heading (GitHub's anchor rules), the README stays short, and each English guide has its Korean twin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const DOCS = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ...readdirSync(join(root, 'docs/ko')).map((f) => `docs/ko/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped (letters of any script kept), spaces to hyphens. */
const anchorOf = (heading) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, '').replace(/ /g, '-');
const anchorsIn = (text) => new Set(text.replace(/```[\s\S]*?```/g, '').split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => anchorOf(l.replace(/^#+ /, ''))));

test('every relative link and anchor in the README and docs/ resolves', () => {
  const broken = [];
  for (const doc of DOCS) {
    const text = readFileSync(join(root, doc), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [path, anchor] = target.split('#');
      const file = path ? normalize(join(dirname(doc), path)) : doc;
      if (!existsSync(join(root, file))) { broken.push(`${doc}: ${target} (no ${file})`); continue; }
      if (anchor && file.endsWith('.md') && !anchorsIn(readFileSync(join(root, file), 'utf8')).has(anchor)) broken.push(`${doc}: ${target} (no heading #${anchor})`);
    }
  }
  assert.deepEqual(broken, []);
});

// 12.5 KB: 12 until the examples became TypeScript with their plain-JS differences noted (issue 22).
test('the README is short (≤ 12.5 KB) and each English guide has a Korean one', () => {
  assert.ok(readFileSync(join(root, 'README.md')).length <= 12.5 * 1024);
  const english = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort();
  assert.deepEqual(readdirSync(join(root, 'docs/ko')).sort(), english);
});
