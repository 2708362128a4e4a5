use super::*;
use crate::error::{ErrorCode, RoutedError};
use crate::locale::Locale;
use crate::machine::{Outcome, Status};
use crate::product::{Offer, Product, ProductKind};
use crate::view::Text;
use proptest::prelude::*;

fn product(sku: &str, kind: ProductKind) -> Product {
    Product {
        sku: sku.into(),
        kind,
        display_name: format!("name {sku}"),
        display_amount: "1,000원".into(),
        icon_url: None,
        description: None,
        renewal_cycle: None,
        offers: Vec::new(),
    }
}

fn consumables(skus: &[&str]) -> Vec<Product> {
    skus.iter().map(|s| product(s, ProductKind::Consumable)).collect()
}

fn model() -> ListModel<String> {
    ListModel::new(Locale::Ko, Locale::Ko)
}

/// The ops that touch rows (everything but the list-wide state written at each update).
fn row_ops(ops: &[Op]) -> Vec<Op> {
    ops.iter().filter(|op| !matches!(op, Op::ErrorCode(false) | Op::State { .. })).cloned().collect()
}

fn outcome(sku: &str, status: Status, code: Option<ErrorCode>) -> Outcome {
    Outcome { status, sku: sku.into(), order_id: Some("o-1".into()), error: code.map(|c| RoutedError::new(c, "x")) }
}

/// The keys in the order a DOM that applies `ops` to `old` would hold them.
fn apply_order(old: &[String], ops: &[Op], sources: &[Option<usize>], new_keys: &[String]) -> Vec<String> {
    let mut dom: Vec<String> = old.to_vec();
    let mut rows: Vec<String> = Vec::new();
    for op in ops {
        match op {
            Op::Remove(i) => dom.retain(|k| *k != old[*i]),
            Op::Rows => rows = sources.iter().enumerate().map(|(i, s)| s.map_or(new_keys[i].clone(), |s| old[s].clone())).collect(),
            Op::Place(i) => {
                let key = rows[*i].clone();
                dom.retain(|k| *k != key);
                let at = rows.get(i + 1).and_then(|next| dom.iter().position(|k| k == next)).unwrap_or(dom.len());
                dom.insert(at, key);
            }
            _ => {}
        }
    }
    dom
}

#[test]
fn loading_shows_placeholders_once_and_the_products_replace_them() {
    let mut m = model();
    let ops = m.load();
    assert_eq!(ops, vec![Op::Busy(true), Op::Skeleton, Op::State { state: "loading", message: false, retry: false }, Op::Label(Text::Loading)]);
    assert!(!m.load().contains(&Op::Skeleton), "a second load keeps the placeholders it has");
    let ops = m.show(consumables(&["a", "b"]), false);
    assert_eq!(ops[0], Op::Clear);
    assert!(ops.contains(&Op::Rows) && m.sources == [None, None]);
    assert!(ops.contains(&Op::Busy(false)) && ops.contains(&Op::Label(Text::ListLabel)));
    assert!(ops.contains(&Op::State { state: "ready", message: false, retry: false }));
    let empty = m.show(Vec::new(), false);
    assert!(empty.contains(&Op::State { state: "empty", message: true, retry: false }));
    assert_eq!(m.message, "지금 구매할 수 있는 상품이 없어요.");
}

#[test]
fn an_update_that_changes_nothing_touches_no_row() {
    let mut m = model();
    m.show(consumables(&["a", "b", "c"]), false);
    assert_eq!(row_ops(&m.show(consumables(&["a", "b", "c"]), false)), vec![Op::Rows]);
    assert_eq!(m.sources, [Some(0), Some(1), Some(2)]);
}

#[test]
fn only_changed_fields_are_written_and_moves_are_minimal() {
    let mut m = model();
    m.show(consumables(&["a", "b", "c", "d"]), false);
    let mut next = consumables(&["a", "c", "d", "b"]);
    next[0].display_amount = "2,000원".into();
    next[0].description = Some("새 설명".into());
    let ops = row_ops(&m.show(next, false));
    assert_eq!(ops, vec![Op::Rows, Op::Row(0, RowOp::Texts { name: false, description: true, price: true }), Op::Place(3)]);
    assert_eq!(m.sources, [Some(0), Some(2), Some(3), Some(1)]);
}

