//! The list's DOM lives in JS (js/list-dom.js): it owns the elements and carries out a batch of ops in one call
//! (`batch`), reading the display texts from the items themselves.

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use crate::js_error::{to_js_error, Locale};
use ait_iap_core::error::{ErrorCode, RoutedError};
use ait_iap_core::view::{text, Text};
use wasm_bindgen::prelude::*;
use web_sys::Element;

#[wasm_bindgen(module = "/js/list-dom.js")]
extern "C" {
    #[wasm_bindgen(js_name = mountDom)]
    fn mount_dom(container: &Element, words: &str, test_badge: bool) -> JsValue;
    /// `handler` hears a buy or offer button tapped (`[sku, offerId]`), a load's retry (`undefined`), row `i`'s icon
    /// failing to load (`i`).
    #[wasm_bindgen(js_name = listenDom)]
    pub(super) fn listen_dom(dom: &JsValue, handler: &JsValue);
    /// Also removes the listeners.
    #[wasm_bindgen(js_name = unmountDom)]
    pub(super) fn unmount_dom(dom: &JsValue);
    /// `last`: the update's last part (focus is put back after it).
    #[wasm_bindgen(js_name = applyOps)]
    pub(super) fn apply_ops(dom: &JsValue, items: &JsValue, ops: &[u32], text: &str, last: bool);
}

/// The fixed words, in `Text`'s order: the applier finds them by `Text as u32`.
const WORDS: [Text; 10] = [
    Text::ListLabel,
    Text::Buy,
    Text::Busy,
    Text::Loading,
    Text::Empty,
    Text::Retry,
    Text::TestBadge,
    Text::Completed,
    Text::Owned,
    Text::Recovered,
];

/// The list's elements in `container` (its content replaced); anything but an element cannot hold them (`null` from
/// a `querySelector` that found nothing is the usual case: wasm-bindgen does not check the type).
pub(super) fn mount(container: &Element, lang: Locale, test_badge: bool) -> Result<JsValue, JsValue> {
    let words: Vec<&str> = WORDS.iter().map(|&t| text(t, lang)).collect();
    let dom = mount_dom(container, &words.join("\n"), test_badge);
    if dom.is_null() {
        return Err(unusable("mountProductList: container: not an element"));
    }
    Ok(dom)
}

/// A typed error for a container the list cannot work with.
pub(super) fn unusable(detail: &str) -> JsValue {
    to_js_error(&RoutedError::new(ErrorCode::InvalidArgument, detail), Locale::En)
}
