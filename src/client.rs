//! `createIap(options)`: the client that runs the core's purchase engine against the injected SDK, the
//! partner's backend and storage. Every effect the engine asks for is executed here and its result fed back.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::backend::{hand_off, GrantTarget};
use ait_iap_core::error::{ErrorCode, RoutedError};
use ait_iap_core::host::BuyFacts;
use ait_iap_core::machine::{Config, Effect, Event, Machine, Outcome, PendingOrder, PurchaseId, RecoveryReport};
use ait_iap_core::grant::valid_order_id;
use ait_iap_core::subscription_skus::SubscriptionSkus;
use ait_iap_core::limits;
use crate::js::{as_array, get, get_order_id, get_string, object, opt_str, Callback};
use crate::deferred::{ignore, set_timeout, then, within};
use crate::js_error::{read_options, raw_error, to_js_error, Locale};
use crate::outbox_store::{entry_js, parse, OutboxStore, STORAGE_MS};
use crate::context::Context;
use crate::sdk::{detect_host, warn_missing, Host, Sdk, StartPurchase};
use js_sys::{Array, Function, Promise};
use crate::cell::RefCell;
use core::cell::Cell;
use alloc::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

mod lifecycle;


/// The callbacks handed to the SDK. Made once per client and shared by every purchase; they hold the
/// client weakly so that a late call after `dispose()` is a harmless no-op.
struct Callbacks {
    process_product_grant: Callback,
    on_event: Callback,
    on_error: Callback,
    /// `pagehide` and `pageshow` on the window.
    page: Callback,
}

pub(crate) struct Inner {
    machine: RefCell<Machine>,
    /// The SDK, the locale and the catalogue's purchase kinds, shared with products, history and the list.
    pub(crate) ctx: Rc<Context>,
    grant: GrantTarget,
    pub(crate) store: Rc<OutboxStore>,
    /// Settles once the stored outbox is in the machine (storage that answers with a promise), or after
    /// `STORAGE_MS` without an answer (a later answer still joins); `None` after.
    loading: RefCell<Option<Promise>>,
    routes: JsValue,
    callbacks: RefCell<Option<Callbacks>>,
    /// The SDK's cleanup for the purchase in flight.
    cleanup: RefCell<Option<Function>>,
    /// Who waits for each purchase's outcome, by id.
    purchases: RefCell<Vec<(PurchaseId, Waiter)>>,
    /// Events waiting for the machine: one loop drains them (an event raised by an effect waits its turn).
    queue: RefCell<Vec<Event>>,
    draining: Cell<bool>,
    /// When the one timer set for the machine's next deadline fires.
    wake_at: Cell<Option<u64>>,
    /// Pending `processProductGrant` calls, by orderId.
    grant_waiters: RefCell<Vec<(String, Function)>>,
    /// Pending `recoverPendingOrders()` calls.
    recovery_waiters: RefCell<Vec<Function>>,
    /// `subscribe` and `onRecovered` listeners, by id.
    listeners: RefCell<Vec<(u32, Topic, Function)>>,
    next_listener: Cell<u32>,
}

/// Who waits for a purchase's outcome: the app's `purchase()` promise, or the product list (typed, in Rust).
pub(crate) enum Waiter {
    Promise(Function),
    #[cfg(feature = "list")]
    List(Box<dyn FnOnce(&Outcome)>),
}

/// What a listener hears: phase changes (`subscribe`), or orders confirmed after their purchase (`onRecovered`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Topic {
    State,
    Recovered,
}

#[wasm_bindgen]
pub struct IapClient {
    pub(crate) inner: Rc<Inner>,
}

fn now() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

fn js_err(code: ErrorCode, detail: &str, locale: Locale) -> JsValue {
    to_js_error(&RoutedError::new(code, detail), locale)
}

