//! Property tests of the purchase engine over random event sequences (random order, duplicates, time jumps).
#![cfg(not(target_arch = "wasm32"))]

use ait_iap_core::error::RawError;
use ait_iap_core::grant::{Environment, GrantReply};
use ait_iap_core::host::BuyFacts;
use ait_iap_core::machine::{Effect, Event, HostSupport, Machine, PendingOrder, Status};
use ait_iap_core::outbox::{OutboxEntry, OutboxReason};
use proptest::prelude::*;
use std::collections::HashSet;

fn order() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["o1", "o2", "o3", ""]).prop_map(String::from)
}

const HOSTS: [HostSupport; 5] = [HostSupport::Ready, HostSupport::Ready, HostSupport::Absent, HostSupport::BelowGate, HostSupport::MethodMissing];

fn event() -> impl Strategy<Value = Event> {
    let code = prop::sample::select(vec!["USER_CANCELED", "PAYMENT_PENDING", "NETWORK_ERROR", "TOSS_SERVER_VERIFICATION_FAILED", "PRODUCT_NOT_GRANTED_BY_PARTNER", "???", ""]);
    let reply = prop_oneof![
        Just(GrantReply::Granted),
        Just(GrantReply::Refused { reason: "no".into(), status: 409 }),
        Just(GrantReply::Unreachable { reason: "down", status: 0 }),
    ];
    prop_oneof![
        (prop::sample::select(vec!["a", "b", "", " "]), prop::sample::select(HOSTS.to_vec()), any::<bool>()).prop_map(|(s, host, sub)| Event::Buy {
            purchase: 0, // numbered when fed
            sku: s.into(),
            offer_id: None,
            subscription: Some(sub),
            facts: BuyFacts::giving(host),
        }),
        order().prop_map(|order_id| Event::OrderPaid { order_id }),
        Just(Event::OutboxSaved),
        prop::collection::vec(order(), 0..3).prop_map(|ids| Event::OutboxLoaded { entries: ids.into_iter().map(|order_id| OutboxEntry { order_id, sku: "a".into(), since_ms: 0, reason: OutboxReason::Purchase, refused: None }).collect() }),
        (order(), reply).prop_map(|(order_id, reply)| Event::GrantReplied { order_id, reply }),
        Just(Event::HostSucceeded),
        (code, prop::option::of(order())).prop_map(|(c, o)| Event::HostFailed { error: RawError { code: Some(c.into()), order_id: o, ..Default::default() } }),
        prop::collection::vec(order(), 0..3).prop_map(|ids| Event::Recover { pending: ids.into_iter().map(|order_id| PendingOrder { order_id, sku: "a".into() }).collect(), environment: Environment::Toss }),
        (order(), any::<bool>()).prop_map(|(order_id, ok)| Event::CompleteReplied { order_id, ok }),
        Just(Event::Tick),
        Just(Event::Dispose),
        Just(Event::Suspend),
        Just(Event::Resume),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn engine_invariants_hold(steps in prop::collection::vec((event(), 0u64..30_000), 0..60)) {
        let mut m = Machine::new();
        let mut now = 1_000u64;
        let mut confirmed: HashSet<String> = HashSet::new();
        let mut paid: HashSet<String> = HashSet::new();
        let mut open_purchases = 0u32;
        let mut disposed = false;
        let mut suspended = false;
        // Each purchase() call is answered once, by its own id (Finish or Refuse).
        let mut asked: Vec<u32> = Vec::new();
        let mut answered: Vec<u32> = Vec::new();
        let mut started: Option<u32> = None;
        for (mut ev, dt) in steps {
            now += dt;
            if let Event::Buy { purchase, .. } = &mut ev {
                *purchase = asked.len() as u32 + 1;
                asked.push(*purchase);
            }
            let was_in_flight = m.phase().in_flight();
            if let Event::GrantReplied { order_id, reply: GrantReply::Granted } = &ev {
                confirmed.insert(order_id.clone());
            }
            if let Event::OrderPaid { order_id } = &ev {
                if !order_id.is_empty() { paid.insert(order_id.clone()); }
            }
            let loaded: Vec<String> = match &ev {
                Event::OutboxLoaded { entries } => entries.iter().map(|e| e.order_id.clone()).filter(|id| !id.is_empty()).collect(),
                _ => Vec::new(),
            };
            let recover_after_dispose = (disposed || suspended) && matches!(ev, Event::Recover { .. });
            match ev {
                Event::Dispose => disposed = true,
                Event::Suspend => suspended = true,
                Event::Resume => suspended = false,
                _ => {}
            }
            let is_buy = matches!(ev, Event::Buy { .. });
            let is_tick = ev == Event::Tick;
            let effects = m.handle(ev, now);
            if is_tick {
                prop_assert!(m.next_deadline().is_none_or(|at| at > now), "a tick left work due at {:?} (now {})", m.next_deadline(), now);
            }
            // A purchase the machine took (not refused at once) is open until its Finish.
            if is_buy && !effects.iter().any(|f| matches!(f, Effect::Refuse { .. })) {
                prop_assert!(!was_in_flight, "a second purchase was taken while one was in flight");
                open_purchases += 1;
                started = asked.last().copied();
            }
            if recover_after_dispose {
                let work = effects.iter().any(|f| matches!(f, Effect::PostGrant { .. } | Effect::CompleteProductGrant { .. }));
                prop_assert!(!work, "a disposed machine's recovery handed off or completed an order");
            }
            for id in &loaded {
                if !confirmed.contains(id) {
                    prop_assert!(m.outbox().contains(id), "a stored order {} loaded late did not join the outbox", id);
                }
            }
            for fx in &effects {
                match fx {
                    Effect::StartPurchase { .. } => {
                        prop_assert!(!was_in_flight, "a second purchase started while one was in flight");
                        prop_assert_eq!(open_purchases, 1);
                    }
                    Effect::Refuse { purchase, .. } => {
                        prop_assert_eq!(Some(purchase), asked.last(), "a refusal answers the call that asked");
                        prop_assert!(!answered.contains(purchase), "purchase {} answered twice", purchase);
                        answered.push(*purchase);
                    }
                    Effect::SettleGrant { order_id, granted: true } => {
                        prop_assert!(confirmed.contains(order_id), "granted=true before the backend confirmed {}", order_id);
                    }
                    Effect::CompleteProductGrant { order_id } => {
                        prop_assert!(confirmed.contains(order_id), "completeProductGrant before the backend confirmed {}", order_id);
                    }
                    Effect::Finish { purchase, outcome } => {
                        prop_assert!(open_purchases == 1, "finished a purchase that was not open");
                        prop_assert_eq!(Some(*purchase), started, "the finish answers the purchase that started");
                        prop_assert!(!answered.contains(purchase), "purchase {} answered twice", purchase);
                        answered.push(*purchase);
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
            for id in &paid {
                if !confirmed.contains(id) {
                    prop_assert!(m.outbox().contains(id), "paid order {} left the outbox unconfirmed", id);
                }
            }
        }
    }

    #[test]
    fn every_paid_order_is_handed_off_or_already_answered(order in "[a-z0-9-]{1,40}") {
        let buy = || Event::Buy { purchase: 1, sku: "a".into(), offer_id: None, subscription: Some(false), facts: BuyFacts::giving(HostSupport::Ready) };
        for setup in [vec![], vec![buy()], vec![buy(), Event::Dispose]] {
            let mut m = Machine::new();
            for e in setup { m.handle(e, 0); }
            let mut fx = m.handle(Event::OrderPaid { order_id: order.clone() }, 0);
            fx.extend(m.handle(Event::OutboxSaved, 0));
            let handed_off = fx.iter().any(|f| matches!(f, Effect::PostGrant { order_id, .. } if *order_id == order));
            prop_assert!(handed_off);
            prop_assert!(m.outbox().contains(&order));
        }
    }
}

#[test]
fn every_terminal_phase_is_reachable() {
    let run = |events: Vec<Event>| {
        let mut m = Machine::new();
        for e in events {
            m.handle(e, 0);
        }
        m.phase().name()
    };
    let buy = || Event::Buy { purchase: 1, sku: "a".into(), offer_id: None, subscription: Some(false), facts: BuyFacts::giving(HostSupport::Ready) };
    let paid = || Event::OrderPaid { order_id: "o".into() };
    let fail = |c: &str| Event::HostFailed { error: RawError { code: Some(c.into()), ..Default::default() } };
    let granted = || Event::GrantReplied { order_id: "o".into(), reply: GrantReply::Granted };
    assert_eq!(run(vec![buy(), paid(), Event::OutboxSaved, granted(), Event::HostSucceeded]), "completed");
    assert_eq!(run(vec![buy(), fail("USER_CANCELED")]), "canceled");
    assert_eq!(run(vec![buy(), fail("PAYMENT_PENDING")]), "pending");
    assert_eq!(run(vec![buy(), paid(), Event::OutboxSaved, granted(), fail("TOSS_SERVER_VERIFICATION_FAILED")]), "failed");
    assert_eq!(run(vec![]), "idle");
}