#[test]
fn new_rows_are_filled_and_removed_rows_go() {
    assert_eq!(crate::view::kind_words(ProductKind::Subscription, Some("MONTHLY"), Locale::Ko), "구독 · 매월");
    assert_eq!(crate::view::kind_words(ProductKind::NonConsumable, Some("DAILY"), Locale::En), "Permanent");
    let mut m = model();
    m.show(consumables(&["a", "b"]), false);
    let mut next = consumables(&["c", "a"]);
    next[0].kind = ProductKind::Subscription;
    next[0].renewal_cycle = Some("MONTHLY".into());
    next[0].offers = vec![Offer { offer_type: "FREE_TRIAL".into(), offer_id: "t".into(), period: "P7D".into(), display_amount: None }];
    let ops = row_ops(&m.show(next, false));
    assert_eq!(
        ops,
        vec![
            Op::Remove(1),
            Op::Rows,
            Op::Row(0, RowOp::Texts { name: true, description: true, price: true }),
            Op::Row(0, RowOp::Kind),
            Op::Row(0, RowOp::Offers),
            Op::Place(0),
        ]
    );
}

#[test]
fn icons_show_when_allowed_and_the_letter_otherwise() {
    let mut m = model();
    let mut list = consumables(&["a"]);
    list[0].icon_url = Some("https://static.toss.im/a.png".into());
    assert!(row_ops(&m.show(list.clone(), false)).windows(3).any(|w| w == [Op::Row(0, RowOp::IconSrc), Op::Row(0, RowOp::IconShown(true)), Op::Row(0, RowOp::Offers)]));
    list[0].icon_url = Some("javascript:alert(1)".into());
    assert_eq!(row_ops(&m.show(list.clone(), false))[1..], [Op::Row(0, RowOp::NoSrc), Op::Row(0, RowOp::IconShown(false))]);
    list[0].icon_url = Some("https://static.toss.im/b.png".into());
    assert_eq!(row_ops(&m.show(list.clone(), false))[1..], [Op::Row(0, RowOp::IconSrc), Op::Row(0, RowOp::IconShown(true))]);
    assert_eq!(m.icon_failed(0), vec![Op::Row(0, RowOp::IconShown(false))]);
    list[0].icon_url = Some("https://static.toss.im/c.png".into());
    assert_eq!(row_ops(&m.show(list, false))[1..], [Op::Row(0, RowOp::IconSrc), Op::Row(0, RowOp::IconShown(true))], "a broken icon replaced shows");
    assert_eq!(m.icon_failed(5), vec![]);
}

/// A text the model cannot compare (a JS string at the boundary: comparing would cost a crossing).
#[derive(Debug, Clone)]
struct Opaque;

impl Shown for Opaque {
    fn same(&self, _: &Opaque) -> bool {
        false
    }
}

#[test]
fn texts_the_boundary_cannot_compare_go_to_its_applier_and_a_broken_icon_stays_hidden() {
    let mut m: ListModel<Opaque> = ListModel::new(Locale::Ko, Locale::Ko);
    let opaque = |p: Product| Product {
        sku: p.sku,
        kind: p.kind,
        display_name: Opaque,
        display_amount: Opaque,
        icon_url: Some("https://static.toss.im/a.png".into()),
        description: None,
        renewal_cycle: p.renewal_cycle,
        offers: p.offers,
    };
    let list = || consumables(&["a", "b"]).into_iter().map(opaque).collect::<Vec<_>>();
    m.show(list(), false);
    assert_eq!(m.icon_failed(1), vec![Op::Row(1, RowOp::IconShown(false))]);
    // Name and price may differ: the applier compares them. No description on either side, the same kind, the same
    // icon URL (row 1's broken icon stays hidden): nothing for them.
    let texts = |i| [Op::Row(i, RowOp::Texts { name: true, description: false, price: true })];
    assert_eq!(row_ops(&m.show(list(), false)), [&[Op::Rows][..], &texts(0), &texts(1)].concat());
}

