//! `createIap(options)`: the client that runs the core's purchase engine against the injected SDK, the
//! partner's backend and storage. Every effect the engine asks for is executed here and its result fed back.

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use crate::backend::GrantTarget;
use ait_iap_core::error::{ErrorCode, RoutedError};
use ait_iap_core::machine::{Config, Event, Machine, PurchaseId};
use ait_iap_core::grant::valid_order_id;
use ait_iap_core::subscription_skus::SubscriptionSkus;
use ait_iap_core::limits;
use crate::js::{get, get_string, Callback};
use crate::deferred::{then, within};
use crate::js_error::{read_options, raw_error, to_js_error, Locale};
use crate::outbox_store::{entry_js, parse, OutboxStore, STORAGE_MS};
use crate::context::Context;
use crate::sdk::{detect_host, Sdk};
use js_sys::{Array, Function, Promise};
use crate::cell::RefCell;
use core::cell::Cell;
use alloc::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

mod lifecycle;
mod listeners;
mod requests;
mod run;


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
    List(Box<dyn FnOnce(&ait_iap_core::machine::Outcome)>),
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
