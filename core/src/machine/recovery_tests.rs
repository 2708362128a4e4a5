//! Recovery's and a failed host's rules that cargo-mutants found untested (BENCHMARKS.md): which orders Toss is told
//! are done, which are handed off again, and that what recovery adds to the outbox is written.

#[allow(unused_imports)]
use crate::prelude::*;
use super::tests::buy;
use super::*;
use crate::error::RawError;
use crate::grant::{Environment, GrantReply};

fn recover(ids: &[&str]) -> Event {
    let pending = ids.iter().map(|id| PendingOrder { order_id: (*id).into(), sku: "s".into() }).collect();
    Event::Recover { pending, environment: Environment::Toss }
}

fn host_failed(code: &str, order: &str) -> Event {
    Event::HostFailed { error: RawError { code: Some(code.into()), order_id: Some(order.into()), ..Default::default() } }
}

fn completes(fx: &[Effect], order: &str) -> bool {
    fx.contains(&Effect::CompleteProductGrant { order_id: order.into() })
}

/// A purchase whose order the backend confirmed, the host still to answer.
fn confirmed(order: &str) -> Machine {
    let mut m = Machine::new();
    m.handle(buy("s"), 0);
    m.handle(Event::OrderPaid { order_id: order.into() }, 0);
    m.handle(Event::OutboxSaved, 0);
    m.handle(Event::GrantReplied { order_id: order.into(), reply: GrantReply::Granted }, 0);
    assert_eq!(m.phase().name(), "confirming");
    m
}

#[test]
fn toss_is_told_a_granted_order_is_done_only_when_the_host_says_it_was_not_granted() {
    let mut m = confirmed("o");
    assert!(completes(&m.handle(host_failed("PRODUCT_NOT_GRANTED_BY_PARTNER", "o"), 0), "o"));
    let mut m = confirmed("o");
    assert!(!completes(&m.handle(host_failed("NETWORK_ERROR", "o"), 0), "o"), "another failure of a granted order is not a completion");
}

#[test]
fn a_confirmed_order_kept_again_for_toss_is_handed_off_again_not_completed_blindly() {
    // Toss could not verify the order: it goes back into the outbox though the backend confirmed it once.
    let mut m = confirmed("o");
    m.handle(host_failed("TOSS_SERVER_VERIFICATION_FAILED", "o"), 0);
    assert!(m.outbox().contains("o"));
    let fx = m.handle(recover(&["o"]), 0);
    assert_eq!(fx.iter().filter(|f| matches!(f, Effect::PostGrant { order_id, .. } if order_id == "o")).count(), 1, "handed off again");
    assert!(!completes(&fx, "o"), "not completed at Toss before the backend answers again");
}

#[test]
fn an_order_recovery_hands_off_and_the_host_then_lists_is_completed_at_toss_once_confirmed() {
    let mut m = Machine::new();
    let stored = crate::outbox::OutboxEntry { order_id: "o".into(), sku: "s".into(), since_ms: 0, reason: OutboxReason::Purchase, refused: None };
    m.handle(Event::OutboxLoaded { entries: vec![stored] }, 0);
    m.handle(recover(&[]), 0);
    m.handle(recover(&["o"]), 0);
    let fx = m.handle(Event::GrantReplied { order_id: "o".into(), reply: GrantReply::Granted }, 0);
    assert!(completes(&fx, "o"), "the host listed it as pending: Toss must hear it is done");
}

#[test]
fn what_recovery_adds_to_the_outbox_is_written() {
    let mut m = Machine::new();
    let fx = m.handle(recover(&["o"]), 0);
    assert!(fx.iter().any(|f| matches!(f, Effect::PersistOutbox(e) if e.iter().any(|e| e.order_id == "o"))));
}

#[test]
fn retries_of_an_unreachable_backend_back_off_doubling_to_their_cap() {
    let mut m = Machine::with_config(Config { grant_deadline_ms: 600_000, ..Config::default() });
    m.handle(buy("s"), 0);
    m.handle(Event::OrderPaid { order_id: "o".into() }, 0);
    m.handle(Event::OutboxSaved, 0);
    let mut now = 0;
    let mut waits = Vec::new();
    for _ in 0..5 {
        m.handle(Event::GrantReplied { order_id: "o".into(), reply: GrantReply::Unreachable { reason: "503", status: 503 } }, now);
        let at = m.next_deadline().unwrap_or(now);
        waits.push(at - now);
        now = at;
        assert!(m.handle(Event::Tick, now).iter().any(|f| matches!(f, Effect::PostGrant { .. })), "a retry at its time");
    }
    assert_eq!(waits, [500, 1_000, 2_000, 4_000, 4_000]);
}

#[test]
fn a_post_in_flight_at_the_deadline_keeps_its_hand_off_so_a_late_confirmation_completes_at_toss() {
    let mut m = Machine::new();
    assert!(m.handle(recover(&["o"]), 0).iter().any(|f| matches!(f, Effect::PostGrant { .. })));
    let deadline = m.next_deadline().unwrap_or(0);
    m.handle(Event::Tick, deadline);
    let fx = m.handle(Event::GrantReplied { order_id: "o".into(), reply: GrantReply::Granted }, deadline + 1_000);
    assert!(completes(&fx, "o"), "the host listed it as pending: the late confirmation still tells Toss");
    assert!(!m.outbox().contains("o"));
}
