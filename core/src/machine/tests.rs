#[allow(unused_imports)]
use crate::prelude::*;
use super::*;
use crate::grant::GrantReply;
use crate::outbox::OutboxEntry;
use crate::limits;
use crate::outbox::MAX_ENTRIES;
use crate::grant::Environment;
use crate::host::BuyFacts;

const T0: u64 = 1_000_000;

pub(super) fn buy(sku: &str) -> Event {
    Event::Buy { purchase: 1, sku: sku.into(), offer_id: None, subscription: Some(false), facts: BuyFacts::giving(HostSupport::Ready) }
}

fn granted(order: &str) -> Event {
    Event::GrantReplied { order_id: order.into(), reply: GrantReply::Granted }
}

fn down(order: &str) -> Event {
    Event::GrantReplied { order_id: order.into(), reply: GrantReply::Unreachable { reason: "503", status: 503 } }
}

fn code(c: &str) -> Event {
    Event::HostFailed { error: RawError { code: Some(c.into()), ..Default::default() } }
}

fn posts(fx: &[Effect]) -> usize {
    fx.iter().filter(|f| matches!(f, Effect::PostGrant { .. })).count()
}

/// Lets time run to the machine's next deadline: its effects, and when that was.
fn tick(m: &mut Machine) -> (Vec<Effect>, u64) {
    let at = m.next_deadline().unwrap_or(u64::MAX);
    (m.handle(Event::Tick, at), at)
}

/// Buys and reports the payment; returns the effects of OrderPaid + OutboxSaved.
fn paid(m: &mut Machine, sku: &str, order: &str) -> Vec<Effect> {
    let fx = m.handle(buy(sku), T0);
    assert_eq!(fx[0], Effect::StartPurchase { sku: sku.into(), offer_id: None, kind: PurchaseKind::OneTime });
    let mut fx = m.handle(Event::OrderPaid { order_id: order.into() }, T0);
    assert_eq!(m.phase().name(), "purchased");
    assert!(matches!(fx.iter().find(|f| matches!(f, Effect::PersistOutbox(_))), Some(Effect::PersistOutbox(e)) if e.iter().any(|e| e.order_id == order)));
    assert_eq!(posts(&fx), 0, "no POST before the outbox is written");
    fx.extend(m.handle(Event::OutboxSaved, T0));
    assert_eq!(m.phase().name(), "granting");
    fx
}

#[test]
fn happy_path_completes_and_empties_the_outbox() {
    let mut m = Machine::new();
    assert_eq!(posts(&paid(&mut m, "s", "o1")), 1);
    let fx = m.handle(granted("o1"), T0 + 10);
    assert!(fx.contains(&Effect::SettleGrant { order_id: "o1".into(), granted: true }));
    assert!(fx.contains(&Effect::PersistOutbox(vec![])));
    assert_eq!(m.phase().name(), "confirming");
    let fx = m.handle(Event::HostSucceeded, T0 + 20);
    assert_eq!(m.phase().name(), "completed");
    assert!(fx.iter().any(|f| matches!(f, Effect::Finish { outcome: o, .. } if o.status == Status::Completed && o.order_id.as_deref() == Some("o1"))));
    assert!(m.outbox().entries().is_empty());
}

#[test]
fn second_buy_in_flight_is_refused_without_sdk_call() {
    let mut m = Machine::new();
    m.handle(buy("s"), T0);
    let fx = m.handle(buy("s"), T0);
    assert!(matches!(&fx[..], [Effect::Refuse { outcome: o, .. }] if o.error.as_ref().map(|e| &e.code) == Some(&ErrorCode::PurchaseInFlight)));
    assert_eq!(m.phase().name(), "requesting");
}

#[test]
fn duplicate_paid_event_posts_once() {
    let mut m = Machine::new();
    paid(&mut m, "s", "o1");
    assert_eq!(posts(&m.handle(Event::OrderPaid { order_id: "o1".into() }, T0)), 0);
    m.handle(granted("o1"), T0);
    let fx = m.handle(Event::OrderPaid { order_id: "o1".into() }, T0);
    assert_eq!(fx, vec![Effect::SettleGrant { order_id: "o1".into(), granted: true }]);
}

