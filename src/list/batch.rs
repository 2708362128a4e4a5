//! The model's ops for one update, packed for the JS applier (js/list-dom.js), which carries them out: numbers in a
//! `Vec<u32>`, the strings the wasm makes (kind badges, offers, messages) in one `String`, each after its length in
//! UTF-16 units. Display texts are not here: the applier reads them from the items the products came from
//! (`JsText`'s item index) and compares them with what it shows. An update's ops usually go in one call; a long one
//! (hundreds of new rows) goes in parts of about `PART` numbers, so that the packed copy never grows with the list.

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use crate::products::JsText;
use ait_iap_core::list::{ListModel, Op, RowOp};
use ait_iap_core::locale::Locale;
use ait_iap_core::view::{kind_words, offer_label, offer_words};

/// "No string" where an optional one goes (the applier's `NONE`).
const NONE: u32 = u32::MAX;
/// The numbers a part holds before it is handed over (16 KB; its strings are a few bytes per number at most).
const PART: usize = 4096;

pub(super) struct Batch {
    pub(super) ops: Vec<u32>,
    pub(super) text: String,
}

impl Batch {
    fn push(&mut self, words: &[u32]) {
        self.ops.extend_from_slice(words);
    }

    fn str(&mut self, s: &str) {
        self.ops.push(s.chars().map(|c| c.len_utf16() as u32).sum());
        self.text.push_str(s);
    }

    fn opt(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.ops.push(NONE),
        }
    }

    /// Packs `ops`, which `model` (as it is after the event) produced, handing each part to `apply` (`last`: the
    /// update's last part).
    pub(super) fn each_part(model: &ListModel<JsText>, ops: &[Op], lang: Locale, mut apply: impl FnMut(&Batch, bool)) {
        let mut b = Batch { ops: Vec::with_capacity(PART.min(ops.len() * 3)), text: String::new() };
        for (n, &op) in ops.iter().enumerate() {
            b.pack(model, op, lang);
            let last = n + 1 == ops.len();
            if last || b.ops.len() >= PART {
                apply(&b, last);
                b.ops.clear();
                b.text.clear();
            }
        }
    }

    fn pack(&mut self, model: &ListModel<JsText>, op: Op, lang: Locale) {
        match op {
            Op::Busy(on) => self.push(&[0, on as u32]),
            Op::Label(t) => self.push(&[1, t as u32]),
            Op::Skeleton => self.push(&[2]),
            Op::Clear => self.push(&[3]),
            Op::ErrorCode(on) => {
                self.push(&[4]);
                self.opt(on.then_some(model.error_code.as_str()));
            }
            Op::State { state, message, retry } => {
                self.push(&[5]);
                self.str(state);
                self.opt(message.then_some(model.message.as_str()));
                self.push(&[retry as u32]);
            }
            Op::Remove(i) => self.push(&[6, i as u32]),
            Op::Rows => {
                self.push(&[7, model.rows.len() as u32]);
                for (s, p) in model.sources.iter().zip(&model.rows) {
                    self.push(&[s.map_or(0, |s| s as u32 + 1), p.display_name.1]);
                }
            }
            Op::Place(i) => self.push(&[8, i as u32]),
            Op::Buttons(on) => self.push(&[9, on as u32]),
            Op::Status => {
                let line = &model.status;
                self.push(&[10, line.row.map_or(NONE, |i| i as u32)]);
                self.str(line.status);
                self.opt(line.order_id.as_deref());
                self.opt(line.code.as_deref());
                self.str(&line.message);
                self.push(&[line.retry as u32]);
                self.str(&line.sku);
            }
            Op::Row(i, change) => {
                let Some(p) = model.rows.get(i) else { return };
                let i = i as u32;
                match change {
                    RowOp::Texts { name, description, price } => self.push(&[11, i, name as u32 | (description as u32) << 1 | (price as u32) << 2]),
                    RowOp::Kind => {
                        self.push(&[14, i]);
                        self.str(&kind_words(p.kind, p.renewal_cycle.as_deref(), lang));
                    }
                    RowOp::IconSrc => self.push(&[15, i]),
                    RowOp::NoSrc => self.push(&[16, i]),
                    RowOp::IconShown(on) => self.push(&[17, i, on as u32]),
                    RowOp::Offers => {
                        let shown: Vec<_> = p.offers.iter().filter_map(|o| Some((o, offer_label(&o.offer_type, lang)?))).collect();
                        self.push(&[18, i, shown.len() as u32]);
                        for (o, label) in shown {
                            self.str(&o.offer_id);
                            self.str(&offer_words(label, &o.period, o.display_amount.as_deref(), o.offer_type == "FREE_TRIAL", lang));
                        }
                    }
                    RowOp::Words(t) => self.push(&[19, i, t as u32]),
                    RowOp::Owned(on) => self.push(&[20, i, on as u32]),
                    RowOp::Busy(on) => self.push(&[21, i, on as u32]),
                }
            }
        }
    }
}
