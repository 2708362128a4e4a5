// `createIap`'s options are checked and read by `readOptions` in js/ait-error.js: the wasm module imports it from
// there and throws its problem as INVALID_ARGUMENT, shaped as the module's other errors. Re-exported for
// js/entry.js, whose own call before the module's is no longer needed (its result is not read).
export { readOptions as checkOptions } from './ait-error.js';
