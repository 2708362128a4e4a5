// Types of `ait-iap/headless`: the main entry's API without the product list.

export type {
  ErrorCategory, ErrorRoute, KnownErrorCode, AitIapError, ProductType, Offer, Product, PurchaseStatus, Outcome, Phase,
  PurchaseState, GrantRequest, GrantReply, Grant, OutboxStorage, IapSdk, CreateIapOptions, OutboxEntry, RecoveryReport,
  HistoryOrder, SubscriptionInfo, IapClient, RecoveredOrder, Entitlements, EntitledSubscription, EntitlementsOptions,
  EntitlementsError, InitOptions, WasmSource,
} from './index.js';
export { init, createIap, detectEnvironment, entitlements } from './index.js';
