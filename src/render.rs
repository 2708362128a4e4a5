//! `mountProductList(container, client, options?)`: the shop list, keyed by sku. An update touches only the
//! rows and fields that changed. Text goes in only through `textContent` and attributes, never as markup,
//! and product strings stay JS strings on their way to the DOM (no UTF-8 round trip).

#[allow(unused_imports)]
use crate::prelude::*;
use crate::client::{IapClient, Inner, Topic, Waiter};
use ait_iap_core::limits;
use ait_iap_core::product::ProductKind;
use ait_iap_core::text::cat;
use ait_iap_core::view::{cycle_label, icon_allowed, kind_label, offer_label, offer_words, reconcile, text, Text};
use crate::js::{as_array, get, get_function, get_order_id, get_string, Callback};
use crate::deferred::{ignore, then};
use ait_iap_core::error::{ErrorCode, Route, RoutedError};
use ait_iap_core::machine::{Outcome, Status};
use crate::js_error::{message, read_list_options, to_js_error, Locale};
use ait_iap_core::product::Offer;
use crate::products::{fetch_products, validate_items, JsProduct};
use ait_iap_core::grant::Environment;
use crate::sdk::{detect_host, Host};
use crate::catalogue;
use js_sys::{Array, Function, JsString};
use crate::cell::RefCell;
use core::cell::Cell;
use alloc::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, Node};

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
fn attr(e: &Element, name: &str, value: &str) {
    let _ = e.set_attribute(name, value);
}

fn unattr(e: &Element, name: &str) {
    let _ = e.remove_attribute(name);
}

fn append(parent: &Element, child: &Element) {
    let _ = parent.append_child(child);
}

/// A typed error for a container or markup the list cannot work with.
fn unusable(detail: &str) -> JsValue {
    to_js_error(&RoutedError::new(ErrorCode::InvalidArgument, detail), Locale::En)
}

fn first(parent: &Element) -> Result<Element, JsValue> {
    parent.first_element_child().ok_or_else(|| unusable("template"))
}

