//! The purchase engine: (state, event, now) → (state, effects). No I/O, no clock, no randomness: the
//! boundary executes the effects and feeds what happened back as events, with the current time.
//!
//! It runs one purchase at a time (the phase), and any number of hand-offs of paid orderIds to the backend
//! (the purchase's own, and those recovery found), each with retries and a deadline (machine/handoff.rs). Every
//! paid orderId is in the outbox before its first hand-off and leaves it only when the backend confirmed.
//!
//! Time is state, as in str0m: `next_deadline()` says when the machine next needs a `Tick` (the host's silence
//! running out, a retry, a deadline), and the boundary keeps one timer for it.

#[allow(unused_imports)]
use crate::prelude::*;
use super::error::{ErrorCode, GrantFailure, RawError, RoutedError};
use super::grant::GrantReply;
use super::outbox::{Outbox, OutboxEntry, OutboxReason};
use super::small_map::{VecMap, VecSet};
use handoff::{First, HandOff, Origin, Stage};

mod handoff;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurchaseKind {
    OneTime,
    Subscription,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Phase {
    #[default]
    Idle,
    /// The order sheet is open; no orderId yet.
    Requesting { sku: String },
    /// The host reported the payment (orderId known); the order is going into the outbox.
    Purchased { sku: String, order_id: String },
    /// The backend hand-off is in flight (with retries until the deadline).
    Granting { sku: String, order_id: String },
    /// We answered the host's `processProductGrant` with `granted`; waiting for its verdict.
    Confirming { sku: String, order_id: String, granted: bool },
    Completed { sku: String, order_id: String },
    Canceled { sku: String },
    Pending { sku: String },
    Failed { sku: String, order_id: Option<String>, error: RoutedError },
}

impl Phase {
    #[inline]
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Requesting { .. } => "requesting",
            Phase::Purchased { .. } => "purchased",
            Phase::Granting { .. } => "granting",
            Phase::Confirming { .. } => "confirming",
            Phase::Completed { .. } => "completed",
            Phase::Canceled { .. } => "canceled",
            Phase::Pending { .. } => "pending",
            Phase::Failed { .. } => "failed",
        }
    }

    /// A purchase is in flight: a new one must be refused.
    #[inline]
    pub fn in_flight(&self) -> bool {
        matches!(self, Phase::Requesting { .. } | Phase::Purchased { .. } | Phase::Granting { .. } | Phase::Confirming { .. })
    }

    #[inline]
    pub fn sku(&self) -> Option<&str> {
        match self {
            Phase::Idle => None,
            Phase::Requesting { sku }
            | Phase::Purchased { sku, .. }
            | Phase::Granting { sku, .. }
            | Phase::Confirming { sku, .. }
            | Phase::Completed { sku, .. }
            | Phase::Canceled { sku }
            | Phase::Pending { sku }
            | Phase::Failed { sku, .. } => Some(sku),
        }
    }

    #[inline]
    pub fn order_id(&self) -> Option<&str> {
        match self {
            Phase::Purchased { order_id, .. }
            | Phase::Granting { order_id, .. }
            | Phase::Confirming { order_id, .. }
            | Phase::Completed { order_id, .. } => Some(order_id),
            Phase::Failed { order_id, .. } => order_id.as_deref(),
            _ => None,
        }
    }

    #[inline]
    pub fn error(&self) -> Option<&RoutedError> {
        match self {
            Phase::Failed { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// A paid-but-ungranted order the host listed (`getPendingOrders`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOrder {
    pub order_id: String,
    pub sku: String,
}

/// What the host can do for a purchase, read once when the app asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostSupport {
    Ready,
    /// A plain browser: no Toss app around the page.
    Absent,
    /// The Toss app is older than the SDK's gate for this kind of purchase: the SDK would silently do nothing.
    BelowGate,
    /// The app's SDK version has no method for this kind of purchase (subscriptions before web-framework 2).
    MethodMissing,
}

/// Names one `purchase()` call: its `Buy` event and the `Finish` or `Refuse` that answers it carry the same id.
pub type PurchaseId = u32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The app asked to buy `sku`, on a host that can do `host` for it.
    Buy { purchase: PurchaseId, sku: String, offer_id: Option<String>, kind: PurchaseKind, host: HostSupport },
    /// The host called our `processProductGrant` with this orderId (the payment went through).
    OrderPaid { order_id: String },
    /// The stored outbox, read after the client started (storage that answers with a promise, like the SDK's
    /// `Storage`): its entries join the outbox, except orders confirmed meanwhile.
    OutboxLoaded { entries: Vec<OutboxEntry> },
    /// The outbox asked for by `PersistOutbox` was written (or could not be; the hand-off goes on either way).
    OutboxSaved,
    /// The backend answered the hand-off of `order_id`.
    GrantReplied { order_id: String, reply: GrantReply },
    /// The purchase stream emitted `success`.
    HostSucceeded,
    /// The purchase stream (or the SDK call) failed.
    HostFailed { error: RawError },
    /// Recover: hand off every outbox entry and every order the host lists as pending.
    Recover { pending: Vec<PendingOrder> },
    /// `completeProductGrant` answered.
    CompleteReplied { order_id: String, ok: bool },
    /// Time passed: the boundary's one timer fired at (or after) `next_deadline()`.
    Tick,
    /// The client is being disposed (or its page hidden into the back/forward cache).
    Dispose,
    /// The page came back from the back/forward cache: the machine works again.
    Resume,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Completed,
    Canceled,
    Pending,
    Failed,
}

