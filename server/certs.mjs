// Throwaway certificates for the emulated Toss server's mTLS, made with openssl once into target/certs/:
// a CA, the Toss server's certificate (localhost, 127.0.0.1), the partner's client certificate, and, for the
// tests, a client certificate from another CA and an expired one.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_DIR = fileURLToPath(new URL('../target/certs/', import.meta.url));
const NAMES = ['ca', 'server', 'client', 'other-ca', 'other-client', 'expired-client'];

const openssl = (args, cwd) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

/** `{ ca, server: {cert, key}, client: {cert, key}, otherCa, otherClient, expiredClient }` as PEM strings. */
export function testCertificates(dir = DEFAULT_DIR) {
  if (!NAMES.every((n) => existsSync(join(dir, `${n}.crt`)))) make(dir);
  const read = (name) => readFileSync(join(dir, name), 'utf8');
  const pair = (name) => ({ cert: read(`${name}.crt`), key: read(`${name}.key`) });
  return { ca: read('ca.crt'), server: pair('server'), client: pair('client'), otherCa: read('other-ca.crt'), otherClient: pair('other-client'), expiredClient: pair('expired-client') };
}

function make(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
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
  rootCa('ca', 'ait-iap test CA');
  rootCa('other-ca', 'another CA');
  sign('server', 'ca', 'localhost', ['basicConstraints = CA:FALSE', 'keyUsage = critical, digitalSignature', 'extendedKeyUsage = serverAuth',
    'subjectAltName = DNS:localhost, IP:127.0.0.1']);
  sign('client', 'ca', 'partner ait-iap-sandbox', client);
  sign('other-client', 'other-ca', 'partner ait-iap-sandbox', client);
  sign('expired-client', 'ca', 'partner ait-iap-sandbox', client, ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z']);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  testCertificates(process.argv[2] ?? DEFAULT_DIR);
  console.log(`certificates in ${process.argv[2] ?? DEFAULT_DIR}`);
}
