//! Hand-offs: each paid orderId POSTed to the backend, retried with backoff until it answers or its deadline
//! passes. A hand-off's stage carries what it waits for; its times are read by `Machine::next_deadline`.

#[allow(unused_imports)]
use crate::prelude::*;
use super::{Effect, Machine};
use crate::error::ErrorCode;
use crate::error::GrantFailure;
use crate::grant::{claimable_sku, GrantReply};
use crate::text::cat;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// Waiting for the outbox write before the first POST.
    Saving,
    /// A POST is in flight.
    Posting,
    /// The last POST found the backend unreachable: the next one goes at `retry_at`.
    Waiting { retry_at: u64 },
    /// Past the deadline with a POST still in flight: its reply is honoured, nothing more is tried.
    Expired,
}

/// Who asked for the hand-off, which says who hears of its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// The host's `processProductGrant` waits for the answer (a payment just made).
    Paid,
    /// A recovery round; `pending_at_toss`: the host lists the order as pending, so Toss is told once confirmed.
    Recovery { pending_at_toss: bool },
}

/// Whether the first POST waits for the outbox write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum First {
    Save,
    Post,
}

#[derive(Debug, Clone)]
pub(super) struct HandOff {
    pub(super) sku: String,
    pub(super) stage: Stage,
    attempts: u32,
    pub(super) deadline_at: u64,
    /// A `processProductGrant` call waits for this order.
    pub(super) settle_sdk: bool,
    /// The host holds the order paid-but-ungranted: `completeProductGrant` after confirmation.
    pub(super) complete_in_host: bool,
    pub(super) in_recovery: bool,
    /// The last attempt's failure, if it failed.
    failure: Option<GrantFailure>,
}

impl HandOff {
    /// When this hand-off next needs the machine's attention without an event: a retry, or its deadline.
    #[inline]
    pub(super) fn next_deadline(&self) -> Option<u64> {
        match self.stage {
            Stage::Waiting { retry_at } => Some(retry_at.min(self.deadline_at)),
            Stage::Saving | Stage::Posting => Some(self.deadline_at),
            Stage::Expired => None,
        }
    }
}

impl Machine {
    #[inline]
    pub(super) fn start_handoff(&mut self, order_id: String, sku: String, origin: Origin, first: First) {
        let handoff = HandOff {
            sku,
            stage: Stage::Saving,
            attempts: 0,
            deadline_at: self.now.saturating_add(self.config.grant_deadline_ms),
            settle_sdk: origin == Origin::Paid,
            complete_in_host: origin == Origin::Recovery { pending_at_toss: true },
            in_recovery: origin != Origin::Paid,
            failure: None,
        };
        self.handoffs.insert(order_id.clone(), handoff);
        match first {
            First::Save => self.persist(),
            First::Post => self.post(&order_id),
        }
    }

    #[inline]
    fn post(&mut self, order_id: &str) {
        let (now, attempt_timeout) = (self.now, self.config.attempt_timeout_ms);
        let Some(h) = self.handoffs.get_mut(order_id) else { return };
        h.stage = Stage::Posting;
        h.attempts += 1;
        let timeout_ms = attempt_timeout.min(h.deadline_at.saturating_sub(now)).max(1);
        // A sku the server could refuse is sent as no claim: a paid order is never refused over its sku.
        let sku = if claimable_sku(&h.sku) { h.sku.clone() } else { String::new() };
        self.emit(Effect::PostGrant { order_id: order_id.to_owned(), sku, environment: self.environment, timeout_ms });
    }

    /// The orderIds of the hand-offs `f` picks (a copy: the caller then changes the hand-offs).
    #[inline]
    pub(super) fn handoffs_where(&self, f: &dyn Fn(&HandOff) -> bool) -> Vec<String> {
        self.handoffs.iter().filter(|(_, h)| f(h)).map(|(id, _)| id.clone()).collect()
    }

    #[inline]
    pub(super) fn outbox_saved(&mut self) {
        let saving = self.handoffs_where(&|h| h.stage == Stage::Saving);
        for order_id in saving {
            self.post(&order_id);
            self.sync_purchase_phase(&order_id);
        }
    }

    /// Time passed: hand-offs past their deadline expire, those whose retry is due POST again.
    #[inline]
    pub(super) fn handoffs_tick(&mut self) {
        let now = self.now;
        let expired = self.handoffs_where(&|h| h.stage != Stage::Expired && h.deadline_at <= now);
        let retries = self.handoffs_where(&|h| matches!(h.stage, Stage::Waiting { retry_at } if retry_at <= now));
        for order_id in expired {
            self.expire(&order_id, "deadline");
        }
        for order_id in retries {
            if self.handoffs.get(&order_id).is_some_and(|h| matches!(h.stage, Stage::Waiting { .. })) {
                self.post(&order_id);
            }
        }
    }

