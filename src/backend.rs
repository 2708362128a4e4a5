//! The hand-off of an orderId to the partner's backend over HTTP (gloo-net).

use crate::core::grant::{request_body, Environment, GrantReply};
use crate::js::{get, get_string};
use gloo_net::http::Request;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::RequestCredentials;

const MAX_REASON: usize = 500;

/// Where and how to POST: the URL, extra headers (e.g. `Authorization`) and the credentials mode.
pub struct GrantTarget {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub credentials: Option<RequestCredentials>,
}

impl GrantTarget {
    /// Reads `grant` from the options: a URL string, or `{ url, headers?, credentials? }`.
    pub fn from_js(value: &JsValue) -> Option<GrantTarget> {
        if let Some(url) = value.as_string() {
            return Some(GrantTarget { url, headers: Vec::new(), credentials: None });
        }
        let url = get_string(value, "url", 4096)?;
        let headers_obj = get(value, "headers");
        let headers = match headers_obj.dyn_into::<js_sys::Object>() {
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
        Some(GrantTarget { url, headers, credentials })
    }
}

/// POSTs `{orderId, sku, environment}` with `Idempotency-Key: <orderId>` and reads the reply.
pub async fn post_grant(target: &GrantTarget, order_id: &str, sku: &str, environment: Environment) -> GrantReply {
    let mut builder = Request::post(&target.url)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", order_id);
    for (k, v) in &target.headers {
        builder = builder.header(k, v);
    }
    if let Some(c) = target.credentials {
        builder = builder.credentials(c);
    }
    let request = match builder.body(request_body(order_id, sku, environment)) {
        Ok(r) => r,
        Err(e) => return GrantReply::Unreachable { reason: e.to_string() },
    };
    let response = match request.send().await {
        Ok(r) => r,
        Err(e) => return GrantReply::Unreachable { reason: e.to_string() },
    };
    let status = response.status();
    let body = response.text().await.ok().and_then(|t| js_sys::JSON::parse(&t).ok()).unwrap_or(JsValue::UNDEFINED);
    GrantReply::from_http(status, get(&body, "granted").as_bool(), get_string(&body, "reason", MAX_REASON))
}
