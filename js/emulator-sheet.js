// The emulator's order sheet: the bottom sheet the Toss app shows before a payment (product, price, 결제하기 and
// 취소), so that a developer sees the flow the user sees. Styled through the CSSOM (allowed under a strict CSP).

const css = (el, style) => {
  Object.assign(el.style, style);
  return el;
};

/** Shows the sheet for `product` in `doc`; resolves true for 결제하기, false for 취소 (or a tap outside). */
export function confirmPurchase(doc, product) {
  return new Promise((resolve) => {
    const backdrop = css(doc.createElement('div'), {
      position: 'fixed', inset: '0', background: 'rgba(0, 0, 0, 0.4)', zIndex: '2147483647', display: 'flex', alignItems: 'flex-end', justifyContent: 'center',
    });
    backdrop.setAttribute('data-ait-iap-order-sheet', '');
    const sheet = css(doc.createElement('div'), {
      background: '#ffffff', color: '#191f28', width: '100%', maxWidth: '480px', boxSizing: 'border-box', padding: '24px 20px 20px',
      borderRadius: '20px 20px 0 0', font: '16px -apple-system, BlinkMacSystemFont, "Apple SD Gothic Neo", "Noto Sans KR", sans-serif',
    });
    sheet.setAttribute('role', 'dialog');
    sheet.setAttribute('aria-modal', 'true');
    sheet.setAttribute('aria-label', '결제 확인');
    const line = (text, style) => sheet.appendChild(css(Object.assign(doc.createElement('div'), { textContent: text }), style));
    line('토스 결제 (에뮬레이터)', { fontSize: '13px', color: '#5c6673', marginBottom: '8px' });
    line(String(product.displayName ?? product.sku), { fontSize: '18px', fontWeight: '700' });
    line(String(product.displayAmount ?? ''), { fontSize: '22px', fontWeight: '700', margin: '4px 0 20px' });
    const buttons = css(doc.createElement('div'), { display: 'flex', gap: '8px' });
    const button = (text, primary) => {
      const b = css(Object.assign(doc.createElement('button'), { type: 'button', textContent: text }), {
        flex: primary ? '2' : '1', minHeight: '52px', border: '0', borderRadius: '14px', fontSize: '16px', fontWeight: '600', cursor: 'pointer',
        background: primary ? '#1c6ce0' : '#f2f4f6', color: primary ? '#ffffff' : '#191f28',
      });
      return buttons.appendChild(b);
    };
    const cancel = button('취소', false);
    const pay = button('결제하기', true);
    sheet.appendChild(buttons);
    backdrop.appendChild(sheet);
    const close = (paid) => {
      backdrop.remove();
      resolve(paid);
    };
    pay.addEventListener('click', () => close(true));
    cancel.addEventListener('click', () => close(false));
    backdrop.addEventListener('click', (e) => e.target === backdrop && close(false));
    doc.body.appendChild(backdrop);
    pay.focus();
  });
}
