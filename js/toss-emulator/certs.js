// The Toss emulator's throwaway certificates, made with openssl once into a folder: a CA, the emulated Toss
// server's certificate (localhost, 127.0.0.1) and the partner's client certificate, each signed by that CA. The
// repository's tests also ask for a client certificate from another CA and an expired one (`forTests`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const NAMES = ['ca', 'server', 'client'];
const TEST_NAMES = ['other-ca', 'other-client', 'expired-client'];

/** Thrown when openssl is not installed: its message says what to do. */
export class OpensslMissingError extends Error {
  constructor() {
    super('openssl was not found: the Toss emulator makes its throwaway certificates with it. Install it (Debian/Ubuntu: '
      + 'apt-get install openssl; Alpine: apk add openssl; macOS ships one; Windows: the one in Git for Windows\' usr/bin, '
      + 'on the PATH) and run this again.');
    this.name = 'OpensslMissingError';
    this.code = 'OPENSSL_MISSING';
  }
}

/**
 * The certificates in `dir`, made there first when any is missing: `{ ca, server: {cert, key}, client: {cert, key} }`
 * as PEM strings, plus `otherCa`, `otherClient` and `expiredClient` with `forTests`. Made in a folder beside `dir`
 * and renamed into place, so that two processes starting at once, or one killed midway, never leave half a set.
 */
export function emulatorCertificates(dir, { forTests = false } = {}) {
  const names = forTests ? [...NAMES, ...TEST_NAMES] : NAMES;
  if (!names.every((n) => existsSync(join(dir, `${n}.crt`)))) make(dir, forTests);
  const read = (name) => readFileSync(join(dir, name), 'utf8');
  const pair = (name) => ({ cert: read(`${name}.crt`), key: read(`${name}.key`) });
  const certs = { ca: read('ca.crt'), server: pair('server'), client: pair('client') };
  if (!forTests) return certs;
  return { ...certs, otherCa: read('other-ca.crt'), otherClient: pair('other-client'), expiredClient: pair('expired-client') };
}

function make(folder, forTests) {
  const dir = resolve(folder); // without a trailing slash, which would put the work folder inside it
  const work = `${dir}.making-${process.pid}-${Date.now()}`;
  mkdirSync(dirname(dir), { recursive: true });
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  try {
    writeCertificates(work, forTests);
    writeFileSync(join(work, 'README.txt'), 'Throwaway certificates of ait-iap\'s Toss emulator (made with openssl).\n'
      + 'For local development only: never trust ca.crt anywhere else. Delete this folder to make new ones.\n');
    writeFileSync(join(work, '.gitignore'), '# throwaway keys: never committed\n*\n');
    // Another process may have made a set meanwhile: keep it if complete, else replace it.
    if (existsSync(join(dir, 'client.crt')) && existsSync(join(dir, 'server.crt')) && (!forTests || existsSync(join(dir, 'expired-client.crt')))) return;
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function openssl(args, cwd) {
  try {
    return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (e.code === 'ENOENT') throw new OpensslMissingError();
    throw new Error(`openssl ${args[0]} failed: ${String(e.stderr ?? e.message).trim()}`);
  }
}

function writeCertificates(dir, forTests) {
  const key = (name) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], dir);
  const rootCa = (name, cn) => {
    key(name);
    openssl(['req', '-x509', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-days', '3650', '-out', `${name}.crt`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  };
  // `openssl ca` rather than `x509 -req`: only it can set a validity in the past (the expired certificate).
  const sign = (name, ca, cn, ext, dates = ['-days', '3650']) => {
    key(name);
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`], dir);
    const db = `${ca}-db`;
    if (!existsSync(join(dir, db))) {
      mkdirSync(join(dir, db));
      writeFileSync(join(dir, db, 'index.txt'), '');
      writeFileSync(join(dir, db, 'serial'), '1000\n');
    }
    writeFileSync(join(dir, `${name}.ext.cnf`), [
      '[ca]', 'default_ca = this', '[this]', `database = ${db}/index.txt`, `serial = ${db}/serial`, `new_certs_dir = ${db}`, 'default_md = sha256',
      'policy = any', 'unique_subject = no', 'copy_extensions = none', 'x509_extensions = ext', '[any]', 'commonName = supplied', '[ext]', ...ext, '',
    ].join('\n'));
    openssl(['ca', '-batch', '-notext', '-config', `${name}.ext.cnf`, '-cert', `${ca}.crt`, '-keyfile', `${ca}.key`, '-rand_serial',
      '-in', `${name}.csr`, '-out', `${name}.crt`, ...dates], dir);
  };
  const client = ['basicConstraints = CA:FALSE', 'keyUsage = critical, digitalSignature', 'extendedKeyUsage = clientAuth'];
  rootCa('ca', 'ait-iap Toss emulator CA (throwaway)');
  sign('server', 'ca', 'localhost', ['basicConstraints = CA:FALSE', 'keyUsage = critical, digitalSignature', 'extendedKeyUsage = serverAuth',
    'subjectAltName = DNS:localhost, IP:127.0.0.1']);
  sign('client', 'ca', 'partner ait-iap-sandbox', client);
  if (!forTests) return;
  rootCa('other-ca', 'another CA');
  sign('other-client', 'other-ca', 'partner ait-iap-sandbox', client);
  sign('expired-client', 'ca', 'partner ait-iap-sandbox', client, ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z']);
}
