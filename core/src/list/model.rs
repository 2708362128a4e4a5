//! The list's state and the rules that turn events into [`Op`]s.

#[allow(unused_imports)]
use crate::prelude::*;
use super::history::{HistoryCursor, OWNED_PAGES};
use super::ops::{Op, RowOp, StatusLine};
use crate::error::{ErrorCode, Route, RoutedError};
use crate::locale::Locale;
use crate::machine::{Outcome, Status};
use crate::product::{Product, ProductKind};
use crate::view::{icon_allowed, reconcile, text, Text};

/// A display text as the list keeps it (a JS string at the boundary, which the model never reads).
pub trait Shown: Clone {
    /// Known to be the same text: no op for the field. `false` means "may differ": the boundary answers it when
    /// comparing here would cost a crossing, and its applier, which holds the shown strings, writes only a value
    /// that differs.
    fn same(&self, other: &Self) -> bool;
}

impl Shown for String {
    #[inline]
    fn same(&self, other: &String) -> bool {
        self == other
    }
}

/// `same` over optional fields: both missing, or both there and the same.
#[inline]
fn same_opt<S>(a: Option<&S>, b: Option<&S>, same: impl Fn(&S, &S) -> bool) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (a, b) => a.is_none() && b.is_none(),
    }
}

/// What a row shows beside its product.
#[derive(Debug, Clone, Copy)]
struct Mark {
    /// The buy button's words: 구매, 결제 중… (its purchase is running) or 보유 중 (owned, not buyable).
    words: Text,
    /// The icon shows (else the letter).
    icon: bool,
}

const NEW_ROW: Mark = Mark { words: Text::Buy, icon: false };
/// The most ops a new row's fields take (`fill`).
const OPS_PER_ROW: usize = 5;

#[derive(Debug, Clone)]
pub struct ListModel<S> {
    /// The list's language (its fixed texts).
    lang: Locale,
    /// The client's language (error messages, as the client's errors say them).
    messages: Locale,
    /// The products shown, in order: a row's sku is its key. Kept as the update handed them over (no copy).
    pub rows: Vec<Product<S>>,
    /// Each row's [`Mark`], in the rows' order.
    marks: Vec<Mark>,
    /// For `Op::Rows`: each row's old index, or `None` (a new row).
    pub sources: Vec<Option<usize>>,
    /// For `Op::State`: the state line's message.
    pub message: String,
    /// For `Op::ErrorCode`: the load error's code.
    pub error_code: String,
    /// For `Op::Status`: the purchase status line.
    pub status: StatusLine,
    /// Skus of non-consumables the user owns (a completed order in the history, or bought here). Each once.
    owned: Vec<String>,
    /// Waiting for the products (`aria-busy` on the list).
    loading: bool,
    /// The list element holds placeholder rows.
    skeleton: bool,
    history: HistoryCursor,
}

impl<S: Shown> ListModel<S> {
    #[inline]
    pub fn new(lang: Locale, messages: Locale) -> ListModel<S> {
        ListModel {
            lang,
            messages,
            rows: Vec::new(),
            marks: Vec::new(),
            sources: Vec::new(),
            message: String::new(),
            error_code: String::new(),
            status: StatusLine::default(),
            owned: Vec::new(), loading: false, skeleton: false, history: HistoryCursor::new(0),
        }
    }

    #[inline]
    fn row(&self, sku: &str) -> Option<usize> {
        self.rows.iter().position(|p| p.sku == sku)
    }

    /// Loading (again): the placeholder rows if nothing is shown.
    #[inline]
    pub fn load(&mut self) -> Vec<Op> {
        let mut ops = vec![Op::Busy(true)];
        self.loading = true;
        if self.rows.is_empty() && !self.skeleton {
            self.skeleton = true;
            ops.push(Op::Skeleton);
        }
        ops.push(Op::State { state: "loading", message: false, retry: false });
        ops.push(Op::Label(Text::Loading));
        ops
    }

    /// The stored catalogue is worth reading: nothing is shown yet.
    #[inline]
    pub fn wants_stored(&self) -> bool {
        self.rows.is_empty()
    }

    /// The stored catalogue arrived: shown if the products are still loading and it has any (`None`: not shown).
    #[inline]
    pub fn stored(&mut self, products: Vec<Product<S>>, busy: bool) -> Option<Vec<Op>> {
        (self.loading && !products.is_empty()).then(|| self.show(products, busy))
    }

