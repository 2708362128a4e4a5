// What an orderId, a claimed sku and a userKey may look like before anything is sent or stored. The orderId and sku
// rules are the hand-off contract's (hand-off-contract.json, which the client's core tests read too): the server
// accepts exactly what the client sends. The userKey comes from the partner's own session, not from the client.
import CONTRACT from './hand-off-contract.json' with { type: 'json' };
import { AitIapServerError } from './errors.js';

export { CONTRACT };

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
const UUID_LIKE = /^[0-9a-f{}()+-]+$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const TOKEN = /^[A-Za-z0-9._:@-]{1,128}$/;
const utf8 = new TextEncoder();

const typeOf = (value) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
/** What JSON.stringify leaves as it is but a log must not: C1 controls, line and paragraph separators (a new line
 *  to many log viewers) and bidi controls (which reorder what follows). Still accepted in skus; only shown escaped. */
const UNSHOWN = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const escaped = (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A value from a request as logs and error messages show it: quoted, every control escaped, cut at `max`. */
export function shown(value, max = 40) {
  const text = typeof value === 'string' ? value : String(value);
  return `${JSON.stringify(text.slice(0, max)).replace(UNSHOWN, escaped)}${text.length > max ? '…' : ''}`;
}

function string(value, code, what) {
  if (typeof value !== 'string') throw new AitIapServerError(code, `${what} must be a string, got ${typeOf(value)}`);
  return value;
}

/** An orderId: 1 to 200 bytes of visible ASCII (it travels in the Idempotency-Key header), a UUID only as Toss
 *  writes one. */
export function checkOrderId(value) {
  string(value, 'INVALID_ORDER_ID', 'orderId');
  if (!VISIBLE_ASCII.test(value) || value.length > CONTRACT.orderId.maxBytes) {
    throw new AitIapServerError('INVALID_ORDER_ID', `orderId must be 1 to ${CONTRACT.orderId.maxBytes} visible ASCII characters (got ${shown(value)}, ${value.length} characters)`);
  }
  if (otherUuidSpelling(value)) {
    throw new AitIapServerError('INVALID_ORDER_ID', `orderId ${shown(value)} spells a UUID otherwise than Toss (lowercase 8-4-4-4-12)`);
  }
  return value;
}

/** Another spelling of a UUID (upper case, braces, no hyphens, short groups): a UUID parser on Toss's side would read
 *  it as the same order, while the ledger keys on the text. An id such a parser would read has only hex digits and
 *  -{}()+, and 32 hex digits or 4 hyphens; it is accepted only as Toss writes it. */
const otherUuidSpelling = (value) =>
  UUID_LIKE.test(value) && (value.match(/[0-9a-f]/gi)?.length === 32 || value.split('-').length === 5) && !UUID.test(value);

/** A sku as Toss could issue it: any text without control characters, not only whitespace, at most 2048 bytes. */
export function checkSku(value, what = 'sku') {
  string(value, 'INVALID_SKU', what);
  if (!value.trim() || CONTROL.test(value) || utf8.encode(value).length > CONTRACT.sku.maxBytes) {
    throw new AitIapServerError('INVALID_SKU', `${what} must be text of 1 to ${CONTRACT.sku.maxBytes} bytes without control characters (got ${shown(value)})`);
  }
  return value;
}

/** The sku a request claims, or null when it claims none (absent or empty: the server grants Toss's sku). */
export const claimedSkuOf = (value) => (value === undefined || value === null || value === '' ? null : checkSku(value));

/** A userKey from the partner's session: a short ASCII token. */
export function checkUserKey(value) {
  string(value, 'INVALID_USER_KEY', 'userKey');
  if (!TOKEN.test(value)) throw new AitIapServerError('INVALID_USER_KEY', `userKey must be 1 to 128 characters of A-Z a-z 0-9 . _ : - @ (got ${value.length} characters)`);
  return value;
}
