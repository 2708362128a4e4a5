// Work held to a deadline: whatever it waits on (the partner's deliver or onChange, a fetch that ignores its
// signal), the caller goes on when the deadline passes.

/** `promise`, or a rejection with `late()` once `signal` aborts (at once if it has); the listener goes either way,
 *  so that the signal does not hold the call's values until it fires. */
export function beforeAbort(promise, signal, late = () => signal.reason) {
  let onAbort;
  const aborted = new Promise((_, reject) => {
    onAbort = () => reject(late());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([Promise.resolve(promise), aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