#[test]
fn retries_with_backoff_then_settles_false_at_the_deadline() {
    let mut m = Machine::new();
    paid(&mut m, "s", "o1");
    let mut now = T0;
    let mut attempts = 1;
    loop {
        let fx = m.handle(down("o1"), now);
        if fx.contains(&Effect::SettleGrant { order_id: "o1".into(), granted: false }) {
            break;
        }
        let (fired, at) = tick(&mut m);
        assert!(at > now, "neither a retry nor a settlement: {fx:?}");
        now = at;
        assert_eq!(posts(&fired), 1, "{fired:?} {now}");
        attempts += 1;
    }
    assert!(attempts >= 4, "retried {attempts} times");
    assert!(now - T0 <= Config::default().grant_deadline_ms);
    assert!(m.outbox().contains("o1"), "unconfirmed orders stay in the outbox");
    assert_eq!(m.phase().name(), "confirming");
}

#[test]
fn deadline_timer_settles_a_hanging_post() {
    let mut m = Machine::new();
    paid(&mut m, "s", "o1");
    assert_eq!(m.next_deadline(), Some(T0 + 25_000));
    let (fx, _) = tick(&mut m);
    assert!(fx.contains(&Effect::SettleGrant { order_id: "o1".into(), granted: false }));
    // The POST that was hanging answers late: the confirmation still empties the outbox.
    m.handle(granted("o1"), T0 + 40_000);
    assert!(!m.outbox().contains("o1"));
}

#[test]
fn refusal_is_final_and_keeps_the_order() {
    let mut m = Machine::new();
    paid(&mut m, "s", "o1");
    let fx = m.handle(Event::GrantReplied { order_id: "o1".into(), reply: GrantReply::Refused { reason: "no".into(), status: 403 } }, T0);
    assert!(fx.contains(&Effect::SettleGrant { order_id: "o1".into(), granted: false }));
    assert_eq!(posts(&fx), 0);
    assert_eq!(m.outbox().entries()[0].refused.as_deref(), Some("no"));
}

#[test]
fn a_sku_the_server_could_refuse_is_handed_off_as_no_claim() {
    let claimed = |fx: &[Effect]| -> Vec<String> {
        fx.iter().filter_map(|f| if let Effect::PostGrant { sku, .. } = f { Some(sku.clone()) } else { None }).collect()
    };
    for (sku, sent) in [("보석 100", "보석 100"), ("gem\n100", ""), ("\u{feff}gem", "\u{feff}gem"), (&*"s".repeat(limits::SKU + 1), "")] {
        let mut m = Machine::new();
        assert_eq!(claimed(&paid(&mut m, sku, "o1")), [sent], "{sku:?}");
        assert_eq!(m.outbox().sku_of("o1"), Some(sku), "the outbox keeps the sku as it was");
        // A retry sends the same.
        m.handle(down("o1"), T0);
        assert_eq!(claimed(&tick(&mut m).0), [sent]);
    }
    // Orders recovered from the host's list with such skus: the same.
    let mut m = Machine::new();
    let skus = [" ", "\u{feff}", "gem\u{0}", "gem"];
    let pending = skus.iter().enumerate().map(|(i, sku)| PendingOrder { order_id: i.to_string(), sku: (*sku).into() }).collect();
    assert_eq!(claimed(&m.handle(Event::Recover { pending, environment: Environment::Toss }, T0)), ["", "", "", "gem"]);
}

#[test]
fn cancel_and_pending_are_their_own_outcomes() {
    for (c, name) in [("USER_CANCELED", "canceled"), ("PAYMENT_PENDING", "pending"), ("NETWORK_ERROR", "failed")] {
        let mut m = Machine::new();
        m.handle(buy("s"), T0);
        m.handle(code(c), T0);
        assert_eq!(m.phase().name(), name);
    }
}

#[test]
fn legacy_success_after_refused_grant_is_a_failure() {
    let mut m = Machine::new();
    paid(&mut m, "s", "o1");
    m.handle(Event::GrantReplied { order_id: "o1".into(), reply: GrantReply::Refused { reason: "no".into(), status: 403 } }, T0);
    m.handle(Event::HostSucceeded, T0);
    assert_eq!(m.phase().error().map(|e| e.code), Some(ErrorCode::ProductNotGrantedByPartner));
    assert_eq!(m.phase().order_id(), Some("o1"));
}

