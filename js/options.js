// The options of `createIap` and `mountProductList` as the developer wrote them, checked in one place: the wasm
// module imports this file (bundled once with the entry) and throws the problem it names as INVALID_ARGUMENT.

const is = (value, type) => typeof value == type;
const kind = (type) => (v) => !is(v, type) && 'allowed: ' + type;
const among = (list) => (v) => !list.includes(v) && 'allowed: ' + list;
const range = (least, most) => (v) => !(is(v, 'number') && v >= least && v <= most) && `allowed: ${least}-${most} ms`;

const locale = among(['ko', 'en']);

/** What each option of `createIap` allows, as the problem text when `v` is not it (the SDK is checked by the
 *  module); `grant.` and `routes.` name the keys inside those options. */
const CREATE = {
  sdk: () => 0,
  grant: (v) => !(is(v, 'function') || is(v, 'string') || is(v?.url, 'string')) && 'grant must be a URL, { url } or a function',
  storage: (v) => !(is(v?.getItem, 'function') && is(v.setItem, 'function')) && 'allowed: { getItem, setItem }',
  storageKey: (v) => !(is(v, 'string') && v && v.length <= 200) && 'allowed: 1-200 characters',
  locale,
  routes: kind('object'),
  recoverOnStart: kind('boolean'),
  purchaseTimeoutMs: range(100, 3_600_000),
  grantDeadlineMs: range(100, 28_000),
  'grant.url': () => 0,
  'grant.headers': (v) => !(is(v, 'object') && Object.values(Object(v)).every((h) => is(h, 'string'))) && 'allowed: { [name]: string }',
  'grant.credentials': among(['include', 'same-origin', 'omit']),
};
for (const category of 'canceled pending transient rejected paid_unverified environment developer'.split(' ')) CREATE['routes.' + category] = kind('function');

/** What each option of `mountProductList` allows (no calls here: the headless entry, without the list, drops it). */
const LIST = {
  products: (v) => !(Array.isArray(v) || is(v?.then, 'function')) && 'allowed: an array or a promise',
  locale,
  testBadge: (v) => !is(v, 'boolean') && 'allowed: boolean',
};

/** The first problem among `keys` of `given` (an option of `fn`, whose `checks` say what each allows, or a key inside
 *  one: its name begins with `prefix`); an undefined value is one only when `required`. */
function problem(checks, fn, prefix, given, keys = Object.keys(Object(given)), required) {
  for (const key of keys) {
    const name = prefix + key;
    const value = given?.[key];
    const allowed = !checks[name] ? 'unknown option' : (value !== undefined || required) && checks[name](value);
    if (allowed) return `${fn}: ${name}: ${is(value, 'string') ? JSON.stringify(value) : value === Object(value) ? `<${typeof value}>` : value}: ${allowed}`;
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
  const check = (...args) => problem(CREATE, 'createIap', ...args);
  return check('', o) ?? check('', o, ['grant'], 1) ?? check('grant.', is(grant, 'object') && grant) ?? check('routes.', routes) ??
    [o.sdk, grant, o.storage, o.storageKey, o.locale == 'en', routes, o.recoverOnStart != false, o.purchaseTimeoutMs, o.grantDeadlineMs, grant.url ?? grant, { ...grant.headers }, grant.credentials];
}

/** `mountProductList`'s options, checked as createIap's: the problem, or `[English?, testBadge]` for src/render.rs
 *  (each undefined when not given). */
export function readListOptions(options) {
  const o = Object(options);
  return problem(LIST, 'mountProductList', '', o) ?? [o.locale && o.locale == 'en', o.testBadge];
}
