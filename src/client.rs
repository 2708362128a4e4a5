//! `createIap(options)`: the client that runs the core's purchase machine against the injected SDK and
//! the partner's backend. Every effect the machine asks for is executed here and its result fed back.

use crate::backend::{post_grant, GrantTarget};
use crate::core::error::{ErrorCode, RawError, RoutedError};
use crate::core::machine::{Config, Effect, Event, Machine, Outcome, Phase};
use crate::core::version;
use crate::js::{get, get_string, object, opt_str, set_timeout};
use crate::js_error::{raw_error, to_js_error, Locale};
use crate::products::load_products;
use crate::sdk::{detect_host, Host, Sdk};
use js_sys::{Function, Promise};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

const MAX_ORDER_ID: usize = 200;
const MAX_SKU: usize = 512;

/// The callbacks handed to the SDK. Made once per client and shared by every purchase; they hold the
/// client weakly so that a late call after `dispose()` is a harmless no-op.
struct Callbacks {
    process_product_grant: Closure<dyn FnMut(JsValue) -> Promise>,
    on_event: Closure<dyn FnMut(JsValue)>,
    on_error: Closure<dyn FnMut(JsValue)>,
}

pub(crate) struct Inner {
    machine: RefCell<Machine>,
    sdk: Sdk,
    grant: GrantTarget,
    pub(crate) locale: Locale,
    callbacks: RefCell<Option<Callbacks>>,
    /// The SDK's cleanup for the purchase in flight.
    cleanup: RefCell<Option<Function>>,
    /// Resolves the `purchase()` call being dispatched right now (moved to `finish` once it starts).
    asking: RefCell<Option<Function>>,
    /// Resolves the `purchase()` call in flight.
    finish: RefCell<Option<Function>>,
    /// Pending `processProductGrant` calls, by orderId.
    grant_waiters: RefCell<Vec<(String, Function)>>,
    listeners: RefCell<Vec<(u32, Function)>>,
    next_listener: Cell<u32>,
    last_raw_error: RefCell<Option<JsValue>>,
}

#[wasm_bindgen]
pub struct IapClient {
    pub(crate) inner: Rc<Inner>,
}

fn js_err(code: ErrorCode, detail: &str, locale: Locale) -> JsValue {
    to_js_error(&RoutedError::new(code, detail), locale, None)
}

/// `createIap({ sdk, grant, locale? })`. Throws a typed error for invalid options.
#[wasm_bindgen(js_name = createIap)]
pub fn create_iap(options: JsValue) -> Result<IapClient, JsValue> {
    let locale = Locale::parse(&get(&options, "locale"));
    let sdk = Sdk::from_js(&get(&options, "sdk")).map_err(|e| to_js_error(&e, locale, None))?;
    let grant = GrantTarget::from_js(&get(&options, "grant"))
        .ok_or_else(|| js_err(ErrorCode::InvalidArgument, "grant must be a URL string or { url, headers?, credentials? }", locale))?;
    let mut config = Config::default();
    if let Some(ms) = get(&options, "purchaseTimeoutMs").as_f64().filter(|ms| ms.is_finite() && *ms >= 0.0) {
        config.host_silence_ms = ms as u64;
    }
    let inner = Rc::new_cyclic(|weak: &Weak<Inner>| Inner {
        machine: RefCell::new(Machine::with_config(config)),
        sdk,
        grant,
        locale,
        callbacks: RefCell::new(Some(make_callbacks(weak.clone()))),
        cleanup: RefCell::new(None),
        asking: RefCell::new(None),
        finish: RefCell::new(None),
        grant_waiters: RefCell::new(Vec::new()),
        listeners: RefCell::new(Vec::new()),
        next_listener: Cell::new(0),
        last_raw_error: RefCell::new(None),
    });
    Ok(IapClient { inner })
}

fn make_callbacks(weak: Weak<Inner>) -> Callbacks {
    let w = weak.clone();
    let process_product_grant = Closure::new(move |arg: JsValue| match w.upgrade() {
        Some(inner) => inner.order_paid(&arg),
        None => Promise::resolve(&JsValue::FALSE),
    });
    let w = weak.clone();
    let on_event = Closure::new(move |event: JsValue| {
        if let Some(inner) = w.upgrade() {
            if get(&event, "type").as_string().as_deref() == Some("success") {
                inner.dispatch(Event::HostSucceeded);
            }
        }
    });
    let on_error = Closure::new(move |error: JsValue| {
        if let Some(inner) = weak.upgrade() {
            inner.host_failed(raw_error(&error), Some(error));
        }
    });
    Callbacks { process_product_grant, on_event, on_error }
}

