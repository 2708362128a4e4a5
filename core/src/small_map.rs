//! A map and a set over a `Vec`, for the handful of entries the engine keeps (hand-offs, timers, orderIds).
//! Much smaller in wasm than `BTreeMap`/`HashSet`, and as fast at these sizes. Iteration is insertion order.

#[allow(unused_imports)]
use crate::prelude::*;
#[derive(Debug, Clone)]
pub struct VecMap<K, V> {
    items: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    #[inline]
    fn default() -> Self {
        VecMap { items: Vec::new() }
    }
}

impl<K: PartialEq, V> VecMap<K, V> {
    #[inline]
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: core::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.items.iter().find(|(k, _)| k.borrow() == key).map(|(_, v)| v)
    }

    #[inline]
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: core::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.items.iter_mut().find(|(k, _)| k.borrow() == key).map(|(_, v)| v)
    }

    /// Inserts or replaces; returns whether the key was new.
    #[inline]
    pub fn insert(&mut self, key: K, value: V) -> bool {
        match self.items.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => {
                slot.1 = value;
                false
            }
            None => {
                self.items.push((key, value));
                true
            }
        }
    }

    #[inline]
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: core::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        let i = self.items.iter().position(|(k, _)| k.borrow() == key)?;
        Some(self.items.remove(i).1)
    }

    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.items.iter().map(|(k, v)| (k, v))
    }

    #[inline]
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.items.iter().map(|(_, v)| v)
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    #[inline]
    pub fn clear(&mut self) {
        self.items.clear();
    }
}

pub type VecSet<T> = VecMap<T, ()>;

impl<T: PartialEq> VecMap<T, ()> {
    #[inline]
    pub fn contains<Q>(&self, key: &Q) -> bool
    where
        T: core::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.get(key).is_some()
    }

    /// Adds; returns whether it was new.
    #[inline]
    pub fn add(&mut self, value: T) -> bool {
        self.insert(value, ())
    }

    /// Adds, keeping at most `cap` values: a new one beyond it pushes out the oldest.
    #[inline]
    pub fn add_capped(&mut self, value: T, cap: usize) -> bool {
        let new = self.add(value);
        if new && self.items.len() > cap {
            self.items.remove(0);
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_and_set_behave() {
        let mut m: VecMap<String, u32> = VecMap::default();
        assert!(m.insert("a".into(), 1));
        assert!(!m.insert("a".into(), 2));
        assert_eq!(m.get("a"), Some(&2));
        assert_eq!(m.remove("a"), Some(2));
        assert!(m.is_empty());
        let mut s: VecSet<String> = VecSet::default();
        assert!(s.add("x".into()));
        assert!(!s.add("x".into()));
        assert!(s.contains("x"));
        for v in ["y", "z", "w"] {
            s.add_capped(v.into(), 2);
        }
        assert_eq!(s.len(), 2, "the oldest left: {s:?}");
        assert!(!s.contains("x") && !s.contains("y") && s.contains("z") && s.contains("w"));
    }

    /// Reads and changes in place, in insertion order; a value changed through `get_mut` stays changed.
    #[test]
    fn entries_are_read_and_changed_in_insertion_order() {
        let mut m: VecMap<&str, u32> = VecMap::default();
        for (k, v) in [("b", 1), ("a", 2), ("c", 3)] {
            m.insert(k, v);
        }
        *m.get_mut("a").expect("a") += 10;
        assert_eq!(m.get_mut("z"), None);
        assert_eq!(m.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), [("b", 1), ("a", 12), ("c", 3)]);
        assert_eq!(m.values().copied().collect::<Vec<_>>(), [1, 12, 3]);
        assert_eq!((m.len(), m.is_empty()), (3, false));
        m.clear();
        assert_eq!((m.len(), m.is_empty(), m.get("b")), (0, true, None));
    }
}
