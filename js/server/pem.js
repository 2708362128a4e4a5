// PEM inputs as partners hold them: a file's contents, an environment variable with literal `\n` escapes, or the
// whole PEM base64-encoded. Each is normalised to plain PEM and parsed at once, so that a broken one is reported
// at start-up with its name and what is wrong, not at the first purchase.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { AitIapServerError } from './errors.js';

const BEGIN = '-----BEGIN ';

/** Plain PEM text from any of the accepted shapes; throws a typed error naming `name` otherwise. */
export function normalizePem(value, name) {
  const text = typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : null;
  if (text === null) throw invalid(name, `must be a string or bytes holding PEM, got ${value === null ? 'null' : typeof value}`);
  let pem = text.replace(/\\r/g, '').replace(/\\n/g, '\n').replace(/\r\n/g, '\n').trim();
  // A value pasted from a .env file with its quotes kept: PEM inside them parses as no key at all.
  if (/^(["'])[\s\S]*\1$/.test(pem)) throw invalid(name, 'is wrapped in quotes (kept from a .env file?): remove the surrounding quotes');
  if (!pem.includes(BEGIN)) {
    const decoded = /^[A-Za-z0-9+/=\s]+$/.test(pem) ? Buffer.from(pem.replace(/\s+/g, ''), 'base64').toString('utf8') : '';
    if (!decoded.includes(BEGIN)) throw invalid(name, 'is neither PEM ("-----BEGIN …") nor base64 of a PEM');
    pem = decoded.trim().replace(/\r\n/g, '\n');
  }
  return `${pem}\n`;
}

/** The certificates in a PEM (one or a chain), parsed. */
export function parseCertificates(value, name) {
  const pem = normalizePem(value, name);
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (!blocks) throw invalid(name, 'holds no "-----BEGIN CERTIFICATE-----" block');
  const certs = blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (e) {
      throw invalid(name, `certificate ${i + 1} does not parse (${e.message})`);
    }
  });
  return { pem, certs };
}

/** The partner's client certificate and its key: parsed, in date, and belonging together. */
export function parseClientIdentity(certValue, keyValue, now = new Date()) {
  const { pem: cert, certs } = parseCertificates(certValue, 'cert');
  const key = normalizePem(keyValue, 'key');
  let keyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch (e) {
    throw invalid('key', `is not a private key without a passphrase (${e.message})`);
  }
  const [leaf] = certs;
  if (new Date(leaf.validTo) < now) throw new AitIapServerError('CERT_EXPIRED', `cert expired on ${leaf.validTo}: issue a new one in the Apps-in-Toss console`);
  if (new Date(leaf.validFrom) > now) throw new AitIapServerError('CERT_NOT_YET_VALID', `cert is valid only from ${leaf.validFrom}`);
  if (!leaf.checkPrivateKey(keyObject)) throw new AitIapServerError('CERT_KEY_MISMATCH', 'key is not the private key of cert (a key from another certificate?)');
  return { cert, key };
}

const invalid = (name, how) => new AitIapServerError(`INVALID_${name.toUpperCase()}`, `${name} ${how}`);