impl Inner {
    pub(crate) fn sdk(&self) -> &Sdk {
        &self.sdk
    }

    fn host_failed(self: &Rc<Self>, error: RawError, raw: Option<JsValue>) {
        *self.last_raw_error.borrow_mut() = raw;
        self.dispatch(Event::HostFailed { error });
    }

    /// The SDK calls `processProductGrant({orderId})`: the promise settles when the backend has answered.
    fn order_paid(self: &Rc<Self>, arg: &JsValue) -> Promise {
        let Some(order_id) = get_string(arg, "orderId", MAX_ORDER_ID).filter(|s| !s.trim().is_empty()) else {
            web_sys::console::warn_1(&JsValue::from_str("ait-iap: processProductGrant called without a usable orderId"));
            return Promise::resolve(&JsValue::FALSE);
        };
        let promise = Promise::new(&mut |resolve, _reject| {
            self.grant_waiters.borrow_mut().push((order_id.clone(), resolve));
        });
        self.dispatch(Event::OrderPaid { order_id });
        promise
    }

    pub(crate) fn dispatch(self: &Rc<Self>, event: Event) {
        let (effects, changed) = {
            let mut machine = self.machine.borrow_mut();
            let before = machine.phase().name();
            let effects = machine.handle(event);
            (effects, machine.phase().name() != before)
        };
        if changed {
            self.notify();
        }
        for effect in effects {
            self.execute(effect);
        }
    }

