// The JS side of the module's errors: the typed error, the wasm module's routed error, and the reading of
// `createIap`'s options, whose problem the module throws as INVALID_ARGUMENT (here because the wasm imports this
// file, which scripts/build.sh bundles once with the entry).

/** The JS side's typed error: an `Error` named AitIapError with a stable `code`, as the wasm module's errors. */
export function aitError(code, message, cause) {
  const error = new Error(message, { cause });
  error.name = 'AitIapError';
  error.code = code;
  return error;
}

/** The wasm module's routed error (src/js_error.rs builds it with one call): `code`, `category`, `retryable`, `route`,
 *  the user's `messages` in Korean and English, `detail`, `orderId`, and `cause`/`raw` when there are. */
export function routedError(code, message, category, retryable, route, ko, en, detail, orderId, cause, raw) {
  const error = aitError(code, message, cause);
  return Object.assign(error, { category, retryable, route, messages: { ko, en }, detail, orderId }, raw && { raw });
}

const is = (value, type) => typeof value == type;
const kind = (type) => (v) => !is(v, type) && 'allowed: ' + type;
const among = (list) => (v) => !list.includes(v) && 'allowed: ' + list;
const range = (least, most) => (v) => !(is(v, 'number') && v >= least && v <= most) && `allowed: ${least}-${most} ms`;

/** What each option allows, as the problem text when `v` is not it (the SDK is checked by the module); `grant.` and
 *  `routes.` name the keys inside those options. */
const ALLOWED = {
  sdk: () => 0,
  grant: (v) => !(is(v, 'function') || is(v, 'string') || is(v?.url, 'string')) && 'grant must be a URL, { url } or a function',
  storage: (v) => !(is(v?.getItem, 'function') && is(v.setItem, 'function')) && 'allowed: { getItem, setItem }',
  storageKey: (v) => !(is(v, 'string') && v && v.length <= 200) && 'allowed: 1-200 characters',
  locale: among(['ko', 'en']),
  routes: kind('object'),
  recoverOnStart: kind('boolean'),
  purchaseTimeoutMs: range(100, 3_600_000),
  grantDeadlineMs: range(100, 28_000),
  'grant.url': () => 0,
  'grant.headers': (v) => !(is(v, 'object') && Object.values(Object(v)).every((h) => is(h, 'string'))) && 'allowed: { [name]: string }',
  'grant.credentials': among(['include', 'same-origin', 'omit']),
};
for (const category of 'canceled pending transient rejected paid_unverified environment developer'.split(' ')) ALLOWED['routes.' + category] = kind('function');

/** The first problem among `keys` of `given` (an option, or a key inside one: its name begins with `prefix`);
 *  an undefined value is one only when `required`. */
function problem(prefix, given, keys = Object.keys(Object(given)), required) {
  for (const key of keys) {
    const name = prefix + key;
    const value = given?.[key];
    const allowed = !ALLOWED[name] ? 'unknown option' : (value !== undefined || required) && ALLOWED[name](value);
    if (allowed) return `createIap: ${name}: ${is(value, 'string') ? JSON.stringify(value) : value === Object(value) ? `<${typeof value}>` : value}: ${allowed}`;
  }
}

/** `createIap`'s options as the developer wrote them (plain JS as TypeScript): a misspelled option, a value of the
 *  wrong kind or a number out of range is the problem returned, naming the option, the value and what is allowed,
 *  which the wasm module throws as INVALID_ARGUMENT. Valid options are returned read, in the order src/client.rs
 *  reads them: sdk, grant, storage, storageKey, English?, routes, recoverOnStart, purchaseTimeoutMs,
 *  grantDeadlineMs, and the grant's URL (or function), a copy of its headers and its credentials. */
export function readOptions(options) {
  const o = Object(options);
  const { grant, routes } = o;
  return problem('', o) ?? problem('', o, ['grant'], 1) ?? problem('grant.', is(grant, 'object') && grant) ?? problem('routes.', routes) ??
    [o.sdk, grant, o.storage, o.storageKey, o.locale == 'en', routes, o.recoverOnStart != false, o.purchaseTimeoutMs, o.grantDeadlineMs, grant.url ?? grant, { ...grant.headers }, grant.credentials];
}
