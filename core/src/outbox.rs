//! The outbox: every paid orderId the backend has not yet confirmed. An entry goes in before the first
//! hand-off and leaves only when the backend confirmed the grant.

#[allow(unused_imports)]
use crate::prelude::*;
use super::limits;
use super::text::truncate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxReason {
    /// Paid through a purchase of this client.
    Purchase,
    /// Toss reported TOSS_SERVER_VERIFICATION_FAILED after payment: reconcile through the backend.
    VerificationFailed,
    /// Found paid-but-ungranted at the host during recovery.
    Recovery,
}

impl OutboxReason {
    #[inline]
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxReason::Purchase => "purchase",
            OutboxReason::VerificationFailed => "verification_failed",
            OutboxReason::Recovery => "recovery",
        }
    }

    #[inline]
    pub fn parse(s: &str) -> OutboxReason {
        match s {
            "verification_failed" => OutboxReason::VerificationFailed,
            "recovery" => OutboxReason::Recovery,
            _ => OutboxReason::Purchase,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub order_id: String,
    pub sku: String,
    pub since_ms: u64,
    pub reason: OutboxReason,
    /// The backend's last refusal, if any (the entry stays: only a confirmation removes it).
    pub refused: Option<String>,
}

/// Most entries taken from sources we do not control (stored lists, the host's pending orders, grant callbacks
/// outside a purchase): beyond this such new entries are not added, which bounds what a hostile host could push
/// through fake orderIds. An order paid in a purchase the user started is always added, over the cap: its orderId
/// must be in storage before the first POST.
pub const MAX_ENTRIES: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outbox {
    entries: Vec<OutboxEntry>,
}

impl Outbox {
    #[inline]
    pub fn from_entries(mut entries: Vec<OutboxEntry>) -> Self {
        let mut seen: Vec<String> = Vec::new();
        entries.retain(|e| {
            let new = !e.order_id.is_empty() && !seen.contains(&e.order_id);
            if new {
                seen.push(e.order_id.clone());
            }
            new
        });
        entries.truncate(MAX_ENTRIES);
        Outbox { entries }
    }

    #[inline]
    pub fn entries(&self) -> &[OutboxEntry] {
        &self.entries
    }

    #[inline]
    pub fn contains(&self, order_id: &str) -> bool {
        self.entries.iter().any(|e| e.order_id == order_id)
    }

    #[inline]
    pub fn sku_of(&self, order_id: &str) -> Option<&str> {
        self.entries.iter().find(|e| e.order_id == order_id).map(|e| e.sku.as_str())
    }

    /// Adds the order unless present (keeping the known sku); returns whether the outbox changed. `capped`: refuse
    /// a new entry at `MAX_ENTRIES` (false only for an order paid in the user's own purchase).
    #[inline]
    pub fn add(&mut self, order_id: &str, sku: &str, since_ms: u64, reason: OutboxReason, capped: bool) -> bool {
        if let Some(e) = self.entries.iter_mut().find(|e| e.order_id == order_id) {
            if e.sku.is_empty() && !sku.is_empty() {
                e.sku = sku.to_owned();
                return true;
            }
            return false;
        }
        if capped && self.entries.len() >= MAX_ENTRIES {
            return false;
        }
        self.entries.push(OutboxEntry { order_id: order_id.to_owned(), sku: sku.to_owned(), since_ms, reason, refused: None });
        true
    }

    /// Adds loaded entries it does not hold (storage answered after the client started); returns whether it
    /// changed. `skip` says which orders must not come back (confirmed meanwhile).
    #[inline]
    pub fn merge_loaded(&mut self, loaded: Vec<OutboxEntry>, skip: impl Fn(&str) -> bool) -> bool {
        let before = self.entries.len();
        append_new(&mut self.entries, loaded, |id| !skip(id));
        before != self.entries.len()
    }

    /// Removes the order (only call once the backend confirmed it); returns its entry if it was there.
    #[inline]
    pub fn confirm(&mut self, order_id: &str) -> Option<OutboxEntry> {
        let at = self.entries.iter().position(|e| e.order_id == order_id)?;
        Some(self.entries.remove(at))
    }

    #[inline]
    pub fn mark_refused(&mut self, order_id: &str, reason: &str) -> bool {
        match self.entries.iter_mut().find(|e| e.order_id == order_id) {
            Some(e) => {
                e.refused = Some(truncate(reason, limits::REASON));
                true
            }
            None => false,
        }
    }
}

/// What to write when another client (a second `createIap` on the page, another tab) shares the storage key:
/// this client's entries, plus every stored entry it has never seen (`known`: ids it loaded or wrote). An entry
/// this client confirmed is dropped; one the other client confirmed may come back, which costs one more
/// idempotent hand-off, never a lost order.
///
/// `known` then keeps only what a later write can meet: the ids written now and those still stored. An id that
/// left both is gone from storage, so it never grows with the orders a long session confirms (issue 27); it holds
/// at most two outboxes' worth of ids.
#[inline]
pub fn merge_for_save(mine: &[OutboxEntry], stored: Vec<OutboxEntry>, known: &mut Vec<String>) -> Vec<OutboxEntry> {
    known.retain(|k| stored.iter().any(|e| e.order_id == *k));
    remember(known, mine);
    let mut merged = mine.to_vec();
    append_new(&mut merged, stored, |id| !known.iter().any(|k| k == id));
    merged
}

/// Adds the orderIds of `entries` to `known`, each once.
#[inline]
pub fn remember(known: &mut Vec<String>, entries: &[OutboxEntry]) {
    for e in entries {
        if !known.contains(&e.order_id) {
            known.push(e.order_id.clone());
        }
    }
}

/// Appends each entry of `from` that `keep` accepts and `into` does not hold yet (orderId), up to the cap.
#[inline]
fn append_new(into: &mut Vec<OutboxEntry>, from: Vec<OutboxEntry>, keep: impl Fn(&str) -> bool) {
    for e in from {
        if into.len() < MAX_ENTRIES && !e.order_id.is_empty() && keep(&e.order_id) && !into.iter().any(|m| m.order_id == e.order_id) {
            into.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str) -> OutboxEntry {
        OutboxEntry { order_id: id.into(), sku: "s".into(), since_ms: 0, reason: OutboxReason::Purchase, refused: None }
    }

    #[test]
    fn a_save_keeps_what_another_client_stored_and_drops_what_this_one_confirmed() {
        let ids = |v: &[OutboxEntry]| v.iter().map(|e| e.order_id.clone()).collect::<Vec<_>>();
        // This client knew a (loaded at start) and b (wrote it), confirmed both, now holds c.
        let mut known: Vec<String> = vec!["a".into(), "b".into(), "c".into()];
        let stored = vec![entry("a"), entry("b"), entry("x")]; // x: the other client's
        assert_eq!(ids(&merge_for_save(&[entry("c")], stored, &mut known)), ["c", "x"]);
        // Nothing stored by anyone else: exactly this client's list.
        assert_eq!(ids(&merge_for_save(&[entry("c")], vec![entry("c")], &mut known)), ["c"]);
        // What it wrote, it knows, and drops once confirmed: d written, then confirmed with e in flight.
        let written = merge_for_save(&[entry("d")], vec![entry("c"), entry("x")], &mut known);
        assert_eq!(ids(&written), ["d", "x"]);
        assert_eq!(ids(&merge_for_save(&[entry("e")], written, &mut known)), ["e", "x"]);
    }

    #[test]
    fn what_a_client_knows_stays_bounded_however_many_orders_it_saves() {
        // A long session: each order written, then confirmed (the next write leaves it out), one after another.
        let mut known: Vec<String> = Vec::new();
        let mut stored = vec![entry("other")];
        for i in 0..10_000 {
            let order = entry(&["o", &i.to_string()].concat());
            stored = merge_for_save(&[order], stored, &mut known);
            stored = merge_for_save(&[], stored, &mut known);
            assert!(known.len() <= 2, "after {} orders the client knows {} ids", i + 1, known.len());
        }
        assert_eq!(stored, vec![entry("other")], "another client's entry stays; every confirmed one left");
    }

    #[test]
    fn entries_loaded_late_join_unless_held_or_confirmed_meanwhile() {
        let mut o = Outbox::default();
        o.add("a", "s", 1, OutboxReason::Purchase, true);
        assert!(o.merge_loaded(vec![entry("a"), entry("b"), entry("c"), entry("b")], |id| id == "c"));
        let ids: Vec<&str> = o.entries().iter().map(|e| e.order_id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert!(!o.merge_loaded(vec![entry("a")], |_| false));
    }

    #[test]
    fn the_cap_bounds_outside_entries_but_never_the_users_own_paid_order() {
        let mut o = Outbox::from_entries((0..MAX_ENTRIES).map(|i| entry(&["e", &i.to_string()].concat())).collect());
        assert!(!o.add("pushed", "s", 1, OutboxReason::Recovery, true), "at the cap an outside entry is refused");
        assert!(o.add("paid", "s", 1, OutboxReason::Purchase, false), "the user's paid order is kept over the cap");
        assert!(o.contains("paid") && !o.contains("pushed"));
    }

    /// A stored entry's reason reads back as written; an unknown one (an older or newer version's) is a purchase.
    #[test]
    fn a_reason_reads_back_as_written() {
        for reason in [OutboxReason::Purchase, OutboxReason::VerificationFailed, OutboxReason::Recovery] {
            assert_eq!(OutboxReason::parse(reason.as_str()), reason);
        }
        assert_eq!(OutboxReason::parse("refund"), OutboxReason::Purchase);
        assert_ne!(OutboxReason::VerificationFailed.as_str(), OutboxReason::Recovery.as_str());
    }

    /// A stored list keeps the first entry of each orderId, in order, and none without one.
    #[test]
    fn a_stored_list_keeps_the_first_entry_of_each_order() {
        let mut later = entry("x");
        later.sku = "other".into();
        let o = Outbox::from_entries(vec![entry(""), entry("x"), later, entry("y")]);
        let read: Vec<(&str, &str)> = o.entries().iter().map(|e| (e.order_id.as_str(), e.sku.as_str())).collect();
        assert_eq!(read, [("x", "s"), ("y", "s")]);
    }

    /// An order first known without its sku takes the sku once one is known; a known sku is never replaced.
    #[test]
    fn an_order_learns_its_sku_once() {
        let mut o = Outbox::default();
        assert!(o.add("a", "", 1, OutboxReason::Recovery, true));
        assert_eq!(o.sku_of("a"), Some(""));
        assert!(!o.add("a", "", 2, OutboxReason::Recovery, true));
        assert!(o.add("a", "gem", 2, OutboxReason::Purchase, true));
        assert!(!o.add("a", "coin", 3, OutboxReason::Purchase, true));
        assert_eq!((o.sku_of("a"), o.sku_of("b")), (Some("gem"), None));
    }

    /// Entries loaded late join only up to the cap.
    #[test]
    fn entries_loaded_late_stop_at_the_cap() {
        let mut o = Outbox::from_entries((1..MAX_ENTRIES).map(|i| entry(&["e", &i.to_string()].concat())).collect());
        assert!(o.merge_loaded(vec![entry("late1"), entry("late2")], |_| false));
        assert_eq!(o.entries().len(), MAX_ENTRIES);
        assert!(o.contains("late1") && !o.contains("late2"));
    }

    #[test]
    fn entries_are_unique_and_leave_only_on_confirm() {
        let mut o = Outbox::default();
        assert!(o.add("a", "s", 1, OutboxReason::Purchase, true));
        assert!(!o.add("a", "s", 2, OutboxReason::Recovery, true));
        assert!(o.mark_refused("a", "no"));
        assert!(o.contains("a"));
        assert!(o.confirm("a").is_some());
        assert!(!o.contains("a"));
        let loaded = Outbox::from_entries(vec![
            OutboxEntry { order_id: "x".into(), sku: "".into(), since_ms: 0, reason: OutboxReason::Purchase, refused: None },
            OutboxEntry { order_id: "x".into(), sku: "".into(), since_ms: 0, reason: OutboxReason::Purchase, refused: None },
            OutboxEntry { order_id: "".into(), sku: "".into(), since_ms: 0, reason: OutboxReason::Purchase, refused: None },
        ]);
        assert_eq!(loaded.entries().len(), 1);
    }
}
