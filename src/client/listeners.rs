//! Who hears the client: `subscribe` (phase changes, once per run of the machine) and `onRecovered`.

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use super::{Inner, Topic};
use crate::js::{object, opt_str, Callback};
use crate::js_error::to_js_error;
use js_sys::Function;
use alloc::rc::Rc;
use wasm_bindgen::prelude::*;

impl Inner {

    pub(super) fn state_js(&self) -> JsValue {
        let machine = self.machine.borrow();
        let phase = machine.phase();
        object(&[
            ("phase", JsValue::from_str(phase.name())),
            ("sku", opt_str(phase.sku())),
            ("orderId", opt_str(phase.order_id())),
            ("error", phase.error().map(|e| to_js_error(e, self.ctx.locale)).unwrap_or(JsValue::UNDEFINED)),
        ])
    }

    pub(super) fn notify(&self) {
        if self.listeners.borrow().iter().any(|(_, topic, _)| *topic == Topic::State) {
            self.tell(Topic::State, &self.state_js());
        }
    }

    /// Calls every listener of `topic` with `value`.
    pub(super) fn tell(&self, topic: Topic, value: &JsValue) {
        let listeners: Vec<Function> = self.listeners.borrow().iter().filter(|(_, t, _)| *t == topic).map(|(_, _, f)| f.clone()).collect();
        for listener in listeners {
            let _ = listener.call1(&JsValue::NULL, value);
        }
    }

    /// Adds `listener` of `topic`; returns the JS function that removes it.
    pub(crate) fn listen(self: &Rc<Self>, topic: Topic, listener: Function) -> JsValue {
        let id = self.next_listener.get();
        self.next_listener.set(id.wrapping_add(1));
        self.listeners.borrow_mut().push((id, topic, listener));
        let weak = Rc::downgrade(self);
        Callback::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                inner.listeners.borrow_mut().retain(|(i, _, _)| *i != id);
            }
            JsValue::UNDEFINED
        })
        .into_js_value()
    }
}
