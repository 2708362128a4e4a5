//! The purchase state machine: (phase, event) → (phase, effects). No I/O, no clock, no randomness:
//! the boundary executes the effects and feeds what happened back as events.

use super::error::{ErrorCode, RawError, RoutedError};
use super::grant::GrantReply;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Idle,
    /// The order sheet is open; no orderId yet.
    Requesting { sku: String },
    /// The host reported the payment (orderId known); the backend hand-off is in flight.
    Granting { sku: String, order_id: String },
    /// We answered the host's `processProductGrant` with `granted`; waiting for its verdict.
    Confirming { sku: String, order_id: String, granted: bool },
    Completed { sku: String, order_id: String },
    Canceled { sku: String },
    Pending { sku: String },
    Failed { sku: String, order_id: Option<String>, error: RoutedError },
}

impl Phase {
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Requesting { .. } => "requesting",
            Phase::Granting { .. } => "granting",
            Phase::Confirming { .. } => "confirming",
            Phase::Completed { .. } => "completed",
            Phase::Canceled { .. } => "canceled",
            Phase::Pending { .. } => "pending",
            Phase::Failed { .. } => "failed",
        }
    }

    /// A purchase is in flight: a new one must be refused.
    pub fn in_flight(&self) -> bool {
        matches!(self, Phase::Requesting { .. } | Phase::Granting { .. } | Phase::Confirming { .. })
    }

    pub fn sku(&self) -> Option<&str> {
        match self {
            Phase::Idle => None,
            Phase::Requesting { sku }
            | Phase::Granting { sku, .. }
            | Phase::Confirming { sku, .. }
            | Phase::Completed { sku, .. }
            | Phase::Canceled { sku }
            | Phase::Pending { sku }
            | Phase::Failed { sku, .. } => Some(sku),
        }
    }

    pub fn order_id(&self) -> Option<&str> {
        match self {
            Phase::Granting { order_id, .. } | Phase::Confirming { order_id, .. } | Phase::Completed { order_id, .. } => {
                Some(order_id)
            }
            Phase::Failed { order_id, .. } => order_id.as_deref(),
            _ => None,
        }
    }

    pub fn error(&self) -> Option<&RoutedError> {
        match self {
            Phase::Failed { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// The timers the machine asks for. A fire carries the generation it was started with; stale fires are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// The host has said nothing for too long while we wait on it (order sheet open, or after our grant answer).
    HostSilence,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The app asked to buy `sku`; `host_supports_purchase` is false when the SDK would silently do nothing.
    Buy { sku: String, host_supports_purchase: bool },
    /// A timer started by `Effect::StartTimer` fired.
    TimerFired { timer: Timer, generation: u64 },
    /// The host called our `processProductGrant` with this orderId (the payment went through).
    OrderPaid { order_id: String },
    /// The backend answered the hand-off of `order_id`.
    GrantReplied { order_id: String, reply: GrantReply },
    /// The purchase stream emitted `success`.
    HostSucceeded,
    /// The purchase stream (or the SDK call) failed.
    HostFailed { error: RawError },
    /// The client is being disposed.
    Dispose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Completed,
    Canceled,
    Pending,
    Failed,
}

impl Status {
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Open the order sheet through the SDK.
    StartPurchase { sku: String },
    /// POST the orderId to the backend.
    PostGrant { order_id: String, sku: String },
    /// Settle every pending `processProductGrant` call for this order.
    SettleGrant { order_id: String, granted: bool },
    /// Call the SDK's cleanup for the current purchase.
    Cleanup,
    /// Resolve the current `purchase()` call.
    Finish(Outcome),
    /// Resolve the `purchase()` call that asked, at once (refused, or impossible on this host).
    Refuse(Outcome),
    /// Fire `TimerFired { timer, generation }` after `ms` milliseconds.
    StartTimer { timer: Timer, generation: u64, ms: u64 },
}

/// How long the host may stay silent before a purchase fails with `TIMEOUT` (the order sheet may be open
/// for a while: this only guards against a host that never answers).
pub const DEFAULT_HOST_SILENCE_MS: u64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub host_silence_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config { host_silence_ms: DEFAULT_HOST_SILENCE_MS }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Machine {
    phase: Phase,
    config: Config,
    generation: u64,
}

impl Default for Phase {
    fn default() -> Self {
        Phase::Idle
    }
}

impl Machine {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_config(config: Config) -> Self {
        Machine { config, ..Self::default() }
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        if let Event::TimerFired { generation, .. } = event {
            if generation != self.generation {
                return vec![];
            }
        }
        let phase = std::mem::take(&mut self.phase);
        let before = phase.name();
        let (next, mut effects) = step(phase, event);
        // Entering a phase that waits on the host (re)starts the silence timer; any other phase change retires it.
        if next.name() != before {
            self.generation += 1;
            if matches!(next, Phase::Requesting { .. } | Phase::Confirming { .. }) {
                let ms = self.config.host_silence_ms;
                effects.push(Effect::StartTimer { timer: Timer::HostSilence, generation: self.generation, ms });
            }
        }
        self.phase = next;
        effects
    }
}

fn finish(phase: Phase, status: Status) -> (Phase, Vec<Effect>) {
    let outcome = Outcome {
        status,
        sku: phase.sku().unwrap_or_default().to_owned(),
        order_id: phase.order_id().map(str::to_owned),
        error: phase.error().cloned(),
    };
    (phase, vec![Effect::Cleanup, Effect::Finish(outcome)])
}

fn failed(sku: String, order_id: Option<String>, mut error: RoutedError) -> (Phase, Vec<Effect>) {
    let order_id = order_id.or_else(|| error.order_id.clone());
    error.order_id = order_id.clone();
    finish(Phase::Failed { sku, order_id, error }, Status::Failed)
}

fn step(phase: Phase, event: Event) -> (Phase, Vec<Effect>) {
    match (phase, event) {
        (phase, Event::Buy { sku, .. }) if phase.in_flight() => {
            let error = RoutedError::new(ErrorCode::PurchaseInFlight, "a purchase is already in flight");
            let refusal = Outcome { status: Status::Failed, sku, order_id: None, error: Some(error) };
            (phase, vec![Effect::Refuse(refusal)])
        }
        (phase, Event::Buy { sku, .. }) if sku.trim().is_empty() => {
            let error = RoutedError::new(ErrorCode::InvalidArgument, "sku must be a non-empty string");
            let refusal = Outcome { status: Status::Failed, sku, order_id: None, error: Some(error) };
            (phase, vec![Effect::Refuse(refusal)])
        }
        (_, Event::Buy { sku, host_supports_purchase: false }) => {
            let error = RoutedError::new(ErrorCode::AppTooOld, "this Toss app version cannot make purchases");
            let refusal = Outcome { status: Status::Failed, sku: sku.clone(), order_id: None, error: Some(error.clone()) };
            (Phase::Failed { sku, order_id: None, error }, vec![Effect::Refuse(refusal)])
        }
        (_, Event::Buy { sku, .. }) => (Phase::Requesting { sku: sku.clone() }, vec![Effect::StartPurchase { sku }]),

        (phase, Event::TimerFired { timer: Timer::HostSilence, .. }) if matches!(phase, Phase::Requesting { .. } | Phase::Confirming { .. }) => {
            let sku = phase.sku().unwrap_or_default().to_owned();
            let order_id = phase.order_id().map(str::to_owned);
            failed(sku, order_id, RoutedError::new(ErrorCode::Timeout, "the Toss app did not answer"))
        }
        (phase, Event::TimerFired { .. }) => (phase, vec![]),

        (Phase::Requesting { sku }, Event::OrderPaid { order_id }) => {
            let effect = Effect::PostGrant { order_id: order_id.clone(), sku: sku.clone() };
            (Phase::Granting { sku, order_id }, vec![effect])
        }
        // The same orderId again while its hand-off is in flight: the pending POST settles both calls.
        (phase @ Phase::Granting { .. }, Event::OrderPaid { order_id }) if phase.order_id() == Some(&order_id) => {
            (phase, vec![])
        }
        // Already answered for this order: answer the same again, no second hand-off.
        (phase @ (Phase::Confirming { granted: true, .. } | Phase::Completed { .. }), Event::OrderPaid { order_id })
            if phase.order_id() == Some(&order_id) =>
        {
            (phase, vec![Effect::SettleGrant { order_id, granted: true }])
        }
        // A paid order we did not expect: never lose it, hand it to the backend anyway.
        (phase, Event::OrderPaid { order_id }) => {
            let sku = match &phase {
                Phase::Requesting { sku } => sku.clone(),
                _ => String::new(),
            };
            (phase, vec![Effect::PostGrant { order_id, sku }])
        }

        (phase, Event::GrantReplied { order_id, reply }) => {
            let granted = reply == GrantReply::Granted;
            let settle = Effect::SettleGrant { order_id: order_id.clone(), granted };
            match phase {
                Phase::Granting { sku, order_id: current } if current == order_id => {
                    (Phase::Confirming { sku, order_id, granted }, vec![settle])
                }
                other => (other, vec![settle]),
            }
        }

        (Phase::Confirming { sku, order_id, granted: true }, Event::HostSucceeded) => {
            finish(Phase::Completed { sku, order_id }, Status::Completed)
        }
        // The legacy SDK path reports success even when the grant was refused: the item was not granted.
        (Phase::Confirming { sku, order_id, granted: false }, Event::HostSucceeded) => {
            let error = RoutedError::new(ErrorCode::ProductNotGrantedByPartner, "the host reported success for an ungranted order");
            failed(sku, Some(order_id), error)
        }
        (phase, Event::HostSucceeded) => (phase, vec![]),

        (phase, Event::HostFailed { error }) if phase.in_flight() => {
            let routed = RoutedError::route(&error);
            let sku = phase.sku().unwrap_or_default().to_owned();
            let order_id = phase.order_id().map(str::to_owned);
            match routed.code {
                ErrorCode::UserCanceled if order_id.is_none() => finish(Phase::Canceled { sku }, Status::Canceled),
                ErrorCode::PaymentPending if order_id.is_none() => finish(Phase::Pending { sku }, Status::Pending),
                _ => failed(sku, order_id, routed),
            }
        }
        (phase, Event::HostFailed { .. }) => (phase, vec![]),

        (phase, Event::Dispose) if phase.in_flight() => {
            let sku = phase.sku().unwrap_or_default().to_owned();
            let order_id = phase.order_id().map(str::to_owned);
            failed(sku, order_id, RoutedError::new(ErrorCode::Disposed, "disposed while a purchase was in flight"))
        }
        (phase, Event::Dispose) => (phase, vec![]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buy(sku: &str) -> Event {
        Event::Buy { sku: sku.into(), host_supports_purchase: true }
    }

    fn paid(m: &mut Machine, sku: &str, order: &str) -> Vec<Effect> {
        let fx = m.handle(buy(sku));
        assert_eq!(fx[0], Effect::StartPurchase { sku: sku.into() });
        assert!(matches!(fx[1], Effect::StartTimer { timer: Timer::HostSilence, .. }));
        m.handle(Event::OrderPaid { order_id: order.into() })
    }

    #[test]
    fn happy_path_completes() {
        let mut m = Machine::new();
        assert_eq!(paid(&mut m, "s", "o1"), vec![Effect::PostGrant { order_id: "o1".into(), sku: "s".into() }]);
        assert_eq!(m.phase().name(), "granting");
        let fx = m.handle(Event::GrantReplied { order_id: "o1".into(), reply: GrantReply::Granted });
        assert_eq!(fx[0], Effect::SettleGrant { order_id: "o1".into(), granted: true });
        let fx = m.handle(Event::HostSucceeded);
        assert_eq!(m.phase().name(), "completed");
        assert!(matches!(&fx[1], Effect::Finish(o) if o.status == Status::Completed && o.order_id.as_deref() == Some("o1")));
    }

    #[test]
    fn second_buy_in_flight_is_refused_without_sdk_call() {
        let mut m = Machine::new();
        m.handle(buy("s"));
        let fx = m.handle(buy("s"));
        assert!(matches!(&fx[..], [Effect::Refuse(o)] if o.error.as_ref().map(|e| &e.code) == Some(&ErrorCode::PurchaseInFlight)));
        assert_eq!(m.phase().name(), "requesting");
    }

    #[test]
    fn duplicate_paid_event_posts_once() {
        let mut m = Machine::new();
        paid(&mut m, "s", "o1");
        assert_eq!(m.handle(Event::OrderPaid { order_id: "o1".into() }), vec![]);
    }

    #[test]
    fn cancel_and_pending_are_their_own_outcomes() {
        for (code, name) in [("USER_CANCELED", "canceled"), ("PAYMENT_PENDING", "pending"), ("NETWORK_ERROR", "failed")] {
            let mut m = Machine::new();
            m.handle(buy("s"));
            m.handle(Event::HostFailed { error: RawError { code: Some(code.into()), ..Default::default() } });
            assert_eq!(m.phase().name(), name);
        }
    }

    #[test]
    fn legacy_success_after_refused_grant_is_a_failure() {
        let mut m = Machine::new();
        paid(&mut m, "s", "o1");
        m.handle(Event::GrantReplied { order_id: "o1".into(), reply: GrantReply::Refused { reason: "no".into() } });
        m.handle(Event::HostSucceeded);
        assert_eq!(m.phase().error().map(|e| e.code.clone()), Some(ErrorCode::ProductNotGrantedByPartner));
        assert_eq!(m.phase().order_id(), Some("o1"));
    }

    #[test]
    fn a_silent_host_times_out_and_stale_timers_are_ignored() {
        let mut m = Machine::with_config(Config { host_silence_ms: 50 });
        let fx = m.handle(buy("s"));
        let Some(Effect::StartTimer { generation, ms, .. }) = fx.get(1).cloned() else { panic!("no timer: {fx:?}") };
        assert_eq!(ms, 50);
        assert_eq!(m.handle(Event::TimerFired { timer: Timer::HostSilence, generation: generation + 7 }), vec![]);
        m.handle(Event::TimerFired { timer: Timer::HostSilence, generation });
        assert_eq!(m.phase().error().map(|e| e.code.clone()), Some(ErrorCode::Timeout));
    }

    #[test]
    fn old_app_fails_at_once_without_an_sdk_call() {
        let mut m = Machine::new();
        let fx = m.handle(Event::Buy { sku: "s".into(), host_supports_purchase: false });
        assert!(matches!(&fx[..], [Effect::Refuse(o)] if o.error.as_ref().map(|e| &e.code) == Some(&ErrorCode::AppTooOld)));
        assert_eq!(m.phase().name(), "failed");
    }
}
