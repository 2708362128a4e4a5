// The host panel's time travel: a subscription the host emulator sold, and one button per Toss subscription
// notification, sent by the emulated Toss server (POST /__emulator/subscriptions) to the dev backend's
// notification URL. What was sent and what the URL answered shows in a live region.

/** Button labels by event: Toss's changeReasons, then the three deliveries that are not a change. */
export const TIME_TRAVEL_EVENTS = [
  ['CREATED', '생성 · Created'],
  ['RENEWED', '갱신 · Renew'],
  ['ENTERED_GRACE_PERIOD', '유예 · Grace'],
  ['ON_HOLD', '보류 · Hold'],
  ['RECOVERED', '복구 · Recover'],
  ['PAUSED', '일시정지 · Pause'],
  ['RESTARTED', '재시작 · Restart'],
  ['AUTO_RENEW_DISABLED', '자동갱신 끔 · Auto-renew off'],
  ['AUTO_RENEW_ENABLED', '자동갱신 켬 · Auto-renew on'],
  ['EXTENDED', '연장 · Extend'],
  ['EXPIRED', '만료 · Expire'],
  ['REVOKED', '환불 · Revoke (refund)'],
  ['duplicate', '중복 전송 · Duplicate'],
  ['out-of-order', '순서 뒤바뀜 · Out of order'],
  ['registration-verification', 'URL 확인 · Verify URL'],
];

/**
 * The time-travel controls, built with the panel's `h`. `refresh()` keeps the order list in step with the host's
 * ledger (call it as the panel refreshes its own).
 */
export function timeTravelControls(h, emulator, url) {
  const order = h('select', { id: 'subscription-order', 'aria-label': '구독 주문 · Subscription order' });
  const result = h('output', { id: 'subscription-result', role: 'status', 'aria-live': 'polite' });
  let shown = null;

  function refresh() {
    const ids = emulator.orders().filter((o) => o.kind === 'SUBSCRIPTION').map((o) => o.orderId);
    if (ids.join() === shown) return;
    shown = ids.join();
    const chosen = order.value;
    order.replaceChildren(...(ids.length ? ids.map((id) => h('option', { value: id }, id.slice(0, 8))) : [h('option', { value: '' }, '(구독 주문 없음 · none)')]));
    if (ids.includes(chosen)) order.value = chosen;
  }

  async function send(event) {
    result.textContent = `${event}…`;
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event, orderId: order.value || undefined }) });
      const answer = await res.json();
      result.textContent = res.ok
        ? answer.sent.map((s) => `${s.event} → ${s.status || s.error}`).join(', ')
        : `${res.status}: ${answer.reason}`;
    } catch (e) {
      result.textContent = String(e?.message ?? e);
    }
  }

  const controls = h('div', { class: 'panel-row', role: 'group', 'aria-label': '구독 시간 여행 · Subscription time travel' },
    h('span', {}, '구독 · Subscription: '), order,
    ...TIME_TRAVEL_EVENTS.map(([event, label]) => h('button', { type: 'button', 'data-subscription-event': event, onclick: () => send(event) }, label)),
  );
  refresh();
  return { controls: [controls, h('p', {}, '알림 · Notification: ', result)], refresh };
}
