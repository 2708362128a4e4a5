//! The sans-IO core: plain Rust, no JS, no clock, no randomness. Tested natively.

pub mod error;
pub mod grant;
pub mod key_set;
pub mod limits;
pub mod locale;
pub mod machine;
pub mod outbox;
pub mod product;
pub mod small_map;
pub mod subscription_skus;
pub mod text;
pub mod version;
pub mod view;
