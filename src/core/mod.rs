//! The sans-IO core: plain Rust, no JS, no clock, no randomness. Tested natively.

pub mod error;
pub mod grant;
pub mod machine;
pub mod product;
pub mod version;
