// The hand-off request's JSON body, read with a size cap so that a huge body costs nothing.
export const MAX_BODY_BYTES = 16 * 1024;

/** `{ value }` with the parsed JSON, or `{ status, reason }` saying why there is none. */
export async function readJsonBody(request) {
  const declared = Number(request.headers.get('content-length'));
  if (declared > MAX_BODY_BYTES) return { status: 413, reason: `body over ${MAX_BODY_BYTES} bytes` };
  if (!request.body) return { status: 400, reason: 'body is empty: expected JSON {orderId, sku, environment}' };
  // A bug in the partner's server (a 500, logged), not the client's: nothing would ever grant.
  if (request.body.locked) throw new TypeError('the request body was already read (by a middleware?): hand the handler the request unread');
  let bytes;
  try {
    bytes = await readCapped(request.body, MAX_BODY_BYTES);
  } catch {
    // The upload broke off (the client went away, or its connection did): not our bug; 408 is one the client retries.
    return { status: 408, reason: 'body cut off before its end' };
  }
  if (!bytes) return { status: 413, reason: `body over ${MAX_BODY_BYTES} bytes` };
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { status: 400, reason: 'body is not UTF-8' };
  }
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { status: 400, reason: 'body is not JSON: expected {orderId, sku, environment}' };
  }
}

/** A body stream's bytes, or null once it passes `maxBytes` (then it is cancelled: the rest is never buffered). */
export async function readCapped(stream, maxBytes) {
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return concat(chunks, size);
}

function concat(chunks, size) {
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