#[test]
fn the_error_of_an_ungranted_purchase_carries_the_backends_answer_as_its_cause() {
    let mut m = Machine::new();
    paid(&mut m, "s", "o1");
    m.handle(Event::GrantReplied { order_id: "o1".into(), reply: GrantReply::Refused { reason: "no route".into(), status: 404 } }, T0);
    m.handle(code("PRODUCT_NOT_GRANTED_BY_PARTNER"), T0);
    let error = m.phase().error().cloned();
    assert_eq!(error.as_ref().map(|e| e.code), Some(ErrorCode::ProductNotGrantedByPartner), "the user-facing code stays");
    let cause = error.and_then(|e| e.cause);
    assert_eq!(cause, Some(GrantFailure { code: ErrorCode::BackendRefused, status: 404, reason: "no route".into() }));

    // Unreachable until the deadline: the last attempt's failure is the cause; the next purchase starts clean.
    let mut m = Machine::with_config(Config { grant_deadline_ms: 1_000, ..Config::default() });
    paid(&mut m, "s", "o2");
    m.handle(down("o2"), T0 + 1);
    m.handle(Event::Tick, T0 + 1_000);
    m.handle(code("PRODUCT_NOT_GRANTED_BY_PARTNER"), T0 + 1_000);
    let cause = m.phase().error().and_then(|e| e.cause.clone());
    assert_eq!(cause.map(|c| (c.code, c.status)), Some((ErrorCode::BackendUnreachable, 503)));
    m.handle(buy("s"), T0 + 2_000);
    m.handle(code("NETWORK_ERROR"), T0 + 2_000);
    assert_eq!(m.phase().error().map(|e| e.cause.is_none()), Some(true));
}

#[test]
fn an_order_confirmed_after_its_purchase_ended_is_announced_once_and_the_purchases_own_is_not() {
    let recovered = |fx: &[Effect]| fx.iter().filter(|f| matches!(f, Effect::Recovered { .. })).cloned().collect::<Vec<_>>();
    let mut m = Machine::with_config(Config { grant_deadline_ms: 1_000, ..Config::default() });
    paid(&mut m, "gem", "o1");
    m.handle(down("o1"), T0 + 1);
    m.handle(Event::Tick, T0 + 1_000);
    m.handle(code("PRODUCT_NOT_GRANTED_BY_PARTNER"), T0 + 1_000);
    assert_eq!(m.phase().name(), "failed");

    // The next purchase completes without an announcement; recovery then confirms the first order.
    let own = paid(&mut m, "pass", "o2");
    assert!(recovered(&own).is_empty());
    assert!(recovered(&m.handle(granted("o2"), T0 + 2_000)).is_empty(), "the purchase's own order is its outcome");
    m.handle(Event::Recover { pending: vec![], environment: Environment::Toss }, T0 + 3_000);
    let fx = m.handle(granted("o1"), T0 + 3_000);
    assert_eq!(recovered(&fx), vec![Effect::Recovered { order_id: "o1".into(), sku: "gem".into() }]);
    assert!(recovered(&m.handle(granted("o1"), T0 + 3_100)).is_empty(), "once");
}

#[test]
fn verification_failure_after_grant_goes_to_the_outbox_with_its_order() {
    let mut m = Machine::new();
    paid(&mut m, "s", "o1");
    m.handle(granted("o1"), T0);
    let err = RawError { code: Some("TOSS_SERVER_VERIFICATION_FAILED".into()), order_id: Some("o1".into()), ..Default::default() };
    m.handle(Event::HostFailed { error: err }, T0);
    assert_eq!(m.outbox().entries()[0].reason, OutboxReason::VerificationFailed);
    assert_eq!(m.phase().error().and_then(|e| e.order_id.as_deref()), Some("o1"));
}

#[test]
fn host_timeout_before_our_answer_completes_the_order_once_confirmed() {
    let mut m = Machine::new();
    paid(&mut m, "s", "o1");
    m.handle(code("PRODUCT_NOT_GRANTED_BY_PARTNER"), T0 + 30_000);
    assert_eq!(m.phase().name(), "failed");
    let fx = m.handle(granted("o1"), T0 + 31_000);
    assert!(fx.contains(&Effect::CompleteProductGrant { order_id: "o1".into() }));
}

