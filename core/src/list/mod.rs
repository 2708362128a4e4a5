//! The product list as a sans-IO model: what the list shows (its rows and their fields, the buy buttons' words,
//! busy / owned / outcome per item, the loading / empty / error state, the owned items read from the order history)
//! decided from events, with the DOM writes it takes as a list of [`Op`]s. The wasm crate's `list` module applies
//! them to the page.

mod history;
mod model;
mod ops;
#[cfg(test)]
mod tests;

pub use history::{HistoryCursor, MAX_PAGES, OWNED_PAGES};
pub use model::{ListModel, Shown};
pub use ops::{Op, RowOp, StatusLine};
