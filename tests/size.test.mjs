// The shipped bytes (wasm + JS) stay under the gzip budget. Sizes are deterministic for a given build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measure, BUDGET_GZIP, SHIPPED } from '../scripts/size.mjs';

test(`shipped wasm + JS is under ${BUDGET_GZIP / 1024} KB gzip`, () => {
  const { rows, total } = measure();
  assert.deepEqual(rows.map((r) => r.file), SHIPPED, 'every shipped file was built');
  assert.ok(total.gzip <= BUDGET_GZIP, `${total.gzip} bytes gzip > budget ${BUDGET_GZIP}`);
});
