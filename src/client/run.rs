//! Runs the machine: each event to completion (one queue, one loop; an event raised by an effect waits its turn),
//! every effect executed against the SDK, the backend, storage and the app's callbacks, and one timer for the
//! machine's next deadline.

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use super::requests::report_js;
use super::{Inner, Topic, Waiter};
use crate::backend::hand_off;
use ait_iap_core::machine::{Effect, Event, Outcome, PurchaseId};
use crate::js::{get, get_order_id, object, opt_str};
use crate::deferred::{ignore, set_timeout, then};
use crate::js_error::{raw_error, to_js_error};
use crate::sdk::{warn_missing, StartPurchase};
use js_sys::{Function, Promise};
use alloc::rc::Rc;
use wasm_bindgen::prelude::*;

fn now() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

impl Inner {
    /// A purchase is in flight.
    #[cfg(feature = "list")]
    pub(crate) fn busy(&self) -> bool {
        self.machine.borrow().phase().in_flight()
    }

    /// The SDK calls `processProductGrant({orderId})`: the promise settles when the backend has answered
    /// (or the deadline passed). It never rejects into the SDK.
    pub(super) fn order_paid(self: &Rc<Self>, arg: &JsValue) -> Promise {
        let Some(order_id) = get_order_id(arg) else {
            web_sys::console::warn_1(&JsValue::from_str("ait-iap: processProductGrant without orderId"));
            return Promise::resolve(&JsValue::FALSE);
        };
        let promise = Promise::new(&mut |resolve, _reject| {
            self.grant_waiters.borrow_mut().push((order_id.clone(), resolve));
        });
        self.dispatch(Event::OrderPaid { order_id });
        promise
    }

    /// Runs `event` to completion: the machine handles it, its effects run, and so does every event those raise,
    /// in order. Called while a drain runs (from an effect), the event waits in the queue.
    pub(crate) fn dispatch(self: &Rc<Self>, event: Event) {
        self.queue.borrow_mut().push(event);
        if self.draining.replace(true) {
            return;
        }
        let before = self.machine.borrow().phase().name();
        while let Some(event) = self.next_event() {
            let effects = self.machine.borrow_mut().handle(event, now());
            for effect in effects {
                self.execute(effect);
            }
        }
        self.draining.set(false);
        self.wake_at_next_deadline();
        // Listeners hear once per drain, after every effect: one that starts the next purchase (on `completed`)
        // starts a drain of its own.
        if self.machine.borrow().phase().name() != before {
            self.notify();
        }
        if self.machine.borrow().disposed() {
            self.release();
        }
    }

    fn next_event(&self) -> Option<Event> {
        let mut queue = self.queue.borrow_mut();
        (!queue.is_empty()).then(|| queue.remove(0))
    }

    /// Keeps one timer for the machine's next deadline: a new one only when the deadline is earlier than the timer
    /// already set (a timer that finds nothing due makes a harmless `Tick`).
    fn wake_at_next_deadline(self: &Rc<Self>) {
        let Some(at) = self.machine.borrow().next_deadline() else { return };
        if self.wake_at.get().is_some_and(|set| set <= at) {
            return;
        }
        self.wake_at.set(Some(at));
        let weak = Rc::downgrade(self);
        let fire = move || {
            if let Some(inner) = weak.upgrade() {
                if inner.wake_at.get() == Some(at) {
                    inner.wake_at.set(None);
                }
                inner.dispatch(Event::Tick);
            }
        };
        set_timeout(fire, at.saturating_sub(now()));
    }

    /// Resolves the `purchase()` call `id` with `outcome`.
    #[cfg_attr(not(feature = "list"), allow(unused_variables))]
    fn answer(&self, id: PurchaseId, outcome: &Outcome, outcome_js: &JsValue) {
        let waiter = {
            let mut waiting = self.purchases.borrow_mut();
            waiting.iter().position(|(p, _)| *p == id).map(|at| waiting.remove(at).1)
        };
        match waiter {
            Some(Waiter::Promise(resolve)) => drop(resolve.call1(&JsValue::NULL, outcome_js)),
            #[cfg(feature = "list")]
            Some(Waiter::List(done)) => done(outcome),
            None => {}
        }
    }

