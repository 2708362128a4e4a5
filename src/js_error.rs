//! Errors across the boundary: JS errors read into `RawError`, routed errors written as a JS `Error`
//! with a stable `code` (never a bare string).

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::error::{RawError, RoutedError};
use crate::core::text::truncate;
use crate::js::{get, get_string, object, opt_str, set};
use wasm_bindgen::JsValue;

const MAX_TEXT: usize = 2000;
const MAX_ID: usize = 200;

/// Reads whatever shape the SDK or a wrapper threw: `code`, `userInfo.code`, `message`, orderIds.
pub fn raw_error(value: &JsValue) -> RawError {
    let user_info = get(value, "userInfo");
    let message = get_string(value, "message", MAX_TEXT).or_else(|| value.as_string().map(|s| truncate(&s, MAX_TEXT)));
    RawError {
        code: get_string(value, "code", MAX_ID),
        user_info_code: get_string(&user_info, "code", MAX_ID),
        message,
        order_id: get_string(&user_info, "orderId", MAX_ID).or_else(|| get_string(value, "orderId", MAX_ID)),
        raw_id: None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    Ko,
    En,
}

impl Locale {
    pub fn parse(value: &JsValue) -> Locale {
        match value.as_string().as_deref() {
            Some(s) if s.starts_with("en") => Locale::En,
            _ => Locale::Ko,
        }
    }
}

/// A JS `Error` carrying `code`, `category`, `retryable`, `route`, `messages {ko, en}`, `orderId`, `detail`
/// and, when there was one, the `raw` error as it arrived.
pub fn to_js_error(err: &RoutedError, locale: Locale, raw: Option<&JsValue>) -> JsValue {
    let (ko, en) = err.code.messages();
    let message = if locale == Locale::En { en } else { ko };
    let e: JsValue = js_sys::Error::new(message).into();
    set(&e, "name", &JsValue::from_str("AitIapError"));
    set(&e, "code", &JsValue::from_str(err.code_str()));
    set(&e, "category", &JsValue::from_str(err.code.category().as_str()));
    set(&e, "retryable", &JsValue::from_bool(err.code.retryable()));
    set(&e, "route", &JsValue::from_str(err.code.route().as_str()));
    set(&e, "messages", &object(&[("ko", JsValue::from_str(ko)), ("en", JsValue::from_str(en))]));
    set(&e, "detail", &JsValue::from_str(&err.detail));
    set(&e, "orderId", &opt_str(err.order_id.as_deref()));
    if let Some(raw) = raw {
        set(&e, "raw", raw);
    }
    e
}
