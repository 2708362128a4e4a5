//! A set of borrowed string keys remembering insertion order: open addressing with FNV-1a and linear probing.
//! Keeps deduplication and keyed lookups linear for 1000-row lists, without the code size of `HashMap` or a
//! sort, and without copying the keys (every allocation counts with the small allocator the module uses).

#[allow(unused_imports)]
use crate::prelude::*;
const EMPTY: u32 = u32::MAX;

#[inline]
pub(crate) fn fnv1a(key: &str) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h as usize
}

#[derive(Debug, Clone, Default)]
pub struct KeySet<'a> {
    /// Indices into `keys`, or `EMPTY`.
    slots: Vec<u32>,
    keys: Vec<&'a str>,
}

impl<'a> KeySet<'a> {
    #[inline]
    pub fn with_capacity(n: usize) -> KeySet<'a> {
        KeySet { slots: vec![EMPTY; (n * 2).max(8).next_power_of_two()], keys: Vec::with_capacity(n) }
    }

    /// Where `key` is, or the empty slot where it would go.
    #[inline]
    fn slot(&self, key: &str) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = fnv1a(key) & mask;
        loop {
            match self.slots.get(at).copied().unwrap_or(EMPTY) {
                EMPTY => return at,
                i if self.keys.get(i as usize).is_some_and(|k| *k == key) => return at,
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Adds `key`; returns whether it was new.
    #[inline]
    pub fn insert(&mut self, key: &'a str) -> bool {
        if self.slots.is_empty() || (self.keys.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let at = self.slot(key);
        let next = self.keys.len() as u32;
        match self.slots.get_mut(at) {
            Some(slot) if *slot == EMPTY => *slot = next,
            _ => return false,
        }
        self.keys.push(key);
        true
    }

    /// The insertion index of `key`.
    #[inline]
    pub fn position(&self, key: &str) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        match self.slots.get(self.slot(key)).copied().unwrap_or(EMPTY) {
            EMPTY => None,
            i => Some(i as usize),
        }
    }

    #[inline]
    fn grow(&mut self) {
        let keys = core::mem::take(&mut self.keys);
        *self = KeySet::with_capacity((keys.len() + 1) * 2);
        for k in keys {
            self.insert(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_finds_and_grows() {
        let keys: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        let mut s = KeySet::default();
        for k in &keys {
            assert!(s.insert(k));
        }
        assert!(!s.insert("7"));
        assert_eq!(s.position("999"), Some(999));
        assert_eq!(s.position("x"), None);
        assert_eq!(KeySet::default().position("a"), None);
    }

    /// Lookups stay short only if keys spread: the hash is FNV-1a (its published test vectors), and the table is
    /// never more than half full, whatever the number of keys.
    #[test]
    fn keys_spread_over_a_table_at_most_half_full() {
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
        let keys: Vec<String> = (0..300).map(|i| i.to_string()).collect();
        let mut s = KeySet::default();
        for (n, k) in keys.iter().enumerate() {
            s.insert(k);
            assert!(s.slots.len() >= 2 * (n + 1), "{} keys in {} slots", n + 1, s.slots.len());
        }
    }
}