/// `createIap({ sdk, grant, storage?, storageKey?, locale?, routes?, recoverOnStart?, purchaseTimeoutMs?, grantDeadlineMs? })`.
/// Throws a typed error for invalid options: `readOptions` (js/ait-error.js) names the problem, else the SDK's.
#[wasm_bindgen(js_name = createIap)]
pub fn create_iap(options: JsValue) -> Result<IapClient, JsValue> {
    let read = read_options(&options);
    if let Some(problem) = read.as_string() {
        return Err(js_err(ErrorCode::InvalidArgument, &problem, Locale::Ko));
    }
    // The options as `readOptions` read them, by position (the order is its doc comment's).
    let at = |i: u32| -> JsValue {
        let read: &Array = read.unchecked_ref();
        read.get(i)
    };
    let locale = if at(4).is_truthy() { Locale::En } else { Locale::Ko };
    let sdk = Sdk::from_js(&at(0)).map_err(|e| to_js_error(&e, locale))?;
    let grant = GrantTarget::from_js(&at(1), at(9), at(10), at(11));
    let mut config = Config::default();
    if let Some(ms) = at(7).as_f64() {
        config.host_silence_ms = ms as u64;
    }
    if let Some(ms) = at(8).as_f64() {
        config.grant_deadline_ms = ms as u64;
    }
    config.recover_on_start = at(6).is_truthy();
    let store = Rc::new(OutboxStore::new(at(2), at(3).as_string()));
    let (outbox, stored) = store.load();
    let inner = Rc::new_cyclic(|weak: &Weak<Inner>| Inner {
        machine: RefCell::new(Machine::with_outbox(config, outbox)),
        ctx: Rc::new(Context { sdk, locale, subscriptions: RefCell::new(SubscriptionSkus::default()) }),
        grant,
        store,
        loading: RefCell::new(None),
        routes: at(5),
        callbacks: RefCell::new(Some(make_callbacks(weak.clone()))),
        cleanup: RefCell::new(None),
        purchases: RefCell::new(Vec::new()),
        queue: RefCell::new(Vec::new()),
        draining: Cell::new(false),
        wake_at: Cell::new(None),
        grant_waiters: RefCell::new(Vec::new()),
        recovery_waiters: RefCell::new(Vec::new()),
        listeners: RefCell::new(Vec::new()),
        next_listener: Cell::new(0),
    });
    inner.listen_page(true);
    if let Some(stored) = stored {
        let weak = Rc::downgrade(&inner);
        let loaded = then(&stored, move |ok, text| {
            if let Some(inner) = weak.upgrade() {
                let entries = if ok { parse(&text) } else { Vec::new() };
                inner.store.remember(&entries);
                inner.loading.borrow_mut().take();
                inner.dispatch(Event::OutboxLoaded { entries });
            }
            Ok(JsValue::UNDEFINED)
        });
        *inner.loading.borrow_mut() = Some(within(&loaded, STORAGE_MS));
    }
    inner.dispatch(Event::Started { host: detect_host() });
    Ok(IapClient { inner })
}

fn make_callbacks(weak: Weak<Inner>) -> Callbacks {
    let w = weak.clone();
    let process_product_grant = Callback::new(move |arg: JsValue| -> JsValue {
        match w.upgrade() {
            Some(inner) => inner.order_paid(&arg).into(),
            None => Promise::resolve(&JsValue::FALSE).into(),
        }
    });
    let w = weak.clone();
    let on_event = Callback::new(move |event: JsValue| {
        if let Some(inner) = w.upgrade() {
            if get(&event, "type").as_string().as_deref() == Some("success") {
                inner.dispatch(Event::HostSucceeded);
            }
        }
        JsValue::UNDEFINED
    });
    let w = weak.clone();
    let on_error = Callback::new(move |error: JsValue| {
        if let Some(inner) = w.upgrade() {
            inner.dispatch(Event::HostFailed { error: raw_error(&error) });
        }
        JsValue::UNDEFINED
    });
    let page = Callback::new(move |event: JsValue| {
        if let Some(inner) = weak.upgrade() {
            let persisted = get(&event, "persisted").as_bool() == Some(true);
            match get(&event, "type").as_string().as_deref() {
                Some("pagehide") => inner.page_hidden(persisted),
                _ => inner.page_shown(persisted),
            }
        }
        JsValue::UNDEFINED
    });
    Callbacks { process_product_grant, on_event, on_error, page }
}

impl Inner {
    /// A purchase is in flight.
    #[cfg(feature = "list")]
    pub(crate) fn busy(&self) -> bool {
        self.machine.borrow().phase().in_flight()
    }

    /// The SDK calls `processProductGrant({orderId})`: the promise settles when the backend has answered
    /// (or the deadline passed). It never rejects into the SDK.
    fn order_paid(self: &Rc<Self>, arg: &JsValue) -> Promise {
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

    fn state_js(&self) -> JsValue {
        let machine = self.machine.borrow();
        let phase = machine.phase();
        object(&[
            ("phase", JsValue::from_str(phase.name())),
            ("sku", opt_str(phase.sku())),
            ("orderId", opt_str(phase.order_id())),
            ("error", phase.error().map(|e| to_js_error(e, self.ctx.locale)).unwrap_or(JsValue::UNDEFINED)),
        ])
    }

    fn notify(&self) {
        if self.listeners.borrow().iter().any(|(_, topic, _)| *topic == Topic::State) {
            self.tell(Topic::State, &self.state_js());
        }
    }

    /// Calls every listener of `topic` with `value`.
    fn tell(&self, topic: Topic, value: &JsValue) {
        let listeners: Vec<Function> = self.listeners.borrow().iter().filter(|(_, t, _)| *t == topic).map(|(_, _, f)| f.clone()).collect();
        for listener in listeners {
            let _ = listener.call1(&JsValue::NULL, value);
        }
    }

    /// Adds `listener` of `topic`; returns the JS function that removes it.
    pub(crate) fn listen(self: &Rc<Self>, topic: Topic, listener: Function) -> JsValue {
        let id = self.next_listener.get();
        self.next_listener.set(id.wrapping_add(1));
        self.listeners.borrow_mut().push((id, topic, listener));
        let weak = Rc::downgrade(self);
        Callback::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                inner.listeners.borrow_mut().retain(|(i, _, _)| *i != id);
            }
            JsValue::UNDEFINED
        })
        .into_js_value()
    }

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

