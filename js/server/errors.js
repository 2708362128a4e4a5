// The server library's one error type: a JS Error with a stable `code`, and `transient` telling whether trying the
// same thing again later can succeed (the grant handler answers those with a 5xx, so the client retries).

export class AitIapServerError extends Error {
  /**
   * @param {string} code stable, SCREAMING_SNAKE_CASE
   * @param {string} message for the developer, in English
   * @param {{ transient?: boolean, status?: number, cause?: unknown, [fact: string]: unknown }} [extra]
   *   any other field is a fact for the logs (`orderId`, `tossSku`, `claimedSku`, `tossErrorCode`, …)
   */
  constructor(code, message, { transient = false, status, cause, ...facts } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AitIapServerError';
    this.code = code;
    this.transient = transient;
    if (status !== undefined) this.status = status;
    for (const [name, value] of Object.entries(facts)) if (value !== undefined) this[name] = value;
  }
}

/** A transient error from talking to Toss: the order may well be paid, so the caller should try again later. */
export const tossTransient = (code, message, extra = {}) => new AitIapServerError(code, message, { ...extra, transient: true });
