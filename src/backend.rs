//! The hand-off of an orderId to the partner's backend: an HTTP POST (gloo-net), or the app's own function.

use crate::core::text::cat;
use crate::core::grant::{request_body, Environment, GrantReply};
use crate::js::{get, get_function, get_string, object, set_timeout};
use gloo_net::http::Request;
use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestCredentials};

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
        if let Some(f) = get_function(value, "handler") {
            return Some(GrantTarget::Function(f));
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
        GrantTarget::Function(f) => call(f, order_id, sku, environment, timeout_ms).await,
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
    let controller = AbortController::new().ok();
    let mut builder = Request::post(url)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", order_id)
        .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref());
    for (k, v) in headers {
        builder = builder.header(k, v);
    }
    if let Some(c) = credentials {
        builder = builder.credentials(c);
    }
    if let Some(c) = controller {
        set_timeout(move || c.abort(), timeout_ms);
    }
    let request = match builder.body(request_body(order_id, sku, environment)) {
        Ok(r) => r,
        Err(_) => return GrantReply::Unreachable { reason: "the request could not be built".into() },
    };
    let response = match request.send().await {
        Ok(r) => r,
        Err(_) => return GrantReply::Unreachable { reason: "network error or timeout".into() },
    };
    let status = response.status();
    let body = response.text().await.ok().and_then(|t| js_sys::JSON::parse(&t).ok()).unwrap_or(JsValue::UNDEFINED);
    GrantReply::from_http(status, get(&body, "granted").as_bool(), get_string(&body, "reason", MAX_REASON))
}

async fn call(f: &Function, order_id: &str, sku: &str, environment: Environment, timeout_ms: u64) -> GrantReply {
    let request = object(&[
        ("orderId", JsValue::from_str(order_id)),
        ("sku", JsValue::from_str(sku)),
        ("environment", JsValue::from_str(environment.as_str())),
    ]);
    let result = match f.call1(&JsValue::NULL, &request) {
        Ok(v) => v,
        Err(e) => return GrantReply::Unreachable { reason: cat(&["grant function threw: ", &describe(&e)]) },
    };
    let timed_out: JsValue = js_sys::Object::new().into();
    let marker = timed_out.clone();
    let timeout = Promise::new(&mut |resolve, _| {
        let marker = marker.clone();
        set_timeout(move || drop(resolve.call1(&JsValue::NULL, &marker)), timeout_ms)
    });
    let contenders: js_sys::Array = [JsValue::from(Promise::resolve(&result)), timeout.into()].iter().collect();
    let raced = Promise::race(&contenders);
    match JsFuture::from(raced).await {
        Err(e) => GrantReply::Unreachable { reason: cat(&["grant function rejected: ", &describe(&e)]) },
        Ok(v) if js_sys::Object::is(&v, &timed_out) => GrantReply::Unreachable { reason: "grant function timed out".into() },
        Ok(v) => match v.as_bool().or_else(|| get(&v, "granted").as_bool()) {
            Some(true) => GrantReply::Granted,
            Some(false) => GrantReply::Refused { reason: get_string(&v, "reason", MAX_REASON).unwrap_or_else(|| "granted: false".into()) },
            None => GrantReply::Unreachable { reason: "grant function answered neither true nor false".into() },
        },
    }
}

fn describe(e: &JsValue) -> String {
    get_string(e, "message", MAX_REASON).or_else(|| e.as_string()).unwrap_or_default()
}
