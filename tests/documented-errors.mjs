// The routing docs/errors.md gives each code (the core's test keeps that table equal to core/src/error.rs): what
// every error the library throws carries, whether the wasm module or the JS around it throws it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const table = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8').split('\n');

/** Asserts that `error` is the library's typed error with its code's documented category, retryable, route and
 *  user messages, a developer's `detail` and a `message`; returns true (for assert.throws and assert.rejects). */
export function assertDocumented(error) {
  const row = table.find((line) => line.startsWith(`| \`${error?.code}\` |`));
  assert.ok(row, `${error?.code}: not a documented code`);
  const [category, retryable, route, ko, en] = row.slice(2, -2).split(' | ').slice(1);
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'AitIapError');
  const { messages } = error;
  assert.deepEqual({ category: error.category, retryable: error.retryable, route: error.route, messages }, { category, retryable: retryable == 'yes', route, messages: { ko, en } }, error.code);
  assert.ok(typeof error.detail == 'string' && error.detail && typeof error.message == 'string' && error.message, error.code);
  return true;
}