fn report_js(report: &RecoveryReport) -> JsValue {
    let ids = |list: &[String]| list.iter().map(|id| JsValue::from_str(id)).collect::<Array>().into();
    let reasons = |list: &[(String, String)]| {
        list.iter()
            .map(|(id, reason)| object(&[("orderId", JsValue::from_str(id)), ("reason", JsValue::from_str(reason))]))
            .collect::<Array>()
            .into()
    };
    object(&[("granted", ids(&report.granted)), ("refused", reasons(&report.refused)), ("failed", reasons(&report.failed))])
}

#[wasm_bindgen]
impl IapClient {
    /// Loads and validates the product list. Rejects with a typed error (`APP_TOO_OLD`, `NO_HOST`, …).
    pub fn products(&self) -> Promise {
        crate::products::load_products(self.inner.ctx.clone())
    }

    /// Buys `sku` (`options.offerId` for a subscription offer). Resolves `{ status, sku, orderId?, error? }`;
    /// never rejects for an expected failure.
    pub fn purchase(&self, sku: JsValue, options: JsValue) -> Promise {
        self.inner.purchase(&sku, &options)
    }

    /// Hands off every order paid but not confirmed (the outbox, and the host's pending orders), completes
    /// them at Toss once the backend confirmed. Resolves `{ granted: orderId[], refused, failed }`.
    #[wasm_bindgen(js_name = recoverPendingOrders)]
    pub fn recover_pending_orders(&self) -> Promise {
        self.inner.recover()
    }

    /// Orders paid and not yet confirmed by the backend: `[{ orderId, sku, since, reason, refused? }]`.
    pub fn outbox(&self) -> Array {
        self.inner.machine.borrow().outbox().entries().iter().map(entry_js).collect()
    }

    /// One page of the order history (`key` from the previous page's `nextKey`): `{ orders, nextKey }`.
    #[wasm_bindgen(js_name = historyPage)]
    pub fn history_page(&self, key: JsValue) -> Promise {
        crate::history::history_page(self.inner.ctx.clone(), get_string(&key, "key", limits::KEY).or_else(|| key.as_string()))
    }

    /// The subscription behind `orderId`: `{ status, expiresAt, isAutoRenew, gracePeriodExpiresAt, isAccessible, … }`,
    /// or `null` when it has none.
    #[wasm_bindgen(js_name = subscriptionInfo)]
    pub fn subscription_info(&self, order_id: JsValue) -> Promise {
        match order_id.as_string().filter(|s| valid_order_id(s)) {
            Some(id) => crate::history::subscription_info(self.inner.ctx.clone(), id),
            None => Promise::reject(&js_err(ErrorCode::InvalidArgument, "subscriptionInfo: orderId must be a non-empty string", self.inner.ctx.locale)),
        }
    }

    /// Calls `listener(state)` on every phase change; returns the unsubscribe function.
    pub fn subscribe(&self, listener: Function) -> JsValue {
        self.inner.listen(Topic::State, listener)
    }

    /// Calls `listener({ orderId, sku })` for each order the backend confirmed after its purchase had ended (the user
    /// was told "곧 다시 지급을 시도해요"): by recovery, or a retry that got through. Returns the unsubscribe function.
    #[wasm_bindgen(js_name = onRecovered)]
    pub fn on_recovered(&self, listener: Function) -> JsValue {
        self.inner.listen(Topic::Recovered, listener)
    }

    /// `{ phase, sku?, orderId?, error? }`.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> JsValue {
        self.inner.state_js()
    }

    /// Ends the purchase in flight (if any), calls the SDK's cleanup and settles pending grants as not granted
    /// (the order stays in the outbox and at Toss as pending, and is recovered later). Also runs when the page
    /// unloads; a page kept in the back/forward cache gets its client back on `pageshow`.
    pub fn dispose(&self) {
        self.inner.dispose();
    }
}