impl Status {
    #[inline]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::Canceled => "canceled",
            Status::Pending => "pending",
            Status::Failed => "failed",
        }
    }
}

/// What `purchase()` resolves with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub sku: String,
    pub order_id: Option<String>,
    pub error: Option<RoutedError>,
}

/// What one round of recovery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Confirmed by the backend (and completed at Toss where the host listed them).
    pub granted: Vec<String>,
    /// Refused by the backend (still in the outbox, with the reason).
    pub refused: Vec<(String, String)>,
    /// Not confirmed before the deadline, or Toss was not told (tried again next recovery).
    pub failed: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Open the order sheet through the SDK.
    StartPurchase { sku: String, offer_id: Option<String>, kind: PurchaseKind },
    /// Write the outbox (the whole list) to storage, then feed `OutboxSaved`.
    PersistOutbox(Vec<OutboxEntry>),
    /// POST the orderId to the backend, giving up on this attempt after `timeout_ms`.
    PostGrant { order_id: String, sku: String, timeout_ms: u64 },
    /// Settle every pending `processProductGrant` call for this order.
    SettleGrant { order_id: String, granted: bool },
    /// Tell Toss the grant of a recovered order finished (only ever after the backend confirmed it).
    CompleteProductGrant { order_id: String },
    /// Call the SDK's cleanup for the current purchase.
    Cleanup,
    /// Resolve the `purchase()` call that ran.
    Finish { purchase: PurchaseId, outcome: Outcome },
    /// Resolve the `purchase()` call that asked, at once (refused, or impossible on this host).
    Refuse { purchase: PurchaseId, outcome: Outcome },
    /// Resolve every pending `recoverPendingOrders()` call.
    RecoveryDone(RecoveryReport),
    /// An order kept for a later hand-off (not the purchase in flight) was confirmed: tell the app and the list.
    Recovered { order_id: String, sku: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How long the host may stay silent (order sheet open, or after our grant answer) before `TIMEOUT`.
    pub host_silence_ms: u64,
    /// A hand-off settles by then (the host waits ~30 s for `processProductGrant`).
    pub grant_deadline_ms: u64,
    /// One POST gives up after this long.
    pub attempt_timeout_ms: u64,
    /// Retry backoff: base × 2^(attempt−1), capped.
    pub retry_base_ms: u64,
    pub retry_max_ms: u64,
}

pub const DEFAULT_HOST_SILENCE_MS: u64 = 5 * 60 * 1000;

/// How many confirmed orderIds the machine remembers (the most recent): the host asking again about one of them
/// (a second `processProductGrant`, a pending order, a late stored outbox) is answered without a second hand-off.
/// An older one asked about again costs one more idempotent hand-off, never a lost or doubled grant; without the
/// cap a long session kept every orderId it ever sold (issue 27).
pub const CONFIRMED_KEPT: usize = 32;

