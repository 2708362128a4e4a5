//! The outbox in storage: `localStorage` by default, or any object with `getItem(key)` (synchronous) and
//! `setItem(key, value)` (synchronous or returning a promise). Stored as JSON.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::outbox::{merge_for_save, Outbox, OutboxEntry, OutboxReason};
use crate::js::{get, get_function, get_string, object};
use js_sys::{Array, Promise};
use core::cell::RefCell;
use wasm_bindgen::JsValue;

pub const DEFAULT_KEY: &str = "ait-iap:outbox";
const MAX_ID: usize = 200;

pub struct OutboxStore {
    storage: JsValue,
    key: String,
    /// Every orderId this client loaded or wrote: stored entries outside it belong to another client.
    known: RefCell<Vec<String>>,
}

impl OutboxStore {
    /// `storage` from the options, else `globalThis.localStorage` (reading it can throw: then no storage).
    pub fn new(storage: JsValue, key: Option<String>) -> OutboxStore {
        let storage = if storage.is_object() { storage } else { get(&js_sys::global(), "localStorage") };
        OutboxStore { storage, key: key.unwrap_or_else(|| DEFAULT_KEY.to_owned()), known: RefCell::new(Vec::new()) }
    }

    /// Reads the saved outbox; anything unreadable is skipped (never a panic, never a lost valid entry).
    pub fn load(&self) -> Outbox {
        let outbox = Outbox::from_entries(self.read());
        self.remember(outbox.entries());
        outbox
    }

    fn remember(&self, entries: &[OutboxEntry]) {
        let mut known = self.known.borrow_mut();
        for e in entries {
            if !known.contains(&e.order_id) {
                known.push(e.order_id.clone());
            }
        }
    }

    fn read(&self) -> Vec<OutboxEntry> {
        let text = get_function(&self.storage, "getItem")
            .and_then(|f| f.call1(&self.storage, &JsValue::from_str(&self.key)).ok())
            .and_then(|v| v.as_string());
        let parsed = text.and_then(|t| js_sys::JSON::parse(&t).ok()).unwrap_or(JsValue::UNDEFINED);
        if !Array::is_array(&parsed) {
            return Vec::new();
        }
        Array::from(&parsed)
            .iter()
            .filter_map(|e| {
                Some(OutboxEntry {
                    order_id: get_string(&e, "orderId", MAX_ID).filter(|s| !s.is_empty())?,
                    sku: get_string(&e, "sku", MAX_ID).unwrap_or_default(),
                    since_ms: get(&e, "since").as_f64().filter(|n| n.is_finite() && *n >= 0.0).unwrap_or(0.0) as u64,
                    reason: OutboxReason::parse(&get_string(&e, "reason", 40).unwrap_or_default()),
                    refused: get_string(&e, "refused", 500),
                })
            })
            .collect()
    }

    /// Writes the entries. The promise settles when written; a rejection means the write failed, and the
    /// caller goes on with the hand-off anyway.
    pub fn save(&self, entries: &[OutboxEntry]) -> Promise {
        self.remember(entries);
        let merged = merge_for_save(entries, self.read(), &self.known.borrow());
        let list: Array = merged.iter().map(entry_js).collect();
        let text = js_sys::JSON::stringify(&list).map(String::from).unwrap_or_else(|_| "[]".into());
        let written = get_function(&self.storage, "setItem")
            .map(|f| f.call2(&self.storage, &JsValue::from_str(&self.key), &JsValue::from_str(&text)));
        match written {
            Some(Ok(result)) => Promise::resolve(&result),
            _ => Promise::resolve(&JsValue::UNDEFINED),
        }
    }
}

pub fn entry_js(e: &OutboxEntry) -> JsValue {
    object(&[
        ("orderId", JsValue::from_str(&e.order_id)),
        ("sku", JsValue::from_str(&e.sku)),
        ("since", JsValue::from_f64(e.since_ms as f64)),
        ("reason", JsValue::from_str(e.reason.as_str())),
        ("refused", e.refused.as_deref().map(JsValue::from_str).unwrap_or(JsValue::UNDEFINED)),
    ])
}