#[test]
fn the_stored_catalogue_shows_only_while_loading_and_the_answer_reconciles_it() {
    let mut m = model();
    assert!(m.wants_stored());
    m.load();
    assert_eq!(m.stored(Vec::new(), false), None, "an empty catalogue is not shown");
    assert!(m.stored(consumables(&["a", "b"]), false).is_some());
    assert!(!m.wants_stored());
    let ops = m.show(consumables(&["b"]), false);
    assert_eq!(ops[0], Op::Remove(0), "the SDK's answer drops the row it no longer lists");
    assert_eq!(m.stored(consumables(&["x"]), false), None, "a catalogue read after the answer is not shown");
}

#[test]
fn a_purchase_marks_its_row_busy_disables_buttons_and_says_the_outcome() {
    let mut m = model();
    m.show(consumables(&["a", "b"]), false);
    let started = m.purchase_started("b");
    assert_eq!(&started[..3], &[Op::Buttons(true), Op::Row(1, RowOp::Busy(true)), Op::Row(1, RowOp::Words(Text::Busy))]);
    assert_eq!(started[3], Op::Status);
    assert!(matches!(m.status, StatusLine { row: Some(1), status: "requesting", .. }));
    assert!(m.show(consumables(&["a", "b"]), true).contains(&Op::Buttons(true)), "an update mid-purchase keeps the buttons disabled");
    let done = m.outcome("b", &outcome("b", Status::Failed, Some(ErrorCode::NetworkError)));
    assert_eq!(&done[..3], &[Op::Row(1, RowOp::Busy(false)), Op::Row(1, RowOp::Words(Text::Buy)), Op::Buttons(false)]);
    assert_eq!(done.last(), Some(&Op::Status));
    let line = &m.status;
    assert_eq!((line.status, line.retry, line.code.as_deref()), ("failed", true, Some("NETWORK_ERROR")));
    assert_eq!(line.message, "네트워크 연결을 확인하고 다시 시도해 주세요.");
    for (status, code) in [(Status::Canceled, Some(ErrorCode::UserCanceled)), (Status::Failed, Some(ErrorCode::Disposed))] {
        assert_eq!(m.outcome("b", &outcome("b", status, code)).pop(), Some(Op::Status));
        assert_eq!((m.status.message.as_str(), m.status.retry), ("", false), "{status:?} is silent");
    }
    m.outcome("gone", &outcome("gone", Status::Completed, None));
    assert_eq!((m.status.row, m.status.message.as_str()), (None, "구매를 완료했어요."), "a row gone: the line goes under the list");
}

#[test]
fn owned_non_consumables_cannot_be_bought_until_refunded() {
    let mut m = model();
    let mut list = consumables(&["coin", "pass"]);
    list[1].kind = ProductKind::NonConsumable;
    m.show(list.clone(), false);
    assert!(m.read_history());
    m.own("coin".into());
    m.own("pass".into());
    let (ops, next) = m.history_page(None);
    assert_eq!(ops, vec![Op::Row(1, RowOp::Owned(true)), Op::Row(1, RowOp::Words(Text::Owned))], "a consumable is never owned");
    assert_eq!(next, None);
    assert_eq!(row_ops(&m.show(list.clone(), false)), vec![Op::Rows], "owned stays owned, unwritten");
    // The history read again after a refund: the order is no longer completed.
    assert!(m.read_history());
    assert_eq!(m.history_page(None).0, vec![Op::Row(1, RowOp::Owned(false)), Op::Row(1, RowOp::Words(Text::Buy))]);
    // Bought here: owned at once; a row mid-purchase keeps its busy words when the history answers.
    m.purchase_started("pass");
    m.own("pass".into());
    assert_eq!(m.history_page(None).0, vec![]);
    let done = m.outcome("pass", &outcome("pass", Status::Completed, None));
    assert!(done.contains(&Op::Row(1, RowOp::Owned(true))) && done.contains(&Op::Row(1, RowOp::Words(Text::Owned))));
    assert!(!model().read_history(), "no non-consumable: no history read");
}

#[test]
fn item_already_owned_marks_the_item_owned() {
    let mut m = model();
    m.show(vec![product("pass", ProductKind::NonConsumable)], false);
    m.purchase_started("pass");
    assert!(m.outcome("pass", &outcome("pass", Status::Failed, Some(ErrorCode::ItemAlreadyOwned))).contains(&Op::Row(0, RowOp::Owned(true))));
}

