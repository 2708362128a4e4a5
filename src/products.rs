//! `client.products()`: the SDK's list read field by field into `RawProduct`, validated by the core.

use crate::core::text::cat;
use crate::client::Inner;
use crate::core::error::{ErrorCode, RoutedError};
use crate::core::machine::PurchaseKind;
use crate::core::product::{validate_list, Offer, Product, ProductKind, ProductRejection, RawOffer, RawProduct, MAX_FIELD_BYTES};
use crate::js::{get, object, opt_str};
use crate::js_error::{raw_error, to_js_error};
use crate::sdk::{detect_host, Host};
use js_sys::Array;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// A string field: missing or null is `None`; any other type is an error naming the field.
fn field(item: &JsValue, key: &str) -> Result<Option<String>, String> {
    let v = get(item, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| cat(&[key, " is not a string"]))
}

fn raw_product(item: &JsValue) -> Result<RawProduct, ProductRejection> {
    if !item.is_object() {
        return Err(ProductRejection { sku: None, reason: "item is not an object".into() });
    }
    let sku = field(item, "sku").ok().flatten().filter(|s| s.len() <= MAX_FIELD_BYTES);
    let read = |key: &str| field(item, key).map_err(|reason| ProductRejection { sku: sku.clone(), reason });
    Ok(RawProduct {
        sku: read("sku")?,
        kind: read("type")?,
        display_name: read("displayName")?,
        display_amount: read("displayAmount")?,
        icon_url: read("iconUrl")?,
        description: read("description")?,
        renewal_cycle: read("renewalCycle")?,
        offers: raw_offers(item),
    })
}

fn raw_offers(item: &JsValue) -> Vec<RawOffer> {
    let offers = get(item, "offers");
    if !Array::is_array(&offers) {
        return Vec::new();
    }
    let text = |o: &JsValue, key: &str| field(o, key).ok().flatten();
    Array::from(&offers)
        .iter()
        .take(16)
        .map(|o| RawOffer {
            offer_type: text(&o, "type"),
            offer_id: text(&o, "offerId"),
            period: text(&o, "period"),
            display_amount: text(&o, "displayAmount"),
        })
        .collect()
}

fn offer_js(o: &Offer) -> JsValue {
    object(&[
        ("type", JsValue::from_str(&o.offer_type)),
        ("offerId", JsValue::from_str(&o.offer_id)),
        ("period", JsValue::from_str(&o.period)),
        ("displayAmount", opt_str(o.display_amount.as_deref())),
    ])
}

pub fn product_js(p: &Product) -> JsValue {
    object(&[
        ("sku", JsValue::from_str(&p.sku)),
        ("type", JsValue::from_str(p.kind.as_str())),
        ("displayName", JsValue::from_str(&p.display_name)),
        ("displayAmount", JsValue::from_str(&p.display_amount)),
        ("iconUrl", opt_str(p.icon_url.as_deref())),
        ("description", JsValue::from_str(&p.description)),
        ("renewalCycle", opt_str(p.renewal_cycle.as_deref())),
        ("offers", p.offers.iter().map(offer_js).collect::<Array>().into()),
    ])
}

fn report(rejected: &[ProductRejection]) {
    for r in rejected {
        let text = cat(&["ait-iap: product \"", r.sku.as_deref().unwrap_or("?"), "\" dropped: ", &r.reason]);
        web_sys::console::warn_1(&JsValue::from_str(&text));
    }
}

/// Reads the list; the promise resolves to the valid products and rejects with a typed error.
pub fn load_products(inner: Rc<Inner>) -> js_sys::Promise {
    crate::js::promise(async move {
        let locale = inner.locale;
        let fail = |code: ErrorCode, detail: &str| to_js_error(&RoutedError::new(code, detail), locale, None);
        if detect_host() == Host::Absent {
            return Err(fail(ErrorCode::NoHost, "no host"));
        }
        let list = JsFuture::from(inner.sdk().call_async("getProductItemList", None))
            .await
            .map_err(|e| to_js_error(&RoutedError::route(&raw_error(&e)), locale, Some(&e)))?;
        if list.is_undefined() || list.is_null() {
            return Err(fail(ErrorCode::AppTooOld, "no product list"));
        }
        Ok(validated(&inner, &get(&list, "products"))?.into())
    })
}

/// Validates a products array as the SDK returns it (or as the app passes it to the list): the valid items as
/// plain objects, each rejection reported; a non-array is a typed error.
pub fn validated(inner: &Inner, items: &JsValue) -> Result<Array, JsValue> {
    if !Array::is_array(items) {
        return Err(to_js_error(&RoutedError::new(ErrorCode::InvalidProductData, "products is not an array"), inner.locale, None));
    }
    let mut raws = Vec::new();
    let mut rejected = Vec::new();
    for item in Array::from(items).iter() {
        match raw_product(&item) {
            Ok(raw) => raws.push(raw),
            Err(r) => rejected.push(r),
        }
    }
    let (products, invalid) = validate_list(raws);
    rejected.extend(invalid);
    report(&rejected);
    let mut kinds = inner.kinds.borrow_mut();
    for p in &products {
        let kind = if p.kind == ProductKind::Subscription { PurchaseKind::Subscription } else { PurchaseKind::OneTime };
        kinds.insert(p.sku.clone(), kind);
    }
    Ok(products.iter().map(product_js).collect::<Array>())
}
