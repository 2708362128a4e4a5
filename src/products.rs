//! `client.products()`: the SDK's list read in one call (js/item-fields.js) into `RawProduct`s, validated by the core.
//! Identifiers become Rust strings; display texts stay JS strings, in the items, all the way to the DOM.

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

/// A display text, left in its item: its facts as js/item-fields.js read them, and the index of its item in the list
/// it was read from (`products()` and the list's applier read the text from there).
#[derive(Clone)]
pub struct JsText(u32, pub u32);

impl FieldText for JsText {
    fn size(&self) -> usize {
        (self.0 >> 1) as usize
    }

    fn is_blank(&self) -> bool {
        self.0 & 1 == 1
    }
}

/// The numbers an item's facts take (js/item-fields.js's `FACTS`).
const FACTS: usize = 8;

#[wasm_bindgen(module = "/js/item-fields.js")]
extern "C" {
    /// The items' ids, each ended by a NUL, and their facts into `facts`; `None` if an item's getter threw.
    #[wasm_bindgen(js_name = readItems)]
    fn read_items(items: &Array, facts: &mut [u32]) -> Option<String>;
}

pub type JsProduct = Product<JsText>;

/// An item's four ids from the list's.
#[inline(never)]
fn next_ids<'a>(ids: &mut core::str::Split<'a, char>) -> [&'a str; 4] {
    let mut four = [""; 4];
    for id in &mut four {
        *id = ids.next().unwrap_or_default();
    }
    four
}

fn not_string(key: &str) -> String {
    cat(&[key, " is not a string"])
}

/// Item `index`'s fields from its `facts` and its four `ids`, the first wrong field reported.
#[inline(never)]
fn raw_product<'a>(items: &Array, index: u32, facts: &[u32], ids: [&'a str; 4]) -> Result<RawProduct<'a, JsText>, ProductRejection> {
    let fact = |at: usize| facts.get(at).map_or(-1, |&f| f as i32);
    if fact(0) == -3 {
        return Err(ProductRejection { sku: None, reason: "item is not an object".into() });
    }
    // Every field is read, and the first wrong one reported: one exit path instead of one per field (each
    // early return dropped a different set of fields read so far: KBs of drop glue).
    let mut wrong: Option<&'static str> = None;
    let mut id = |at: usize, key: &'static str| match fact(at) {
        0 => ids.get(at).copied(),
        -1 => None,
        _ => {
            wrong.get_or_insert(key);
            None
        }
    };
    let (sku, kind, renewal_cycle, icon_url) = (id(0, "sku"), id(1, "type"), id(2, "renewalCycle"), id(3, "iconUrl"));
    let mut text = |at: usize, key: &'static str| match fact(at) {
        -1 => None,
        f if f >= 0 => Some(JsText(f as u32, index)),
        _ => {
            wrong.get_or_insert(key);
            None
        }
    };
    let raw = RawProduct {
        display_name: text(4, "displayName"),
        display_amount: text(5, "displayAmount"),
        description: text(6, "description"),
        offers: if fact(7) == 1 { raw_offers(get(&items.get(index), "offers")) } else { Vec::new() },
        sku,
        kind,
        icon_url,
        renewal_cycle,
    };
    match wrong {
        None => Ok(raw),
        Some(key) => Err(ProductRejection { sku: raw.sku.filter(|s| s.len() <= limits::FIELD).map(str::to_owned), reason: not_string(key) }),
    }
}

fn raw_offers(offers: JsValue) -> Vec<RawOffer> {
    let Some(offers) = as_array(&offers) else { return Vec::new() };
    let text = |o: &JsValue, key: &str| get(o, key).as_string();
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

/// The plain object `products()` resolves with; its display texts from `items`, the list it was read from.
#[inline(never)]
pub fn product_js(p: &JsProduct, items: &Array) -> JsValue {
    let item = items.get(p.display_name.1);
    let text = |key: &str, there: bool| if there { get(&item, key) } else { JsValue::UNDEFINED };
    object(&[
        ("sku", JsValue::from_str(&p.sku)),
        ("type", JsValue::from_str(p.kind.as_str())),
        ("displayName", text("displayName", true)),
        ("displayAmount", text("displayAmount", true)),
        ("iconUrl", opt_str(p.icon_url.as_deref())),
        ("description", if p.description.is_some() { text("description", true) } else { JsValue::from_str("") }),
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
#[inline(never)]
pub fn validate_items(ctx: &Context, items: &JsValue) -> Result<Vec<JsProduct>, RoutedError> {
    let Some(items) = as_array(items) else {
        return Err(RoutedError::new(ErrorCode::InvalidProductData, "products is not an array"));
    };
    let mut facts = vec![u32::MAX; items.length() as usize * FACTS];
    let Some(ids) = read_items(items, &mut facts) else {
        return Err(RoutedError::new(ErrorCode::InvalidProductData, "products could not be read"));
    };
    let mut ids = ids.split('\0');
    let mut raws = Vec::with_capacity(facts.len() / FACTS);
    let mut rejected = Vec::new();
    for (i, facts) in facts.chunks_exact(FACTS).enumerate() {
        let item_ids = next_ids(&mut ids);
        match raw_product(items, i as u32, facts, item_ids) {
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
    let read = |ctx: &Context, items: JsValue| validate_items(ctx, &items).map(|valid| (valid, items));
    fetch_products(ctx, None, read, move |products| match products {
        Ok((products, items)) => Ok(products.iter().map(|p| product_js(p, items.unchecked_ref())).collect::<Array>().into()),
        Err(error) => Err(to_js_error(&error, locale)),
    })
}
