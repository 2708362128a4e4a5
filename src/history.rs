//! Order history across all pages (`getCompletedOrRefundedOrders`) as an async iterator, and typed
//! subscription info (`getSubscriptionInfo`).

use crate::client::Inner;
use crate::core::error::{ErrorCode, RoutedError};
use crate::js::{get, get_string, object, set};
use crate::js_error::{raw_error, to_js_error};
use js_sys::{Array, Promise};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

const MAX_ID: usize = 200;
/// A host that keeps answering `hasNext` is cut off here.
const MAX_PAGES: u32 = 200;

struct Cursor {
    inner: Rc<Inner>,
    buffer: VecDeque<JsValue>,
    next_key: Option<String>,
    pages: u32,
    done: bool,
}

fn order_js(o: &JsValue) -> Option<JsValue> {
    let status = get_string(o, "status", 20).filter(|s| s == "COMPLETED" || s == "REFUNDED")?;
    Some(object(&[
        ("orderId", JsValue::from_str(&get_string(o, "orderId", MAX_ID).filter(|s| !s.is_empty())?)),
        ("sku", JsValue::from_str(&get_string(o, "sku", MAX_ID)?)),
        ("status", JsValue::from_str(&status)),
        ("date", JsValue::from_str(&get_string(o, "date", 40).unwrap_or_default())),
    ]))
}

fn sdk_error(inner: &Inner, e: &JsValue) -> JsValue {
    to_js_error(&RoutedError::route(&raw_error(e)), inner.locale, Some(e))
}

fn typed_error(inner: &Inner, code: ErrorCode, detail: &str) -> JsValue {
    to_js_error(&RoutedError::new(code, detail), inner.locale, None)
}

async fn fill(cursor: Rc<RefCell<Cursor>>) -> Result<(), JsValue> {
    let (inner, key) = {
        let c = cursor.borrow();
        if c.done || !c.buffer.is_empty() {
            return Ok(());
        }
        (c.inner.clone(), c.next_key.clone())
    };
    let arg = key.map(|k| object(&[("key", JsValue::from_str(&k))]));
    let page = JsFuture::from(inner.sdk().call_async("getCompletedOrRefundedOrders", arg)).await.map_err(|e| sdk_error(&inner, &e))?;
    if page.is_undefined() || page.is_null() {
        return Err(typed_error(&inner, ErrorCode::AppTooOld, "getCompletedOrRefundedOrders returned nothing: the Toss app is too old"));
    }
    let orders = get(&page, "orders");
    if !Array::is_array(&orders) {
        return Err(typed_error(&inner, ErrorCode::InvalidProductData, "order history page without an orders array"));
    }
    let mut c = cursor.borrow_mut();
    c.pages += 1;
    for o in Array::from(&orders).iter() {
        match order_js(&o) {
            Some(v) => c.buffer.push_back(v),
            None => web_sys::console::warn_1(&JsValue::from_str("ait-iap: order history item dropped: malformed")),
        }
    }
    c.next_key = get_string(&page, "nextKey", MAX_ID).filter(|k| !k.is_empty());
    c.done = get(&page, "hasNext").as_bool() != Some(true) || c.next_key.is_none() || c.pages >= MAX_PAGES;
    Ok(())
}

async fn next(cursor: Rc<RefCell<Cursor>>) -> Result<JsValue, JsValue> {
    // Pages may hold only malformed items: keep reading until an item or the end.
    loop {
        fill(cursor.clone()).await?;
        let mut c = cursor.borrow_mut();
        if let Some(value) = c.buffer.pop_front() {
            return Ok(object(&[("value", value), ("done", JsValue::FALSE)]));
        }
        if c.done {
            return Ok(object(&[("value", JsValue::UNDEFINED), ("done", JsValue::TRUE)]));
        }
    }
}

/// An async iterator over every completed or refunded order: `for await (const o of client.orderHistory())`.
pub fn order_history(inner: Rc<Inner>) -> JsValue {
    let cursor = Rc::new(RefCell::new(Cursor { inner, buffer: VecDeque::new(), next_key: None, pages: 0, done: false }));
    let iterator = object(&[]);
    let next_fn = Closure::<dyn FnMut() -> Promise>::new(move || {
        let c = cursor.clone();
        future_to_promise(next(c))
    })
    .into_js_value();
    set(&iterator, "next", &next_fn);
    let itself = iterator.clone();
    let self_fn = Closure::<dyn FnMut() -> JsValue>::new(move || itself.clone()).into_js_value();
    let _ = js_sys::Reflect::set(&iterator, &js_sys::Symbol::async_iterator(), &self_fn);
    iterator
}

const SUBSCRIPTION_STATUSES: [&str; 6] = ["ACTIVE", "EXPIRED", "IN_GRACE_PERIOD", "ON_HOLD", "PAUSED", "REVOKED"];

/// `getSubscriptionInfo({params: {orderId}})`, validated.
pub fn subscription_info(inner: Rc<Inner>, order_id: String) -> Promise {
    future_to_promise(async move {
        if !inner.sdk().has("getSubscriptionInfo") {
            return Err(typed_error(&inner, ErrorCode::AppTooOld, "this SDK has no getSubscriptionInfo"));
        }
        let arg = object(&[("params", object(&[("orderId", JsValue::from_str(&order_id))]))]);
        let reply = JsFuture::from(inner.sdk().call_async("getSubscriptionInfo", Some(arg))).await.map_err(|e| sdk_error(&inner, &e))?;
        if reply.is_undefined() || reply.is_null() {
            return Err(typed_error(&inner, ErrorCode::AppTooOld, "getSubscriptionInfo returned nothing: the Toss app is too old"));
        }
        let s = get(&reply, "subscription");
        let status = get_string(&s, "status", 40).filter(|st| SUBSCRIPTION_STATUSES.contains(&st.as_str()));
        let (Some(status), Some(accessible)) = (status, get(&s, "isAccessible").as_bool()) else {
            return Err(typed_error(&inner, ErrorCode::InvalidProductData, "subscription info with an unknown status or no isAccessible"));
        };
        let opt = |key: &str| get_string(&s, key, 40).map(JsValue::from).unwrap_or(JsValue::NULL);
        Ok(object(&[
            ("orderId", JsValue::from_str(&order_id)),
            ("catalogId", get(&s, "catalogId").as_f64().map(JsValue::from_f64).unwrap_or(JsValue::NULL)),
            ("status", JsValue::from_str(&status)),
            ("expiresAt", opt("expiresAt")),
            ("isAutoRenew", JsValue::from_bool(get(&s, "isAutoRenew").as_bool() == Some(true))),
            ("gracePeriodExpiresAt", opt("gracePeriodExpiresAt")),
            ("isAccessible", JsValue::from_bool(accessible)),
        ]))
    })
}

