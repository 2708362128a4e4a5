//! The machine's life: live; suspended while its page sits in the back/forward cache; disposed for good. Ending
//! work (either way) fails the purchase in flight and answers the host's waiting grants `false` (each order stays in
//! the outbox and at Toss as pending, recovered later).

#[allow(unused_imports)]
use crate::prelude::*;
use super::{Effect, Machine};
use crate::error::{ErrorCode, RoutedError};
use crate::host::Host;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Lifecycle {
    #[default]
    Live,
    Suspended,
    Disposed,
}

impl Lifecycle {
    #[inline]
    pub(super) fn live(self) -> bool {
        self == Lifecycle::Live
    }
}

impl Machine {
    /// Only a live machine starts work (a purchase, a recovery round, a question to the host).
    #[inline]
    pub fn live(&self) -> bool {
        self.lifecycle.live()
    }

    /// Disposed for good: the driver lets go of what it holds for the machine (listeners, the host's callbacks).
    #[inline]
    pub fn disposed(&self) -> bool {
        self.lifecycle == Lifecycle::Disposed
    }

    #[inline]
    pub(super) fn started(&mut self, host: Host) {
        self.environment = host.environment();
        if self.config.recover_on_start && host != Host::Absent && self.lifecycle.live() {
            self.emit(Effect::StartRecovery);
        }
    }

    #[inline]
    pub(super) fn dispose(&mut self) {
        if self.lifecycle.live() {
            self.end_work();
        }
        self.lifecycle = Lifecycle::Disposed;
    }

    #[inline]
    pub(super) fn suspend(&mut self) {
        if self.lifecycle.live() {
            self.lifecycle = Lifecycle::Suspended;
            self.end_work();
        }
    }

    #[inline]
    pub(super) fn resume(&mut self) {
        if self.lifecycle == Lifecycle::Suspended {
            self.lifecycle = Lifecycle::Live;
            if self.config.recover_on_start {
                self.emit(Effect::StartRecovery);
            }
        }
    }

    #[inline]
    fn end_work(&mut self) {
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
mod tests {
    use super::super::tests::buy;
    use crate::host::BuyFacts;
    use super::*;
    use crate::grant::Environment;
    use crate::host::HostSupport;
    use crate::machine::{Config, Event, PendingOrder};

    fn recovering() -> Machine {
        Machine::with_config(Config { recover_on_start: true, ..Config::default() })
    }

    fn pending() -> Event {
        Event::Recover { pending: [PendingOrder { order_id: "o".into(), sku: "a".into() }].into(), environment: Environment::Toss }
    }

    #[test]
    fn a_suspended_machine_works_again_on_resume_a_disposed_one_never() {
        let mut m = Machine::new();
        m.handle(Event::Suspend, 0);
        assert!(!m.live() && !m.disposed());
        assert!(matches!(&m.handle(buy("a"), 0)[..], [Effect::Refuse { .. }]), "no purchase while suspended");
        m.handle(Event::Resume, 0);
        assert!(m.live());
        assert!(m.handle(buy("a"), 0).iter().any(|f| matches!(f, Effect::StartPurchase { .. })), "back to work");
        let fx = m.handle(Event::Dispose, 0);
        assert!(fx.iter().any(|f| matches!(f, Effect::Finish { .. })), "the purchase in flight ends");
        assert!(m.disposed());
        m.handle(Event::Resume, 0);
        assert!(!m.live(), "a page shown again does not bring a disposed client back");
        assert!(matches!(&m.handle(buy("a"), 0)[..], [Effect::Refuse { .. }]));
        assert!(!m.handle(pending(), 0).iter().any(|f| matches!(f, Effect::PostGrant { .. })), "nor a recovery");
    }

    #[test]
    fn work_ends_once_suspending_then_disposing_finishes_the_purchase_once() {
        let mut m = Machine::new();
        m.handle(buy("a"), 0);
        let finishes = |fx: &[Effect]| fx.iter().filter(|f| matches!(f, Effect::Finish { .. })).count();
        assert_eq!(finishes(&m.handle(Event::Suspend, 0)), 1);
        assert_eq!(finishes(&m.handle(Event::Suspend, 0)), 0);
        assert_eq!(finishes(&m.handle(Event::Dispose, 0)), 0);
        assert!(m.disposed());
        assert!(m.handle(Event::Dispose, 0).is_empty());
    }

    #[test]
    fn recovery_starts_on_a_host_and_when_the_page_comes_back_if_asked() {
        let start = |mut m: Machine, host| m.handle(Event::Started { host }, 0);
        let present = BuyFacts::giving(HostSupport::Ready).host;
        assert_eq!(start(recovering(), present.clone()), [Effect::StartRecovery]);
        assert_eq!(start(recovering(), Host::Absent), [], "a plain browser has nothing to recover from");
        assert_eq!(start(Machine::new(), present), [], "recoverOnStart: false");
        let mut m = recovering();
        m.handle(Event::Suspend, 0);
        assert_eq!(m.handle(Event::Resume, 0), [Effect::StartRecovery]);
        assert_eq!(m.handle(Event::Resume, 0), [], "once per return");
        let mut m = Machine::new();
        m.handle(Event::Suspend, 0);
        assert_eq!(m.handle(Event::Resume, 0), []);
    }

    #[test]
    fn a_hand_off_names_the_environment_last_read() {
        let posted = |fx: &[Effect]| fx.iter().find_map(|f| if let Effect::PostGrant { environment, .. } = f { Some(*environment) } else { None });
        let mut m = Machine::new();
        m.handle(Event::Started { host: BuyFacts::giving(HostSupport::Ready).host }, 0);
        assert_eq!(posted(&m.handle(pending(), 0)), Some(Environment::Toss), "as the recovery read it");
        let mut m = Machine::new();
        m.handle(buy("a"), 0);
        m.handle(Event::OrderPaid { order_id: "p".into() }, 0);
        assert_eq!(posted(&m.handle(Event::OutboxSaved, 0)), Some(Environment::Sandbox), "as the purchase read it");
    }

    #[test]
    fn purchase_ids_are_new_each_time() {
        let mut m = Machine::new();
        let (a, b) = (m.next_purchase_id(), m.next_purchase_id());
        assert_ne!(a, b);
    }

    #[test]
    fn a_subscription_without_the_sdk_method_tells_the_developer() {
        let mut m = Machine::new();
        let fx = m.handle(Event::Buy { purchase: 1, sku: "s".into(), offer_id: None, subscription: None, facts: BuyFacts::giving(HostSupport::MethodMissing) }, 0);
        assert!(!fx.iter().any(|f| matches!(f, Effect::SdkMethodMissing { .. })), "unsaid and unlisted: one-time, no method needed");
        let mut m = Machine::new();
        let fx = m.handle(Event::Buy { purchase: 2, sku: "s".into(), offer_id: Some("offer".into()), subscription: None, facts: BuyFacts::giving(HostSupport::MethodMissing) }, 0);
        assert!(fx.contains(&Effect::SdkMethodMissing { name: "createSubscriptionPurchaseOrder" }), "an offer makes it a subscription");
    }
}
