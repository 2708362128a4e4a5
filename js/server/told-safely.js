// The partner's onError, called so that it cannot change a reply or end the process: an onError that throws, or an
// async one that rejects (a log shipper down), is logged and forgotten. Any request, even an unauthenticated one, can
// make a handler call onError, so an unhandled rejection there would let anyone end a Node process.

/** `onError` wrapped for `what` (the handler, named in the line logged when onError itself fails). */
export function toldSafely(onError, what) {
  const lost = (e) => console.error(`[ait-iap/server] ${what}: onError itself failed: ${e?.message ?? e}`);
  return (...facts) => {
    try {
      const told = onError(...facts);
      if (typeof told?.then === 'function') told.then(undefined, lost);
    } catch (e) {
      lost(e);
    }
  };
}
