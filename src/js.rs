//! Small, non-panicking helpers for reading and building plain JS objects.

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    /// `globalThis` (iOS 12.2, Chrome 71): `js_sys::global()` also probes `self`, `window` and `global` for older
    /// engines, four imports where our WebView floor needs one.
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL_THIS: JsValue;
}

/// The global object (the window in a page).
pub fn global() -> JsValue {
    GLOBAL_THIS.with(JsValue::clone)
}

/// The one long-lived closure type handed to JS (SDK callbacks, page and DOM events, unsubscribe): each distinct
/// closure signature brings its own wasm-bindgen glue.
pub type Callback = Closure<dyn FnMut(JsValue) -> JsValue>;

/// `obj[key]`, or `undefined` when `obj` is not an object or the getter throws.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() && !obj.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `obj[key]` when it is a string no longer than `max` bytes (UTF-8).
pub fn get_string(obj: &JsValue, key: &str, max: usize) -> Option<String> {
    get(obj, key).as_string().filter(|s| s.len() <= max)
}

/// `obj.orderId` when it is a valid orderId (`grant::valid_order_id`): anything else counts as no orderId.
pub fn get_order_id(obj: &JsValue) -> Option<String> {
    get(obj, "orderId").as_string().filter(|s| ait_iap_core::grant::valid_order_id(s))
}

/// `value` as the array it is (not a copy: `Array::from` would copy it), or `None`.
pub fn as_array(value: &JsValue) -> Option<&Array> {
    Array::is_array(value).then(|| value.unchecked_ref())
}

/// A stored JSON text as the value it holds; anything else (not a string, not JSON) is `undefined`.
pub fn parse_json(text: &JsValue) -> JsValue {
    text.as_string().and_then(|t| js_sys::JSON::parse(&t).ok()).unwrap_or(JsValue::UNDEFINED)
}

pub fn get_function(obj: &JsValue, key: &str) -> Option<Function> {
    get(obj, key).dyn_into::<Function>().ok()
}

/// Builds a plain object from key/value pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&obj, &JsValue::from_str(key), value);
    }
    obj.into()
}

pub fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

pub fn opt_str(value: Option<&str>) -> JsValue {
    value.map(JsValue::from_str).unwrap_or(JsValue::UNDEFINED)
}
