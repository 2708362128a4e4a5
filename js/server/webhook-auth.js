// Who may call the subscription webhook. Toss signs nothing: the only proof is the value registered in the console
// ("결제 알림 URL"), sent in `Authorization` as `Basic <value>` (the docs) or `Bearer <value>` (seen in production),
// compared here in constant time; and, optionally, the source address among Toss's published ones.
import { sha256 } from './sha256.js';

/** The addresses Toss's notifications come from (port 443), as partners' public code gives them: .11 and .80–.87
 *  of 117.52.3, 211.115.96 and 106.249.5. Not confirmed from an official page: check the console's guide. */
export const TOSS_NOTIFICATION_IPS = Object.freeze(['117.52.3', '211.115.96', '106.249.5']
  .flatMap((net) => [11, 80, 81, 82, 83, 84, 85, 86, 87].map((host) => `${net}.${host}`)));

const SCHEME = /^(basic|bearer) +(\S(?:.*\S)?) *$/i;

/** A secret an HTTP header can carry as it is: visible ASCII, spaces inside only. Header values are bytes read as
 *  Latin-1 (Node, Deno, fetch), so a secret with any other character could never match: refused at creation. */
export const isSendableSecret = (secret) => typeof secret === 'string' && /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(secret);

/**
 * Whether `authorization` carries one of `secrets` (Basic or Bearer), and if not, why (for the logs; never the value).
 * Each comparison is of SHA-256 digests byte by byte without an early exit, so that its time tells nothing.
 * @returns {Promise<{ ok: true } | { ok: false, why: string }>}
 */
export async function checkAuthorization(authorization, secrets) {
  if (!authorization) return { ok: false, why: 'no Authorization header' };
  const m = SCHEME.exec(authorization);
  if (!m) return { ok: false, why: 'Authorization is neither "Basic <secret>" nor "Bearer <secret>"' };
  const given = await sha256(m[2]);
  let matched = 0;
  for (const secret of secrets) {
    const expected = await sha256(secret);
    let difference = 0;
    for (let i = 0; i < expected.length; i += 1) difference |= expected[i] ^ given[i];
    matched |= difference === 0 ? 1 : 0;
  }
  return matched ? { ok: true } : { ok: false, why: `Authorization (${m[1]}) carries a value that is not the registered secret` };
}

/** Whether an allow-list entry is one address (IPv4 dotted quad, or IPv6): a range such as `117.52.3.80/29` is not,
 *  and would never match, so that every notification, the console's test included, would be refused. */
export function isIpLiteral(entry) {
  const ip = plainIp(entry);
  if (!ip) return false;
  const quad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (quad) return quad.slice(1).every((part) => Number(part) <= 255);
  return ip.includes(':') && /^[0-9a-f:.]+$/i.test(ip) && !ip.includes(':::');
}

/** An address as compared with the allow-list: an IPv4 address mapped into IPv6 (`::ffff:1.2.3.4`) is the IPv4 one. */
export const plainIp = (ip) => (typeof ip === 'string' ? ip.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '') : null);
