//! Work that runs later, without an async executor in the module: timers and promise continuations.

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use crate::js::get_function;
use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// `setTimeout(f, ms)` on the global object (window or worker); does nothing if there is none.
pub fn set_timeout(f: impl FnOnce() + 'static, ms: u64) {
    let global = crate::js::global();
    if let Some(set_timeout) = get_function(&global, "setTimeout") {
        // The continuation closure type of `then` (called without arguments here): one set of wasm-bindgen glue.
        let callback = continuation(Box::new(move |_, _| {
            f();
            Ok(JsValue::UNDEFINED)
        }));
        let _ = set_timeout.call2(&global, &callback, &JsValue::from_f64(ms as f64));
    }
}

/// `promise.then(v => f(true, v), e => f(false, e))`: the returned promise settles with what `f` returns (an
/// `Err` rejects it; a returned promise is adopted). Every caller shares one boxed closure type, so there is one
/// set of wasm-bindgen glue and no async executor in the module (async blocks and their executor were large:
/// BENCHMARKS.md). `f` runs in a later microtask, never inside the caller.
pub fn then(promise: &Promise, f: impl FnOnce(bool, JsValue) -> Result<JsValue, JsValue> + 'static) -> Promise {
    then_boxed(promise, Box::new(f))
}

type Continuation = Box<dyn FnOnce(bool, JsValue) -> Result<JsValue, JsValue>>;

/// `f` as a JS function called once with `(ok, value)`.
fn continuation(f: Continuation) -> JsValue {
    Closure::once_into_js(move |ok: JsValue, value: JsValue| f(ok.is_truthy(), value))
}

fn then_boxed(promise: &Promise, f: Continuation) -> Promise {
    // A once-closure bound twice: the promise calls exactly one of the two, which frees it.
    let callback: Function = continuation(f).unchecked_into();
    let thenable: &Thenable = promise.unchecked_ref();
    let bound = |flag: &JsValue| -> JsValue { callback.bind1(&JsValue::NULL, flag).into() };
    thenable.then_fns(&bound(&JsValue::TRUE), &bound(&JsValue::FALSE))
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// A promise seen untyped: `then(onFulfilled, onRejected)` with plain functions.
    type Thenable;
    #[wasm_bindgen(method, js_name = then)]
    fn then_fns(this: &Thenable, on_fulfilled: &JsValue, on_rejected: &JsValue) -> Promise;
}

/// `promise`, or a rejection once `ms` passed without it settling (storage that never answers must not hold up
/// the engine, which waits for the outbox write before the first POST).
pub fn within(promise: &Promise, ms: u64) -> Promise {
    let timeout = Promise::new(&mut |_, reject| {
        set_timeout(
            move || {
                let _ = reject.call0(&JsValue::NULL);
            },
            ms,
        )
    });
    Promise::race(&[promise.clone(), timeout].into_iter().collect::<js_sys::Array>())
}

/// Ignores how `promise` settles (a rejection nobody handles would be reported as an unhandled error).
pub fn ignore(promise: &Promise) {
    let _ = then(promise, |_, _| Ok(JsValue::UNDEFINED));
}
