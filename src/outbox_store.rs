//! The outbox in storage: `localStorage` by default, or any object with `getItem(key)` and `setItem(key, value)`,
//! synchronous or returning promises (the SDK's `Storage`). Stored as JSON. The list's stored catalogue
//! (catalogue.rs) uses the same storage through `read` and `write_text`.

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use ait_iap_core::limits;
use ait_iap_core::outbox::{merge_for_save, remember, Outbox, OutboxEntry, OutboxReason};
use crate::js::{as_array, get, get_function, get_order_id, get_string, object, parse_json};
use crate::deferred::{then, within};
use js_sys::{Array, Promise};
use crate::cell::RefCell;
use alloc::rc::Rc;
use wasm_bindgen::JsValue;

pub const DEFAULT_KEY: &str = "ait-iap:outbox";
/// Longest wait for storage that answers with promises; after it the engine goes on without (native storage
/// answers in milliseconds; a host without it may never answer).
pub const STORAGE_MS: u64 = 2_000;

pub struct OutboxStore {
    storage: JsValue,
    key: String,
    /// The orderIds this client loaded or wrote that may still be stored: stored entries outside it belong to
    /// another client (pruned at each write: `merge_for_save`).
    known: RefCell<Vec<String>>,
    /// The last write: the next one reads and writes after it settles, so that writes land in the order made
    /// (storage may answer with promises).
    last_write: RefCell<Option<Promise>>,
}

impl OutboxStore {
    /// `storage` from the options, else `globalThis.localStorage` (reading it can throw: then no storage).
    pub fn new(storage: JsValue, key: Option<String>) -> OutboxStore {
        let storage = if storage.is_object() { storage } else { get(&crate::js::global(), "localStorage") };
        OutboxStore {
            storage,
            key: key.unwrap_or_else(|| DEFAULT_KEY.to_owned()),
            known: RefCell::new(Vec::new()),
            last_write: RefCell::new(None),
        }
    }

    /// The saved outbox; anything unreadable is skipped (never a panic, never a lost valid entry). Storage that
    /// answers with a promise gives an empty outbox now and the promise of the stored entries (`parse` them).
    pub fn load(&self) -> (Outbox, Option<Promise>) {
        let item = self.read(&self.key);
        if is_thenable(&item) {
            return (Outbox::default(), Some(Promise::resolve(&item)));
        }
        let outbox = Outbox::from_entries(parse(&item));
        self.remember(outbox.entries());
        (outbox, None)
    }

    pub fn remember(&self, entries: &[OutboxEntry]) {
        remember(&mut self.known.borrow_mut(), entries);
    }

    /// The storage's `getItem(key)`: the text, `null`, or a promise of them (a throwing or missing getItem: `null`).
    pub fn read(&self, key: &str) -> JsValue {
        get_function(&self.storage, "getItem")
            .and_then(|f| f.call1(&self.storage, &JsValue::from_str(key)).ok())
            .unwrap_or(JsValue::NULL)
    }

    /// The storage's `setItem(key, text)`, settled as a promise (a throwing or missing setItem rejects).
    pub fn write_text(&self, key: &str, text: &str) -> Promise {
        let written = get_function(&self.storage, "setItem").map(|f| f.call2(&self.storage, &JsValue::from_str(key), &JsValue::from_str(text)));
        match written {
            Some(Ok(result)) => Promise::resolve(&result),
            Some(Err(error)) => Promise::reject(&error),
            None => Promise::reject(&JsValue::UNDEFINED),
        }
    }

    /// Writes the entries, merged with what other clients stored: read and write happen after the previous
    /// write settled. The promise settles when written; a rejection means the write failed, and the caller goes
    /// on with the hand-off anyway (the engine posts only after it settles).
    pub fn save(self: &Rc<Self>, entries: Vec<OutboxEntry>) -> Promise {
        self.remember(&entries);
        let after = self.last_write.borrow_mut().take().unwrap_or_else(|| Promise::resolve(&JsValue::UNDEFINED));
        let store = self.clone();
        let read = then(&after, move |_, _| Ok(store.read(&store.key)));
        let store = self.clone();
        let written = then(&read, move |ok, stored| Ok(store.write(&entries, &if ok { stored } else { JsValue::NULL }).into()));
        // Storage that never answers must not hold up the next writes, nor the hand-off waiting for this one.
        let written = within(&written, STORAGE_MS);
        *self.last_write.borrow_mut() = Some(written.clone());
        written
    }

    fn write(&self, entries: &[OutboxEntry], stored: &JsValue) -> Promise {
        let merged = merge_for_save(entries, parse(stored), &mut self.known.borrow_mut());
        let list: Array = merged.iter().map(entry_js).collect();
        let text = js_sys::JSON::stringify(&list).map(String::from).unwrap_or_else(|_| "[]".into());
        self.write_text(&self.key, &text)
    }
}

fn is_thenable(v: &JsValue) -> bool {
    get_function(v, "then").is_some()
}

/// The stored JSON text as entries; anything unreadable is skipped.
pub fn parse(text: &JsValue) -> Vec<OutboxEntry> {
    let parsed = parse_json(text);
    let Some(parsed) = as_array(&parsed) else { return Vec::new() };
    parsed
        .iter()
        .filter_map(|e| {
            Some(OutboxEntry {
                order_id: get_order_id(&e)?,
                sku: get_string(&e, "sku", limits::FIELD).unwrap_or_default(),
                since_ms: get(&e, "since").as_f64().filter(|n| n.is_finite() && *n >= 0.0).unwrap_or(0.0) as u64,
                reason: OutboxReason::parse(&get_string(&e, "reason", 40).unwrap_or_default()),
                refused: get_string(&e, "refused", limits::REASON),
            })
        })
        .collect()
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
