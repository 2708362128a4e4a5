//! Order history pages (`getCompletedOrRefundedOrders`) and typed subscription info (`getSubscriptionInfo`).

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use crate::context::Context;
use ait_iap_core::error::{ErrorCode, RoutedError};
use ait_iap_core::limits;
use crate::js::{as_array, get, get_order_id, get_string, object};
use crate::backend::warn_once;
use crate::deferred::then;
use crate::js_error::{raw_error, to_js_error};
use js_sys::{Array, Promise};
use alloc::rc::Rc;
use wasm_bindgen::prelude::*;


fn order_js(o: &JsValue) -> Option<JsValue> {
    let status = get_string(o, "status", 20).filter(|s| s == "COMPLETED" || s == "REFUNDED")?;
    Some(object(&[
        ("orderId", JsValue::from_str(&get_order_id(o)?)),
        ("sku", JsValue::from_str(&get_string(o, "sku", limits::FIELD)?)),
        ("status", JsValue::from_str(&status)),
        ("date", JsValue::from_str(&get_string(o, "date", 40).unwrap_or_default())),
    ]))
}

fn sdk_error(ctx: &Context, e: &JsValue) -> JsValue {
    to_js_error(&RoutedError::route(&raw_error(e)), ctx.locale)
}

fn typed_error(ctx: &Context, code: ErrorCode, detail: &str) -> JsValue {
    to_js_error(&RoutedError::new(code, detail), ctx.locale)
}

/// One page of `getCompletedOrRefundedOrders`: `{ orders, nextKey }` (`nextKey` null on the last page; also when
/// the host says `hasNext` without a usable `nextKey`, with a warning). The package entry turns pages into the
/// `orderHistory()` async iterator.
pub fn history_page(ctx: Rc<Context>, key: Option<String>) -> Promise {
    let arg = key.map(|k| object(&[("key", JsValue::from_str(&k))]));
    then(&ctx.sdk.call_async("getCompletedOrRefundedOrders", arg), move |ok, page| {
        if !ok {
            return Err(sdk_error(&ctx, &page));
        }
        if page.is_undefined() || page.is_null() {
            return Err(typed_error(&ctx, ErrorCode::AppTooOld, "no order history"));
        }
        let orders = get(&page, "orders");
        let Some(orders) = as_array(&orders) else {
            return Err(typed_error(&ctx, ErrorCode::InvalidProductData, "orders is not an array"));
        };
        let valid: Array = orders.iter().filter_map(|o| order_js(&o)).collect();
        let next = get_string(&page, "nextKey", limits::KEY).filter(|k| !k.is_empty());
        let has_next = get(&page, "hasNext").as_bool() == Some(true);
        if has_next && next.is_none() {
            // Seen on real devices: the history cannot go on, and the developer learns why it stopped.
            warn_once("history", "getCompletedOrRefundedOrders: hasNext without a usable nextKey: the order history ends here");
        }
        let next = next.filter(|_| has_next);
        Ok(object(&[("orders", valid.into()), ("nextKey", next.map(JsValue::from).unwrap_or(JsValue::NULL))]))
    })
}

const SUBSCRIPTION_STATUSES: [&str; 6] = ["ACTIVE", "EXPIRED", "IN_GRACE_PERIOD", "ON_HOLD", "PAUSED", "REVOKED"];

/// `getSubscriptionInfo({params: {orderId}})`, validated: `null` when the order has no subscription.
pub fn subscription_info(ctx: Rc<Context>, order_id: String) -> Promise {
    let supported = ctx.sdk.has("getSubscriptionInfo");
    let arg = object(&[("params", object(&[("orderId", JsValue::from_str(&order_id))]))]);
    let call = if supported { ctx.sdk.call_async("getSubscriptionInfo", Some(arg)) } else { Promise::resolve(&JsValue::UNDEFINED) };
    then(&call, move |ok, reply| {
        if !supported {
            return Err(typed_error(&ctx, ErrorCode::AppTooOld, "no getSubscriptionInfo"));
        }
        if !ok {
            return Err(sdk_error(&ctx, &reply));
        }
        if reply.is_undefined() || reply.is_null() {
            return Err(typed_error(&ctx, ErrorCode::AppTooOld, "no subscription info"));
        }
        let s = get(&reply, "subscription");
        // A real device answers `{}` for an order without a subscription: no subscription, not bad data.
        if s.is_undefined() || s.is_null() {
            return Ok(JsValue::NULL);
        }
        let status = get_string(&s, "status", 40).filter(|st| SUBSCRIPTION_STATUSES.contains(&st.as_str()));
        let (Some(status), Some(accessible)) = (status, get(&s, "isAccessible").as_bool()) else {
            return Err(typed_error(&ctx, ErrorCode::InvalidProductData, "bad subscription info"));
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

