//! Listeners that remove themselves when dropped (gloo-events' model): the list holds them, and `destroy()` drops
//! them.

use crate::js::Callback;
use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

/// A DOM event listener on `target`, removed (and its closure freed) on drop.
pub(super) struct Listener {
    target: Element,
    kind: &'static str,
    capture: bool,
    callback: Callback,
}

impl Listener {
    /// Adding a listener to an element cannot fail.
    pub(super) fn new(target: &Element, kind: &'static str, capture: bool, callback: Callback) -> Listener {
        let _ = target.add_event_listener_with_callback_and_bool(kind, callback.as_ref().unchecked_ref(), capture);
        Listener { target: target.clone(), kind, capture, callback }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback_and_bool(self.kind, self.callback.as_ref().unchecked_ref(), self.capture);
    }
}

/// A client listener's unsubscribe function (`onRecovered`'s), called on drop.
pub(super) struct Unlisten(pub(super) Option<Function>);

impl Drop for Unlisten {
    fn drop(&mut self) {
        if let Some(unlisten) = &self.0 {
            let _ = unlisten.call0(&JsValue::NULL);
        }
    }
}