    /// Shows `products` keyed by sku: rows kept, moved (minimally), added and removed, and only the fields that
    /// changed written. `busy`: a purchase runs (the buttons stay disabled).
    #[inline]
    pub fn show(&mut self, products: Vec<Product<S>>, busy: bool) -> Vec<Op> {
        // Sized for a list of new rows at once: growing by doubling would hold two copies for a moment.
        let mut ops = Vec::with_capacity(8 + products.len() * OPS_PER_ROW);
        if self.rows.is_empty() {
            self.skeleton = false;
            ops.push(Op::Clear);
        }
        let plan = {
            let old: Vec<&str> = self.rows.iter().map(|p| p.sku.as_str()).collect();
            let new: Vec<&str> = products.iter().map(|p| p.sku.as_str()).collect();
            reconcile(&old, &new)
        };
        for &i in &plan.removed {
            ops.push(Op::Remove(i));
        }
        ops.push(Op::Rows);
        let (old, old_marks) = (core::mem::take(&mut self.rows), core::mem::take(&mut self.marks));
        let mut marks = Vec::with_capacity(products.len());
        for (i, (s, p)) in plan.source.iter().zip(&products).enumerate() {
            let kept = s.and_then(|s| Some((old.get(s)?, *old_marks.get(s)?)));
            let mut mark = kept.map_or(NEW_ROW, |(_, m)| m);
            Self::fill(i, kept.map(|(o, _)| o), p, &mut mark, &mut ops);
            marks.push(mark);
        }
        drop(old);
        self.sources = plan.source;
        for (i, stays) in plan.stays.iter().enumerate().rev() {
            if !stays {
                ops.push(Op::Place(i));
            }
        }
        let empty = products.is_empty();
        self.rows = products;
        self.marks = marks;
        // Only after loading: an update that changes nothing writes nothing.
        if self.loading {
            self.loading = false;
            ops.push(Op::Busy(false));
            ops.push(Op::Label(Text::ListLabel));
        }
        ops.push(Op::ErrorCode(false));
        if empty {
            self.message = text(Text::Empty, self.lang).into();
        }
        ops.push(Op::State { state: if empty { "empty" } else { "ready" }, message: empty, retry: false });
        if busy {
            ops.push(Op::Buttons(true));
        }
        self.show_owned(&mut ops);
        ops
    }

    /// The ops for the fields of row `i` that differ from what it showed (`old`; none for a new row).
    #[inline]
    fn fill(i: usize, old: Option<&Product<S>>, p: &Product<S>, row: &mut Mark, ops: &mut Vec<Op>) {
        let name = !old.is_some_and(|o| o.display_name.same(&p.display_name));
        let description = !old.is_some_and(|o| same_opt(o.description.as_ref(), p.description.as_ref(), S::same));
        let price = !old.is_some_and(|o| o.display_amount.same(&p.display_amount));
        if name || description || price {
            ops.push(Op::Row(i, RowOp::Texts { name, description, price }));
        }
        if old.map(|o| (o.kind, &o.renewal_cycle)) != Some((p.kind, &p.renewal_cycle)) {
            ops.push(Op::Row(i, RowOp::Kind));
        }
        // The same URL exactly decides which of icon and letter shows (a broken icon stays hidden while its URL does
        // not change).
        if old.map(|o| &o.icon_url) != Some(&p.icon_url) {
            let allowed = p.icon_url.as_deref().is_some_and(icon_allowed);
            if allowed {
                ops.push(Op::Row(i, RowOp::IconSrc));
            }
            // Which of icon and letter shows is written only when it changes (a new row shows the letter).
            if allowed != row.icon {
                if !allowed {
                    ops.push(Op::Row(i, RowOp::NoSrc));
                }
                ops.push(Op::Row(i, RowOp::IconShown(allowed)));
                row.icon = allowed;
            }
        }
        if old.map(|o| &o.offers) != Some(&p.offers) {
            ops.push(Op::Row(i, RowOp::Offers));
        }
    }

    /// Owned non-consumables: "보유 중" on a disabled button. Only a change is written (owned now, or no longer:
    /// refunded); a row mid-purchase keeps its busy words.
    #[inline]
    fn show_owned(&mut self, ops: &mut Vec<Op>) {
        for (i, (p, row)) in self.rows.iter().zip(self.marks.iter_mut()).enumerate() {
            let owned = p.kind == ProductKind::NonConsumable && self.owned.contains(&p.sku);
            if owned == (row.words == Text::Owned) || row.words == Text::Busy {
                continue;
            }
            ops.push(Op::Row(i, RowOp::Owned(owned)));
            row.words = if owned { Text::Owned } else { Text::Buy };
            ops.push(Op::Row(i, RowOp::Words(row.words)));
        }
    }

    /// Notes `sku` as owned, once: a consumable bought in a loop must not add a record per purchase (issue 27).
    /// The order history's completed orders are noted here, then [`ListModel::history_page`] shows them.
    #[inline]
    pub fn own(&mut self, sku: String) {
        if !self.owned.contains(&sku) {
            self.owned.push(sku);
        }
    }

