// Each emulated subscription's life after its purchase, one status change at a time, so that successive
// notifications agree with each other: a renewal moves expiresAt a period forward, a grace period keeps access
// until it ends, a hold or a pause takes access away, an expiry or a revocation ends it. Bound to the orderId the
// host emulator sold it under. Time travels: an event that would come at the end of a period comes now (each
// event's occurredAt is now, and at least a second after the previous one of that subscription). The bodies
// are made by ait-iap/server's subscriptionNotification, the one definition the receiving handler reads too.
import { STATUS_CHANGED, SUBSCRIPTION_CHANGE_REASONS, subscriptionNotification } from '../server/subscription-notification.js';

const DAY = 86_400_000;
/** How long the emulator's subscriptions last (the orders it sees do not carry the product's cycle), its grace
 *  periods, and an EXTENDED event's default extension. */
export const PERIOD_DAYS = 30;
export const GRACE_DAYS = 3;
export const EXTEND_DAYS = 7;

const ACTIVE = (s) => s.status === 'ACTIVE';
const RENEWING = (s) => s.status === 'ACTIVE' && s.autoRenew;
const TRANSITIONS = {
  // from: whether the change may follow the current state; to: the new state (`now`, `periodEnd` in ms).
  RENEWED: { from: RENEWING, to: (s, now) => active(Math.max(s.periodEnd, now) + PERIOD_DAYS * DAY) },
  ENTERED_GRACE_PERIOD: { from: RENEWING, to: (s, now) => ({ ...active(now + GRACE_DAYS * DAY), status: 'IN_GRACE_PERIOD' }) },
  ON_HOLD: { from: (s) => RENEWING(s) || s.status === 'IN_GRACE_PERIOD', to: (s, now) => ({ status: 'ON_HOLD', accessGranted: false, periodEnd: now, autoRenew: true }) },
  RECOVERED: { from: (s) => s.status === 'IN_GRACE_PERIOD' || s.status === 'ON_HOLD', to: (s, now) => active(now + PERIOD_DAYS * DAY) },
  PAUSED: { from: RENEWING, to: (s, now) => ({ status: 'PAUSED', accessGranted: false, periodEnd: now, autoRenew: true }) },
  RESTARTED: { from: (s) => s.status === 'PAUSED' || s.status === 'EXPIRED', to: (s, now) => active(now + PERIOD_DAYS * DAY) },
  AUTO_RENEW_DISABLED: { from: (s) => (ACTIVE(s) || s.status === 'IN_GRACE_PERIOD') && s.autoRenew, to: (s) => ({ ...s, autoRenew: false }) },
  AUTO_RENEW_ENABLED: { from: (s) => ACTIVE(s) && !s.autoRenew, to: (s) => ({ ...s, autoRenew: true }) },
  EXTENDED: { from: (s) => ACTIVE(s) || s.status === 'IN_GRACE_PERIOD', to: (s, now, days = EXTEND_DAYS) => ({ ...s, periodEnd: Math.max(s.periodEnd, now) + days * DAY }) },
  EXPIRED: { from: (s) => s.status !== 'EXPIRED' && s.status !== 'REVOKED', to: (s, now) => ({ status: 'EXPIRED', accessGranted: false, periodEnd: Math.min(s.periodEnd, now), autoRenew: false }) },
  REVOKED: { from: (s) => s.status !== 'REVOKED', to: (s) => ({ status: 'REVOKED', accessGranted: false, periodEnd: s.periodEnd, autoRenew: false }) },
};
const seconds = (ms) => Math.floor(ms / 1000) * 1000; // Toss writes times to the second
const active = (periodEnd) => ({ status: 'ACTIVE', accessGranted: true, periodEnd, autoRenew: true });

/** Why a request cannot be made into notifications: answered 4xx with `reason`. */
export class TimelineError extends Error {
  constructor(status, reason) {
    super(reason);
    this.status = status;
  }
}

/**
 * The subscriptions' states, advanced on demand. `orderOf(orderId)`: the order as the host emulator mirrored it
 * (a subscription's `kind` is SUBSCRIPTION). Each method returns the bodies to send, in sending order; nothing is
 * changed when it throws a TimelineError.
 */
