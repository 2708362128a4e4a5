//! What goes into the machine (events, each with the facts it needs) and what comes out (effects).

#[allow(unused_imports)]
use crate::prelude::*;
use crate::error::{RawError, RoutedError};
use crate::grant::{Environment, GrantReply};
use crate::host::{BuyFacts, Host, PurchaseKind};
use crate::outbox::OutboxEntry;

/// A paid-but-ungranted order the host listed (`getPendingOrders`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOrder {
    pub order_id: String,
    pub sku: String,
}

/// Names one `purchase()` call: its `Buy` event and the `Finish` or `Refuse` that answers it carry the same id.
pub type PurchaseId = u32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The app asked to buy `sku` (`subscription`: as it said, if it did), with what the driver read of the host.
    Buy { purchase: PurchaseId, sku: String, offer_id: Option<String>, subscription: Option<bool>, facts: BuyFacts },
    /// The host called our `processProductGrant` with this orderId (the payment went through).
    OrderPaid { order_id: String },
    /// The stored outbox, read after the client started (storage that answers with a promise, like the SDK's
    /// `Storage`): its entries join the outbox, except orders confirmed meanwhile.
    OutboxLoaded { entries: Vec<OutboxEntry> },
    /// The outbox asked for by `PersistOutbox` was written (or could not be; the hand-off goes on either way).
    OutboxSaved,
    /// The backend answered the hand-off of `order_id`.
    GrantReplied { order_id: String, reply: GrantReply },
    /// The purchase stream emitted `success`.
    HostSucceeded,
    /// The purchase stream (or the SDK call) failed.
    HostFailed { error: RawError },
    /// Recover: hand off every outbox entry and every order the host lists as pending (`environment`: the host's now).
    Recover { pending: Vec<PendingOrder>, environment: Environment },
    /// `completeProductGrant` answered.
    CompleteReplied { order_id: String, ok: bool },
    /// Time passed: the boundary's one timer fired at (or after) `next_deadline()`.
    Tick,
    /// The client was created on this host.
    Started { host: Host },
    /// `dispose()`, or the page unloading for good: the work in flight ends, later work is refused, for good.
    Dispose,
    /// The page was hidden into the back/forward cache: the work in flight ends until `Resume`.
    Suspend,
    /// The page came back from the back/forward cache: the machine works again.
    Resume,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Completed,
    Canceled,
    Pending,
    Failed,
}

impl Status {
    #[inline]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::Canceled => "canceled",
            Status::Pending => "pending",
            Status::Failed => "failed",
        }
    }
}

/// What `purchase()` resolves with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub sku: String,
    pub order_id: Option<String>,
    pub error: Option<RoutedError>,
}

/// What one round of recovery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Confirmed by the backend (and completed at Toss where the host listed them).
    pub granted: Vec<String>,
    /// Refused by the backend (still in the outbox, with the reason).
    pub refused: Vec<(String, String)>,
    /// Not confirmed before the deadline, or Toss was not told (tried again next recovery).
    pub failed: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Open the order sheet through the SDK.
    StartPurchase { sku: String, offer_id: Option<String>, kind: PurchaseKind },
    /// Write the outbox (the whole list) to storage, then feed `OutboxSaved`.
    PersistOutbox(Vec<OutboxEntry>),
    /// POST the orderId to the backend, giving up on this attempt after `timeout_ms`.
    PostGrant { order_id: String, sku: String, environment: Environment, timeout_ms: u64 },
    /// Settle every pending `processProductGrant` call for this order.
    SettleGrant { order_id: String, granted: bool },
    /// Tell Toss the grant of a recovered order finished (only ever after the backend confirmed it).
    CompleteProductGrant { order_id: String },
    /// Call the SDK's cleanup for the current purchase.
    Cleanup,
    /// Resolve the `purchase()` call that ran.
    Finish { purchase: PurchaseId, outcome: Outcome },
    /// Resolve the `purchase()` call that asked, at once (refused, or impossible on this host).
    Refuse { purchase: PurchaseId, outcome: Outcome },
    /// Resolve every pending `recoverPendingOrders()` call.
    RecoveryDone(RecoveryReport),
    /// An order kept for a later hand-off (not the purchase in flight) was confirmed: tell the app and the list.
    Recovered { order_id: String, sku: String },
    /// Run a recovery round (`recoverOnStart`: at the start on a host, and when the page comes back).
    StartRecovery,
    /// Tell the developer, once, that the app's SDK lacks the method `name` a purchase needed.
    SdkMethodMissing { name: &'static str },
}
