//! `mountProductList(container, client, options?)`: the shop list, keyed by sku. The core's list model
//! (`ait_iap_core::list`) decides what it shows from events (products, purchases, the order history, load errors);
//! each event's ops go packed (`batch`) in one call to the JS applier (`dom`, js/list-dom.js), which touches only
//! the rows and fields that changed.

mod batch;
mod dom;
mod listener;

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use crate::catalogue;
use crate::cell::RefCell;
use crate::client::{IapClient, Inner, Topic, Waiter};
use crate::deferred::{ignore, then};
use crate::js::{as_array, get, get_function, get_order_id, get_string, Callback};
use crate::js_error::{read_list_options, to_js_error, Locale};
use crate::products::{fetch_products, validate_items, JsProduct, JsText};
use crate::sdk::{detect_host, Host};
use ait_iap_core::grant::Environment;
use ait_iap_core::limits;
use ait_iap_core::list::{ListModel, Op, Shown};
use ait_iap_core::machine::Outcome;
use alloc::rc::Rc;
use batch::Batch;
use core::cell::Cell;
use dom::{apply_ops, unmount_dom, unusable};
use js_sys::Array;
use listener::Unlisten;
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// Texts are compared by the applier, where they live (a comparison here would be a crossing).
impl Shown for JsText {
    fn same(&self, _: &JsText) -> bool {
        false
    }
}

struct View {
    inner: Rc<Inner>,
    model: RefCell<ListModel<JsText>>,
    /// The list's elements (js/list-dom.js).
    dom: JsValue,
    lang: Locale,
    /// The items the rows' products came from (the applier reads their display texts).
    items: RefCell<JsValue>,
    /// Cleared by `destroy()`: a load or purchase that ends later must not write into a container the app has
    /// taken back.
    live: Cell<bool>,
    /// The applier's event handler (its DOM listeners go in `destroy()`) and the client's `onRecovered` listener,
    /// removed when dropped. The handler holds the view: a mounted list works whether or not the app keeps its
    /// handle.
    listeners: RefCell<Option<(Callback, Unlisten)>>,
}

impl View {
    fn apply(&self, ops: Vec<Op>) {
        if ops.is_empty() {
            return;
        }
        let items = self.items.borrow();
        Batch::each_part(&self.model.borrow(), &ops, self.lang, |part, last| apply_ops(&self.dom, &items, &part.ops, &part.text, last));
    }

    /// Shows `products`, read from `items`.
    fn show(&self, products: Vec<JsProduct>, items: JsValue) {
        let ops = self.model.borrow_mut().show(products, self.inner.busy());
        *self.items.borrow_mut() = items;
        self.apply(ops)
    }

