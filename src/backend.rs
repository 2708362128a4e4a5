//! The hand-off of an orderId to the partner's backend: an HTTP POST (`fetch`), or the app's own function.

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use ait_iap_core::limits;
use ait_iap_core::grant::{request_body, Environment, GrantReply};
use crate::js::{get, get_string, object};
use crate::deferred::{then, within};
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};


/// Where and how to hand off an orderId.
pub enum GrantTarget {
    /// POST to `url` with extra headers (e.g. `Authorization`) and a credentials mode.
    /// `headers` is a plain object of the app's string headers, copied once at creation.
    Http { url: String, headers: JsValue, credentials: Option<String> },
    /// The app's function `({orderId, sku, environment}) => boolean | {granted, reason} | Promise of either`.
    Function(Function),
}

impl GrantTarget {
    /// `grant` as `readOptions` (js/ait-error.js) checked and read it: the function, or the URL (a string, or
    /// `{ url, headers?, credentials? }`'s) with a copy of its headers and its credentials.
    pub fn from_js(value: &JsValue, url: JsValue, headers: JsValue, credentials: JsValue) -> GrantTarget {
        match value.dyn_ref::<Function>() {
            Some(f) => GrantTarget::Function(f.clone()),
            None => GrantTarget::Http { url: url.as_string().unwrap_or_default(), headers, credentials: credentials.as_string() },
        }
    }
}

/// Hands off one order and calls `done` with the reply (always later, never inside this call); an attempt
/// that takes longer than `timeout_ms` counts as unreachable.
pub fn hand_off(target: &GrantTarget, order_id: &str, sku: &str, environment: Environment, timeout_ms: u64, done: impl FnOnce(GrantReply) + 'static) {
    match target {
        GrantTarget::Http { url, headers, credentials } => {
            let body = request_body(order_id, sku, environment);
            let _ = then(&post_grant(url, headers, credentials.as_deref(), &body, order_id, timeout_ms as f64), move |_, reply| {
                let status = get(&reply, "status").as_f64().unwrap_or(0.0) as u16;
                done(GrantReply::from_http(status, get(&reply, "granted").as_bool(), get_string(&reply, "reason", limits::REASON)));
                Ok(JsValue::UNDEFINED)
            });
        }
        GrantTarget::Function(f) => call(f, order_id, sku, environment, timeout_ms, Box::new(done)),
    }
}

type Done = Box<dyn FnOnce(GrantReply)>;

#[wasm_bindgen(module = "/js/hand-off.js")]
extern "C" {
    /// Resolves `{ status, granted, reason }` (status 0: no answer) and warns the developer about a failing URL.
    #[wasm_bindgen(js_name = postGrant)]
    fn post_grant(url: &str, headers: &JsValue, credentials: Option<&str>, body: &str, order_id: &str, timeout_ms: f64) -> Promise;
    /// `console.warn("ait-iap: " + text)`, once per `cause` in the page: a diagnostic for the developer.
    #[wasm_bindgen(js_name = warnOnce)]
    pub fn warn_once(cause: &str, text: &str);
}

/// The app's function in place of the POST, with the same attempt timeout: its own `fetch` can stall for minutes
/// on a mobile network, and one stalled call must not use up the whole grant deadline.
fn call(f: &Function, order_id: &str, sku: &str, environment: Environment, timeout_ms: u64, done: Done) {
    let request = object(&[
        ("orderId", JsValue::from_str(order_id)),
        ("sku", JsValue::from_str(sku)),
        ("environment", JsValue::from_str(environment.as_str())),
    ]);
    let result = match f.call1(&JsValue::NULL, &request) {
        Ok(v) => Promise::resolve(&v),
        Err(e) => Promise::reject(&e),
    };
    let _ = then(&within(&result, timeout_ms), move |ok, v| {
        let granted = v.as_bool().or_else(|| get(&v, "granted").as_bool());
        done(GrantReply::from_function(ok, granted, get_string(&v, "reason", limits::REASON)));
        Ok(JsValue::UNDEFINED)
    });
}
