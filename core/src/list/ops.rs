//! What the DOM side does to show the list's model: a flat list of small `Copy` operations. Rows are named by their
//! index in the model's rows (after the event that produced the ops); texts are fixed `Text` ids or read from the
//! model (its rows' products, its message, status line and error code), so that an applier can run a whole batch at
//! once.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::view::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `aria-busy` on the list (waiting for the products), or none.
    Busy(bool),
    /// The list's accessible name.
    Label(Text),
    /// Placeholder rows while nothing is shown yet.
    Skeleton,
    /// Empties the list element (the placeholder rows go).
    Clear,
    /// `data-error-code` on the container: the model's `error_code`, or none.
    ErrorCode(bool),
    /// `data-state` on the container; the state line shows the model's `message` (else it is hidden), and a retry
    /// button.
    State { state: &'static str, message: bool, retry: bool },
    /// An old row's element goes (its index before this update).
    Remove(usize),
    /// The rows from now on, in order: the model's `sources`, for each row the index of the old row it keeps, or
    /// `None` for a new row (with its `data-sku`).
    Rows,
    /// Row `i` is inserted before row `i + 1` (at the end for the last row). Emitted from the last row back.
    Place(usize),
    /// A change to row `i`.
    Row(usize, RowOp),
    /// Every buy and offer button disabled while a purchase runs (an owned row's buy button stays disabled).
    Buttons(bool),
    /// The purchase status line as the model's `status` says, moved into the row of the item it is about.
    Status,
}

/// A change to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOp {
    /// The row's texts that may differ from what it shows (one op, not three: a list update keeps most rows, and
    /// the boundary cannot tell whether its texts changed): the name (with its letter icon and the buy button's
    /// accessible name), the description, the price.
    Texts { name: bool, description: bool, price: bool },
    /// The kind badge's words (`view::kind_words`).
    Kind,
    /// The icon's `src` is the row's icon URL (allowed by `view::icon_allowed`).
    IconSrc,
    /// The icon has no `src`.
    NoSrc,
    /// The icon shows (true) or the letter does (false).
    IconShown(bool),
    /// The row's offer buttons (`view::offer_label`, `view::offer_words`), replacing the ones it had.
    Offers,
    /// The buy button's words and accessible name (the product's name, then the words).
    Words(Text),
    /// The row is an owned non-consumable (`data-owned`, its buy button disabled), or no longer.
    Owned(bool),
    /// `aria-busy` on the row: its purchase runs.
    Busy(bool),
}

/// The one live region: a purchase's phase or outcome, said at its item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusLine {
    /// The item's row; `None` when it is gone (the line then goes under the list if it is not in the page).
    pub row: Option<usize>,
    pub sku: String,
    /// `data-status`: requesting, completed, canceled, pending, failed, recovered.
    pub status: &'static str,
    pub message: String,
    pub order_id: Option<String>,
    pub code: Option<String>,
    /// A retry button that buys `sku` again.
    pub retry: bool,
}
