// The hand-off contract's test vectors (js/server/hand-off-contract.json, which the core's cargo tests read too).
import { CONTRACT } from '../../js/server/ids.js';

export { CONTRACT };

/** A vector as a string: `{repeat, times}` spelled out. */
export const expand = (v) => (typeof v === 'string' ? v : v.repeat.repeat(v.times));
