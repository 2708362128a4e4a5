//! The list's DOM: its elements, and the applier that carries out the model's ops on them. Text goes in only
//! through `textContent` and attributes, never as markup, and product strings stay JS strings on their way to the
//! DOM (no UTF-8 round trip).

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use crate::cell::RefCell;
use crate::js_error::{to_js_error, Locale};
use crate::products::JsText;
use ait_iap_core::error::{ErrorCode, RoutedError};
use ait_iap_core::list::{ListModel, Op, Row, RowOp, StatusLine};
use ait_iap_core::text::cat;
use ait_iap_core::view::{kind_words, offer_label, offer_words, text, Text};
use js_sys::JsString;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Node};

#[wasm_bindgen]
extern "C" {
    /// A DOM element seen untyped, to pass JS values to its setters as they are.
    type JsElement;
    #[wasm_bindgen(method, setter = textContent)]
    fn set_text_content_js(this: &JsElement, value: &JsValue);
    #[wasm_bindgen(method, js_name = setAttribute)]
    fn set_attribute_js(this: &JsElement, name: &JsValue, value: &JsValue);
}

fn set_text(e: &Element, value: &JsValue) {
    e.unchecked_ref::<JsElement>().set_text_content_js(value);
}

fn set_attr(e: &Element, name: &JsValue, value: &JsValue) {
    e.unchecked_ref::<JsElement>().set_attribute_js(name, value);
}

fn el(doc: &Document, tag: &str, class: &str) -> Result<Element, JsValue> {
    let e = doc.create_element(tag)?;
    e.set_class_name(class);
    Ok(e)
}

// DOM writes on our own elements with fixed, valid names cannot fail: their results are not propagated
// (each propagated `?` costs wasm size on the list's hottest paths).
pub(super) fn attr(e: &Element, name: &str, value: &str) {
    let _ = e.set_attribute(name, value);
}

pub(super) fn unattr(e: &Element, name: &str) {
    let _ = e.remove_attribute(name);
}

fn append(parent: &Element, child: &Element) {
    let _ = parent.append_child(child);
}

/// A typed error for a container or markup the list cannot work with.
pub(super) fn unusable(detail: &str) -> JsValue {
    to_js_error(&RoutedError::new(ErrorCode::InvalidArgument, detail), Locale::En)
}

pub(super) fn first(parent: &Element) -> Result<Element, JsValue> {
    parent.first_element_child().ok_or_else(|| unusable("template"))
}

pub(super) fn next(e: &Element) -> Result<Element, JsValue> {
    e.next_element_sibling().ok_or_else(|| unusable("template"))
}

fn set_or_remove(e: &Element, name: &str, value: Option<&str>) {
    match value {
        Some(value) => attr(e, name, value),
        None => unattr(e, name),
    }
}

/// `name="true"` on `e` (ARIA states), or no `name` at all.
fn flag(e: &Element, name: &str, on: bool) {
    if on {
        attr(e, name, "true");
    } else {
        unattr(e, name);
    }
}

fn toggle(e: &Element, name: &str, on: bool) {
    if on {
        attr(e, name, "");
    } else {
        unattr(e, name);
    }
}

/// One row's elements.
pub(super) struct RowElements {
    li: Element,
    pub(super) img: Element,
    fallback: Element,
    name: Element,
    kind: Element,
    description: Element,
    price: Element,
    offers: Element,
    buy: Element,
}

/// What a new row writes, as JS strings made once per list: a `&str` crossing is decoded again at every call.
pub(super) struct Names {
    data_sku: JsValue,
    aria_label: JsValue,
    src: JsValue,
    /// " 구매" / " Buy": the end of a buy button's accessible name.
    buy: JsValue,
}

impl Names {
    pub(super) fn new(lang: Locale) -> Names {
        Names {
            data_sku: JsValue::from_str("data-sku"),
            aria_label: JsValue::from_str("aria-label"),
            src: JsValue::from_str("src"),
            buy: JsValue::from_str(&cat(&[" ", text(Text::Buy, lang)])),
        }
    }
}

/// The row skeleton, cloned for every new row. Constant markup (never data): product texts are written later
/// through `textContent` and attributes only.
const ROW_HTML: &str = concat!(
    r#"<li class="ait-iap-row"><span class="ait-iap-icon-wrap">"#,
    r#"<img class="ait-iap-icon" width="48" height="48" loading="lazy" decoding="async" alt="" hidden>"#,
    r#"<span class="ait-iap-icon ait-iap-icon--fallback" aria-hidden="true"></span></span>"#,
    r#"<div class="ait-iap-body"><span class="ait-iap-name"></span><span class="ait-iap-badges">"#,
    r#"<span class="ait-iap-badge ait-iap-badge--kind"></span><span class="ait-iap-badge ait-iap-badge--test" hidden></span></span>"#,
    r#"<span class="ait-iap-description"></span><span class="ait-iap-price"></span><span class="ait-iap-offers"></span></div>"#,
    r#"<button class="ait-iap-buy" type="button"></button></li>"#,
);

