//! `client.products()`: the SDK's list read field by field into `RawProduct`, validated by the core.
//! Identifiers become Rust strings; display texts stay JS strings (`JsText`) all the way to the DOM.

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use crate::context::Context;
use ait_iap_core::error::{ErrorCode, RoutedError};
use ait_iap_core::product::{validate_list, FieldText, Offer, Product, ProductKind, ProductRejection, RawOffer, RawProduct};
use ait_iap_core::limits;
use ait_iap_core::text::cat;
use crate::js::{as_array, get, object, opt_str};
use crate::deferred::then;
use crate::js_error::{raw_error, to_js_error};
use crate::sdk::{detect_host, Host};
use js_sys::Array;
use alloc::rc::Rc;
use wasm_bindgen::prelude::*;

/// A display text as the JS string it arrived as, with its facts as `textFacts` (js/item-fields.js) read them and,
/// with the list, the index of its item in the list it was read from (the list's applier reads the texts from the
/// items).
#[derive(Clone)]
pub struct JsText(pub JsValue, u32, #[cfg(feature = "list")] pub u32);

impl FieldText for JsText {
    fn size(&self) -> usize {
        (self.1 >> 1) as usize
    }

    fn is_blank(&self) -> bool {
        self.1 & 1 == 1
    }
}

#[wasm_bindgen(module = "/js/item-fields.js")]
extern "C" {
    #[wasm_bindgen(js_name = textFacts)]
    fn text_facts(value: &JsValue, required: bool) -> i32;
}

pub type JsProduct = Product<JsText>;


#[wasm_bindgen]
extern "C" {
    /// An item of the SDK's product list, read through property getters: no property name crosses the
    /// boundary (passing names as `&str` re-decoded them at every read, a large share of a list update).
    /// Items are plain data from the SDK (or the app); a throwing getter propagates as a JS exception.
    type Item;
    #[wasm_bindgen(method, getter)]
    fn sku(this: &Item) -> JsValue;
    #[wasm_bindgen(method, getter = type)]
    fn kind(this: &Item) -> JsValue;
    #[wasm_bindgen(method, getter = displayName)]
    fn display_name(this: &Item) -> JsValue;
    #[wasm_bindgen(method, getter = displayAmount)]
    fn display_amount(this: &Item) -> JsValue;
    #[wasm_bindgen(method, getter = iconUrl)]
    fn icon_url(this: &Item) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn description(this: &Item) -> JsValue;
    #[wasm_bindgen(method, getter = renewalCycle)]
    fn renewal_cycle(this: &Item) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn offers(this: &Item) -> JsValue;
}

fn not_string(key: &str) -> String {
    cat(&[key, " is not a string"])
}



/// A string as a Rust string: missing or null is `None`; any other type is an error.
fn as_id(v: JsValue) -> Result<Option<String>, ()> {
    match v.as_string() {
        Some(s) => Ok(Some(s)),
        None if v.is_undefined() || v.is_null() => Ok(None),
        None => Err(()),
    }
}

/// A display field, kept as a JS string (`required`: its blankness is checked).
fn as_text(v: JsValue, required: bool, item: u32) -> Result<Option<JsText>, ()> {
    #[cfg(not(feature = "list"))]
    let _ = item;
    match text_facts(&v, required) {
        -1 => Ok(None),
        #[cfg(feature = "list")]
        facts if facts >= 0 => Ok(Some(JsText(v, facts as u32, item))),
        #[cfg(not(feature = "list"))]
        facts if facts >= 0 => Ok(Some(JsText(v, facts as u32))),
        _ => Err(()),
    }
}

/// The field's value, or `None` with `key` noted as the first wrong field.
fn first_wrong<T>(wrong: &mut Option<&'static str>, key: &'static str, field: Result<Option<T>, ()>) -> Option<T> {
    field.unwrap_or_else(|_| {
        wrong.get_or_insert(key);
        None
    })
}

fn raw_product(item: &JsValue, index: u32) -> Result<RawProduct<JsText>, ProductRejection> {
    if !item.is_object() {
        return Err(ProductRejection { sku: None, reason: "item is not an object".into() });
    }
    let item: &Item = item.unchecked_ref();
    // Every field is read, and the first wrong one reported: one exit path instead of one per field (each
    // early return dropped a different set of fields read so far: KBs of drop glue).
    let mut wrong: Option<&'static str> = None;
    let raw = RawProduct {
        sku: first_wrong(&mut wrong, "sku", as_id(item.sku())),
        kind: first_wrong(&mut wrong, "type", as_id(item.kind())),
        display_name: first_wrong(&mut wrong, "displayName", as_text(item.display_name(), true, index)),
        display_amount: first_wrong(&mut wrong, "displayAmount", as_text(item.display_amount(), true, index)),
        icon_url: first_wrong(&mut wrong, "iconUrl", as_text(item.icon_url(), false, index)),
        description: first_wrong(&mut wrong, "description", as_text(item.description(), false, index)),
        renewal_cycle: first_wrong(&mut wrong, "renewalCycle", as_id(item.renewal_cycle())),
        offers: raw_offers(item.offers()),
    };
    match wrong {
        None => Ok(raw),
        Some(key) => Err(ProductRejection { sku: raw.sku.filter(|s| s.len() <= limits::FIELD), reason: not_string(key) }),
    }
}

fn raw_offers(offers: JsValue) -> Vec<RawOffer> {
    let Some(offers) = as_array(&offers) else { return Vec::new() };
    let text = |o: &JsValue, key: &str| as_id(get(o, key)).ok().flatten();
    offers
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

/// The plain object `products()` resolves with.
pub fn product_js(p: &JsProduct) -> JsValue {
    let text = |t: &Option<JsText>| t.as_ref().map(|t| t.0.clone()).unwrap_or(JsValue::UNDEFINED);
    object(&[
        ("sku", JsValue::from_str(&p.sku)),
        ("type", JsValue::from_str(p.kind.as_str())),
        ("displayName", p.display_name.0.clone()),
        ("displayAmount", p.display_amount.0.clone()),
        ("iconUrl", text(&p.icon_url)),
        ("description", p.description.as_ref().map(|t| t.0.clone()).unwrap_or_else(|| JsValue::from_str(""))),
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

/// Validates a products array as the SDK returns it (or as the app passes it to the list): the valid items,
/// each rejection reported; a non-array is a typed error.
pub fn validate_items(ctx: &Context, items: &JsValue) -> Result<Vec<JsProduct>, RoutedError> {
    let Some(items) = as_array(items) else {
        return Err(RoutedError::new(ErrorCode::InvalidProductData, "products is not an array"));
    };
    let mut raws = Vec::with_capacity(items.length() as usize);
    let mut rejected = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match raw_product(&item, i as u32) {
            Ok(raw) => raws.push(raw),
            Err(r) => rejected.push(r),
        }
    }
    let (products, invalid) = validate_list(raws);
    rejected.extend(invalid);
    report(&rejected);
    let mut subscriptions = ctx.subscriptions.borrow_mut();
    for p in products.iter() {
        subscriptions.note(&p.sku, p.kind == ProductKind::Subscription);
    }
    Ok(products)
}

/// Loads the list from the SDK (or takes `asked`, the answer of a `getProductItemList` call the app started itself),
/// reads its items with `read` (`validate_items`, or more) and hands the result to `done` (always later, never
/// inside this call); the returned promise settles with what `done` returns.
pub fn fetch_products<T>(
    ctx: Rc<Context>,
    asked: Option<js_sys::Promise>,
    read: impl FnOnce(&Context, JsValue) -> Result<T, RoutedError> + 'static,
    done: impl FnOnce(Result<T, RoutedError>) -> Result<JsValue, JsValue> + 'static,
) -> js_sys::Promise {
    let absent = detect_host() == Host::Absent;
    let call = match asked {
        _ if absent => js_sys::Promise::resolve(&JsValue::UNDEFINED),
        Some(asked) => asked,
        None => ctx.sdk.call_async("getProductItemList", None),
    };
    then(&call, move |ok, list| {
        let fail = |code: ErrorCode, detail: &str| Err(RoutedError::new(code, detail));
        done(if absent {
            fail(ErrorCode::NoHost, "no host")
        } else if !ok {
            Err(RoutedError::route(&raw_error(&list)))
        } else if list.is_undefined() || list.is_null() {
            fail(ErrorCode::AppTooOld, "no product list")
        } else {
            read(&ctx, get(&list, "products"))
        })
    })
}

/// `client.products()`: resolves to the valid products as plain objects, rejects with a typed error.
pub fn load_products(ctx: Rc<Context>) -> js_sys::Promise {
    let locale = ctx.locale;
    let read = |ctx: &Context, items: JsValue| validate_items(ctx, &items);
    fetch_products(ctx, None, read, move |products| match products {
        Ok(products) => Ok(products.iter().map(product_js).collect::<Array>().into()),
        Err(error) => Err(to_js_error(&error, locale)),
    })
}
