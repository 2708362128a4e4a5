// SHA-256 through Web Crypto, which Node, Deno, Bun and workerd all have (node:crypto is not everywhere).
const utf8 = new TextEncoder();

/** The SHA-256 of `text` (UTF-8) as bytes. */
export async function sha256(text) {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', utf8.encode(text)));
}

/** The SHA-256 of `text` (UTF-8) as lower-case hex. */
export async function sha256Hex(text) {
  return Array.from(await sha256(text), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
