// Reading a product list's items (src/products.rs): one call per list. The identifiers (sku, type, renewalCycle,
// iconUrl) go to the engine in one string; the display texts stay here, and only their facts go (what the engine
// checks: missing, a string, its length, blank), as numbers.

/** The numbers an item's facts take in `facts` (src/products.rs reads them in this order). */
const FACTS = 8;

/** -1: missing (undefined or null); -2: not a string; else the length in UTF-16 units × 2, + 1 if `required` and
 *  blank (whitespace only). */
function textFacts(value, required) {
  if (value == null) return -1;
  if (typeof value !== 'string') return -2;
  return value.length * 2 + (required && value.trim() === '' ? 1 : 0);
}

/** An identifier and its NUL (the ids' separator; an id holding one counts as not a string); its fact at `f`:
 *  -1 missing, -2 not a string, 0 there. */
function id(value, facts, f) {
  const fact = value == null ? -1 : typeof value !== 'string' || value.includes('\0') ? -2 : 0;
  facts[f] = fact;
  return (fact ? '' : value) + '\0';
}

/** Each item's sku, type, renewalCycle and iconUrl, each ended by a NUL, in one string; in `facts`, FACTS numbers an
 *  item: those four ids' facts (-3 first: the item is not an object), the textFacts of displayName, displayAmount
 *  and description, and whether `offers` is an array (1). Undefined when an item's getter throws. */
export function readItems(items, facts) {
  let ids = '';
  try {
    for (let i = 0, f = 0; i < items.length; i++, f += FACTS) {
      const item = items[i];
      if (item === null || typeof item !== 'object') {
        facts[f] = -3;
        ids += '\0\0\0\0';
        continue;
      }
      ids += id(item.sku, facts, f) + id(item.type, facts, f + 1) + id(item.renewalCycle, facts, f + 2) + id(item.iconUrl, facts, f + 3);
      facts[f + 4] = textFacts(item.displayName, true);
      facts[f + 5] = textFacts(item.displayAmount, true);
      facts[f + 6] = textFacts(item.description, false);
      facts[f + 7] = Array.isArray(item.offers) ? 1 : 0;
    }
  } catch {
    return undefined;
  }
  return ids;
}
