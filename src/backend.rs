//! The hand-off of an orderId to the partner's backend: an HTTP POST (`fetch`), or the app's own function.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::grant::{request_body, Environment, GrantReply};
use crate::js::{get, get_function, get_string, object, set_timeout};
use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCredentials, RequestInit};

const MAX_REASON: usize = 500;

/// Where and how to hand off an orderId.
pub enum GrantTarget {
    /// POST to `url` with extra headers (e.g. `Authorization`) and a credentials mode.
    Http { url: String, headers: Vec<(String, String)>, credentials: Option<RequestCredentials> },
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
        let headers = match get(value, "headers").dyn_into::<js_sys::Object>() {
            Ok(obj) => js_sys::Object::entries(&obj)
                .iter()
                .filter_map(|pair| Some((js_sys::Reflect::get_u32(&pair, 0).ok()?.as_string()?, js_sys::Reflect::get_u32(&pair, 1).ok()?.as_string()?)))
                .collect(),
            Err(_) => Vec::new(),
        };
        let credentials = match get_string(value, "credentials", 20).as_deref() {
            Some("include") => Some(RequestCredentials::Include),
            Some("same-origin") => Some(RequestCredentials::SameOrigin),
            Some("omit") => Some(RequestCredentials::Omit),
            _ => None,
        };
        Some(GrantTarget::Http { url, headers, credentials })
    }
}

/// Hands off one order; an attempt that takes longer than `timeout_ms` counts as unreachable.
pub async fn hand_off(target: &GrantTarget, order_id: &str, sku: &str, environment: Environment, timeout_ms: u64) -> GrantReply {
    match target {
        GrantTarget::Http { url, headers, credentials } => post(url, headers, *credentials, order_id, sku, environment, timeout_ms).await,
        GrantTarget::Function(f) => call(f, order_id, sku, environment).await,
    }
}

async fn post(
    url: &str,
    headers: &[(String, String)],
    credentials: Option<RequestCredentials>,
    order_id: &str,
    sku: &str,
    environment: Environment,
    timeout_ms: u64,
) -> GrantReply {
    // Plain `fetch` through web-sys: gloo-net cost 4.6 KB gzip of the module (its builder re-parses the URL and
    // formats query parameters; its wrapper 1.2 KB alone), too much of the size budget for one POST.
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&request_body(order_id, sku, environment)));
    if let Ok(h) = Headers::new() {
        let _ = h.set("Content-Type", "application/json");
        let _ = h.set("Idempotency-Key", order_id);
        for (k, v) in headers {
            let _ = h.set(k, v);
        }
        init.set_headers(&h);
    }
    if let Some(c) = credentials {
        init.set_credentials(c);
    }
    if let Ok(controller) = AbortController::new() {
        init.set_signal(Some(&controller.signal()));
        set_timeout(move || controller.abort(), timeout_ms);
    }
    let fetch = get_function(&js_sys::global(), "fetch");
    let sent = match fetch.map(|f| f.call2(&JsValue::NULL, &JsValue::from_str(url), &init)) {
        Some(Ok(p)) => JsFuture::from(Promise::resolve(&p)).await,
        _ => return GrantReply::Unreachable { reason: "fetch failed".into() },
    };
    let Ok(response) = sent.and_then(|r| r.dyn_into::<web_sys::Response>()) else {
        return GrantReply::Unreachable { reason: "fetch failed".into() };
    };
    let status = response.status();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    };
    let body = text.and_then(|t| js_sys::JSON::parse(&t).ok()).unwrap_or(JsValue::UNDEFINED);
    GrantReply::from_http(status, get(&body, "granted").as_bool(), get_string(&body, "reason", MAX_REASON))
}

/// A function that never settles is bounded by the engine's grant deadline, not here.
async fn call(f: &Function, order_id: &str, sku: &str, environment: Environment) -> GrantReply {
    let request = object(&[
        ("orderId", JsValue::from_str(order_id)),
        ("sku", JsValue::from_str(sku)),
        ("environment", JsValue::from_str(environment.as_str())),
    ]);
    let result = match f.call1(&JsValue::NULL, &request) {
        Ok(v) => JsFuture::from(Promise::resolve(&v)).await,
        Err(e) => Err(e),
    };
    match result {
        Err(_) => GrantReply::Unreachable { reason: "grant function failed".into() },
        Ok(v) => match v.as_bool().or_else(|| get(&v, "granted").as_bool()) {
            Some(true) => GrantReply::Granted,
            Some(false) => GrantReply::Refused { reason: get_string(&v, "reason", MAX_REASON).unwrap_or_else(|| "granted: false".into()) },
            None => GrantReply::Unreachable { reason: "grant function: not a boolean".into() },
        },
    }
}

