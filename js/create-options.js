// `createIap`'s options checked for the developer: a misspelled option or an out-of-range number throws
// INVALID_ARGUMENT whose message names the option, the value and what is allowed. (The wasm module validates
// what it reads again, for its own safety.)
import { aitError } from './ait-error.js';

/** Milliseconds: [least, most]. The grant deadline stays below the ~30 s the host waits for `processProductGrant`. */
const RANGES = { purchaseTimeoutMs: [100, 3_600_000], grantDeadlineMs: [100, 28_000] };
const KNOWN = ['sdk', 'grant', 'storage', 'storageKey', 'locale', 'routes', 'recoverOnStart', ...Object.keys(RANGES)];

export function checkOptions(options) {
  for (const [name, value] of Object.entries(options ?? {})) {
    const [least, most] = RANGES[name] ?? [];
    const problem = !KNOWN.includes(name)
      ? 'unknown option'
      : least && value !== undefined && !(typeof value == "number" && value >= least && value <= most) && `allowed: ${least}-${most} ms`;
    if (problem) throw aitError('INVALID_ARGUMENT', `ait-iap: createIap: ${name}: ${JSON.stringify(value)}: ${problem}`);
  }
}