/// Three placeholder rows while the products load.
const SKELETON_HTML: &str = concat!(
    r#"<li class="ait-iap-row ait-iap-row--skeleton" aria-hidden="true"></li>"#,
    r#"<li class="ait-iap-row ait-iap-row--skeleton" aria-hidden="true"></li>"#,
    r#"<li class="ait-iap-row ait-iap-row--skeleton" aria-hidden="true"></li>"#,
);

/// The list's own parts: the keyed rows, the state line (loading, empty, error), the purchase status.
pub(super) const LIST_HTML: &str = r#"<ul class="ait-iap-list"></ul><div class="ait-iap-state" hidden></div><p class="ait-iap-status" role="status" aria-live="polite"></p>"#;

pub(super) fn row_template(doc: &Document, lang: Locale, test_badge: bool) -> Result<Element, JsValue> {
    let holder = doc.create_element("ul")?;
    holder.set_inner_html(ROW_HTML);
    let li = first(&holder)?;
    let test = next(&first(&next(&first(&next(&first(&li)?)?)?)?)?)?;
    test.set_text_content(Some(text(Text::TestBadge, lang)));
    toggle(&test, "hidden", !test_badge);
    next(&next(&first(&li)?)?)?.set_text_content(Some(text(Text::Buy, lang)));
    Ok(li)
}

pub(super) struct Dom {
    pub(super) names: Names,
    pub(super) container: Element,
    pub(super) doc: Document,
    pub(super) lang: Locale,
    pub(super) list: Element,
    pub(super) state: Element,
    pub(super) status: Element,
    pub(super) template: Element,
    /// The rows' elements, in the model's row order.
    pub(super) rows: RefCell<Vec<RowElements>>,
}

impl Dom {
    fn new_row(&self, key: &str) -> Result<RowElements, JsValue> {
        let li: Element = self.template.clone_node_with_deep(true)?.dyn_into()?;
        // Walk the clone by siblings: cheaper than `children()`, which makes a collection per call.
        let wrap = first(&li)?;
        let body = next(&wrap)?;
        let img = first(&wrap)?;
        let name = first(&body)?;
        let badges = next(&name)?;
        let description = next(&badges)?;
        let price = next(&description)?;
        let kind = first(&badges)?;
        let row = RowElements { fallback: next(&img)?, img, kind, offers: next(&price)?, price, description, name, buy: next(&body)?, li };
        let sku = JsValue::from_str(key);
        set_attr(&row.li, &self.names.data_sku, &sku);
        set_attr(&row.buy, &self.names.data_sku, &sku);
        Ok(row)
    }

    /// The buy button's words, and its accessible name to match (WCAG 2.5.3, label in name): the product's name,
    /// then the words.
    fn words(&self, row: &RowElements, name: &JsText, words: Text) {
        row.buy.set_text_content(Some(text(words, self.lang)));
        let end = match words {
            Text::Buy => self.names.buy.clone(),
            _ => JsValue::from_str(&cat(&[" ", text(words, self.lang)])),
        };
        set_attr(&row.buy, &self.names.aria_label, &name.0.unchecked_ref::<JsString>().concat(&end));
    }

    fn set_state(&self, state: &str, message: Option<&str>, retry: bool) {
        attr(&self.container, "data-state", state);
        self.state.set_text_content(message);
        toggle(&self.state, "hidden", message.is_none());
        if retry {
            self.retry(&self.state, "ait-iap-retry", "data-action", "reload");
        }
    }

    /// A retry button in `parent`, with `name="value"` (what it retries).
    fn retry(&self, parent: &Element, class: &str, name: &str, value: &str) {
        if let Ok(button) = el(&self.doc, "button", class) {
            attr(&button, "type", "button");
            attr(&button, name, value);
            button.set_text_content(Some(text(Text::Retry, self.lang)));
            append(parent, &button);
        }
    }

    /// Shows a purchase's phase or outcome in the row of its item (the one live region moves there before its text
    /// changes, so screen readers announce it at the item).
    fn status(&self, line: &StatusLine, rows: &[RowElements]) {
        let node = &self.status;
        match line.row.and_then(|i| rows.get(i)) {
            Some(row) => append(&row.li, node),
            // The row is gone (a reload dropped the product), or the app removed the line: under the list.
            None if !node.is_connected() => append(&self.container, node),
            None => {}
        }
        attr(node, "data-status", line.status);
        set_or_remove(node, "data-order-id", line.order_id.as_deref());
        set_or_remove(node, "data-error-code", line.code.as_deref());
        node.set_text_content(Some(&line.message));
        if line.retry {
            self.retry(node, "ait-iap-retry-purchase", "data-sku", &line.sku);
        }
    }

