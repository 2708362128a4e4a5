//! The client listener the list holds (`onRecovered`'s), removed when dropped (by `destroy()`).

use js_sys::Function;
use wasm_bindgen::JsValue;

/// A client listener's unsubscribe function (`onRecovered`'s), called on drop.
pub(super) struct Unlisten(pub(super) Option<Function>);

impl Drop for Unlisten {
    fn drop(&mut self) {
        if let Some(unlisten) = &self.0 {
            let _ = unlisten.call0(&JsValue::NULL);
        }
    }
}
