//! What the client's parts share, below the client: the SDK, the locale, and how the latest product lists say
//! each sku is bought. Products, history and the list use it without importing the client.

#[allow(unused_imports)]
use ait_iap_core::prelude::*;
use crate::cell::RefCell;
use crate::js_error::Locale;
use ait_iap_core::subscription_skus::SubscriptionSkus;
use crate::sdk::Sdk;

pub struct Context {
    pub sdk: Sdk,
    pub locale: Locale,
    /// Skus the latest product list naming them has as subscriptions, so `purchase(sku)` opens the right order sheet.
    pub subscriptions: RefCell<SubscriptionSkus>,
}