/// Any other failure leaves the item buyable: the buy button says 구매 again (cargo-mutants).
#[test]
fn a_failed_purchase_does_not_mark_the_item_owned() {
    let mut m = model();
    m.show(vec![product("pass", ProductKind::NonConsumable)], false);
    m.purchase_started("pass");
    let ops = m.outcome("pass", &outcome("pass", Status::Failed, Some(ErrorCode::NetworkError)));
    assert!(!ops.contains(&Op::Row(0, RowOp::Owned(true))), "{ops:?}");
    assert!(ops.contains(&Op::Row(0, RowOp::Words(Text::Buy))));
}

#[test]
fn the_history_is_read_page_by_page_up_to_its_cap() {
    let mut m = model();
    m.show(vec![product("pass", ProductKind::NonConsumable)], false);
    assert!(m.read_history());
    for page in 1..OWNED_PAGES {
        assert_eq!(m.history_page(Some(format!("k{page}"))).1, Some(format!("k{page}")));
    }
    assert_eq!(m.history_page(Some("more".into())).1, None, "page {OWNED_PAGES} is the last read");
    let mut cursor = HistoryCursor::new(MAX_PAGES);
    assert_eq!(cursor.next(Some(String::new())), None, "an empty key ends the history");
    assert_eq!(cursor.next(None), None);
    assert_eq!((1..MAX_PAGES).filter_map(|_| cursor.next(Some("k".into()))).count(), MAX_PAGES as usize - 1);
}

#[test]
fn load_errors_say_why_and_offer_a_retry_when_it_may_help() {
    let mut m: ListModel<String> = ListModel::new(Locale::Ko, Locale::En);
    m.load();
    let ops = m.failed(&RoutedError::new(ErrorCode::NetworkError, "x"));
    assert_eq!(
        ops,
        vec![
            Op::Busy(false),
            Op::Label(Text::ListLabel),
            Op::Clear,
            Op::ErrorCode(true),
            Op::State { state: "error", message: true, retry: true },
        ]
    );
    assert_eq!((m.error_code.as_str(), m.message.as_str()), ("NETWORK_ERROR", "Check your connection and try again."));
    let ops = m.failed(&RoutedError::new(ErrorCode::AppTooOld, "x"));
    assert!(matches!(ops.last(), Some(Op::State { state: "update-app", retry: false, .. })));
    m.show(consumables(&["a"]), false);
    assert!(!m.failed(&RoutedError::new(ErrorCode::NoHost, "x")).contains(&Op::Clear), "the rows shown stay");
}

#[test]
fn a_recovered_order_is_said_at_its_item_unless_a_purchase_runs() {
    let mut m = model();
    m.show(consumables(&["a", "b"]), false);
    let ops = m.recovered("b", Some("o-9".into()), false);
    assert_eq!(ops, vec![Op::Status]);
    assert!(matches!(m.status, StatusLine { row: Some(1), status: "recovered", order_id: Some(_), .. }));
    assert_eq!(m.recovered("b", None, true), vec![]);
}

proptest! {
    #[test]
    fn the_ops_put_the_rows_in_the_new_order(
        old in prop::collection::btree_set(0u32..40, 0..20),
        new in prop::collection::btree_set(0u32..40, 0..20),
        seed in any::<u64>(),
    ) {
        let old: Vec<String> = old.into_iter().map(|k| k.to_string()).collect();
        let mut new: Vec<String> = new.into_iter().map(|k| k.to_string()).collect();
        let mut s = seed;
        for i in (1..new.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            new.swap(i, (s >> 33) as usize % (i + 1));
        }
        let mut m = model();
        m.show(old.iter().map(|k| product(k, ProductKind::Consumable)).collect(), false);
        let ops = m.show(new.iter().map(|k| product(k, ProductKind::Consumable)).collect(), false);
        prop_assert_eq!(apply_order(&old, &ops, &m.sources, &new), new);
    }
}

#[test]
fn the_js_order_history_reads_as_many_pages_as_the_core_cursor() {
    // js/entry.js's `orderHistory()` runs the same key loop in JS (a wasm export of the cursor would cost bytes in
    // both builds): its cap is the core's.
    let entry = include_str!("../../../js/entry.js");
    assert!(entry.contains(&format!("const MAX_HISTORY_PAGES = {MAX_PAGES};")), "js/entry.js's cap is not MAX_PAGES");
}