    #[inline]
    pub(super) fn grant_replied(&mut self, order_id: String, reply: GrantReply) {
        let Some(h) = self.handoffs.get_mut(&order_id) else {
            // A late reply for an order no hand-off waits for: still honour a confirmation.
            if reply == GrantReply::Granted {
                self.backend_confirmed(&order_id);
            }
            return;
        };
        let failure = reply.failure();
        match reply {
            GrantReply::Granted => {
                let h = self.handoffs.remove(&order_id);
                self.backend_confirmed(&order_id);
                if let Some(h) = h {
                    if h.settle_sdk {
                        self.emit(Effect::SettleGrant { order_id: order_id.clone(), granted: true });
                    }
                    // One completeProductGrant at a time per order: the host may already be completing it.
                    if h.complete_in_host && self.completing.add(order_id.clone()) {
                        self.emit(Effect::CompleteProductGrant { order_id: order_id.clone() });
                    }
                    if h.in_recovery {
                        if let Some(r) = self.recovery.as_mut() {
                            r.granted.push(order_id.clone());
                        }
                    }
                }
                self.purchase_settled(&order_id, None);
            }
            GrantReply::Refused { reason, .. } => {
                let h = self.handoffs.remove(&order_id);
                if self.outbox.mark_refused(&order_id, &reason) {
                    self.persist();
                }
                if let Some(h) = h {
                    if h.settle_sdk {
                        self.emit(Effect::SettleGrant { order_id: order_id.clone(), granted: false });
                    }
                    if h.in_recovery {
                        if let Some(r) = self.recovery.as_mut() {
                            r.refused.push((order_id.clone(), reason));
                        }
                    }
                }
                self.purchase_settled(&order_id, failure);
            }
            GrantReply::Unreachable { reason, .. } => {
                if h.stage == Stage::Expired {
                    self.handoffs.remove(&order_id);
                    return;
                }
                h.failure = failure;
                let backoff = self.config.retry_base_ms.saturating_mul(1u64 << h.attempts.saturating_sub(1).min(20)).min(self.config.retry_max_ms);
                let retry_at = self.now.saturating_add(backoff);
                h.stage = Stage::Waiting { retry_at };
                if retry_at >= h.deadline_at {
                    self.expire(&order_id, reason);
                }
            }
        }
    }

    /// The backend confirmed `order_id`: it leaves the outbox. An order that was waiting there other than the
    /// purchase in flight (an earlier purchase told "곧 다시 지급을 시도해요", a pending order at Toss) is announced.
    #[inline]
    fn backend_confirmed(&mut self, order_id: &str) {
        self.confirmed.add_capped(order_id.to_owned(), super::CONFIRMED_KEPT);
        let Some(entry) = self.outbox.confirm(order_id) else { return };
        self.persist();
        if !(self.phase.in_flight() && self.phase.order_id() == Some(order_id)) {
            self.emit(Effect::Recovered { order_id: entry.order_id, sku: entry.sku });
        }
    }

    /// The deadline passed (or no retry fits before it): settle as not granted; the order stays in the outbox. A
    /// POST still in flight keeps the hand-off (expired) for its reply.
    #[inline]
    fn expire(&mut self, order_id: &str, reason: &str) {
        let Some(h) = self.handoffs.get_mut(order_id) else { return };
        if h.stage == Stage::Expired {
            return;
        }
        let posting = h.stage == Stage::Posting;
        h.stage = Stage::Expired;
        let (settle, in_recovery, failure) = (h.settle_sdk, h.in_recovery, h.failure.clone());
        h.settle_sdk = false;
        h.in_recovery = false;
        if settle {
            self.emit(Effect::SettleGrant { order_id: order_id.to_owned(), granted: false });
        }
        if in_recovery {
            if let Some(r) = self.recovery.as_mut() {
                r.failed.push((order_id.to_owned(), cat(&["not confirmed in time: ", reason])));
            }
        }
        if !posting {
            self.handoffs.remove(order_id);
        }
        let failure = failure.unwrap_or(GrantFailure { code: ErrorCode::BackendUnreachable, status: 0, reason: reason.into() });
        self.purchase_settled(order_id, Some(failure));
    }
}
