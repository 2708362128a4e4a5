//! Errors across the boundary: JS errors read into `RawError`, routed errors written as a JS `Error`
//! with a stable `code` (never a bare string).

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use ait_iap_core::error::{Opaque, RawError, RoutedError};
pub use ait_iap_core::locale::Locale;
use alloc::rc::Rc;
use ait_iap_core::limits;
use ait_iap_core::text::truncate;
use crate::js::{get, get_order_id, get_string, set};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;


/// Reads whatever shape the SDK or a wrapper threw: `code`, `userInfo.code`, `message`, orderIds.
pub fn raw_error(value: &JsValue) -> RawError {
    let user_info = get(value, "userInfo");
    let message = get_string(value, "message", limits::TEXT).or_else(|| value.as_string().map(|s| truncate(&s, limits::TEXT)));
    RawError {
        code: get_string(value, "code", limits::TEXT),
        user_info_code: get_string(&user_info, "code", limits::TEXT),
        message,
        order_id: get_order_id(&user_info).or_else(|| get_order_id(value)),
        raw: Some(Opaque(Rc::new(value.clone()))),
    }
}

#[wasm_bindgen(module = "/js/ait-error.js")]
extern "C" {
    #[wasm_bindgen(js_name = routedError)]
    #[allow(clippy::too_many_arguments)]
    fn routed_error(
        code: &str,
        message: Option<&str>,
        category: &str,
        retryable: bool,
        route: &str,
        ko: &str,
        en: &str,
        detail: &str,
        order_id: Option<&str>,
        cause: Option<JsValue>,
        raw: Option<&JsValue>,
    ) -> JsValue;
}

#[wasm_bindgen(module = "/js/options.js")]
extern "C" {
    /// What is wrong with `createIap`'s options, naming the option, the value and what is allowed (a string), or
    /// the options read (an array).
    #[wasm_bindgen(js_name = readOptions)]
    pub fn read_options(options: &JsValue) -> JsValue;
    /// `mountProductList`'s, checked as createIap's: the problem (a string), or `[English?, testBadge]`.
    #[cfg(feature = "list")]
    #[wasm_bindgen(js_name = readListOptions)]
    pub fn read_list_options(options: &JsValue) -> JsValue;
}

/// The error's `message` when it is the user's, in the locale; none for a mistake in the calling code, whose message
/// is the developer's, in English: `ait-iap: ` and the detail (as `aitError`, js/ait-error.js, writes it).
fn user_message(err: &RoutedError, locale: Locale) -> Option<&'static str> {
    err.user_message(locale)
}

/// A JS `Error` carrying `code`, `category`, `retryable`, `route`, `messages {ko, en}`, `orderId`, `detail`
/// and, when there was one, the `raw` error as it arrived.
pub fn to_js_error(err: &RoutedError, locale: Locale) -> JsValue {
    let raw = err.raw.as_ref().and_then(|raw| raw.0.downcast_ref::<JsValue>());
    let (ko, en) = err.code.messages();
    let cause = err.cause.as_ref().map(|failure| {
        let cause = to_js_error(&RoutedError::new(failure.code, failure.reason.clone()), locale);
        set(&cause, "status", &JsValue::from_f64(failure.status.into()));
        cause
    });
    routed_error(
        err.code_str(),
        user_message(err, locale),
        err.code.category().as_str(),
        err.code.retryable(),
        err.code.route().as_str(),
        ko,
        en,
        &err.detail,
        err.order_id.as_deref(),
        cause,
        raw,
    )
}
