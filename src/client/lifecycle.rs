//! The client's lifecycle: `dispose()`, and the page around it (unloading disposes; a page kept in the
//! back/forward cache only ends its work in flight and gets its client back on `pageshow`).

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use super::Inner;
use ait_iap_core::machine::Event;
use alloc::rc::Rc;
use js_sys::Function;
use wasm_bindgen::prelude::*;

impl Inner {
    pub(super) fn listen_page(&self, on: bool) {
        let page = self.callbacks.borrow().as_ref().map(|c| c.page.as_ref().clone());
        let Some(cb) = page else {
            return;
        };
        let window: web_sys::EventTarget = crate::js::global().unchecked_into();
        let f: &Function = cb.unchecked_ref();
        for kind in ["pagehide", "pageshow"] {
            let _ = if on {
                window.add_event_listener_with_callback(kind, f)
            } else {
                window.remove_event_listener_with_callback(kind, f)
            };
        }
    }

    /// Leaving the page ends the work in flight (a grant the host waits for is answered `false`, recovered later).
    /// A page that may come back from the back/forward cache keeps its client for `pageshow`.
    pub(super) fn page_hidden(self: &Rc<Self>, persisted: bool) {
        self.dispatch(if persisted { Event::Suspend } else { Event::Dispose });
    }

    pub(super) fn page_shown(self: &Rc<Self>, persisted: bool) {
        if persisted {
            self.dispatch(Event::Resume);
        }
    }

    /// `client.dispose()`, and a page unloading for good.
    pub(super) fn dispose(self: &Rc<Self>) {
        self.dispatch(Event::Dispose);
    }

    /// Once the machine is disposed: drops the listeners, the page's listeners and the host's callbacks.
    pub(super) fn release(&self) {
        self.listeners.borrow_mut().clear();
        self.listen_page(false);
        self.callbacks.borrow_mut().take();
    }
}