export function createSubscriptionTimeline({ orderOf, now = Date.now } = {}) {
  /** orderId → { orderId, sku, status, accessGranted, periodEnd, autoRenew, sent: snapshot | null, at, last } */
  const subscriptions = new Map();

  function subscriptionOf(orderId) {
    if (typeof orderId !== 'string' || !orderId) throw new TimelineError(400, 'orderId: the subscription order to change');
    const order = orderOf(orderId);
    if (!order) throw new TimelineError(404, `order ${orderId} is not one the host emulator sold here`);
    if (order.kind !== 'SUBSCRIPTION') throw new TimelineError(409, `order ${orderId} is a ${order.kind ?? 'one-time'} order, not a subscription`);
    if (order.status !== 'paid' && order.status !== 'completed' && order.status !== 'refunded') throw new TimelineError(409, `order ${orderId} was not paid (${order.status})`);
    return subscriptions.get(orderId) ?? { orderId, sku: order.sku, paidAt: order.paidAt ?? now(), sent: null, at: null, last: null };
  }

  /** The body of one change from `s`, and the state after it, without keeping either. */
  function change(s, changeReason, options = {}) {
    if (changeReason === 'CREATED') {
      if (s.sent) throw new TimelineError(409, `order ${s.orderId}'s subscription was already created`);
      // CREATED comes at the purchase; production has sent it with expiresAt null, so the emulator does too.
      const next = { ...s, ...active(seconds(s.paidAt) + PERIOD_DAYS * DAY), at: Math.min(seconds(s.paidAt), seconds(now())) };
      const sent = { ...snapshot(next), expiresAt: null };
      return { next: { ...next, sent }, body: body(next, 'CREATED', null, sent) };
    }
    const rule = Object.hasOwn(TRANSITIONS, changeReason) ? TRANSITIONS[changeReason] : null;
    if (!rule) throw new TimelineError(400, `event must be one of ${[...SUBSCRIPTION_CHANGE_REASONS, ...EXTRA_EVENTS].join(', ')}, got ${JSON.stringify(changeReason)}`);
    if (!rule.from(s)) throw new TimelineError(409, `${changeReason} cannot follow ${s.status}${s.status === 'ACTIVE' ? ` with autoRenew ${s.autoRenew}` : ''} (order ${s.orderId})`);
    const at = Math.max(seconds(now()), s.at + 1000);
    const next = { ...s, ...rule.to(s, at, options.days), at };
    return { next: { ...next, sent: snapshot(next) }, body: body(next, changeReason, s.sent, snapshot(next)) };
  }

  /** `changes` ([changeReason, options] each) made in a row from the subscription's state; one never created yet
   *  gets its CREATED first, as Toss sends one at every purchase. */
  function apply(orderId, changes) {
    let s = subscriptionOf(orderId);
    const bodies = [];
    for (const [reason, options] of s.sent || changes[0]?.[0] === 'CREATED' ? changes : [['CREATED'], ...changes]) {
      const made = change(s, reason, options);
      s = made.next;
      bodies.push(made.body);
    }
    return { s, bodies };
  }

  return {
    /** One change (`changeReason`, e.g. RENEWED; a first change of a subscription brings its CREATED before it). */
    advance(orderId, changeReason, options) {
      const { s, bodies } = apply(orderId, [[changeReason, options]]);
      subscriptions.set(orderId, { ...s, last: bodies.at(-1) });
      return bodies;
    },
    /** The last body sent about the subscription, again, as Toss may send it twice. */
    duplicate(orderId) {
      const s = subscriptionOf(orderId);
      if (!s.last) throw new TimelineError(409, `nothing was sent about order ${orderId} yet: send a change first`);
      return [s.last];
    },
    /**
     * Two changes in a row, the later sent first (a late, older event). `pair` default: auto-renew off then on (or
     * on then off when it is off), which leaves the state as it was only if the older one does not win.
     */
    outOfOrder(orderId, pair) {
      const s0 = subscriptionOf(orderId);
      const changes = pair ?? (s0.autoRenew === false ? ['AUTO_RENEW_ENABLED', 'AUTO_RENEW_DISABLED'] : ['AUTO_RENEW_DISABLED', 'AUTO_RENEW_ENABLED']);
      if (!Array.isArray(changes) || changes.length !== 2) throw new TimelineError(400, 'pair: two changeReasons, in the order they happened');
      const { s, bodies } = apply(orderId, changes.map((reason) => [reason]));
      subscriptions.set(orderId, { ...s, last: bodies.at(-1) });
      const [later, earlier] = [bodies.at(-1), bodies.at(-2)];
      return [...bodies.slice(0, -2), later, earlier];
    },
    /** The console's call when the URL is registered. */
    verification: () => [subscriptionNotification({ eventType: 'callback.registration_verification', occurredAt: new Date(seconds(now())) })],
    /** Every subscription changed so far, as its last snapshot (expiresAt in ms; null while only CREATED was sent). */
    list: () => [...subscriptions.values()].map((s) => ({ orderId: s.orderId, sku: s.sku, ...s.sent, occurredAt: s.at })),
  };
}

/** The events beside the changeReasons that the time-travel route takes. */
export const EXTRA_EVENTS = ['duplicate', 'out-of-order', 'registration-verification'];

const snapshot = (s) => ({ status: s.status, accessGranted: s.accessGranted, expiresAt: s.periodEnd, autoRenew: s.autoRenew });

function body(s, changeReason, previous, current) {
  const date = (snap) => snap && { ...snap, expiresAt: snap.expiresAt === null ? null : new Date(snap.expiresAt) };
  try {
    return subscriptionNotification({
      eventType: STATUS_CHANGED, occurredAt: new Date(s.at), orderId: s.orderId, sku: s.sku, changeReason,
      previous: date(previous), current: date(current),
    });
  } catch (e) { // the mirrored order's own fields (an orderId or sku Toss would not send)
    throw new TimelineError(409, `order ${s.orderId} cannot be notified as Toss would: ${e.message}`);
  }
}