#[test]
fn recovery_hands_off_outbox_and_pending_then_completes_after_confirmation() {
    let entries = vec![OutboxEntry { order_id: "a".into(), sku: "s".into(), since_ms: 0, reason: OutboxReason::Purchase, refused: None }];
    let mut m = Machine::with_outbox(Config::default(), Outbox::from_entries(entries));
    let fx = m.handle(Event::Recover { pending: vec![PendingOrder { order_id: "b".into(), sku: "s".into() }], environment: Environment::Toss }, T0);
    assert_eq!(posts(&fx), 2);
    assert!(!fx.iter().any(|f| matches!(f, Effect::CompleteProductGrant { .. })), "never before confirmation");
    let fx = m.handle(granted("b"), T0);
    assert!(fx.contains(&Effect::CompleteProductGrant { order_id: "b".into() }));
    let fx = m.handle(granted("a"), T0);
    assert!(!fx.iter().any(|f| matches!(f, Effect::CompleteProductGrant { .. })), "a was not pending at the host");
    assert!(!fx.iter().any(|f| matches!(f, Effect::RecoveryDone(_))), "waits for completeProductGrant");
    let fx = m.handle(Event::CompleteReplied { order_id: "b".into(), ok: true }, T0);
    let Some(Effect::RecoveryDone(report)) = fx.last() else { panic!("{fx:?}") };
    assert_eq!(report.granted, vec!["b".to_string(), "a".to_string()]);
    assert!(m.outbox().entries().is_empty());
}

#[test]
fn recovery_with_nothing_to_do_is_done_at_once() {
    let mut m = Machine::new();
    let fx = m.handle(Event::Recover { pending: vec![], environment: Environment::Toss }, T0);
    assert_eq!(fx, vec![Effect::RecoveryDone(RecoveryReport::default())]);
}

#[test]
fn recovery_during_the_purchase_hand_off_does_not_post_twice() {
    let mut m = Machine::new();
    paid(&mut m, "s", "o1");
    let fx = m.handle(Event::Recover { pending: vec![PendingOrder { order_id: "o1".into(), sku: "s".into() }], environment: Environment::Toss }, T0);
    assert_eq!(posts(&fx), 0);
    let fx = m.handle(granted("o1"), T0);
    assert!(!fx.iter().any(|f| matches!(f, Effect::CompleteProductGrant { .. })), "the host completes it through the purchase");
    assert!(fx.iter().any(|f| matches!(f, Effect::RecoveryDone(r) if r.granted == vec!["o1".to_string()])));
}

#[test]
fn a_silent_host_times_out_and_an_early_tick_does_nothing() {
    let mut m = Machine::with_config(Config { host_silence_ms: 50, ..Config::default() });
    m.handle(buy("s"), T0);
    assert_eq!(m.next_deadline(), Some(T0 + 50));
    assert_eq!(m.handle(Event::Tick, T0 + 49), vec![]);
    m.handle(Event::Tick, T0 + 50);
    assert_eq!(m.phase().error().map(|e| e.code), Some(ErrorCode::Timeout));
    assert_eq!(m.next_deadline(), None, "nothing left to wait for");
}

#[test]
fn old_app_fails_at_once_without_an_sdk_call() {
    let mut m = Machine::new();
    let fx = m.handle(Event::Buy { purchase: 1, sku: "s".into(), offer_id: None, subscription: Some(true), facts: BuyFacts::giving(HostSupport::BelowGate) }, T0);
    assert!(matches!(&fx[..], [Effect::Refuse { outcome: o, .. }] if o.error.as_ref().map(|e| &e.code) == Some(&ErrorCode::AppTooOld)));
    assert_eq!(m.phase().name(), "failed");
}

#[test]
fn dispose_settles_waiting_grants() {
    let mut m = Machine::new();
    paid(&mut m, "s", "o1");
    let fx = m.handle(Event::Dispose, T0);
    assert!(fx.contains(&Effect::SettleGrant { order_id: "o1".into(), granted: false }));
    assert_eq!(m.phase().error().map(|e| e.code), Some(ErrorCode::Disposed));
    assert!(m.outbox().contains("o1"));
}