    fn set_buttons_disabled(&self, disabled: bool) {
        // An owned item's button stays disabled either way.
        let Ok(buttons) = self.list.query_selector_all("button.ait-iap-offer, li:not([data-owned]) button.ait-iap-buy") else { return };
        for i in 0..buttons.length() {
            if let Some(b) = buttons.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                toggle(&b, "disabled", disabled);
                flag(&b, "aria-disabled", disabled);
            }
        }
    }

    /// Writes one change to a row's elements; `shown`: the model's row.
    fn change(&self, row: &RowElements, shown: &Row<JsText>, change: RowOp) {
        let p = &shown.shown;
        match change {
            RowOp::Name => {
                set_text(&row.name, &p.display_name.0);
                set_text(&row.fallback, &p.display_name.0.unchecked_ref::<JsString>().char_at(0));
                self.words(row, &p.display_name, shown.words);
            }
            RowOp::Description => set_text(&row.description, &p.description.as_ref().map(|t| t.0.clone()).unwrap_or_else(|| JsValue::from_str(""))),
            RowOp::Price => set_text(&row.price, &p.display_amount.0),
            RowOp::Kind => row.kind.set_text_content(Some(&kind_words(p.kind, p.renewal_cycle.as_deref(), self.lang))),
            RowOp::IconSrc => {
                if let Some(url) = &p.icon_url {
                    set_attr(&row.img, &self.names.src, &url.0);
                }
            }
            RowOp::NoSrc => unattr(&row.img, "src"),
            RowOp::IconShown(on) => {
                toggle(&row.img, "hidden", !on);
                toggle(&row.fallback, "hidden", on);
            }
            RowOp::Offers => {
                row.offers.set_text_content(None);
                for o in &p.offers {
                    let Some(label) = offer_label(&o.offer_type, self.lang) else { continue };
                    let Ok(button) = el(&self.doc, "button", "ait-iap-offer") else { continue };
                    attr(&button, "type", "button");
                    attr(&button, "data-sku", &p.sku);
                    attr(&button, "data-offer-id", &o.offer_id);
                    button.set_text_content(Some(&offer_words(label, &o.period, o.display_amount.as_deref(), o.offer_type == "FREE_TRIAL", self.lang)));
                    append(&row.offers, &button);
                }
            }
            RowOp::Words(t) => self.words(row, &p.display_name, t),
            RowOp::Owned(on) => {
                toggle(&row.li, "data-owned", on);
                toggle(&row.buy, "disabled", on);
                flag(&row.buy, "aria-disabled", on);
            }
            RowOp::Busy(on) => flag(&row.li, "aria-busy", on),
        }
    }

    /// Carries out `ops`, which `model` (as it is after the event) produced. Focus inside the list stays where it
    /// was when rows move. The DOM calls on the list's own elements cannot fail; a row that could not be made (a
    /// template broken from outside) ends the batch.
    pub(super) fn apply(&self, model: &ListModel<JsText>, ops: Vec<Op>) {
        let mut rows = self.rows.borrow_mut();
        let mut focused = None;
        for &op in &ops {
            match op {
                Op::Busy(on) => flag(&self.list, "aria-busy", on),
                Op::Label(t) => attr(&self.list, "aria-label", text(t, self.lang)),
                // The list is empty here (no rows, no placeholders): constant markup, no data.
                Op::Skeleton => self.list.set_inner_html(SKELETON_HTML),
                Op::Clear => self.list.set_text_content(None),
                Op::ErrorCode(on) => set_or_remove(&self.container, "data-error-code", on.then_some(model.error_code.as_str())),
                Op::State { state, message, retry } => self.set_state(state, message.then_some(model.message.as_str()), retry),
                Op::Remove(old) => {
                    if let Some(row) = rows.get(old) {
                        row.li.remove();
                    }
                }
                Op::Rows => {
                    focused = self.doc.active_element().filter(|a| self.list.contains(Some(a)));
                    let mut slots: Vec<Option<RowElements>> = core::mem::take(&mut *rows).into_iter().map(Some).collect();
                    for (s, key) in model.sources.iter().zip(model.rows.iter().map(|r| &r.shown.sku)) {
                        let kept = s.and_then(|s| slots.get_mut(s).and_then(Option::take));
                        match kept.ok_or(()).or_else(|_| self.new_row(key)) {
                            Ok(row) => rows.push(row),
                            Err(_) => return,
                        }
                    }
                }
                Op::Place(i) => {
                    let anchor: Option<Node> = rows.get(i + 1).map(|r| r.li.clone().into());
                    if let Some(row) = rows.get(i) {
                        let _ = self.list.insert_before(&row.li, anchor.as_ref());
                    }
                }
                Op::Buttons(disabled) => self.set_buttons_disabled(disabled),
                Op::Status => self.status(&model.status, &rows),
                Op::Row(i, change) => {
                    if let (Some(row), Some(shown)) = (rows.get(i), model.rows.get(i)) {
                        self.change(row, shown, change);
                    }
                }
            }
        }
        if let Some(f) = focused.and_then(|f| f.dyn_into::<web_sys::HtmlElement>().ok()) {
            if f.is_connected() && self.doc.active_element().as_ref() != Some(&f) {
                let _ = f.focus();
            }
        }
    }
}