impl Default for Config {
    #[inline]
    fn default() -> Self {
        Config {
            host_silence_ms: DEFAULT_HOST_SILENCE_MS,
            grant_deadline_ms: 25_000,
            attempt_timeout_ms: 8_000,
            retry_base_ms: 500,
            retry_max_ms: 4_000,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Machine {
    phase: Phase,
    /// The `purchase()` call the phase belongs to.
    purchase: PurchaseId,
    config: Config,
    outbox: Outbox,
    handoffs: VecMap<String, HandOff>,
    /// While the purchase waits on the host (order sheet open, or our grant answer given): when it times out.
    silence_until: Option<u64>,
    /// The last `CONFIRMED_KEPT` orders the backend confirmed in this session.
    confirmed: VecSet<String>,
    /// `completeProductGrant` calls in flight.
    completing: VecSet<String>,
    recovery: Option<RecoveryReport>,
    /// Why the purchase's own order was not confirmed: the cause of the error the purchase ends with.
    grant_failure: Option<GrantFailure>,
    /// After `Dispose` (until `Resume`) a recovery round hands nothing off (a client created next does that work).
    disposed: bool,
    now: u64,
    effects: Vec<Effect>,
}

impl Machine {
    #[inline]
    pub fn new() -> Self {
        Self::default()
    }

    #[inline]
    pub fn with_config(config: Config) -> Self {
        Machine { config, ..Self::default() }
    }

    /// A machine whose outbox was loaded from storage.
    #[inline]
    pub fn with_outbox(config: Config, outbox: Outbox) -> Self {
        Machine { config, outbox, ..Self::default() }
    }

    #[inline]
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    #[inline]
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    #[inline]
    pub fn handle(&mut self, event: Event, now: u64) -> Vec<Effect> {
        self.now = now;
        let before = self.phase.name();
        match event {
            Event::Buy { purchase, sku, offer_id, kind, host } => self.buy(purchase, sku, offer_id, kind, host),
            Event::OrderPaid { order_id } => self.order_paid(order_id),
            Event::OutboxLoaded { entries } => {
                let confirmed = &self.confirmed;
                self.outbox.merge_loaded(entries, |id| confirmed.contains(id));
            }
            Event::OutboxSaved => self.outbox_saved(),
            Event::GrantReplied { order_id, reply } => self.grant_replied(order_id, reply),
            Event::HostSucceeded => self.host_succeeded(),
            Event::HostFailed { error } => self.host_failed(error),
            Event::Recover { pending } => self.recover(pending),
            Event::CompleteReplied { order_id, ok } => self.complete_replied(order_id, ok),
            Event::Tick => self.tick(),
            Event::Dispose => self.dispose(),
            Event::Resume => self.disposed = false,
        }
        if self.phase.name() != before {
            // Entering a phase that waits on the host (re)starts the silence clock; leaving one stops it.
            let waits_on_host = matches!(self.phase, Phase::Requesting { .. } | Phase::Confirming { .. });
            self.silence_until = waits_on_host.then(|| now.saturating_add(self.config.host_silence_ms));
        }
        self.finish_recovery_if_done();
        core::mem::take(&mut self.effects)
    }

    #[inline]
    fn emit(&mut self, effect: Effect) {
        self.effects.push(effect);
    }

    /// When the machine next needs `Tick` without any other event (the boundary keeps one timer for it): the host's
    /// silence running out, a hand-off's retry or deadline.
    #[inline]
    pub fn next_deadline(&self) -> Option<u64> {
        self.silence_until.into_iter().chain(self.handoffs.values().filter_map(HandOff::next_deadline)).min()
    }

    #[inline]
    fn tick(&mut self) {
        if self.silence_until.is_some_and(|at| at <= self.now) {
            self.silence_until = None;
            if matches!(self.phase, Phase::Requesting { .. } | Phase::Confirming { .. }) {
                self.fail(RoutedError::new(ErrorCode::Timeout, "host silent"));
            }
        }
        self.handoffs_tick();
    }

    #[inline]
    fn persist(&mut self) {
        let entries = self.outbox.entries().to_vec();
        self.emit(Effect::PersistOutbox(entries));
    }

    #[inline]
    fn finish(&mut self, phase: Phase, status: Status) {
        let error = phase.error().cloned();
        self.finish_with(phase, status, error);
    }

    /// Ends the purchase; `error` also travels with canceled and pending outcomes (for their messages).
    #[inline]
    fn finish_with(&mut self, phase: Phase, status: Status, error: Option<RoutedError>) {
        let outcome = Outcome {
            status,
            sku: phase.sku().unwrap_or_default().to_owned(),
            order_id: phase.order_id().map(str::to_owned),
            error,
        };
        self.phase = phase;
        self.emit(Effect::Cleanup);
        self.emit(Effect::Finish { purchase: self.purchase, outcome });
    }

    #[inline]
    fn fail(&mut self, mut error: RoutedError) {
        if let Phase::Confirming { granted: false, .. } = self.phase {
            error.cause = self.grant_failure.take();
        }
        let sku = self.phase.sku().unwrap_or_default().to_owned();
        let order_id = self.phase.order_id().map(str::to_owned).or_else(|| error.order_id.clone());
        let error = RoutedError { order_id: order_id.clone(), ..error };
        self.finish(Phase::Failed { sku, order_id, error }, Status::Failed);
    }

    #[inline]
    fn refuse(&mut self, purchase: PurchaseId, sku: String, error: RoutedError) {
        self.emit(Effect::Refuse { purchase, outcome: Outcome { status: Status::Failed, sku, order_id: None, error: Some(error) } });
    }

    #[inline]
    fn buy(&mut self, purchase: PurchaseId, sku: String, offer_id: Option<String>, kind: PurchaseKind, host: HostSupport) {
        if self.disposed {
            return self.refuse(purchase, sku, RoutedError::new(ErrorCode::Disposed, "disposed"));
        }
        if self.phase.in_flight() {
            return self.refuse(purchase, sku, RoutedError::new(ErrorCode::PurchaseInFlight, "in flight"));
        }
        if sku.trim().is_empty() {
            return self.refuse(purchase, sku, RoutedError::new(ErrorCode::InvalidArgument, "purchase: sku must be a non-empty string"));
        }
        if host == HostSupport::BelowGate {
            let error = RoutedError::new(ErrorCode::AppTooOld, "below the SDK version gate");
            self.phase = Phase::Failed { sku: sku.clone(), order_id: None, error: error.clone() };
            return self.refuse(purchase, sku, error);
        }
        self.purchase = purchase;
        self.phase = Phase::Requesting { sku: sku.clone() };
        // Nothing to open the order sheet with: the purchase fails as one that started (routed, outcome as usual).
        match host {
            HostSupport::Absent => return self.fail(RoutedError::new(ErrorCode::NoHost, "no Toss app around the page")),
            HostSupport::MethodMissing => return self.fail(RoutedError::new(ErrorCode::AppTooOld, "the SDK has no method for this purchase")),
            _ => {}
        }
        self.grant_failure = None;
        self.emit(Effect::StartPurchase { sku, offer_id, kind });
    }

    /// Moves the purchase on when its own order's hand-off settles: confirmed, or not for `failure`.
    #[inline]
    fn purchase_settled(&mut self, order_id: &str, failure: Option<GrantFailure>) {
        if let Phase::Purchased { sku, order_id: o } | Phase::Granting { sku, order_id: o } = &self.phase {
            if o == order_id {
                let granted = failure.is_none();
                self.phase = Phase::Confirming { sku: sku.clone(), order_id: o.clone(), granted };
                self.grant_failure = failure;
            }
        }
    }

    #[inline]
    fn order_paid(&mut self, order_id: String) {
        if self.confirmed.contains(&order_id) && !self.outbox.contains(&order_id) {
            // Already confirmed: answer the same again, no second hand-off.
            if let Phase::Requesting { sku } = &self.phase {
                self.phase = Phase::Confirming { sku: sku.clone(), order_id: order_id.clone(), granted: true };
            }
            return self.emit(Effect::SettleGrant { order_id, granted: true });
        }
        let in_purchase = matches!(self.phase, Phase::Requesting { .. });
        let sku = match &self.phase {
            Phase::Requesting { sku } => sku.clone(),
            _ => self.outbox.sku_of(&order_id).unwrap_or_default().to_owned(),
        };
        if let Phase::Requesting { .. } = self.phase {
            self.phase = Phase::Purchased { sku: sku.clone(), order_id: order_id.clone() };
        }
        if let Some(h) = self.handoffs.get_mut(&order_id) {
            if h.stage != Stage::Expired {
                h.settle_sdk = true;
                return self.sync_purchase_phase(&order_id);
            }
            self.handoffs.remove(&order_id);
        }
        let added = self.outbox.add(&order_id, &sku, self.now, OutboxReason::Purchase, !in_purchase);
        self.start_handoff(order_id.clone(), sku, Origin::Paid, if added { First::Save } else { First::Post });
        self.sync_purchase_phase(&order_id);
    }

    /// Purchased → Granting once the purchase's own hand-off is posting.
    #[inline]
    fn sync_purchase_phase(&mut self, order_id: &str) {
        let posting = self.handoffs.get(order_id).is_some_and(|h| h.stage != Stage::Saving);
        if let Phase::Purchased { sku, order_id: o } = &self.phase {
            if o == order_id && posting {
                self.phase = Phase::Granting { sku: sku.clone(), order_id: o.clone() };
            }
        }
    }

    #[inline]
    fn host_succeeded(&mut self) {
        match &self.phase {
            Phase::Confirming { sku, order_id, granted: true } => {
                let phase = Phase::Completed { sku: sku.clone(), order_id: order_id.clone() };
                self.finish(phase, Status::Completed);
            }
            // The legacy SDK path reports success even when the grant was refused: the item was not granted.
            Phase::Confirming { granted: false, .. } => {
                self.fail(RoutedError::new(ErrorCode::ProductNotGrantedByPartner, "success for an ungranted order"))
            }
            _ => {}
        }
    }

    #[inline]
    fn host_failed(&mut self, error: RawError) {
        if !self.phase.in_flight() {
            return;
        }
        let routed = RoutedError::route(&error);
        let order_id = self.phase.order_id().map(str::to_owned).or_else(|| routed.order_id.clone());
        let sku = self.phase.sku().unwrap_or_default().to_owned();
        if let Some(order_id) = &order_id {
            self.keep_paid_order(order_id, &sku, &routed.code);
        }
        match routed.code {
            ErrorCode::UserCanceled if order_id.is_none() => self.finish_with(Phase::Canceled { sku }, Status::Canceled, Some(routed)),
            ErrorCode::PaymentPending if order_id.is_none() => self.finish_with(Phase::Pending { sku }, Status::Pending, Some(routed)),
            _ => self.fail(routed),
        }
    }

    /// The host gave up on a paid order: make sure it is reconciled, and never lost.
    #[inline]
    fn keep_paid_order(&mut self, order_id: &str, sku: &str, code: &ErrorCode) {
        if let Some(h) = self.handoffs.get_mut(order_id) {
            // Our hand-off goes on; once confirmed, Toss must be told through completeProductGrant.
            h.complete_in_host = true;
            return;
        }
        let confirmed = self.confirmed.contains(order_id);
        if *code == ErrorCode::TossServerVerificationFailed || !confirmed {
            if self.outbox.add(order_id, sku, self.now, OutboxReason::VerificationFailed, false) {
                self.persist();
            }
        } else if *code == ErrorCode::ProductNotGrantedByPartner {
            // The backend granted, but the host stopped waiting before our answer: tell Toss it is done.
            if self.completing.add(order_id.to_owned()) {
                self.emit(Effect::CompleteProductGrant { order_id: order_id.to_owned() });
            }
        }
    }

    #[inline]
    fn recover(&mut self, pending: Vec<PendingOrder>) {
        self.recovery.get_or_insert_with(RecoveryReport::default);
        if self.disposed {
            return; // settles at once with nothing handed off
        }
        let mut targets: Vec<(String, String, bool)> =
            self.outbox.entries().iter().map(|e| (e.order_id.clone(), e.sku.clone(), false)).collect();
        for p in pending {
            if p.order_id.is_empty() {
                continue;
            }
            match targets.iter_mut().find(|(id, _, _)| *id == p.order_id) {
                Some(t) => t.2 = true,
                None => targets.push((p.order_id, p.sku, true)),
            }
        }
        let mut added = false;
        for (order_id, sku, in_host) in targets {
            if let Some(h) = self.handoffs.get_mut(&order_id) {
                if h.stage != Stage::Expired {
                    h.in_recovery = true;
                    // While the purchase path still answers the host itself, the host completes the order.
                    h.complete_in_host |= in_host && !h.settle_sdk;
                    continue;
                }
            }
            if in_host && self.confirmed.contains(&order_id) && !self.outbox.contains(&order_id) {
                if self.completing.add(order_id.clone()) {
                    self.emit(Effect::CompleteProductGrant { order_id: order_id.clone() });
                }
                if let Some(r) = self.recovery.as_mut() {
                    r.granted.push(order_id);
                }
                continue;
            }
            added |= self.outbox.add(&order_id, &sku, self.now, OutboxReason::Recovery, true);
            self.handoffs.remove(&order_id);
            self.start_handoff(order_id, sku, Origin::Recovery { pending_at_toss: in_host }, First::Post);
        }
        if added {
            self.persist();
        }
    }

    #[inline]
    fn complete_replied(&mut self, order_id: String, ok: bool) {
        self.completing.remove(&order_id);
        if !ok {
            if let Some(r) = self.recovery.as_mut() {
                r.failed.push((order_id, "completeProductGrant failed".into()));
            }
        }
    }

    #[inline]
    fn finish_recovery_if_done(&mut self) {
        let busy = self.handoffs.values().any(|h| h.in_recovery) || !self.completing.is_empty();
        if !busy {
            if let Some(report) = self.recovery.take() {
                self.emit(Effect::RecoveryDone(report));
            }
        }
    }

    #[inline]
    fn dispose(&mut self) {
        self.disposed = true;
        let waiting = self.handoffs_where(&|h| h.settle_sdk);
        for order_id in waiting {
            self.emit(Effect::SettleGrant { order_id, granted: false });
        }
        self.handoffs.clear();
        self.silence_until = None;
        self.completing.clear();
        if self.phase.in_flight() {
            self.fail(RoutedError::new(ErrorCode::Disposed, "disposed"));
        }
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod footprint;