#[test]
fn a_disposed_machine_recovers_nothing_and_settles_at_once() {
    let mut m = Machine::new();
    m.handle(Event::Dispose, 0);
    let fx = m.handle(Event::Recover { pending: vec![PendingOrder { order_id: "o".into(), sku: "a".into() }], environment: Environment::Toss }, 0);
    assert_eq!(fx, vec![Effect::RecoveryDone(RecoveryReport::default())]);
    assert!(m.outbox().entries().is_empty());
}

#[test]
fn a_paid_order_is_stored_before_its_post_even_with_a_full_outbox() {
    let full: Vec<OutboxEntry> = (0..MAX_ENTRIES)
        .map(|i| OutboxEntry { order_id: ["old-", &i.to_string()].concat(), sku: "s".into(), since_ms: 0, reason: OutboxReason::Recovery, refused: None })
        .collect();
    let mut m = Machine::with_outbox(Config::default(), Outbox::from_entries(full));
    m.handle(buy("s"), T0);
    let fx = m.handle(Event::OrderPaid { order_id: "new-order".into() }, T0);
    assert!(fx.iter().any(|f| matches!(f, Effect::PersistOutbox(e) if e.iter().any(|x| x.order_id == "new-order"))), "stored first");
    assert_eq!(posts(&fx), 0, "no POST before the outbox is written");
    assert_eq!(m.outbox().entries().len(), MAX_ENTRIES + 1);
    assert_eq!(posts(&m.handle(Event::OutboxSaved, T0)), 1);
}

#[test]
fn what_the_host_cannot_do_is_decided_here_once_per_purchase() {
    let buy_on = |host| Event::Buy { purchase: 7, sku: "s".into(), offer_id: None, subscription: Some(true), facts: BuyFacts::giving(host) };
    let finished = |fx: &[Effect]| {
        fx.iter().find_map(|f| match f {
            Effect::Finish { purchase: 7, outcome } => outcome.error.as_ref().map(|e| e.code),
            _ => None,
        })
    };
    // No host, or an SDK without the method: the purchase fails as one that started (no order sheet opened).
    for (host, code) in [(HostSupport::Absent, ErrorCode::NoHost), (HostSupport::MethodMissing, ErrorCode::AppTooOld)] {
        let mut m = Machine::new();
        let fx = m.handle(buy_on(host), T0);
        assert!(!fx.iter().any(|f| matches!(f, Effect::StartPurchase { .. })));
        assert_eq!(finished(&fx), Some(code));
        assert_eq!(m.phase().name(), "failed");
    }
    // After Dispose a purchase is refused, by its own id.
    let mut m = Machine::new();
    m.handle(Event::Dispose, T0);
    let fx = m.handle(buy_on(HostSupport::Ready), T0);
    assert!(matches!(&fx[..], [Effect::Refuse { purchase: 7, outcome }] if outcome.error.as_ref().map(|e| e.code) == Some(ErrorCode::Disposed)));
}

/// The status and phase names are the ones the TypeScript declarations promise (`PurchaseStatus`, `Phase`).
#[test]
fn status_and_phase_names_are_the_declared_ones() {
    let dts = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../js/index.d.ts")).unwrap();
    let declared = |name: &str| -> Vec<String> {
        let line = dts.lines().find(|l| l.starts_with(&["export type ", name, " = "].concat())).expect(name);
        line.split('\'').skip(1).step_by(2).map(String::from).collect()
    };
    let statuses = [Status::Completed, Status::Canceled, Status::Pending, Status::Failed];
    assert_eq!(statuses.map(|s| s.as_str().to_string()).to_vec(), declared("PurchaseStatus"));
    let sku = String::from("s");
    let error = RoutedError::new(ErrorCode::Unknown, "x");
    let phases = [
        Phase::Idle,
        Phase::Requesting { sku: sku.clone() },
        Phase::Purchased { sku: sku.clone(), order_id: "o".into() },
        Phase::Granting { sku: sku.clone(), order_id: "o".into() },
        Phase::Confirming { sku: sku.clone(), order_id: "o".into(), granted: true },
        Phase::Completed { sku: sku.clone(), order_id: "o".into() },
        Phase::Canceled { sku: sku.clone() },
        Phase::Pending { sku: sku.clone() },
        Phase::Failed { sku, order_id: None, error },
    ];
    assert_eq!(phases.iter().map(|p| p.name().to_string()).collect::<Vec<_>>(), declared("Phase"));
}

