// Time travel in development: Toss's subscription notifications sent on demand to the partner's notification URL
// ("결제 알림 URL"), with the `Authorization` value the partner registered, as Toss sends them (JSON POSTs), about
// the subscriptions the host emulator sold. The Vite plugin and the Toss emulator (`npx ait-iap toss-emulator`)
// serve it at /__emulator/subscriptions, with the other development routes' rules (js/vite/own-page.js).
import { readOwnJson, refusalOf } from '../vite/own-page.js';
import { EXTEND_DAYS, TimelineError, createSubscriptionTimeline } from './subscription-timeline.js';

export const SUBSCRIPTIONS_PATH = '/__emulator/subscriptions';
const SCHEMES = ['Bearer', 'Basic'];
const SEND_TIMEOUT_MS = 10_000;

/**
 * @param {{ orderOf: (orderId: string) => object | undefined, refresh?: () => Promise<void>, notifications?: { url?: string, secret?: string,
 *   scheme?: 'Bearer'|'Basic' }, baseUrl?: () => string | undefined, log?: (line: string) => void }} options
 *   orderOf: the host emulator's orders as mirrored here; notifications: the partner's URL (relative: against
 *   `baseUrl()`, e.g. the dev server's own address), the registered secret and how it is sent (`Bearer <secret>`,
 *   as production has been seen sending it, or `Basic <secret>`, as Toss's docs say); refresh: reads the orders
 *   again before each event (the Toss emulator's `--orders-from` mirror).
 */
export function createTimeTravel({ orderOf, refresh, notifications = {}, baseUrl, log } = {}) {
  const timeline = createSubscriptionTimeline({ orderOf });
  let target = checkedTarget(notifications);
  /** What was sent, newest last (at most 100). */
  const sent = [];

  function destination() {
    if (!target.url) throw new TimelineError(409, 'no notification URL: set notifications.url (the Vite plugin), --notify-url (npx ait-iap toss-emulator)');
    try {
      return new URL(target.url, baseUrl?.()).href;
    } catch {
      throw new TimelineError(409, `notification URL ${JSON.stringify(target.url)} is not a URL${baseUrl ? '' : ' (a relative one needs the dev server)'}`);
    }
  }

  /** POSTs each body in turn to the partner's URL; resolves what each got back. A body is sent even when the one
   *  before failed, as Toss's deliveries do not depend on each other. */
  async function deliver(bodies, scheme = target.scheme) {
    const url = destination();
    const results = [];
    for (const body of bodies) {
      const headers = { 'content-type': 'application/json' };
      if (target.secret !== undefined) headers.authorization = `${scheme} ${target.secret}`;
      const result = { event: body.changeReason ?? body.eventType, orderId: body.orderId, body };
      try {
        const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), redirect: 'manual', signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
        Object.assign(result, { status: res.status, reply: (await res.text()).slice(0, 500) });
      } catch (e) {
        Object.assign(result, { status: 0, error: e?.cause?.code ?? e?.name ?? String(e) });
      }
      log?.(`notification ${result.event}${body.orderId ? ` (order ${body.orderId})` : ''} → ${url}: ${result.status || result.error}`);
      sent.push(result);
      if (sent.length > 100) sent.shift();
      results.push(result);
    }
    return results;
  }

  /**
   * Sends `event` and resolves `{ sent: [{event, orderId, body, status, reply?, error?}], subscription }`: a
   * changeReason (RENEWED, REVOKED, …; the first about a subscription brings its CREATED), `duplicate` (the last
   * body again), `out-of-order` (two changes, the later sent first; `pair` names them) or
   * `registration-verification`. Rejects with a TimelineError (status, reason) when the event cannot be made.
   */
  async function send({ event, orderId, days, pair, scheme } = {}) {
    if (scheme !== undefined && !SCHEMES.includes(scheme)) throw new TimelineError(400, `scheme must be Bearer or Basic, got ${JSON.stringify(scheme)}`);
    if (days !== undefined && !(Number.isInteger(days) && days > 0 && days <= 3660)) throw new TimelineError(400, `days must be a whole number of days (1 to 3660), got ${JSON.stringify(days)}`);
    destination();
    await refresh?.();
    const bodies = event === 'registration-verification' ? timeline.verification()
      : event === 'duplicate' ? timeline.duplicate(orderId)
        : event === 'out-of-order' ? timeline.outOfOrder(orderId, pair)
          : timeline.advance(orderId, event, { days: days ?? EXTEND_DAYS });
    return { sent: await deliver(bodies, scheme), subscription: timeline.list().find((s) => s.orderId === orderId) ?? null };
  }

  /** GET and POST /__emulator/subscriptions on a node:http server; resolves true when it answered. */
  async function handle(req, res) {
    if (pathOf(req) !== SUBSCRIPTIONS_PATH) return false;
    if (req.method === 'GET') {
      const refused = refusalOf(req);
      if (refused) reply(res, refused.status, { reason: refused.reason });
      else reply(res, 200, state());
      return true;
    }
    if (req.method !== 'POST') return reply(res, 405, { reason: 'GET or POST' }), true;
    const body = await readOwnJson(req);
    if (!('value' in body)) return reply(res, body.status, { reason: body.reason }), true;
    try {
      reply(res, 200, await send(body.value ?? {}));
    } catch (e) { // a development route answers every request, whatever went wrong
      reply(res, e instanceof TimelineError ? e.status : 500, { reason: e?.message ?? String(e) });
    }
    return true;
  }

  /** Where notifications go (the secret is not shown), each subscription's state, and what was sent. */
  const state = () => ({ target: { url: target.url ?? null, scheme: target.scheme, secret: target.secret !== undefined }, subscriptions: timeline.list(), sent });

  return {
    send, handle, state,
    /** Changes where and how notifications are sent (fields given replace the current ones). */
    configure(options) { target = checkedTarget({ ...target, ...options }); },
  };
}

/** The request's path, or null when it does not parse (`//`): not this route's. */
function pathOf(req) {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return null;
  }
}

function checkedTarget({ url, secret, scheme = 'Bearer' }) {
  if (!SCHEMES.includes(scheme)) throw new TypeError(`notifications.scheme must be 'Bearer' or 'Basic', got ${JSON.stringify(scheme)}`);
  if (url !== undefined && typeof url !== 'string') throw new TypeError(`notifications.url must be a URL string, got ${JSON.stringify(url)}`);
  if (secret !== undefined && (typeof secret !== 'string' || !/^[\x21-\x7e]+$/.test(secret))) throw new TypeError('notifications.secret must be the registered value: visible ASCII without spaces');
  return { url, secret, scheme };
}

function reply(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(value));
}
