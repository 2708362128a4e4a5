// The library's typed error, for the JS's own errors and the wasm module's routed ones (the wasm imports this file,
// which scripts/build.sh bundles once with the entry; ait-iap/react imports it as shipped).

/** The typed error every error of the library is: an `Error` named AitIapError with a stable `code`, `category`,
 *  `retryable`, `route`, the user's `messages` in Korean and English, and the developer's `detail`. The JS's own
 *  errors give their code's row of error-codes.js (the core's routing) and `ait-iap: ` and the detail is their
 *  `message`, as for INVALID_ARGUMENT. */
export function aitError([code, category, retryable, route, ko, en], detail, cause, message = 'ait-iap: ' + detail) {
  return Object.assign(new Error(message, { cause }), { name: 'AitIapError', code, category, retryable, route, messages: { ko, en }, detail });
}

/** The wasm module's routed error (src/js_error.rs builds it with one call): the typed error with the module's
 *  routing, its `message` (the user's in the client's locale; none for INVALID_ARGUMENT, whose message is the
 *  developer's), `orderId`, and `cause`/`raw` when there are. */
export function routedError(code, message, category, retryable, route, ko, en, detail, orderId, cause, raw) {
  return Object.assign(aitError([code, category, retryable, route, ko, en], detail, cause, message), { orderId }, raw && { raw });
}
