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
use super::grant::Environment;
use super::host::BuyFacts;
use super::outbox::{Outbox, OutboxReason};
use super::small_map::{VecMap, VecSet};
use handoff::{First, HandOff, Origin, Stage};
use lifecycle::Lifecycle;

mod config;
mod events;
mod handoff;
mod lifecycle;
mod phase;

pub use super::host::{HostSupport, PurchaseKind};
pub use config::{Config, CONFIRMED_KEPT, DEFAULT_HOST_SILENCE_MS};
pub use events::{Effect, Event, Outcome, PendingOrder, PurchaseId, RecoveryReport, Status};
pub use phase::Phase;

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
    /// Live, suspended (the page in the back/forward cache) or disposed: only a live machine starts work.
    lifecycle: Lifecycle,
    /// The last `purchase()` id given out.
    last_purchase: PurchaseId,
    /// The host's environment as last read (at the start, a purchase, a recovery): what a hand-off names.
    environment: Environment,
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

    /// The id of a new `purchase()` call, for its `Buy` event (ids wrap after 2^32 calls).
    #[inline]
    pub fn next_purchase_id(&mut self) -> PurchaseId {
        self.last_purchase = self.last_purchase.wrapping_add(1);
        self.last_purchase
    }

    #[inline]
    pub fn handle(&mut self, event: Event, now: u64) -> Vec<Effect> {
        self.now = now;
        let before = self.phase.name();
        match event {
            Event::Buy { purchase, sku, offer_id, subscription, facts } => self.buy(purchase, sku, offer_id, subscription, facts),
            Event::OrderPaid { order_id } => self.order_paid(order_id),
            Event::OutboxLoaded { entries } => {
                let confirmed = &self.confirmed;
                self.outbox.merge_loaded(entries, |id| confirmed.contains(id));
            }
            Event::OutboxSaved => self.outbox_saved(),
            Event::GrantReplied { order_id, reply } => self.grant_replied(order_id, reply),
            Event::HostSucceeded => self.host_succeeded(),
            Event::HostFailed { error } => self.host_failed(error),
            Event::Recover { pending, environment } => {
                self.environment = environment;
                self.recover(pending);
            }
            Event::CompleteReplied { order_id, ok } => self.complete_replied(order_id, ok),
            Event::Tick => self.tick(),
            Event::Started { host } => self.started(host),
            Event::Dispose => self.dispose(),
            Event::Suspend => self.suspend(),
            Event::Resume => self.resume(),
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
    fn buy(&mut self, purchase: PurchaseId, sku: String, offer_id: Option<String>, said: Option<bool>, facts: BuyFacts) {
        if !self.lifecycle.live() {
            return self.refuse(purchase, sku, RoutedError::new(ErrorCode::Disposed, "disposed"));
        }
        if self.phase.in_flight() {
            return self.refuse(purchase, sku, RoutedError::new(ErrorCode::PurchaseInFlight, "in flight"));
        }
        if sku.trim().is_empty() {
            return self.refuse(purchase, sku, RoutedError::new(ErrorCode::InvalidArgument, "purchase: sku must be a non-empty string"));
        }
        let kind = PurchaseKind::of(said, facts.listed_as_subscription, offer_id.is_some());
        let host = HostSupport::of(&facts, kind);
        self.environment = facts.host.environment();
        if host == HostSupport::BelowGate {
            let error = RoutedError::new(ErrorCode::AppTooOld, "below the SDK version gate");
            self.phase = Phase::Failed { sku: sku.clone(), order_id: None, error: error.clone() };
            return self.refuse(purchase, sku, error);
        }
        if host == HostSupport::MethodMissing {
            self.emit(Effect::SdkMethodMissing { name: "createSubscriptionPurchaseOrder" });
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
        if !self.lifecycle.live() {
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
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod recovery_tests;
#[cfg(test)]
mod footprint;
