//! How long a text from outside may be, in UTF-8 bytes: every field limit in one place. Longer is refused (an
//! identifier) or cut (a message), never kept whole.

/// An orderId (visible ASCII: `grant::valid_order_id`).
pub const ORDER_ID: usize = 200;
/// A sku the hand-off claims (`grant::claimable_sku`): the same as `FIELD`.
pub const SKU: usize = FIELD;
/// Every field of a product (names, descriptions, prices, icon URLs, offer ids). The console's limits
/// are 30 (name) and 45 (description) characters; 2048 bytes is over 600 Korean characters: room for drift, no
/// megabyte strings.
pub const FIELD: usize = 2048;
/// An error code as a host sent it.
pub const CODE: usize = 64;
/// A refusal's reason from the backend.
pub const REASON: usize = 500;
/// An error's message or detail.
pub const TEXT: usize = 2000;
/// A key the app or the host passes back to us (storage key, history page key).
pub const KEY: usize = 200;
