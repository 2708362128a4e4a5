/** The JS side's typed error: an `Error` named AitIapError with a stable `code`, as the wasm module's errors. */
export function aitError(code, message, cause) {
  const error = new Error(message, { cause });
  error.name = 'AitIapError';
  error.code = code;
  return error;
}

/** The wasm module's routed error (src/js_error.rs builds it with one call): `code`, `category`, `retryable`, `route`,
 *  the user's `messages` in Korean and English, `detail`, `orderId`, and `cause`/`raw` when there are. */
export function routedError(code, message, category, retryable, route, ko, en, detail, orderId, cause, raw) {
  const error = aitError(code, message, cause);
  return Object.assign(error, { category, retryable, route, messages: { ko, en }, detail, orderId }, raw && { raw });
}
