//! The order history's cursor: which page to read next, and where reading stops.

#[allow(unused_imports)]
use crate::prelude::*;

/// The most pages `orderHistory()` reads: a host that keeps answering `hasNext` is cut off there. js/entry.js restates
/// it (a test holds the two equal).
pub const MAX_PAGES: u32 = 200;

/// The pages the product list reads to find the non-consumables the user owns.
pub const OWNED_PAGES: u32 = 10;

/// Pages read so far against a cap. The first page has no key; each page's `nextKey` (null on the last page) is the
/// key of the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryCursor {
    left: u32,
}

impl HistoryCursor {
    /// A cursor that reads at most `pages` pages (the first one included).
    #[inline]
    pub fn new(pages: u32) -> HistoryCursor {
        HistoryCursor { left: pages }
    }

    /// A page was read and answered `next_key`: the key of the page to read next, or `None` when the history ends
    /// here (the last page, or the cap reached).
    #[inline]
    pub fn next(&mut self, next_key: Option<String>) -> Option<String> {
        let key = next_key.filter(|k| !k.is_empty() && self.left > 1)?;
        self.left -= 1;
        Some(key)
    }
}
