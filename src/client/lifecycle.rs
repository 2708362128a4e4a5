//! The client's lifecycle: `dispose()`, and the page around it (unloading disposes; a page kept in the
//! back/forward cache only ends its work in flight and gets its client back on `pageshow`).

#[allow(unused_imports)]
use crate::prelude::*;
use super::Inner;
use ait_iap_core::machine::Event;
use crate::deferred::ignore;
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
        if !persisted {
            return self.dispose();
        }
        if !self.disposed.get() && !self.suspended.replace(true) {
            self.end_work();
        }
    }

    pub(super) fn page_shown(self: &Rc<Self>, persisted: bool) {
        if persisted && !self.disposed.get() && self.suspended.replace(false) {
            self.dispatch(Event::Resume);
            if self.recover_on_start {
                ignore(&self.recover());
            }
        }
    }

    /// `client.dispose()`, and a page unloading for good: ends the work, drops the listeners and the callbacks.
    pub(super) fn dispose(self: &Rc<Self>) {
        if self.disposed.replace(true) {
            return;
        }
        if !self.suspended.get() {
            self.end_work();
        }
        self.listeners.borrow_mut().clear();
        self.listen_page(false);
        self.callbacks.borrow_mut().take();
    }

    /// The machine ends the work: the purchase in flight fails (`DISPOSED`) and its SDK cleanup runs, waiting grants
    /// are answered `false`, later purchases are refused (all as its effects).
    fn end_work(self: &Rc<Self>) {
        self.dispatch(Event::Dispose);
    }
}