/// By default the host may stay silent five minutes (`purchaseTimeoutMs`, docs/api.md) before the purchase fails.
#[test]
fn the_host_is_given_five_minutes_by_default() {
    let mut m = Machine::new();
    m.handle(buy("s"), T0);
    assert_eq!(m.next_deadline(), Some(T0 + 5 * 60 * 1000));
}

/// A machine started from a stored outbox keeps the app's settings: its hand-offs run to the configured deadline.
#[test]
fn a_machine_from_a_stored_outbox_keeps_its_config() {
    let stored = vec![OutboxEntry { order_id: "a".into(), sku: "s".into(), since_ms: 0, reason: OutboxReason::Purchase, refused: None }];
    let mut m = Machine::with_outbox(Config { grant_deadline_ms: 1_000, ..Config::default() }, Outbox::from_entries(stored));
    assert_eq!(posts(&m.handle(Event::Recover { pending: vec![], environment: Environment::Toss }, T0)), 1);
    assert_eq!(m.next_deadline(), Some(T0 + 1_000));
}

/// A paid purchase is never "canceled" or "pending": the host giving up after payment fails it, naming the order,
/// which stays in the outbox.
#[test]
fn a_paid_purchase_fails_with_its_order_whatever_the_host_says() {
    for c in ["USER_CANCELED", "PAYMENT_PENDING", "NETWORK_ERROR"] {
        let mut m = Machine::new();
        paid(&mut m, "s", "o1");
        m.handle(code(c), T0);
        assert_eq!(m.phase().name(), "failed", "{c}");
        assert_eq!(m.phase().error().and_then(|e| e.order_id.as_deref()), Some("o1"), "{c}");
        assert!(m.outbox().contains("o1"));
    }
}

/// A recovery round reports a `completeProductGrant` that failed, and only that one.
#[test]
fn recovery_reports_the_completions_that_failed() {
    let pending = |ids: &[&str]| Event::Recover { pending: ids.iter().map(|id| PendingOrder { order_id: (*id).into(), sku: "s".into() }).collect(), environment: Environment::Toss };
    let mut m = Machine::new();
    m.handle(pending(&["a", "b"]), T0);
    m.handle(granted("a"), T0);
    m.handle(granted("b"), T0);
    m.handle(Event::CompleteReplied { order_id: "a".into(), ok: true }, T0);
    let fx = m.handle(Event::CompleteReplied { order_id: "b".into(), ok: false }, T0);
    let Some(Effect::RecoveryDone(report)) = fx.last() else { panic!("{fx:?}") };
    assert_eq!(report.granted, ["a", "b"]);
    assert_eq!(report.failed, [("b".to_string(), "completeProductGrant failed".to_string())]);
}

/// `purchase()` resolves with the sku it was asked for, however it ends.
#[test]
fn every_outcome_names_the_sku_bought() {
    let outcome = |fx: &[Effect]| fx.iter().find_map(|f| if let Effect::Finish { outcome, .. } = f { Some(outcome.clone()) } else { None });
    let mut m = Machine::new();
    paid(&mut m, "gem", "o1");
    m.handle(granted("o1"), T0);
    let done = outcome(&m.handle(Event::HostSucceeded, T0)).expect("finished");
    assert_eq!((done.status, done.sku.as_str(), m.phase().sku()), (Status::Completed, "gem", Some("gem")));
    for (c, status) in [("USER_CANCELED", Status::Canceled), ("NETWORK_ERROR", Status::Failed)] {
        m.handle(buy("pass"), T0);
        let ended = outcome(&m.handle(code(c), T0)).expect("finished");
        assert_eq!((ended.status, ended.sku.as_str(), m.phase().sku()), (status, "pass", Some("pass")));
    }
    assert_eq!(Machine::new().phase().sku(), None);
}
