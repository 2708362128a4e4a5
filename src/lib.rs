//! ait-iap: in-app purchases for Apps-in-Toss mini-apps.
//!
//! The core crate (`ait_iap_core`, in `core/`) decides (pure Rust, tested natively); this crate, the wasm driver,
//! built for wasm32 only, executes what the core decides against the SDK, the backend and the DOM.
//!
//! The shipped build (feature `small`) is `no_std` with a panic handler that aborts: std's panic machinery and
//! the formatting it pulls in are large in wasm (BENCHMARKS.md), and a panic is already fatal (panic = "abort").
#![cfg_attr(all(target_arch = "wasm32", feature = "small"), no_std)]

extern crate alloc;

#[cfg(target_arch = "wasm32")]
mod cell;
#[cfg(target_arch = "wasm32")]
mod js;
#[cfg(target_arch = "wasm32")]
mod deferred;
#[cfg(target_arch = "wasm32")]
mod js_error;
#[cfg(target_arch = "wasm32")]
mod sdk;
#[cfg(target_arch = "wasm32")]
mod backend;
#[cfg(target_arch = "wasm32")]
mod context;
#[cfg(target_arch = "wasm32")]
mod history;
#[cfg(target_arch = "wasm32")]
mod outbox_store;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod products;
#[cfg(all(target_arch = "wasm32", feature = "list"))]
mod catalogue;
#[cfg(all(target_arch = "wasm32", feature = "list"))]
mod list;

#[cfg(target_arch = "wasm32")]
pub use client::{create_iap, IapClient};
#[cfg(all(target_arch = "wasm32", feature = "list"))]
pub use list::{mount_product_list, ProductList};
#[cfg(target_arch = "wasm32")]
pub use sdk::detect_environment;

// talc instead of dlmalloc: smaller, and much faster than the smallest (lol_alloc; BENCHMARKS.md). The module is
// single-threaded.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(all(target_arch = "wasm32", feature = "small"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
