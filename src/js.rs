//! Small, non-panicking helpers for reading and building plain JS objects.

#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

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

/// `setTimeout(f, ms)` on the global object (window or worker); does nothing if there is none.
pub fn set_timeout(f: impl FnOnce() + 'static, ms: u64) {
    let global: JsValue = js_sys::global().into();
    if let Some(set_timeout) = get_function(&global, "setTimeout") {
        // One boxed closure type for every caller: one set of wasm-bindgen glue instead of one per caller.
        let f: Box<dyn FnOnce()> = Box::new(f);
        let callback = wasm_bindgen::closure::Closure::once_into_js(move || f());
        let _ = set_timeout.call2(&global, &callback, &JsValue::from_f64(ms as f64));
    }
}

type BoxedTask = core::pin::Pin<Box<dyn core::future::Future<Output = Result<JsValue, JsValue>>>>;
type BoxedJob = core::pin::Pin<Box<dyn core::future::Future<Output = ()>>>;

/// `future_to_promise` through one boxed future type: every call shares one instantiation of the executor
/// glue instead of one per async block (each costs 1–3 KB of wasm).
pub fn promise(task: impl core::future::Future<Output = Result<JsValue, JsValue>> + 'static) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(Box::pin(task) as BoxedTask)
}

/// `spawn_local` through one boxed future type, for the same reason.
pub fn spawn(job: impl core::future::Future<Output = ()> + 'static) {
    wasm_bindgen_futures::spawn_local(Box::pin(job) as BoxedJob);
}
