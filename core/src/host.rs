//! What the host around the page can do for a purchase, decided from what the driver read (the host's constants,
//! the app's SDK methods, the latest product list): the purchase kind, the host's support, the environment.

#[allow(unused_imports)]
use crate::prelude::*;
use super::grant::Environment;
use super::version::{self, HostInfo, Os};

/// Where the page runs, as read from the host's constants (a host, or the emulator's panel, may change them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Present(HostInfo),
    /// A plain browser: no Toss app around the page.
    Absent,
}

impl Host {
    /// The environment a hand-off names to the backend (a page without a host is taken as the real app's).
    #[inline]
    pub fn environment(&self) -> Environment {
        match self {
            Host::Present(info) => info.environment,
            Host::Absent => Environment::Toss,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurchaseKind {
    OneTime,
    Subscription,
}

impl PurchaseKind {
    /// `purchase(sku, { subscription })` as the app said; unsaid, a subscription when the latest product list
    /// naming the sku listed it as one, or when the app gave an offer.
    #[inline]
    pub fn of(said: Option<bool>, listed_as_subscription: bool, offer: bool) -> Self {
        match said {
            Some(true) => PurchaseKind::Subscription,
            Some(false) => PurchaseKind::OneTime,
            None if listed_as_subscription || offer => PurchaseKind::Subscription,
            None => PurchaseKind::OneTime,
        }
    }
}

/// What the driver read when the app asked to buy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuyFacts {
    pub host: Host,
    /// The app's SDK has `createSubscriptionPurchaseOrder` (web-framework 2 and later).
    pub subscription_method: bool,
    /// The latest product list naming the sku lists it as a subscription.
    pub listed_as_subscription: bool,
}

impl BuyFacts {
    /// Facts on which a subscription meets `support` (a one-time purchase meets `Ready` where a subscription meets
    /// `MethodMissing`): for the tests, the property tests and the fuzz, which drive the machine by support.
    #[inline]
    pub fn giving(support: HostSupport) -> Self {
        let on = |environment, app_version: Option<&str>| Host::Present(HostInfo { environment, app_version: app_version.map(Into::into), os: Os::Android });
        let host = match support {
            HostSupport::Ready | HostSupport::MethodMissing => on(Environment::Sandbox, None),
            HostSupport::Absent => Host::Absent,
            HostSupport::BelowGate => on(Environment::Toss, Some("5.0.0")),
        };
        BuyFacts { host, subscription_method: support != HostSupport::MethodMissing, listed_as_subscription: false }
    }
}

/// What the host can do for one purchase.
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

impl HostSupport {
    #[inline]
    pub fn of(facts: &BuyFacts, kind: PurchaseKind) -> Self {
        let subscription = kind == PurchaseKind::Subscription;
        match &facts.host {
            Host::Present(info) if !info.supports(if subscription { version::SUBSCRIPTION } else { version::IAP }) => HostSupport::BelowGate,
            _ if subscription && !facts.subscription_method => HostSupport::MethodMissing,
            Host::Absent => HostSupport::Absent,
            Host::Present(_) => HostSupport::Ready,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toss(version: &str) -> Host {
        Host::Present(HostInfo { environment: Environment::Toss, app_version: Some(version.into()), os: Os::Android })
    }

    fn facts(host: Host, subscription_method: bool) -> BuyFacts {
        BuyFacts { host, subscription_method, listed_as_subscription: false }
    }

    #[test]
    fn the_kind_is_the_apps_word_else_the_lists_else_the_offers() {
        assert_eq!(PurchaseKind::of(Some(false), true, true), PurchaseKind::OneTime);
        assert_eq!(PurchaseKind::of(Some(true), false, false), PurchaseKind::Subscription);
        assert_eq!(PurchaseKind::of(None, true, false), PurchaseKind::Subscription);
        assert_eq!(PurchaseKind::of(None, false, true), PurchaseKind::Subscription);
        assert_eq!(PurchaseKind::of(None, false, false), PurchaseKind::OneTime);
    }

    #[test]
    fn support_follows_the_gate_of_the_kind_then_the_sdk_method() {
        let (one, sub) = (PurchaseKind::OneTime, PurchaseKind::Subscription);
        // 5.219 passes the one-time gate, not the subscription gate (5.248 on Android).
        assert_eq!(HostSupport::of(&facts(toss("5.219.0"), true), one), HostSupport::Ready);
        assert_eq!(HostSupport::of(&facts(toss("5.219.0"), true), sub), HostSupport::BelowGate);
        assert_eq!(HostSupport::of(&facts(toss("5.218.9"), true), one), HostSupport::BelowGate);
        assert_eq!(HostSupport::of(&facts(toss("5.248.0"), true), sub), HostSupport::Ready);
        // An SDK without the subscription method fails subscriptions only, with a host or without.
        assert_eq!(HostSupport::of(&facts(toss("5.248.0"), false), sub), HostSupport::MethodMissing);
        assert_eq!(HostSupport::of(&facts(toss("5.248.0"), false), one), HostSupport::Ready);
        assert_eq!(HostSupport::of(&facts(Host::Absent, false), sub), HostSupport::MethodMissing);
        assert_eq!(HostSupport::of(&facts(Host::Absent, true), sub), HostSupport::Absent);
        assert_eq!(HostSupport::of(&facts(Host::Absent, true), one), HostSupport::Absent);
    }

    #[test]
    fn the_test_facts_give_what_they_say() {
        for support in [HostSupport::Ready, HostSupport::Absent, HostSupport::BelowGate, HostSupport::MethodMissing] {
            assert_eq!(HostSupport::of(&BuyFacts::giving(support), PurchaseKind::Subscription), support);
        }
    }

    #[test]
    fn a_page_without_a_host_names_the_real_app() {
        assert_eq!(Host::Absent.environment(), Environment::Toss);
        let sandbox = Host::Present(HostInfo { environment: Environment::Sandbox, app_version: None, os: Os::Ios });
        assert_eq!(sandbox.environment(), Environment::Sandbox);
    }
}
