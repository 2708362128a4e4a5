// Throwaway certificates for the emulated Toss server's mTLS, made with openssl once into target/certs/: a CA,
// the Toss server's certificate (localhost, 127.0.0.1), the partner's client certificate, and, for the tests, a
// client certificate from another CA and an expired one. The maker ships as part of ait-iap's Toss emulator
// (js/toss-emulator/certs.js).
import { fileURLToPath } from 'node:url';
import { emulatorCertificates } from '../js/toss-emulator/certs.js';

const DEFAULT_DIR = fileURLToPath(new URL('../target/certs/', import.meta.url));

/** `{ ca, server: {cert, key}, client: {cert, key}, otherCa, otherClient, expiredClient }` as PEM strings. */
export const testCertificates = (dir = DEFAULT_DIR) => emulatorCertificates(dir, { forTests: true });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  testCertificates(process.argv[2] ?? DEFAULT_DIR);
  console.log(`certificates in ${process.argv[2] ?? DEFAULT_DIR}`);
}
