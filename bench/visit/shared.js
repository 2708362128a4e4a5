// What both first-visit pages share: the host's delay, the 20 products, and the moment the rows are drawn (from
// the navigation's start: performance.now() counts from the page's time origin).
export const HOST_MS = 150;

export const visitProducts = () =>
  Array.from({ length: 20 }, (_, i) => ({ sku: `p-${i}`, type: 'CONSUMABLE', displayName: `상품 ${i}`, displayAmount: `${(i + 1) * 100}원`, iconUrl: '', description: `설명 ${i}` }));

export function drawn() {
  document.body.offsetHeight; // style and layout of the drawn rows
  window.visitDrawnAt = performance.now();
}
