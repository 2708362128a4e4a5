//! Property tests of the purchase machine over random event sequences.
#![cfg(not(target_arch = "wasm32"))]

use ait_iap::core::error::RawError;
use ait_iap::core::grant::GrantReply;
use ait_iap::core::machine::{Effect, Event, Machine, Status, Timer};
use proptest::prelude::*;
use std::collections::HashSet;

fn event() -> impl Strategy<Value = Event> {
    let order = prop::sample::select(vec!["o1", "o2", "o3", ""]).prop_map(String::from);
    let code = prop::sample::select(vec!["USER_CANCELED", "PAYMENT_PENDING", "NETWORK_ERROR", "TOSS_SERVER_VERIFICATION_FAILED", "PRODUCT_NOT_GRANTED_BY_PARTNER", "???", ""]);
    let reply = prop_oneof![
        Just(GrantReply::Granted),
        Just(GrantReply::Refused { reason: "no".into() }),
        Just(GrantReply::Unreachable { reason: "down".into() }),
    ];
    prop_oneof![
        (prop::sample::select(vec!["a", "b", "", " "]), any::<bool>()).prop_map(|(s, ok)| Event::Buy { sku: s.into(), host_supports_purchase: ok }),
        (0u64..6).prop_map(|generation| Event::TimerFired { timer: Timer::HostSilence, generation }),
        order.clone().prop_map(|order_id| Event::OrderPaid { order_id }),
        (order, reply).prop_map(|(order_id, reply)| Event::GrantReplied { order_id, reply }),
        Just(Event::HostSucceeded),
        code.prop_map(|c| Event::HostFailed { error: RawError { code: Some(c.into()), ..Default::default() } }),
        Just(Event::Dispose),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn machine_invariants_hold(events in prop::collection::vec(event(), 0..40)) {
        let mut m = Machine::new();
        let mut confirmed: HashSet<String> = HashSet::new();
        let mut open_purchases = 0u32;
        for ev in events {
            let was_in_flight = m.phase().in_flight();
            if let Event::GrantReplied { order_id, reply: GrantReply::Granted } = &ev {
                confirmed.insert(order_id.clone());
            }
            let effects = m.handle(ev);
            for fx in &effects {
                match fx {
                    Effect::StartPurchase { .. } => {
                        prop_assert!(!was_in_flight, "a second purchase started while one was in flight");
                        open_purchases += 1;
                        prop_assert_eq!(open_purchases, 1);
                    }
                    Effect::SettleGrant { order_id, granted: true } => {
                        prop_assert!(confirmed.contains(order_id), "granted=true before the backend confirmed {}", order_id);
                    }
                    Effect::Finish(outcome) => {
                        prop_assert!(open_purchases == 1, "finished a purchase that was not open");
                        open_purchases -= 1;
                        if outcome.status == Status::Completed {
                            let id = outcome.order_id.clone().unwrap_or_default();
                            prop_assert!(confirmed.contains(&id), "completed without backend confirmation");
                        }
                    }
                    _ => {}
                }
            }
            prop_assert_eq!(m.phase().in_flight(), open_purchases == 1);
        }
    }

    #[test]
    fn every_paid_order_is_handed_off_or_already_answered(order in "[a-z0-9-]{1,40}") {
        // An orderId arriving in any phase is never silently dropped.
        for setup in [vec![], vec![Event::Buy { sku: "a".into(), host_supports_purchase: true }], vec![Event::Buy { sku: "a".into(), host_supports_purchase: true }, Event::Dispose]] {
            let mut m = Machine::new();
            for e in setup { m.handle(e); }
            let fx = m.handle(Event::OrderPaid { order_id: order.clone() });
            let handed_off = fx.iter().any(|f| matches!(f, Effect::PostGrant { order_id, .. } if *order_id == order));
            prop_assert!(handed_off);
        }
    }
}

#[test]
fn every_terminal_phase_is_reachable() {
    use ait_iap::core::machine::Phase;
    let run = |events: Vec<Event>| {
        let mut m = Machine::new();
        for e in events {
            m.handle(e);
        }
        m.phase().name()
    };
    let buy = || Event::Buy { sku: "a".into(), host_supports_purchase: true };
    let paid = || Event::OrderPaid { order_id: "o".into() };
    let fail = |c: &str| Event::HostFailed { error: RawError { code: Some(c.into()), ..Default::default() } };
    let granted = || Event::GrantReplied { order_id: "o".into(), reply: GrantReply::Granted };
    assert_eq!(run(vec![buy(), paid(), granted(), Event::HostSucceeded]), "completed");
    assert_eq!(run(vec![buy(), fail("USER_CANCELED")]), "canceled");
    assert_eq!(run(vec![buy(), fail("PAYMENT_PENDING")]), "pending");
    assert_eq!(run(vec![buy(), paid(), granted(), fail("TOSS_SERVER_VERIFICATION_FAILED")]), "failed");
    assert_eq!(Phase::Idle.name(), "idle");
}