    /// The products the SDK answered are shown: whether to read the order history for owned items (any
    /// non-consumable shown). Reading starts over: what it found before is forgotten.
    #[inline]
    pub fn read_history(&mut self) -> bool {
        let any = self.rows.iter().any(|p| p.kind == ProductKind::NonConsumable);
        if any {
            self.owned.clear();
            self.history = HistoryCursor::new(OWNED_PAGES);
        }
        any
    }

    /// A page of the order history was read (its completed orders noted with [`ListModel::own`]) and answered
    /// `next_key`: the ops, and the key of the page to read next (`None`: done).
    #[inline]
    pub fn history_page(&mut self, next_key: Option<String>) -> (Vec<Op>, Option<String>) {
        let mut ops = Vec::new();
        self.show_owned(&mut ops);
        (ops, self.history.next(next_key))
    }

    /// The row of `sku` busy (its purchase runs) or not.
    #[inline]
    fn row_busy(&mut self, sku: &str, busy: bool, ops: &mut Vec<Op>) {
        if let Some(i) = self.row(sku) {
            ops.push(Op::Row(i, RowOp::Busy(busy)));
            let words = if busy { Text::Busy } else { Text::Buy };
            if let Some(row) = self.marks.get_mut(i) {
                row.words = words;
            }
            ops.push(Op::Row(i, RowOp::Words(words)));
        }
    }

    /// The status line at the item `sku`.
    #[inline]
    fn status(&mut self, sku: &str, status: &'static str, message: String, order_id: Option<String>, code: Option<String>, retry: bool) -> Op {
        self.status = StatusLine { row: self.row(sku), sku: sku.into(), status, message, order_id, code, retry };
        Op::Status
    }

    /// The user tapped a buy or offer button of `sku`.
    #[inline]
    pub fn purchase_started(&mut self, sku: &str) -> Vec<Op> {
        let mut ops = vec![Op::Buttons(true)];
        self.row_busy(sku, true, &mut ops);
        ops.push(self.status(sku, "requesting", String::new(), None, None, false));
        ops
    }

    /// The purchase of `sku` that the list started ended with `outcome`.
    #[inline]
    pub fn outcome(&mut self, sku: &str, outcome: &Outcome) -> Vec<Op> {
        let mut ops = Vec::new();
        self.row_busy(sku, false, &mut ops);
        ops.push(Op::Buttons(false));
        let error = outcome.error.as_ref();
        if outcome.status == Status::Completed || error.is_some_and(|e| e.code == ErrorCode::ItemAlreadyOwned) {
            self.own(sku.into());
        }
        // Also what the order history found while this row was busy.
        self.show_owned(&mut ops);
        let (message, retry) = match (outcome.status, error) {
            (Status::Completed, _) => (text(Text::Completed, self.lang).into(), false),
            // The user backed out, or the page went away mid-purchase (back/forward cache): say nothing.
            (Status::Canceled, _) | (_, None) => (String::new(), false),
            (_, Some(e)) if e.code == ErrorCode::Disposed => (String::new(), false),
            (_, Some(e)) => (e.message(self.messages), e.code.retryable()),
        };
        let code = error.map(|e| e.code_str().into());
        ops.push(self.status(sku, outcome.status.as_str(), message, outcome.order_id.clone(), code, retry));
        ops
    }

    /// An order of `sku` confirmed after its purchase ended (the user was told the item would follow), said at its
    /// item unless a purchase runs (`busy`).
    #[inline]
    pub fn recovered(&mut self, sku: &str, order_id: Option<String>, busy: bool) -> Vec<Op> {
        if busy {
            return Vec::new();
        }
        vec![self.status(sku, "recovered", text(Text::Recovered, self.lang).into(), order_id, None, false)]
    }

    /// The products did not load.
    #[inline]
    pub fn failed(&mut self, error: &RoutedError) -> Vec<Op> {
        self.loading = false;
        // Named as the list again: "loading" would stay its accessible name in the error state.
        let mut ops = vec![Op::Busy(false), Op::Label(Text::ListLabel)];
        if self.rows.is_empty() {
            self.skeleton = false;
            ops.push(Op::Clear);
        }
        self.error_code = error.code_str().into();
        ops.push(Op::ErrorCode(true));
        self.message = error.message(self.messages);
        ops.push(match error.code.route() {
            Route::UpdateApp => Op::State { state: "update-app", message: true, retry: false },
            _ => Op::State { state: "error", message: true, retry: error.code.retryable() },
        });
        ops
    }

    /// Row `i`'s icon did not load: the letter shows instead.
    #[inline]
    pub fn icon_failed(&mut self, i: usize) -> Vec<Op> {
        match self.marks.get_mut(i) {
            Some(row) => {
                row.icon = false;
                vec![Op::Row(i, RowOp::IconShown(false))]
            }
            None => Vec::new(),
        }
    }
}