    fn execute(self: &Rc<Self>, effect: Effect) {
        match effect {
            Effect::StartPurchase { sku, offer_id, kind } => {
                self.start_purchase(StartPurchase { sku: &sku, offer_id: offer_id.as_deref(), kind });
            }
            Effect::PersistOutbox(entries) => {
                let written = self.store.save(entries);
                let weak = Rc::downgrade(self);
                let _ = then(&written, move |ok, _| {
                    if !ok {
                        let text = "storage.setItem failed or took over 2 s: an ungranted order is lost if the page closes";
                        crate::backend::warn_once("storage", text);
                    }
                    if let Some(inner) = weak.upgrade() {
                        inner.dispatch(Event::OutboxSaved);
                    }
                    Ok(JsValue::UNDEFINED)
                });
            }
            Effect::PostGrant { order_id, sku, environment, timeout_ms } => {
                let inner = self.clone();
                hand_off(&self.grant, &order_id.clone(), &sku, environment, timeout_ms, move |reply| {
                    inner.dispatch(Event::GrantReplied { order_id, reply });
                });
            }
            Effect::SettleGrant { order_id, granted } => {
                let settled: Vec<Function> = {
                    let mut waiters = self.grant_waiters.borrow_mut();
                    let (mine, rest): (Vec<_>, Vec<_>) = waiters.drain(..).partition(|(id, _)| *id == order_id);
                    *waiters = rest;
                    mine.into_iter().map(|(_, f)| f).collect()
                };
                for resolve in settled {
                    let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(granted));
                }
            }
            Effect::CompleteProductGrant { order_id } => {
                let inner = self.clone();
                let arg = object(&[("params", object(&[("orderId", JsValue::from_str(&order_id))]))]);
                let _ = then(&self.ctx.sdk.call_async("completeProductGrant", Some(arg)), move |ok, v| {
                    inner.dispatch(Event::CompleteReplied { order_id, ok: ok && v.as_bool() == Some(true) });
                    Ok(JsValue::UNDEFINED)
                });
            }
            Effect::Cleanup => {
                let cleanup = self.cleanup.borrow_mut().take();
                if let Some(cleanup) = cleanup {
                    let _ = cleanup.call0(&JsValue::NULL);
                }
            }
            Effect::Finish { purchase, outcome } => {
                let outcome_js = self.outcome_js(&outcome);
                self.route(&outcome, &outcome_js);
                self.answer(purchase, &outcome, &outcome_js);
            }
            Effect::Refuse { purchase, outcome } => self.answer(purchase, &outcome, &self.outcome_js(&outcome)),
            Effect::Recovered { order_id, sku } => {
                let order = object(&[("orderId", JsValue::from_str(&order_id)), ("sku", JsValue::from_str(&sku))]);
                self.tell(Topic::Recovered, &order);
            }
            Effect::StartRecovery => ignore(&self.recover()),
            Effect::SdkMethodMissing { name } => warn_missing(name),
            Effect::RecoveryDone(report) => {
                let waiters: Vec<Function> = self.recovery_waiters.borrow_mut().drain(..).collect();
                let report = report_js(&report);
                for resolve in waiters {
                    let _ = resolve.call1(&JsValue::NULL, &report);
                }
            }
        }
    }

    /// Calls the app's handler for the outcome's error category, if it gave one (`routes: { transient(error, outcome) }`).
    fn route(&self, outcome: &Outcome, outcome_js: &JsValue) {
        let category = outcome.error.as_ref().map(|e| e.code.category().as_str());
        if let Some(handler) = category.and_then(|c| crate::js::get_function(&self.routes, c)) {
            let _ = handler.call2(&JsValue::NULL, &get(outcome_js, "error"), outcome_js);
        }
    }

    fn start_purchase(self: &Rc<Self>, purchase: StartPurchase<'_>) {
        // The functions leave the cell before the SDK runs: nothing is borrowed while foreign code runs.
        let functions = self.callbacks.borrow().as_ref().map(|cb| {
            (cb.process_product_grant.as_ref().clone(), cb.on_event.as_ref().clone(), cb.on_error.as_ref().clone())
        });
        let Some((process_product_grant, on_event, on_error)) = functions else { return };
        let result = self.ctx.sdk.create_purchase_order(&purchase, process_product_grant.unchecked_ref(), on_event.unchecked_ref(), on_error.unchecked_ref());
        match result {
            Ok(cleanup) => *self.cleanup.borrow_mut() = cleanup,
            Err(e) => self.dispatch(Event::HostFailed { error: raw_error(&e) }),
        }
    }

    fn outcome_js(&self, outcome: &Outcome) -> JsValue {
        object(&[
            ("status", JsValue::from_str(outcome.status.as_str())),
            ("sku", JsValue::from_str(&outcome.sku)),
            ("orderId", opt_str(outcome.order_id.as_deref())),
            ("error", outcome.error.as_ref().map(|e| to_js_error(e, self.ctx.locale)).unwrap_or(JsValue::UNDEFINED)),
        ])
    }
}