fn next(e: &Element) -> Result<Element, JsValue> {
    e.next_element_sibling().ok_or_else(|| unusable("template"))
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

/// One rendered row and the values it shows (compared with `===` to touch only what changed).
struct Row {
    key: String,
    li: Element,
    img: Element,
    fallback: Element,
    name: Element,
    kind: Element,
    description: Element,
    price: Element,
    offers: Element,
    buy: Element,
    /// name, description, price, icon URL as shown (JS strings, compared with `===`).
    shown: [JsValue; 4],
    shown_kind: Option<(ProductKind, Option<String>)>,
    shown_offers: Option<Vec<Offer>>,
    /// The buy button's words: 구매, 결제 중… (its purchase is running) or 보유 중 (owned, not buyable).
    words: Text,
    /// The icon shows (else the letter fallback).
    icon_shown: bool,
}


/// What a new row writes, as JS strings made once per list: a `&str` crossing is decoded again at every call.
struct Names {
    data_sku: JsValue,
    aria_label: JsValue,
    src: JsValue,
    /// " 구매" / " Buy": the end of a buy button's accessible name.
    buy: JsValue,
}

struct View {
    inner: Rc<Inner>,
    names: Names,
    container: Element,
    doc: Document,
    lang: Locale,
    list: Element,
    state: Element,
    status: Element,
    template: Element,
    rows: RefCell<Vec<Row>>,
    listeners: RefCell<Vec<(&'static str, bool, Callback)>>,
    /// Cleared by `destroy()`: a load or purchase that ends later must not write into a container the app has
    /// taken back.
    live: Cell<bool>,
    /// Skus of non-consumables the user owns (a completed order in the history, or bought here): not buyable. Each
    /// once, so at most the history's distinct skus and the list's.
    owned: RefCell<Vec<String>>,
    /// Removes the list's `onRecovered` listener from the client.
    unlisten_recovered: RefCell<Option<Function>>,
}

/// How many history pages the list reads to find owned non-consumables.
const OWNED_PAGES: u32 = 10;

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

/// The list's own parts: the keyed rows, the state line (loading, empty, error), the purchase status.
const LIST_HTML: &str = r#"<ul class="ait-iap-list"></ul><div class="ait-iap-state" hidden></div><p class="ait-iap-status" role="status" aria-live="polite"></p>"#;

fn row_template(doc: &Document, lang: Locale, test_badge: bool) -> Result<Element, JsValue> {
    let holder = doc.create_element("ul")?;
    holder.set_inner_html(ROW_HTML);
    let li = first(&holder)?;
    let test = next(&first(&next(&first(&next(&first(&li)?)?)?)?)?)?;
    test.set_text_content(Some(text(Text::TestBadge, lang)));
    toggle(&test, "hidden", !test_badge);
    next(&next(&first(&li)?)?)?.set_text_content(Some(text(Text::Buy, lang)));
    Ok(li)
}

impl View {
    fn new_row(&self, key: String) -> Result<Row, JsValue> {
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
        let row = Row {
            key,
            fallback: next(&img)?,
            img,
            kind,
            offers: next(&price)?,
            price,
            description,
            name,
            buy: next(&body)?,
            li,
            shown: Default::default(),
            shown_kind: None,
            shown_offers: None,
            words: Text::Buy,
            icon_shown: false,
        };
        let sku = JsValue::from_str(&row.key);
        set_attr(&row.li, &self.names.data_sku, &sku);
        set_attr(&row.buy, &self.names.data_sku, &sku);
        Ok(row)
    }

    /// Writes the fields of `p` that differ from what the row shows.
    fn fill(&self, row: &mut Row, p: &JsProduct) {
        let [shown_name, shown_description, shown_price, shown_icon] = &mut row.shown;
        let name = &p.display_name.0;
        if *shown_name != *name {
            set_text(&row.name, name);
            let js_name: &JsString = name.unchecked_ref();
            set_text(&row.fallback, &js_name.char_at(0));
            set_attr(&row.buy, &self.names.aria_label, &self.buy_label(js_name, row.words));
            *shown_name = name.clone();
        }
        let description = p.description.as_ref().map(|t| t.0.clone()).unwrap_or_else(|| JsValue::from_str(""));
        for (shown, value, node) in [(shown_description, &description, &row.description), (shown_price, &p.display_amount.0, &row.price)] {
            if *shown != *value {
                set_text(node, value);
                *shown = value.clone();
            }
        }
        let kind = (p.kind, p.renewal_cycle.clone());
        if row.shown_kind.as_ref() != Some(&kind) {
            let kind_text = kind_label(p.kind, self.lang);
            let label = match p.renewal_cycle.as_deref().and_then(|c| cycle_label(c, self.lang)) {
                Some(c) => cat(&[kind_text, " · ", c]),
                None => kind_text.to_owned(),
            };
            row.kind.set_text_content(Some(&label));
            row.shown_kind = Some(kind);
        }
        let icon = p.icon_url.as_ref().map(|t| t.0.clone()).unwrap_or(JsValue::UNDEFINED);
        if *shown_icon != icon {
            let allowed = icon.as_string().is_some_and(|u| icon_allowed(&u));
            if allowed {
                set_attr(&row.img, &self.names.src, &icon);
            }
            // Which of icon and letter shows is written only when it changes (a new row shows the letter).
            if allowed != row.icon_shown {
                if !allowed {
                    unattr(&row.img, "src");
                }
                toggle(&row.img, "hidden", !allowed);
                toggle(&row.fallback, "hidden", allowed);
                row.icon_shown = allowed;
            }
            *shown_icon = icon;
        }
        if row.shown_offers.as_ref() != Some(&p.offers) {
            self.fill_offers(row, &p.offers);
            row.shown_offers = Some(p.offers.clone());
        }
    }

    fn fill_offers(&self, row: &Row, offers: &[Offer]) {
        row.offers.set_text_content(None);
        for o in offers {
            let Some(label) = offer_label(&o.offer_type, self.lang) else { continue };
            let Ok(button) = el(&self.doc, "button", "ait-iap-offer") else { continue };
            attr(&button, "type", "button");
            attr(&button, "data-sku", &row.key);
            attr(&button, "data-offer-id", &o.offer_id);
            button.set_text_content(Some(&offer_words(label, &o.period, o.display_amount.as_deref(), o.offer_type == "FREE_TRIAL", self.lang)));
            append(&row.offers, &button);
        }
    }

    fn set_state(&self, state: &str, message: Option<&str>, retry: bool) -> Result<(), JsValue> {
        attr(&self.container, "data-state", state);
        self.state.set_text_content(message);
        toggle(&self.state, "hidden", message.is_none());
        if retry {
            let button = el(&self.doc, "button", "ait-iap-retry")?;
            attr(&button, "type", "button");
            attr(&button, "data-action", "reload");
            button.set_text_content(Some(text(Text::Retry, self.lang)));
            append(&self.state, &button);
        }
        Ok(())
    }

    fn show_loading(&self) -> Result<(), JsValue> {
        attr(&self.list, "aria-busy", "true");
        if self.rows.borrow().is_empty() && self.list.child_element_count() == 0 {
            for _ in 0..3 {
                let skeleton = el(&self.doc, "li", "ait-iap-row ait-iap-row--skeleton")?;
                attr(&skeleton, "aria-hidden", "true");
                append(&self.list, &skeleton);
            }
        }
        self.set_state("loading", None, false)?;
        self.list.set_attribute("aria-label", text(Text::Loading, self.lang))
    }

    /// Renders `products` (validated), keyed by sku.
    fn render(&self, products: &[JsProduct]) -> Result<(), JsValue> {
        let new_keys: Vec<&str> = products.iter().map(|p| p.sku.as_str()).collect();
        let focused = self.doc.active_element().filter(|a| self.list.contains(Some(a)));
        let old = core::mem::take(&mut *self.rows.borrow_mut());
        // Skeleton rows are not keyed rows: drop them first.
        if old.is_empty() {
            self.list.set_text_content(None);
        }
        let plan = {
            let old_keys: Vec<&str> = old.iter().map(|r| r.key.as_str()).collect();
            reconcile(&old_keys, &new_keys)
        };
        for row in plan.removed.iter().filter_map(|&i| old.get(i)) {
            row.li.remove();
        }
        let mut slots: Vec<Option<Row>> = old.into_iter().map(Some).collect();
        let mut rows: Vec<Row> = Vec::with_capacity(new_keys.len());
        for (i, key) in new_keys.iter().enumerate() {
            let reused = plan.source.get(i).copied().flatten().and_then(|s| slots.get_mut(s).and_then(Option::take));
            let mut row = match reused {
                Some(r) => r,
                None => self.new_row((*key).to_owned())?,
            };
            if let Some(p) = products.get(i) {
                self.fill(&mut row, p);
            }
            rows.push(row);
        }
        // Place rows back to front; rows on the longest kept run stay where they are.
        let mut anchor: Option<Node> = None;
        for (i, row) in rows.iter().enumerate().rev() {
            if plan.stays.get(i) != Some(&true) {
                self.list.insert_before(&row.li, anchor.as_ref())?;
            }
            anchor = Some(row.li.clone().into());
        }
        let empty = rows.is_empty();
        *self.rows.borrow_mut() = rows;
        // Only after loading: an update that changes nothing must write nothing.
        if self.list.has_attribute("aria-busy") {
            unattr(&self.list, "aria-busy");
            attr(&self.list, "aria-label", text(Text::ListLabel, self.lang));
        }
        unattr(&self.container, "data-error-code");
        if empty {
            self.set_state("empty", Some(text(Text::Empty, self.lang)), false)?;
        } else {
            self.set_state("ready", None, false)?;
        }
        if self.inner.busy() {
            self.set_buttons_disabled(true)?;
        }
        self.show_owned();
        if let Some(f) = focused.and_then(|f| f.dyn_into::<web_sys::HtmlElement>().ok()) {
            if f.is_connected() && self.doc.active_element().as_ref() != Some(&f) {
                let _ = f.focus();
            }
        }
        Ok(())
    }

    fn set_buttons_disabled(&self, disabled: bool) -> Result<(), JsValue> {
        // An owned item's button stays disabled either way.
        let buttons = self.list.query_selector_all("button.ait-iap-offer, li:not([data-owned]) button.ait-iap-buy")?;
        for i in 0..buttons.length() {
            if let Some(b) = buttons.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                toggle(&b, "disabled", disabled);
                flag(&b, "aria-disabled", disabled);
            }
        }
        Ok(())
    }

    /// Reads the order history (page by page, at most `pages`) for completed orders of the non-consumables shown.
    fn find_owned(self: Rc<Self>, key: Option<String>, pages: u32) {
        if key.is_none() {
            self.owned.borrow_mut().clear();
        }
        let page = crate::history::history_page(self.inner.ctx.clone(), key);
        let _ = then(&page, move |ok, page| {
            if !ok || !self.live.get() {
                return Ok(JsValue::UNDEFINED); // no history (an old host): every item stays buyable
            }
            let orders = get(&page, "orders");
            for order in as_array(&orders).into_iter().flat_map(|orders| orders.iter()) {
                if let (Some(sku), Some("COMPLETED")) = (get_string(&order, "sku", limits::FIELD), get_string(&order, "status", 20).as_deref()) {
                    self.own(sku);
                }
            }
            self.show_owned();
            match get_string(&page, "nextKey", limits::KEY) {
                Some(next) if pages > 1 => self.find_owned(Some(next), pages - 1),
                _ => {}
            }
            Ok(JsValue::UNDEFINED)
        });
    }

    /// Notes `sku` as owned, once: a consumable bought in a loop must not add a record per purchase (issue 27).
    fn own(&self, sku: String) {
        let mut owned = self.owned.borrow_mut();
        if !owned.contains(&sku) {
            owned.push(sku);
        }
    }

    /// Owned non-consumables: "보유 중" on a disabled button, and the row marked `data-owned`.
    fn show_owned(&self) {
        let owned = self.owned.borrow();
        for row in self.rows.borrow_mut().iter_mut() {
            let is_owned = matches!(row.shown_kind, Some((ProductKind::NonConsumable, _))) && owned.contains(&row.key);
            // Only a change is written (owned now, or no longer: refunded); a row mid-purchase keeps its busy words.
            if is_owned == (row.words == Text::Owned) || row.words == Text::Busy {
                continue;
            }
            toggle(&row.li, "data-owned", is_owned);
            toggle(&row.buy, "disabled", is_owned);
            flag(&row.buy, "aria-disabled", is_owned);
            self.buy_words(row, if is_owned { Text::Owned } else { Text::Buy });
        }
    }

    /// The buy button's words, and its accessible name to match (WCAG 2.5.3, label in name).
    fn buy_words(&self, row: &mut Row, t: Text) {
        row.words = t;
        row.buy.set_text_content(Some(text(t, self.lang)));
        set_attr(&row.buy, &self.names.aria_label, &self.buy_label(row.shown[0].unchecked_ref(), t));
    }

    /// The buy button's accessible name: the product's name, then the words the button shows.
    fn buy_label(&self, name: &JsString, words: Text) -> JsValue {
        let words = match words {
            Text::Buy => self.names.buy.clone(),
            _ => JsValue::from_str(&cat(&[" ", text(words, self.lang)])),
        };
        name.concat(&words).into()
    }

    /// Shows a purchase's phase or outcome in the row of `sku`, the item the user tapped (the one live region moves
    /// there before its text changes, so screen readers announce it at the item).
    fn status(&self, sku: &str, state: &str, message: &str, order_id: Option<&str>, code: Option<&str>, retry: bool) -> Result<(), JsValue> {
        let node = &self.status;
        let row = self.rows.borrow().iter().find(|r| r.key == sku).map(|r| r.li.clone());
        match row {
            Some(li) => append(&li, node),
            // The row is gone (a reload dropped the product), or the app removed the line: under the list.
            None if !node.is_connected() => append(&self.container, node),
            None => {}
        }
        attr(node, "data-status", state);
        match order_id {
            Some(id) => node.set_attribute("data-order-id", id)?,
            None => node.remove_attribute("data-order-id")?,
        }
        match code {
            Some(code) => node.set_attribute("data-error-code", code)?,
            None => node.remove_attribute("data-error-code")?,
        }
        node.set_text_content(Some(message));
        if retry {
            let button = el(&self.doc, "button", "ait-iap-retry-purchase")?;
            attr(&button, "type", "button");
            attr(&button, "data-sku", sku);
            button.set_text_content(Some(text(Text::Retry, self.lang)));
            append(node, &button);
        }
        Ok(())
    }

    /// Shows the loading state, then the SDK's products (or the error); the promise settles when shown.
    /// `asked`: the answer of a product call the app already started (see `mountProductList`'s `products`).
    fn load(self: Rc<Self>, asked: Option<js_sys::Promise>) -> js_sys::Promise {
        if !self.live.get() {
            return js_sys::Promise::resolve(&JsValue::UNDEFINED);
        }
        if let Err(e) = self.show_loading() {
            return js_sys::Promise::reject(&e);
        }
        // A repeat visit: the shop as the SDK last listed it, until the SDK answers (outside Toss: the error only).
        if self.rows.borrow().is_empty() && detect_host() != Host::Absent {
            // Read in a microtask, before the first paint (storage answering with promises: when it answers).
            let view = self.clone();
            ignore(&then(&catalogue::read(&self.inner.store), move |ok, text| Ok((ok && view.show_stored(&text)).into())));
        }
        let inner = self.inner.clone();
        fetch_products(inner.ctx.clone(), asked, move |products| {
            if !self.live.get() {
                return Ok(JsValue::UNDEFINED);
            }
            match products {
                Ok(products) => {
                    catalogue::save(&self.inner.store, &products);
                    let shown = self.render(&products);
                    if products.iter().any(|p| p.kind == ProductKind::NonConsumable) {
                        self.clone().find_owned(None, OWNED_PAGES);
                    }
                    shown
                }
                Err(error) => self.show_error(&error),
            }
            .map(|_| JsValue::UNDEFINED)
        })
    }

    /// Draws the stored catalogue if the list is still waiting for the SDK's answer (`aria-busy`) and the
    /// catalogue has products. True if drawn.
    fn show_stored(&self, text: &JsValue) -> bool {
        if !self.live.get() || !self.list.has_attribute("aria-busy") {
            return false;
        }
        let products = catalogue::parse(&self.inner.ctx, text);
        !products.is_empty() && self.render(&products).is_ok()
    }

    fn show_error(&self, error: &RoutedError) -> Result<(), JsValue> {
        let message = message(error, self.inner.ctx.locale);
        unattr(&self.list, "aria-busy");
        if self.rows.borrow().is_empty() {
            self.list.set_text_content(None);
        }
        attr(&self.container, "data-error-code", error.code_str());
        match error.code.route() {
            Route::UpdateApp => self.set_state("update-app", Some(&message), false),
            _ => self.set_state("error", Some(&message), error.code.retryable()),
        }
    }

    fn row_busy(&self, sku: &str, busy: bool) -> Result<(), JsValue> {
        if let Some(row) = self.rows.borrow_mut().iter_mut().find(|r| r.key == sku) {
            flag(&row.li, "aria-busy", busy);
            self.buy_words(row, if busy { Text::Busy } else { Text::Buy });
        }
        Ok(())
    }

    fn buy(self: Rc<Self>, sku: String, offer_id: Option<String>) -> Result<(), JsValue> {
        self.set_buttons_disabled(true)?;
        self.row_busy(&sku, true)?;
        self.status(&sku, "requesting", "", None, None, false)?;
        let (inner, tapped) = (self.inner.clone(), sku.clone());
        inner.buy(sku, offer_id, None, Waiter::List(Box::new(move |outcome: &Outcome| drop(self.show_outcome(&tapped, outcome)))));
        Ok(())
    }

    fn show_outcome(&self, sku: &str, outcome: &Outcome) -> Result<(), JsValue> {
        if !self.live.get() {
            return Ok(());
        }
        self.row_busy(sku, false)?;
        self.set_buttons_disabled(false)?;
        let error = outcome.error.as_ref();
        let code = error.map(|e| e.code);
        if outcome.status == Status::Completed || code == Some(ErrorCode::ItemAlreadyOwned) {
            self.own(sku.to_owned());
        }
        // Also what the order history found while this row was busy.
        self.show_owned();
        let (message, retry) = match (outcome.status, error) {
            (Status::Completed, _) => (text(Text::Completed, self.lang).to_owned(), false),
            // The user backed out, or the page went away mid-purchase (back/forward cache): say nothing.
            (Status::Canceled, _) | (_, None) => (String::new(), false),
            (_, Some(e)) if e.code == ErrorCode::Disposed => (String::new(), false),
            (_, Some(e)) => (message(e, self.inner.ctx.locale), e.code.retryable()),
        };
        self.status(sku, outcome.status.as_str(), &message, outcome.order_id.as_deref(), error.map(|e| e.code_str()), retry)
    }

    /// An order confirmed after its purchase ended (the user was told the item would follow): said at its item.
    fn show_recovered(&self, order: &JsValue) {
        let (Some(sku), order_id) = (get_string(order, "sku", limits::FIELD), get_order_id(order)) else { return };
        if self.live.get() && !self.inner.busy() {
            let _ = self.status(&sku, "recovered", text(Text::Recovered, self.lang), order_id.as_deref(), None, false);
        }
    }

    fn on_click(self: &Rc<Self>, event: &Event) {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
        let Ok(Some(button)) = target.closest("button") else { return };
        if button.has_attribute("disabled") {
            return;
        }
        if button.get_attribute("data-action").as_deref() == Some("reload") {
            ignore(&self.clone().load(None));
            return;
        }
        // A second tap while a purchase runs does nothing (the engine would refuse it anyway).
        if self.inner.busy() {
            return;
        }
        let Some(sku) = button.get_attribute("data-sku") else { return };
        let offer_id = button.get_attribute("data-offer-id");
        let _ = self.clone().buy(sku, offer_id);
    }

    /// A broken icon shows the fallback instead (error events do not bubble: listened to in the capture phase).
    fn on_error(self: &Rc<Self>, event: &Event) {
        let Some(img) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
        if img.class_name() != "ait-iap-icon" {
            return;
        }
        if let Some(row) = self.rows.borrow_mut().iter_mut().find(|r| r.img == img) {
            toggle(&row.img, "hidden", true);
            toggle(&row.fallback, "hidden", false);
            row.icon_shown = false;
        }
    }

    fn listen(self: &Rc<Self>, kind: &'static str, capture: bool, handler: fn(&Rc<View>, &Event)) -> Result<(), JsValue> {
        let view = self.clone();
        let closure = Callback::new(move |e: JsValue| {
            handler(&view, e.unchecked_ref());
            JsValue::UNDEFINED
        });
        self.container.add_event_listener_with_callback_and_bool(kind, closure.as_ref().unchecked_ref::<Function>(), capture)?;
        self.listeners.borrow_mut().push((kind, capture, closure));
        Ok(())
    }
}

/// The handle returned to JS. Dropping it (the JS object being garbage-collected) leaves the list working:
/// the view and its listeners live until `destroy()`.
#[wasm_bindgen]
pub struct ProductList {
    view: Rc<View>,
}

/// Draws `client`'s products into `container`; each buy button runs `client.purchase(sku)`.
/// `options`: `{ products?, locale?, testBadge? }`. `products`: the items (no loading), or the promise of an
/// `IAP.getProductItemList()` call the app started before the module was ready (loading until it answers);
/// `testBadge` defaults to the sandbox. Options are checked as createIap's (`readListOptions`, js/options.js): one
/// unknown or of the wrong kind throws INVALID_ARGUMENT naming it.
#[wasm_bindgen(js_name = mountProductList)]
pub fn mount_product_list(container: Element, client: &IapClient, options: JsValue) -> Result<ProductList, JsValue> {
    let read = read_list_options(&options);
    if let Some(problem) = read.as_string() {
        return Err(unusable(&problem));
    }
    let read: &Array = read.unchecked_ref();
    let doc = container.owner_document().ok_or_else(|| unusable("no document"))?;
    let lang = read.get(0).as_bool().map_or(client.inner.ctx.locale, |en| if en { Locale::En } else { Locale::Ko });
    let test_badge = read.get(1).as_bool().unwrap_or_else(|| detect_host().environment() == Environment::Sandbox);
    container.class_list().add_1("ait-iap")?;
    container.set_inner_html(LIST_HTML);
    let list = first(&container)?;
    let state = next(&list)?;
    let status = next(&state)?;
    attr(&list, "aria-label", text(Text::ListLabel, lang));
    let template = row_template(&doc, lang, test_badge)?;
    let names = Names {
        data_sku: JsValue::from_str("data-sku"),
        aria_label: JsValue::from_str("aria-label"),
        src: JsValue::from_str("src"),
        buy: JsValue::from_str(&cat(&[" ", text(Text::Buy, lang)])),
    };
    let view = Rc::new(View {
        inner: client.inner.clone(),
        names,
        container,
        doc,
        lang,
        list,
        state,
        status,
        template,
        rows: RefCell::new(Vec::new()),
        listeners: RefCell::new(Vec::new()),
        live: Cell::new(true),
        owned: RefCell::new(Vec::new()),
        unlisten_recovered: RefCell::new(None),
    });
    let weak = Rc::downgrade(&view);
    let on_recovered = Callback::new(move |order: JsValue| {
        if let Some(view) = weak.upgrade() {
            view.show_recovered(&order);
        }
        JsValue::UNDEFINED
    });
    let unlisten = view.inner.listen(Topic::Recovered, on_recovered.into_js_value().unchecked_into());
    *view.unlisten_recovered.borrow_mut() = unlisten.dyn_into::<Function>().ok();
    view.listen("click", false, View::on_click)?;
    view.listen("error", true, View::on_error)?;
    let products = get(&options, "products");
    if Array::is_array(&products) {
        let valid = validate_items(&view.inner.ctx, &products).map_err(|e| to_js_error(&e, view.inner.ctx.locale))?;
        view.render(&valid)?;
    } else {
        // A pending `IAP.getProductItemList()` the app started before the module was ready: its answer is the list.
        let asked = get_function(&products, "then").map(|_| js_sys::Promise::resolve(&products));
        ignore(&view.clone().load(asked));
    }
    Ok(ProductList { view })
}

#[wasm_bindgen]
impl ProductList {
    /// Shows `products` (same shape as `client.products()`), touching only the rows that changed. After
    /// `destroy()` it does nothing (an app's late fetch may land after the shop was left).
    pub fn update(&self, products: JsValue) -> Result<(), JsValue> {
        if !self.view.live.get() {
            return Ok(());
        }
        let valid = validate_items(&self.view.inner.ctx, &products).map_err(|e| to_js_error(&e, self.view.inner.ctx.locale))?;
        self.view.render(&valid)
    }

    /// Loads the products from the client again (nothing after `destroy()`).
    pub fn reload(&self) -> js_sys::Promise {
        self.view.clone().load(None)
    }

    /// Removes the list, its listeners and what it set on the container; a purchase in flight goes on in the
    /// client, and its outcome is no longer shown here.
    pub fn destroy(&self) {
        let view = &self.view;
        view.live.set(false);
        if let Some(unlisten) = view.unlisten_recovered.borrow_mut().take() {
            let _ = unlisten.call0(&JsValue::NULL);
        }
        for (kind, capture, closure) in view.listeners.borrow_mut().drain(..) {
            let _ = view.container.remove_event_listener_with_callback_and_bool(kind, closure.as_ref().unchecked_ref(), capture);
        }
        view.rows.borrow_mut().clear();
        view.container.set_text_content(None);
        let _ = view.container.class_list().remove_1("ait-iap");
        unattr(&view.container, "data-state");
        unattr(&view.container, "data-error-code");
    }
}

