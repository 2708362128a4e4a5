//! The `alloc` names the std prelude would give: the shipped wasm build is `no_std` (see lib.rs).
#![allow(unused_imports)]
pub use alloc::borrow::ToOwned;
pub use alloc::boxed::Box;
pub use alloc::string::String;
#[cfg(test)]
pub use alloc::string::ToString;
pub use alloc::vec;
pub use alloc::vec::Vec;
