// Each entry's shipped bytes (wasm + JS) stay under its gzip budget. Sizes are deterministic for a given build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measure, ENTRIES } from '../scripts/size.mjs';

for (const { name, files, budget } of ENTRIES) {
  test(`${name}: shipped wasm + JS is under ${budget / 1024} KB gzip`, () => {
    const { rows, total } = measure(files);
    assert.deepEqual(rows.map((r) => r.file), files, 'every shipped file was built');
    assert.ok(total.gzip <= budget, `${total.gzip} bytes gzip > budget ${budget}`);
  });
}
