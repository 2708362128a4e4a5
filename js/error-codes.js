// Generated from JS_CODES in core/src/error.rs (its test js_error_codes_are_current prints this file when they
// differ): the codes the JS raises, routed as the module routes its own. `[code, category, retryable, route,
// Korean, English]`, as `aitError` (ait-error.js) reads them.
export const NOT_INITIALIZED = ["NOT_INITIALIZED", "developer", false, "none", "결제를 준비하지 못했어요.", "Payments couldn't be set up."];
export const WASM_LOAD_FAILED = ["WASM_LOAD_FAILED", "transient", true, "retry", "결제를 준비하지 못했어요. 잠시 후 다시 시도해 주세요.", "Payments couldn't be set up. Please try again shortly."];
export const ENTITLEMENTS_UNREACHABLE = ["ENTITLEMENTS_UNREACHABLE", "transient", true, "retry", "구매 내역을 불러올 수 없어요. 잠시 후 다시 시도해 주세요.", "We couldn't load your purchases. Please try again shortly."];
export const ENTITLEMENTS_REFUSED = ["ENTITLEMENTS_REFUSED", "rejected", false, "none", "구매 내역을 확인할 수 없어요.", "We couldn't check your purchases."];
export const ENTITLEMENTS_BAD_RESPONSE = ["ENTITLEMENTS_BAD_RESPONSE", "developer", false, "none", "구매 내역을 불러오지 못했어요.", "We couldn't read your purchases."];
