//! ait-iap-core: the sans-IO core of ait-iap. Plain Rust, no JS, no clock, no randomness; tested natively.
//!
//! It decides; the wasm crate at the repository root executes what it decides (SDK calls, HTTP, storage, DOM).
//! It has no dependencies (the compiler keeps it free of wasm-bindgen, js-sys and web-sys) and is `no_std` outside
//! its tests: what it needs from the world (time, the environment, answers) arrives as events.
//!
//! Every function outside the tests is `#[inline]`: the wasm crate then compiles the core's code in its own unit, as
//! when the two were one crate. Without it the split cost 0.5 KB gzip (LLVM optimizes an upstream crate on its own
//! before LTO); with it the `ait-iap` wasm is 0.4 KB gzip smaller than the one crate's (scripts/build.sh).
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod prelude;

pub mod error;
pub mod grant;
pub mod host;
pub mod key_set;
pub mod limits;
pub mod list;
pub mod locale;
pub mod machine;
pub mod outbox;
pub mod product;
pub mod small_map;
pub mod subscription_skus;
pub mod text;
pub mod version;
pub mod view;