    /// Shows the loading state, then the SDK's products (or the error); the promise settles when shown.
    /// `asked`: the answer of a product call the app already started (see `mountProductList`'s `products`).
    fn load(self: Rc<Self>, asked: Option<js_sys::Promise>) -> js_sys::Promise {
        if !self.live.get() {
            return js_sys::Promise::resolve(&JsValue::UNDEFINED);
        }
        let ops = self.model.borrow_mut().load();
        self.apply(ops);
        // A repeat visit: the shop as the SDK last listed it, until the SDK answers (outside Toss: the error only).
        if self.model.borrow().wants_stored() && detect_host() != Host::Absent {
            // Read in a microtask, before the first paint (storage answering with promises: when it answers).
            let view = self.clone();
            ignore(&then(&catalogue::read(&self.inner.store), move |ok, text| Ok((ok && view.show_stored(&text)).into())));
        }
        let inner = self.inner.clone();
        let read = |ctx: &_, items: JsValue| validate_items(ctx, &items).map(|valid| (valid, items));
        fetch_products(inner.ctx.clone(), asked, read, move |products| {
            if !self.live.get() {
                return Ok(JsValue::UNDEFINED);
            }
            let (products, items) = match products {
                Ok(products) => products,
                Err(error) => {
                    let ops = self.model.borrow_mut().failed(&error);
                    self.apply(ops);
                    return Ok(JsValue::UNDEFINED);
                }
            };
            catalogue::save(&self.inner.store, &products, items.unchecked_ref());
            self.show(products, items);
            if self.model.borrow_mut().read_history() {
                self.clone().read_history(None);
            }
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Draws the stored catalogue if the model still waits for the SDK's answer. True if drawn.
    fn show_stored(&self, text: &JsValue) -> bool {
        if !self.live.get() {
            return false;
        }
        let (products, items) = catalogue::parse(&self.inner.ctx, text);
        let stored = self.model.borrow_mut().stored(products, self.inner.busy());
        stored.map(|ops| {
            *self.items.borrow_mut() = items;
            self.apply(ops)
        }).is_some()
    }

    /// Reads a page of the order history for completed orders of the non-consumables shown, then the next one
    /// as the model's history cursor says.
    fn read_history(self: Rc<Self>, key: Option<String>) {
        let page = crate::history::history_page(self.inner.ctx.clone(), key);
        let _ = then(&page, move |ok, page| {
            if !ok || !self.live.get() {
                return Ok(JsValue::UNDEFINED); // no history (an old host): every item stays buyable
            }
            let orders = get(&page, "orders");
            let mut model = self.model.borrow_mut();
            for order in as_array(&orders).into_iter().flat_map(|orders| orders.iter()) {
                if let (Some(sku), Some("COMPLETED")) = (get_string(&order, "sku", limits::FIELD), get_string(&order, "status", 20).as_deref()) {
                    model.own(sku);
                }
            }
            let (ops, next) = model.history_page(get_string(&page, "nextKey", limits::KEY));
            drop(model);
            self.apply(ops);
            if next.is_some() {
                self.read_history(next);
            }
            Ok(JsValue::UNDEFINED)
        });
    }

    fn buy(self: Rc<Self>, sku: String, offer_id: Option<String>) {
        let ops = self.model.borrow_mut().purchase_started(&sku);
        self.apply(ops);
        let (inner, tapped) = (self.inner.clone(), sku.clone());
        inner.buy(sku, offer_id, None, Waiter::List(Box::new(move |outcome: &Outcome| self.show_outcome(&tapped, outcome))));
    }

    fn show_outcome(&self, sku: &str, outcome: &Outcome) {
        if !self.live.get() {
            return;
        }
        let ops = self.model.borrow_mut().outcome(sku, outcome);
        self.apply(ops)
    }

    /// An order confirmed after its purchase ended (the user was told the item would follow): said at its item.
    fn show_recovered(&self, order: &JsValue) {
        let (Some(sku), order_id) = (get_string(order, "sku", limits::FIELD), get_order_id(order)) else { return };
        if self.live.get() {
            let ops = self.model.borrow_mut().recovered(&sku, order_id, self.inner.busy());
            self.apply(ops);
        }
    }

    /// What the applier heard (`listenDom`): a buy or offer button tapped (`[sku, offerId]`), a load's retry
    /// (`undefined`), row `i`'s icon failing to load (`i`: the letter shows instead).
    fn on_event(self: &Rc<Self>, event: JsValue) {
        if let Some(i) = event.as_f64() {
            let ops = self.model.borrow_mut().icon_failed(i as usize);
            self.apply(ops);
        } else if let Some(tapped) = as_array(&event) {
            // A second tap while a purchase runs does nothing (the engine would refuse it anyway).
            if let (false, Some(sku)) = (self.inner.busy(), tapped.get(0).as_string()) {
                self.clone().buy(sku, tapped.get(1).as_string());
            }
        } else {
            ignore(&self.clone().load(None));
        }
    }
}

/// The handle returned to JS. Dropping it (the JS object being garbage-collected) leaves the list working:
/// the view lives in its listeners until `destroy()`.
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
    let lang = read.get(0).as_bool().map_or(client.inner.ctx.locale, |en| if en { Locale::En } else { Locale::Ko });
    let test_badge = read.get(1).as_bool().unwrap_or_else(|| detect_host().environment() == Environment::Sandbox);
    let view = Rc::new(View {
        model: RefCell::new(ListModel::new(lang, client.inner.ctx.locale)),
        inner: client.inner.clone(),
        dom: dom::mount(&container, lang, test_badge)?,
        lang,
        items: RefCell::new(JsValue::UNDEFINED),
        live: Cell::new(true),
        listeners: RefCell::new(None),
    });
    let weak = Rc::downgrade(&view);
    let on_recovered = Callback::new(move |order: JsValue| {
        if let Some(view) = weak.upgrade() {
            view.show_recovered(&order);
        }
        JsValue::UNDEFINED
    });
    let unlisten = Unlisten(view.inner.listen(Topic::Recovered, on_recovered.into_js_value().unchecked_into()).dyn_into().ok());
    let held = view.clone();
    let handler = Callback::new(move |event: JsValue| {
        held.on_event(event);
        JsValue::UNDEFINED
    });
    dom::listen_dom(&view.dom, handler.as_ref());
    *view.listeners.borrow_mut() = Some((handler, unlisten));
    let products = get(&options, "products");
    if Array::is_array(&products) {
        let valid = validate_items(&view.inner.ctx, &products).map_err(|e| to_js_error(&e, view.inner.ctx.locale))?;
        view.show(valid, products);
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
        let view = &self.view;
        if !view.live.get() {
            return Ok(());
        }
        let valid = validate_items(&view.inner.ctx, &products).map_err(|e| to_js_error(&e, view.inner.ctx.locale))?;
        view.show(valid, products);
        Ok(())
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
        unmount_dom(&view.dom);
        // Dropped: the handler (no longer listened to) and the client's listener, which removes itself.
        drop(view.listeners.borrow_mut().take());
        *view.items.borrow_mut() = JsValue::UNDEFINED;
    }
}
