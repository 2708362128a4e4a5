//! The `alloc` names the std prelude would give, for `no_std` code: this crate's and the wasm crate's (whose shipped
//! build is `no_std` too; see its lib.rs).
#![allow(unused_imports)]
pub use alloc::borrow::ToOwned;
pub use alloc::boxed::Box;
pub use alloc::string::String;
#[cfg(test)]
pub use alloc::string::ToString;
pub use alloc::vec;
pub use alloc::vec::Vec;
