// Toss's subscription notifications to the partner's "결제 알림 URL", as far as they are known (no official schema
// was readable; partners' public code shows them): what a body may be, read strictly, and a maker of bodies in the
// same shape for development senders and tests. Times come without an offset and are read as Korea time (+09:00);
// a time with an offset is read as it says. No user id, no event id, no signature is in a body.
import { AitIapServerError } from './errors.js';
import { checkOrderId, checkSku, shown as escapedForLogs } from './ids.js';

export const SUBSCRIPTION_CHANGE_REASONS = Object.freeze([
  'CREATED', 'RENEWED', 'RECOVERED', 'RESTARTED', 'ENTERED_GRACE_PERIOD', 'ON_HOLD', 'PAUSED',
  'AUTO_RENEW_ENABLED', 'AUTO_RENEW_DISABLED', 'EXTENDED', 'EXPIRED', 'REVOKED',
]);
export const SUBSCRIPTION_STATUSES = Object.freeze(['ACTIVE', 'EXPIRED', 'IN_GRACE_PERIOD', 'ON_HOLD', 'PAUSED', 'REVOKED']);
export const REGISTRATION_VERIFICATION = 'callback.registration_verification';
export const STATUS_CHANGED = 'subscription.status_changed';

const KOREA_OFFSET_MS = 9 * 3600_000;
const TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/;

