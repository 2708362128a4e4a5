// The sandbox's host panel: pick the host's next scenario (or queue several), change the Toss app version and
// environment, switch the dev backend down / hanging / refusing, watch the host's order ledger and refund completed
// orders, send a subscription's notifications (time travel). Built with DOM calls only; fits a 360 px screen.
import { SCENARIOS, GATES } from '../dist/host-emulator.js';
import { timeTravelControls } from './time-travel-panel.js';

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  el.append(...children);
  return el;
}

/** App versions just below each gate, and one above them all. */
function versionPresets() {
  const below = (v) => {
    const [major, minor, patch] = v.split('.').map(Number);
    return patch > 0 ? `${major}.${minor}.${patch - 1}` : `${major}.${minor - 1}.0`;
  };
  return [
    ['5.250.0', '최신 · latest'],
    ...Object.entries(GATES).map(([gate, v]) => [below(v.android), `below ${gate} (${v.android})`]),
  ];
}

/** The dev backend's test switch: up, or down / hang / refuse for every hand-off until switched back. */
function backendSwitches(modeUrl) {
  const shown = h('output', { id: 'backend-mode' }, 'up');
  const set = (mode) =>
    fetch(modeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) })
      .then((r) => r.json())
      .then((r) => { shown.textContent = r.mode; });
  return h('div', { class: 'panel-row', role: 'group', 'aria-label': '개발 서버 · Dev backend' },
    h('span', {}, '서버 · Backend: '), shown,
    ...['up', 'down', 'hang', 'refuse'].map((mode) => h('button', { type: 'button', 'data-backend-mode': mode, onclick: () => set(mode) }, mode)),
  );
}

export function mountHostPanel(container, emulator, { backendModeUrl = '/__backend/mode', subscriptionsUrl = '/__emulator/subscriptions' } = {}) {
  const scenario = h('select', { id: 'scenario', 'aria-label': '시나리오 · Scenario' }, ...Object.keys(SCENARIOS).map((name) => h('option', { value: name }, name)));
  const queueView = h('output', { id: 'scenario-queue' });
  const showQueue = () => { queueView.textContent = emulator.pendingScenarios().join(' → ') || '(success)'; };
  const environment = h('select', { id: 'environment-select', 'aria-label': '환경 · Environment' }, h('option', { value: 'sandbox' }, 'sandbox'), h('option', { value: 'toss' }, 'toss'));
  const version = h('select', { id: 'app-version', 'aria-label': '토스 앱 버전 · Toss app version' }, ...versionPresets().map(([v, label]) => h('option', { value: v }, `${v} — ${label}`)));
  environment.value = emulator.config().environment;
  const ledger = h('tbody', { id: 'host-ledger' });
  const timeTravel = timeTravelControls(h, emulator, subscriptionsUrl);

  function showLedger() {
    ledger.replaceChildren(
      ...emulator.orders().map((o) =>
        h('tr', { 'data-order-id': o.orderId },
          h('td', {}, o.orderId.slice(0, 8)),
          h('td', {}, o.sku),
          h('td', { class: 'order-status' }, o.status),
          h('td', {}, o.status === 'completed' ? h('button', { type: 'button', class: 'refund', onclick: () => emulator.refund(o.orderId).then(showLedger) }, '환불 · Refund') : ''),
        ),
      ),
    );
  }

  container.append(
    h('h2', {}, '호스트 에뮬레이터 · Host emulator'),
    h('div', { class: 'panel-row' },
      scenario,
      h('button', { type: 'button', id: 'scenario-next', onclick: () => { emulator.setScenario(scenario.value); showQueue(); } }, '다음 호출 · Next call'),
      h('button', { type: 'button', id: 'scenario-queue-add', onclick: () => { emulator.queueScenarios([scenario.value]); showQueue(); } }, '대기열 · Queue'),
      h('button', { type: 'button', id: 'scenario-clear', onclick: () => { emulator.clearScenarios(); showQueue(); } }, '비우기 · Clear'),
    ),
    h('p', {}, '다음 시나리오 · Next: ', queueView),
    h('div', { class: 'panel-row' },
      environment,
      version,
      h('button', { type: 'button', id: 'apply-host', onclick: () => emulator.configure({ environment: environment.value, appVersion: version.value }) }, '적용 · Apply'),
    ),
    backendSwitches(backendModeUrl),
    ...timeTravel.controls,
    h('table', { class: 'ledger' }, h('thead', {}, h('tr', {}, h('th', {}, 'orderId'), h('th', {}, 'sku'), h('th', {}, 'status'), h('th', {}, ''))), ledger),
    h('button', { type: 'button', id: 'reset-host', onclick: () => { emulator.reset(); showLedger(); showQueue(); } }, '초기화 · Reset'),
  );
  showQueue();
  showLedger();
  setInterval(() => { showLedger(); showQueue(); timeTravel.refresh(); }, 500);
}
