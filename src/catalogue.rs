//! The last product list the SDK answered, kept in the client's storage: on a repeat visit the list draws it at
//! first paint, and the SDK's answer then reconciles the rows (changed fields rewritten, removed rows gone).

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use crate::context::Context;
use crate::deferred::ignore;
use crate::js::parse_json;
use crate::outbox_store::OutboxStore;
use crate::products::{product_js, validate_items, JsProduct};
use js_sys::{Array, Promise};
use wasm_bindgen::JsValue;

const KEY: &str = "ait-iap:catalogue";

/// The promise of the stored catalogue's text (storage may answer at once or with a promise).
pub fn read(store: &OutboxStore) -> Promise {
    Promise::resolve(&store.read(KEY))
}

/// The stored products, validated again as any list is (storage is outside data), and the items they came from;
/// anything unreadable: none.
pub fn parse(ctx: &Context, text: &JsValue) -> (Vec<JsProduct>, JsValue) {
    let items = parse_json(text);
    (validate_items(ctx, &items).unwrap_or_default(), items)
}

/// Keeps `products` (read from `items`) for the next visit; a storage that fails is no reason to bother the app.
pub fn save(store: &OutboxStore, products: &[JsProduct], items: &Array) {
    let list: Array = products.iter().map(|p| product_js(p, items)).collect();
    if let Ok(text) = js_sys::JSON::stringify(&list) {
        ignore(&store.write_text(KEY, &String::from(text)));
    }
}