const invalid = (reason) => new AitIapServerError('INVALID_NOTIFICATION', reason);
/** A value from the body as a reason shows it (to Toss and to the logs): cut, controls, separators and bidi escaped. */
const shown = (value) => {
  if (typeof value === 'string') return escapedForLogs(value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
};
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A notification time as a Date: `2026-08-01T12:00:00` (optionally `.sss`, or a space for the T) is Korea time;
 *  with `Z` or `±hh:mm` it is that instant. Anything else, or a date that does not exist, throws. */
export function notificationTime(value, what = 'time') {
  const m = typeof value === 'string' ? TIME.exec(value) : null;
  if (!m) throw invalid(`${what} must be a time like 2026-08-01T12:00:00, got ${shown(value)}`);
  const [, y, mo, d, h, mi, s, fraction = '', offset] = m;
  const local = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const check = new Date(local);
  if (check.getUTCFullYear() !== +y || check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) {
    throw invalid(`${what} is not a real time: ${shown(value)}`);
  }
  let offsetMs = KOREA_OFFSET_MS;
  if (offset === 'Z') offsetMs = 0;
  else if (offset) {
    const [hours, minutes] = [Number(offset.slice(1, 3)), Number(offset.slice(4, 6))];
    if (hours > 14 || minutes > 59) throw invalid(`${what} has no such offset: ${shown(value)}`);
    offsetMs = (offset[0] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  }
  return new Date(local - offsetMs);
}

/** A Date (or anything `new Date` reads) as Toss writes it: Korea time without an offset, milliseconds only if any. */
export function koreaTimeText(time) {
  const date = time instanceof Date ? time : new Date(time);
  if (Number.isNaN(date.getTime())) throw invalid(`not a time: ${shown(time)}`);
  const text = new Date(date.getTime() + KOREA_OFFSET_MS).toISOString();
  return date.getUTCMilliseconds() ? text.slice(0, 23) : text.slice(0, 19);
}

/** One `{status, accessGranted, expiresAt, autoRenew}` snapshot, read strictly (`expiresAt` null or absent: none). */
function snapshotOf(value, what) {
  if (!isObject(value)) throw invalid(`${what} must be an object {status, accessGranted, expiresAt, autoRenew}`);
  if (!SUBSCRIPTION_STATUSES.includes(value.status)) throw invalid(`${what}.status is not a known status: ${shown(value.status)}`);
  if (typeof value.accessGranted !== 'boolean') throw invalid(`${what}.accessGranted must be true or false`);
  if (typeof value.autoRenew !== 'boolean') throw invalid(`${what}.autoRenew must be true or false`);
  const expiresAt = value.expiresAt === null || value.expiresAt === undefined ? null : notificationTime(value.expiresAt, `${what}.expiresAt`);
  return { status: value.status, accessGranted: value.accessGranted, expiresAt, autoRenew: value.autoRenew };
}

/**
 * A notification body, read strictly: `{ eventType: 'callback.registration_verification', occurredAt }`, or a
 * `subscription.status_changed` `{ eventType, eventVersion: '1.0', occurredAt, orderId, sku, changeReason,
 * previous: snapshot | null, current: snapshot }` with every time a Date. Fields not listed are ignored.
 * Throws INVALID_NOTIFICATION with a short reason.
 */
export function parseSubscriptionNotification(body) {
  if (!isObject(body)) throw invalid('body must be a JSON object');
  if (body.eventType === REGISTRATION_VERIFICATION) {
    return { eventType: REGISTRATION_VERIFICATION, occurredAt: body.occurredAt === undefined ? null : notificationTime(body.occurredAt, 'occurredAt') };
  }
  if (body.eventType !== STATUS_CHANGED) throw invalid(`eventType is not a known event: ${shown(body.eventType)}`);
  if (body.eventVersion !== '1.0') throw invalid(`eventVersion must be "1.0", got ${shown(body.eventVersion)}`);
  const occurredAt = notificationTime(body.occurredAt, 'occurredAt');
  let orderId, sku;
  try {
    orderId = checkOrderId(body.orderId);
    sku = checkSku(body.sku);
  } catch (e) {
    throw invalid(e.message);
  }
  if (!SUBSCRIPTION_CHANGE_REASONS.includes(body.changeReason)) throw invalid(`changeReason is not a known reason: ${shown(body.changeReason)}`);
  if (!isObject(body.subscription)) throw invalid('subscription must be an object {previous?, current}');
  const { previous, current } = body.subscription;
  return {
    eventType: STATUS_CHANGED, eventVersion: '1.0', occurredAt, orderId, sku, changeReason: body.changeReason,
    previous: previous === undefined || previous === null ? null : snapshotOf(previous, 'subscription.previous'),
    current: snapshotOf(current, 'subscription.current'),
  };
}

const snapshotText = (s) => s && { status: s.status, accessGranted: s.accessGranted, expiresAt: s.expiresAt?.toISOString() ?? null, autoRenew: s.autoRenew };

/** A parsed status change as one canonical JSON text (fixed key order, times as UTC instants): the same event
 *  however Toss spelled its times or ordered its keys gives the same text, which the ledger hashes to deduplicate. */
export function canonicalNotification(event) {
  return JSON.stringify([event.eventType, event.eventVersion, event.occurredAt.toISOString(), event.orderId, event.sku,
    event.changeReason, snapshotText(event.previous), snapshotText(event.current)]);
}

/**
 * A body as Toss sends it, for development senders and tests: `subscriptionNotification({ orderId, sku,
 * changeReason, current, previous?, occurredAt? })` (`occurredAt` and each `expiresAt` a Date or ISO text, written
 * as Korea time without an offset; `occurredAt` defaults to now; `previous` omitted when absent), or with
 * `eventType: 'callback.registration_verification'` the console's verification call. Throws on what Toss would not send.
 */
export function subscriptionNotification({ eventType = STATUS_CHANGED, occurredAt = new Date(), orderId, sku, changeReason, previous, current } = {}) {
  if (eventType === REGISTRATION_VERIFICATION) return { eventType, occurredAt: koreaTimeText(occurredAt) };
  const snapshot = (s) => s && { status: s.status, accessGranted: s.accessGranted, expiresAt: s.expiresAt === null || s.expiresAt === undefined ? null : koreaTimeText(s.expiresAt), autoRenew: s.autoRenew };
  const body = {
    eventType, eventVersion: '1.0', occurredAt: koreaTimeText(occurredAt), orderId, sku, changeReason,
    subscription: previous ? { previous: snapshot(previous), current: snapshot(current) } : { current: snapshot(current) },
  };
  parseSubscriptionNotification(body);
  return body;
}
