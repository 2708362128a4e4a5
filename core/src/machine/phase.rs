//! Where the one purchase in flight is: its phase, and what the phase tells the app (`client.state`).

#[allow(unused_imports)]
use crate::prelude::*;
use crate::error::RoutedError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Phase {
    #[default]
    Idle,
    /// The order sheet is open; no orderId yet.
    Requesting { sku: String },
    /// The host reported the payment (orderId known); the order is going into the outbox.
    Purchased { sku: String, order_id: String },
    /// The backend hand-off is in flight (with retries until the deadline).
    Granting { sku: String, order_id: String },
    /// We answered the host's `processProductGrant` with `granted`; waiting for its verdict.
    Confirming { sku: String, order_id: String, granted: bool },
    Completed { sku: String, order_id: String },
    Canceled { sku: String },
    Pending { sku: String },
    Failed { sku: String, order_id: Option<String>, error: RoutedError },
}

impl Phase {
    #[inline]
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Requesting { .. } => "requesting",
            Phase::Purchased { .. } => "purchased",
            Phase::Granting { .. } => "granting",
            Phase::Confirming { .. } => "confirming",
            Phase::Completed { .. } => "completed",
            Phase::Canceled { .. } => "canceled",
            Phase::Pending { .. } => "pending",
            Phase::Failed { .. } => "failed",
        }
    }

    /// A purchase is in flight: a new one must be refused.
    #[inline]
    pub fn in_flight(&self) -> bool {
        matches!(self, Phase::Requesting { .. } | Phase::Purchased { .. } | Phase::Granting { .. } | Phase::Confirming { .. })
    }

    #[inline]
    pub fn sku(&self) -> Option<&str> {
        match self {
            Phase::Idle => None,
            Phase::Requesting { sku }
            | Phase::Purchased { sku, .. }
            | Phase::Granting { sku, .. }
            | Phase::Confirming { sku, .. }
            | Phase::Completed { sku, .. }
            | Phase::Canceled { sku }
            | Phase::Pending { sku }
            | Phase::Failed { sku, .. } => Some(sku),
        }
    }

    #[inline]
    pub fn order_id(&self) -> Option<&str> {
        match self {
            Phase::Purchased { order_id, .. }
            | Phase::Granting { order_id, .. }
            | Phase::Confirming { order_id, .. }
            | Phase::Completed { order_id, .. } => Some(order_id),
            Phase::Failed { order_id, .. } => order_id.as_deref(),
            _ => None,
        }
    }

    #[inline]
    pub fn error(&self) -> Option<&RoutedError> {
        match self {
            Phase::Failed { error, .. } => Some(error),
            _ => None,
        }
    }
}
