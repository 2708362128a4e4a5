// Reading a product item's display fields (src/products.rs): one call per field says what the engine checks, instead
// of one call for each check (missing, string, length, blank) on a list that may be updated with 1000 items.

/** -1: missing (undefined or null); -2: not a string; else the length in UTF-16 units × 2, + 1 if `required` and
 *  blank (whitespace only). */
export function textFacts(value, required) {
  if (value == null) return -1;
  if (typeof value !== 'string') return -2;
  return value.length * 2 + (required && value.trim() === '' ? 1 : 0);
}