    fn execute(self: &Rc<Self>, effect: Effect) {
        match effect {
            Effect::StartPurchase { sku } => {
                *self.finish.borrow_mut() = self.asking.borrow_mut().take();
                self.start_purchase(&sku);
            }
            Effect::PostGrant { order_id, sku } => {
                let inner = self.clone();
                spawn_local(async move {
                    let reply = post_grant(&inner.grant, &order_id, &sku, detect_host().environment()).await;
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
            Effect::Cleanup => {
                let cleanup = self.cleanup.borrow_mut().take();
                if let Some(cleanup) = cleanup {
                    let _ = cleanup.call0(&JsValue::NULL);
                }
            }
            Effect::Finish(outcome) => {
                let resolve = self.finish.borrow_mut().take();
                if let Some(resolve) = resolve {
                    let _ = resolve.call1(&JsValue::NULL, &self.outcome_js(&outcome));
                }
            }
            Effect::StartTimer { timer, generation, ms } => {
                let weak = Rc::downgrade(self);
                set_timeout(
                    move || {
                        if let Some(inner) = weak.upgrade() {
                            inner.dispatch(Event::TimerFired { timer, generation });
                        }
                    },
                    ms,
                );
            }
            Effect::Refuse(outcome) => {
                let resolve = self.asking.borrow_mut().take();
                if let Some(resolve) = resolve {
                    let _ = resolve.call1(&JsValue::NULL, &self.outcome_js(&outcome));
                }
            }
        }
    }

    fn start_purchase(self: &Rc<Self>, sku: &str) {
        if detect_host() == Host::Absent {
            let error = RawError { code: Some("NO_HOST".into()), message: Some("no Toss host on this page".into()), ..Default::default() };
            return self.host_failed(error, None);
        }
        let result = {
            let callbacks = self.callbacks.borrow();
            match callbacks.as_ref() {
                Some(cb) => self.sdk.create_one_time_purchase_order(
                    sku,
                    cb.process_product_grant.as_ref().unchecked_ref(),
                    cb.on_event.as_ref().unchecked_ref(),
                    cb.on_error.as_ref().unchecked_ref(),
                ),
                None => return,
            }
        };
        match result {
            Ok(cleanup) => *self.cleanup.borrow_mut() = cleanup,
            Err(e) => self.host_failed(raw_error(&e), Some(e)),
        }
    }

    fn error_js(&self, error: &RoutedError) -> JsValue {
        let raw = self.last_raw_error.borrow();
        to_js_error(error, self.locale, raw.as_ref())
    }

    fn outcome_js(&self, outcome: &Outcome) -> JsValue {
        object(&[
            ("status", JsValue::from_str(outcome.status.as_str())),
            ("sku", JsValue::from_str(&outcome.sku)),
            ("orderId", opt_str(outcome.order_id.as_deref())),
            ("error", outcome.error.as_ref().map(|e| self.error_js(e)).unwrap_or(JsValue::UNDEFINED)),
        ])
    }

    fn state_js(&self) -> JsValue {
        let machine = self.machine.borrow();
        let phase: &Phase = machine.phase();
        object(&[
            ("phase", JsValue::from_str(phase.name())),
            ("sku", opt_str(phase.sku())),
            ("orderId", opt_str(phase.order_id())),
            ("error", phase.error().map(|e| self.error_js(e)).unwrap_or(JsValue::UNDEFINED)),
        ])
    }

    fn notify(&self) {
        let listeners: Vec<Function> = self.listeners.borrow().iter().map(|(_, f)| f.clone()).collect();
        if listeners.is_empty() {
            return;
        }
        let state = self.state_js();
        for listener in listeners {
            let _ = listener.call1(&JsValue::NULL, &state);
        }
    }

    /// Runs one purchase; the promise resolves with the outcome and never rejects.
    pub(crate) fn purchase(self: &Rc<Self>, sku: &JsValue) -> Promise {
        let sku = sku.as_string().filter(|s| s.chars().count() <= MAX_SKU).unwrap_or_default();
        Promise::new(&mut |resolve, _reject| {
            if self.callbacks.borrow().is_none() {
                let error = RoutedError::new(ErrorCode::Disposed, "the client was disposed");
                let outcome = Outcome { status: crate::core::machine::Status::Failed, sku: sku.clone(), order_id: None, error: Some(error) };
                let _ = resolve.call1(&JsValue::NULL, &self.outcome_js(&outcome));
                return;
            }
            *self.asking.borrow_mut() = Some(resolve);
            let host_supports_purchase = match detect_host() {
                Host::Present(info) => info.supports(version::IAP),
                Host::Absent => true, // fails at once with NO_HOST when it starts
            };
            self.dispatch(Event::Buy { sku: sku.clone(), host_supports_purchase });
        })
    }
}

#[wasm_bindgen]
impl IapClient {
    /// Loads and validates the product list. Rejects with a typed error (`APP_TOO_OLD`, `NO_HOST`, …).
    pub fn products(&self) -> Promise {
        load_products(self.inner.clone())
    }

    /// Buys `sku`. Resolves `{ status, sku, orderId?, error? }`; never rejects for an expected failure.
    pub fn purchase(&self, sku: JsValue) -> Promise {
        self.inner.purchase(&sku)
    }

    /// Calls `listener(state)` on every phase change; returns the unsubscribe function.
    pub fn subscribe(&self, listener: Function) -> JsValue {
        let id = self.inner.next_listener.get();
        self.inner.next_listener.set(id.wrapping_add(1));
        self.inner.listeners.borrow_mut().push((id, listener));
        let weak = Rc::downgrade(&self.inner);
        Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                inner.listeners.borrow_mut().retain(|(i, _)| *i != id);
            }
        })
        .into_js_value()
    }

    /// `{ phase, sku?, orderId?, error? }`.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> JsValue {
        self.inner.state_js()
    }

    /// Ends the purchase in flight (if any), calls the SDK's cleanup and settles pending grants as not granted
    /// (the order stays paid-but-ungranted at Toss and is recovered later).
    pub fn dispose(&self) {
        self.inner.dispatch(Event::Dispose);
        let cleanup = self.inner.cleanup.borrow_mut().take();
        if let Some(cleanup) = cleanup {
            let _ = cleanup.call0(&JsValue::NULL);
        }
        let waiters: Vec<(String, Function)> = self.inner.grant_waiters.borrow_mut().drain(..).collect();
        for (_, resolve) in waiters {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::FALSE);
        }
        self.inner.listeners.borrow_mut().clear();
        self.inner.callbacks.borrow_mut().take();
    }
}
