// What an orderId, a userKey and a sku may look like before anything is sent or stored. Toss issues orderIds
// and userKeys as short ASCII tokens; anything else (control characters, quotes, spaces, unicode, kilobytes of
// text) is refused up front rather than passed to Toss or the database.
import { AitIapServerError } from './errors.js';

const TOKEN = /^[A-Za-z0-9._:@-]{1,128}$/;
const SKU = /^[A-Za-z0-9._:-]{1,128}$/;

const check = (pattern, code, what) => (value) => {
  if (typeof value !== 'string') throw new AitIapServerError(code, `${what} must be a string, got ${value === null ? 'null' : typeof value}`);
  if (!pattern.test(value)) {
    throw new AitIapServerError(code, `${what} must be 1 to 128 characters of A-Z a-z 0-9 . _ : -${pattern === TOKEN ? ' @' : ''} (got ${JSON.stringify(value.slice(0, 40))}${value.length > 40 ? '…' : ''}, ${value.length} characters)`);
  }
  return value;
};

export const checkOrderId = check(TOKEN, 'INVALID_ORDER_ID', 'orderId');
export const checkUserKey = check(TOKEN, 'INVALID_USER_KEY', 'userKey');
export const checkSku = check(SKU, 'INVALID_SKU', 'sku');
