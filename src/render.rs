//! `mountProductList(container, client)`: draws the shop list and runs a purchase from its buy buttons.
//! Text goes in only through `textContent` and attributes, never as markup.

use crate::core::text::cat;
use crate::client::{IapClient, Inner};
use crate::js::get;
use crate::js_error::Locale;
use js_sys::{Array, Function};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Document, Element, Event};

fn el(doc: &Document, tag: &str, class: &str, text: Option<&str>) -> Result<Element, JsValue> {
    let e = doc.create_element(tag)?;
    e.set_class_name(class);
    if let Some(t) = text {
        e.set_text_content(Some(t));
    }
    Ok(e)
}

fn label(locale: Locale, ko: &'static str, en: &'static str) -> &'static str {
    if locale == Locale::En {
        en
    } else {
        ko
    }
}

/// The handle returned to JS. Dropping it (the JS object being garbage-collected) leaves the list working:
/// the view and its listener live until `destroy()`.
#[wasm_bindgen]
pub struct ProductList {
    view: Rc<View>,
}

struct View {
    inner: Rc<Inner>,
    container: Element,
    doc: Document,
    /// The click listener. It holds the view, so the pair stays alive until `destroy()` takes it.
    click: RefCell<Option<Closure<dyn FnMut(Event)>>>,
}

impl View {
    fn status(&self, state: &str, text: &str, order_id: Option<&str>, code: Option<&str>) -> Result<(), JsValue> {
        let node = match self.container.query_selector(".ait-iap-status")? {
            Some(n) => n,
            None => {
                let n = el(&self.doc, "p", "ait-iap-status", None)?;
                n.set_attribute("role", "status")?;
                self.container.append_child(&n)?;
                n
            }
        };
        node.set_attribute("data-status", state)?;
        match order_id {
            Some(id) => node.set_attribute("data-order-id", id)?,
            None => node.remove_attribute("data-order-id")?,
        }
        match code {
            Some(code) => node.set_attribute("data-error-code", code)?,
            None => node.remove_attribute("data-error-code")?,
        }
        node.set_text_content(Some(text));
        Ok(())
    }

    fn render_products(&self, products: &Array) -> Result<(), JsValue> {
        let locale = self.inner.locale;
        self.container.set_text_content(None);
        self.container.remove_attribute("aria-busy")?;
        let list = el(&self.doc, "ul", "ait-iap-list", None)?;
        list.set_attribute("aria-label", label(locale, "상품 목록", "Products"))?;
        for p in products.iter() {
            let sku = get(&p, "sku").as_string().unwrap_or_default();
            let name = get(&p, "displayName").as_string().unwrap_or_default();
            let row = el(&self.doc, "li", "ait-iap-row", None)?;
            row.set_attribute("data-sku", &sku)?;
            let cell = el(&self.doc, "span", "ait-iap-name", Some(&name))?;
            row.append_child(&cell)?;
            let description = get(&p, "description").as_string().unwrap_or_default();
            let cell = el(&self.doc, "span", "ait-iap-description", Some(&description))?;
            row.append_child(&cell)?;
            let amount = get(&p, "displayAmount").as_string().unwrap_or_default();
            let cell = el(&self.doc, "span", "ait-iap-price", Some(&amount))?;
            row.append_child(&cell)?;
            let buy = el(&self.doc, "button", "ait-iap-buy", Some(label(locale, "구매", "Buy")))?;
            buy.set_attribute("type", "button")?;
            buy.set_attribute("data-sku", &sku)?;
            buy.set_attribute("aria-label", &cat(&[name.as_str(), " ", label(locale, "구매", "buy")]))?;
            row.append_child(&buy)?;
            list.append_child(&row)?;
        }
        self.container.append_child(&list)?;
        Ok(())
    }

    fn set_buttons_disabled(&self, disabled: bool) -> Result<(), JsValue> {
        let buttons = self.container.query_selector_all("button.ait-iap-buy")?;
        for i in 0..buttons.length() {
            if let Some(b) = buttons.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                if disabled {
                    b.set_attribute("disabled", "")?;
                    b.set_attribute("aria-disabled", "true")?;
                } else {
                    b.remove_attribute("disabled")?;
                    b.remove_attribute("aria-disabled")?;
                }
            }
        }
        Ok(())
    }

    async fn load(self: Rc<Self>) -> Result<(), JsValue> {
        self.container.set_attribute("aria-busy", "true")?;
        match JsFuture::from(crate::products::load_products(self.inner.clone())).await {
            Ok(products) => self.render_products(&Array::from(&products)),
            Err(error) => {
                self.container.remove_attribute("aria-busy")?;
                let text = get(&error, "message").as_string().unwrap_or_default();
                let code = get(&error, "code").as_string().unwrap_or_default();
                self.status("error", &text, None, Some(&code))?;
                self.container.set_attribute("data-error-code", &code)
            }
        }
    }

    async fn buy(self: Rc<Self>, sku: String) -> Result<(), JsValue> {
        let locale = self.inner.locale;
        self.set_buttons_disabled(true)?;
        self.status("requesting", label(locale, "결제 진행 중…", "Purchase in progress…"), None, None)?;
        let outcome = JsFuture::from(self.inner.purchase(&JsValue::from_str(&sku), &JsValue::UNDEFINED)).await?;
        self.set_buttons_disabled(false)?;
        let status = get(&outcome, "status").as_string().unwrap_or_default();
        let order_id = get(&outcome, "orderId").as_string();
        let text = match status.as_str() {
            "completed" => label(locale, "구매를 완료했어요.", "Purchase completed.").to_owned(),
            "canceled" => String::new(),
            _ => get(&get(&outcome, "error"), "message").as_string().unwrap_or_default(),
        };
        let code = get(&get(&outcome, "error"), "code").as_string();
        self.status(&status, &text, order_id.as_deref(), code.as_deref())
    }
}

/// Draws `client`'s products into `container`; each buy button runs `client.purchase(sku)`.
#[wasm_bindgen(js_name = mountProductList)]
pub fn mount_product_list(container: Element, client: &IapClient) -> Result<ProductList, JsValue> {
    let doc = container.owner_document().ok_or_else(|| JsValue::from_str("container is not in a document"))?;
    container.class_list().add_1("ait-iap")?;
    let view = Rc::new(View { inner: client.inner.clone(), container: container.clone(), doc, click: RefCell::new(None) });
    let v = view.clone();
    let click = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        let button = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("button.ait-iap-buy[data-sku]").ok().flatten());
        // A second tap while a purchase runs does nothing (the engine would refuse it anyway).
        if v.inner.busy() {
            return;
        }
        if let Some(sku) = button.filter(|b| !b.has_attribute("disabled")).and_then(|b| b.get_attribute("data-sku")) {
            // Disabled now, not in the spawned task: a second click in the same task must find them disabled.
            let _ = v.set_buttons_disabled(true);
            let v = v.clone();
            spawn_local(async move {
                let _ = v.buy(sku).await;
            });
        }
    });
    container.add_event_listener_with_callback("click", click.as_ref().unchecked_ref::<Function>())?;
    *view.click.borrow_mut() = Some(click);
    let loading = view.clone();
    spawn_local(async move {
        let _ = loading.load().await;
    });
    Ok(ProductList { view })
}

#[wasm_bindgen]
impl ProductList {
    /// Removes the list and its listener.
    pub fn destroy(&self) {
        let click = self.view.click.borrow_mut().take();
        if let Some(click) = click {
            let _ = self.view.container.remove_event_listener_with_callback("click", click.as_ref().unchecked_ref());
        }
        self.view.container.set_text_content(None);
    }
}
