//! The hand-off of an orderId to the partner's backend: an HTTP POST (`fetch`), or the app's own function.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::grant::{request_body, Environment, GrantReply};
use crate::js::{get, get_function, get_string, object, opt_str, set};
use crate::deferred::{set_timeout, then, within};
use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortController;

const MAX_REASON: usize = 500;

/// Where and how to hand off an orderId.
pub enum GrantTarget {
    /// POST to `url` with extra headers (e.g. `Authorization`) and a credentials mode.
    Http { url: String, headers: Vec<(String, String)>, credentials: Option<&'static str> },
    /// The app's function `({orderId, sku, environment}) => boolean | {granted, reason} | Promise of either`.
    Function(Function),
}

impl GrantTarget {
    /// Reads `grant` from the options: a URL string, `{ url, headers?, credentials? }`, or a function.
    pub fn from_js(value: &JsValue) -> Option<GrantTarget> {
        if let Some(f) = value.dyn_ref::<Function>() {
            return Some(GrantTarget::Function(f.clone()));
        }
        if let Some(url) = value.as_string() {
            return Some(GrantTarget::Http { url, headers: Vec::new(), credentials: None });
        }
        let url = get_string(value, "url", 4096)?;
        // `is_object` instead of a cast: `dyn_into` costs an `instanceof` import, and is false across realms.
        let headers = match get(value, "headers") {
            obj if obj.is_object() => js_sys::Object::entries(obj.unchecked_ref())
                .iter()
                .filter_map(|pair| {
                    let pair: &js_sys::Array = pair.unchecked_ref();
                    Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
                })
                .collect(),
            _ => Vec::new(),
        };
        let credentials = get_string(value, "credentials", 20).and_then(|c| ["include", "same-origin", "omit"].into_iter().find(|k| *k == c));
        Some(GrantTarget::Http { url, headers, credentials })
    }
}

/// Hands off one order and calls `done` with the reply (always later, never inside this call); an attempt
/// that takes longer than `timeout_ms` counts as unreachable.
pub fn hand_off(target: &GrantTarget, order_id: &str, sku: &str, environment: Environment, timeout_ms: u64, done: impl FnOnce(GrantReply) + 'static) {
    match target {
        GrantTarget::Http { url, headers, credentials } => post(url, headers, *credentials, order_id, sku, environment, timeout_ms, Box::new(done)),
        GrantTarget::Function(f) => call(f, order_id, sku, environment, timeout_ms, Box::new(done)),
    }
}

type Done = Box<dyn FnOnce(GrantReply)>;

fn unreachable(reason: &'static str) -> GrantReply {
    GrantReply::Unreachable { reason }
}

#[allow(clippy::too_many_arguments)]
fn post(
    url: &str,
    headers: &[(String, String)],
    credentials: Option<&'static str>,
    order_id: &str,
    sku: &str,
    environment: Environment,
    timeout_ms: u64,
    done: Done,
) {
    // Plain `fetch` through web-sys: gloo-net cost 4.6 KB gzip of the module (its builder re-parses the URL and
    // formats query parameters; its wrapper 1.2 KB alone), too much of the size budget for one POST.
    // The request init and its headers as plain objects: `RequestInit`/`Headers` through web-sys cost an import per
    // setter. The app's headers win over ours (compared without case, as `Headers` does).
    let h = object(&[]);
    for (name, value) in headers {
        set(&h, name, &JsValue::from_str(value));
    }
    for (name, value) in [("Content-Type", "application/json"), ("Idempotency-Key", order_id)] {
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name)) {
            set(&h, name, &JsValue::from_str(value));
        }
    }
    let init = object(&[
        ("method", JsValue::from_str("POST")),
        ("body", JsValue::from_str(&request_body(order_id, sku, environment))),
        ("headers", h),
        ("credentials", opt_str(credentials)),
    ]);
    if let Ok(controller) = AbortController::new() {
        set(&init, "signal", &controller.signal());
        set_timeout(move || controller.abort(), timeout_ms);
    }
    let fetch = get_function(&crate::js::global(), "fetch");
    let sent = match fetch.map(|f| f.call2(&JsValue::NULL, &JsValue::from_str(url), &init)) {
        Some(Ok(p)) => Promise::resolve(&p),
        _ => Promise::reject(&JsValue::UNDEFINED),
    };
    let _ = then(&sent, move |ok, response| {
        // What `fetch` fulfils with is a Response (a polyfill's too, which `instanceof` would refuse).
        let Some(response) = Some(response).filter(|r| ok && r.is_object()).map(JsCast::unchecked_into::<web_sys::Response>) else {
            done(unreachable("fetch failed"));
            return Ok(JsValue::UNDEFINED);
        };
        let status = response.status();
        let text = response.text().unwrap_or_else(|e| Promise::reject(&e));
        let _ = then(&text, move |ok, text| {
            let body = text.as_string().filter(|_| ok).and_then(|t| js_sys::JSON::parse(&t).ok()).unwrap_or(JsValue::UNDEFINED);
            done(GrantReply::from_http(status, get(&body, "granted").as_bool(), get_string(&body, "reason", MAX_REASON)));
            Ok(JsValue::UNDEFINED)
        });
        Ok(JsValue::UNDEFINED)
    });
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
        done(match v.as_bool().or_else(|| get(&v, "granted").as_bool()).filter(|_| ok) {
            Some(true) => GrantReply::Granted,
            Some(false) => GrantReply::Refused { reason: get_string(&v, "reason", MAX_REASON).unwrap_or_else(|| "granted: false".into()) },
            None if ok => unreachable("grant function: not a boolean"),
            None => unreachable("grant function failed or did not answer in time"),
        });
        Ok(JsValue::UNDEFINED)
    });
}
