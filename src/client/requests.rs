//! What the app asks of the client: a purchase, a recovery round.

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use super::{Inner, Waiter};
use ait_iap_core::host::BuyFacts;
use ait_iap_core::machine::{Event, PendingOrder, RecoveryReport};
use ait_iap_core::limits;
use crate::js::{as_array, get, get_order_id, get_string, object};
use crate::deferred::then;
use crate::sdk::{detect_host, Host};
use js_sys::{Array, Promise};
use alloc::rc::Rc;
use wasm_bindgen::prelude::*;

impl Inner {

    /// Runs one purchase; the promise resolves with the outcome and never rejects.
    pub(crate) fn purchase(self: &Rc<Self>, sku: &JsValue, options: &JsValue) -> Promise {
        let sku = sku.as_string().filter(|s| s.len() <= limits::FIELD).unwrap_or_default();
        let offer_id = get_string(options, "offerId", limits::FIELD);
        let subscription = get(options, "subscription").as_bool();
        Promise::new(&mut |resolve, _reject| self.buy(sku.clone(), offer_id.clone(), subscription, Waiter::Promise(resolve)))
    }

    /// Buys `sku` (a subscription as the caller says, else as the machine decides from the latest product list and
    /// the offer); `waiter` gets the outcome.
    pub(crate) fn buy(self: &Rc<Self>, sku: String, offer_id: Option<String>, subscription: Option<bool>, waiter: Waiter) {
        let facts = BuyFacts {
            host: detect_host(),
            subscription_method: self.ctx.sdk.has("createSubscriptionPurchaseOrder"),
            listed_as_subscription: self.ctx.subscriptions.borrow().contains(&sku),
        };
        let purchase = self.machine.borrow_mut().next_purchase_id();
        self.purchases.borrow_mut().push((purchase, waiter));
        self.dispatch(Event::Buy { purchase, sku, offer_id, subscription, facts });
    }

    /// One round of recovery: the outbox and the host's pending orders are handed off; completed at Toss
    /// once confirmed. Resolves `{ granted, refused, failed }`.
    pub(crate) fn recover(self: &Rc<Self>) -> Promise {
        let loading = self.loading.borrow().clone();
        if let Some(loaded) = loading {
            let inner = self.clone();
            return then(&loaded, move |_, _| {
                inner.loading.borrow_mut().take();
                Ok(inner.recover().into())
            });
        }
        let inner = self.clone();
        let live = self.machine.borrow().live();
        let listed = if live && self.ctx.sdk.has("getPendingOrders") && detect_host() != Host::Absent {
            self.ctx.sdk.call_async("getPendingOrders", None)
        } else {
            Promise::resolve(&JsValue::UNDEFINED)
        };
        then(&listed, move |ok, reply| {
            let orders = get(&reply, "orders");
            let pending = match as_array(&orders).filter(|_| ok) {
                Some(orders) => orders
                    .iter()
                    .filter_map(|o| {
                        let order_id = get_order_id(&o)?;
                        Some(PendingOrder { order_id, sku: get_string(&o, "sku", limits::FIELD).unwrap_or_default() })
                    })
                    .collect(),
                None => Vec::new(),
            };
            let done = Promise::new(&mut |resolve, _| inner.recovery_waiters.borrow_mut().push(resolve));
            inner.dispatch(Event::Recover { pending, environment: detect_host().environment() });
            Ok(done.into())
        })
    }
}

pub(super) fn report_js(report: &RecoveryReport) -> JsValue {
    let ids = |list: &[String]| list.iter().map(|id| JsValue::from_str(id)).collect::<Array>().into();
    let reasons = |list: &[(String, String)]| {
        list.iter()
            .map(|(id, reason)| object(&[("orderId", JsValue::from_str(id)), ("reason", JsValue::from_str(reason))]))
            .collect::<Array>()
            .into()
    };
    object(&[("granted", ids(&report.granted)), ("refused", reasons(&report.refused)), ("failed", reasons(&report.failed))])
}
