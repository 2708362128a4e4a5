#!/usr/bin/env node
// `npx ait-iap <command>`: the package's command line. One command today: toss-emulator.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, MIRROR_PATH, SUBSCRIPTIONS_PATH, envLines, startTossEmulator } from './index.js';

const USAGE = `Usage: npx ait-iap toss-emulator [--port N] [--mirror-port N] [--dir DIR] [--orders-from URL] [--mini-app-id ID]
                                [--notify-url URL] [--notify-secret VALUE] [--notify-scheme Bearer|Basic]

  Toss's partner API (get-order-status) for your backend in development, over HTTPS that requires the client
  certificate it makes once in DIR (a throwaway CA, with openssl), about the orders the host emulator makes.

  --port N            the partner API's HTTPS port (default ${DEFAULT_PORT})
  --mirror-port N     the order mirror's plain HTTP port, where the host emulator may POST its orders
                      (default the next port; 0: any free port)
  --dir DIR           where the certificates are made and kept (default .ait-iap/toss-emulator)
  --orders-from URL   read the host emulator's orders from this mirror before each answer, e.g. your Vite dev
                      server's http://localhost:5173${MIRROR_PATH} (ait-iap/vite serves it)
  --mini-app-id ID    the host emulator's miniAppId (default ait-iap-sandbox)

  Time travel: POST {"event": "RENEWED", "orderId": "…"} to the mirror's ${SUBSCRIPTIONS_PATH} sends Toss's
  subscription notification about that order to your notification URL (also REVOKED, EXPIRED, duplicate,
  out-of-order, registration-verification, …; GET lists the subscriptions).
  --notify-url URL        your backend's notification URL (the console's 결제 알림 URL)
  --notify-secret VALUE   the value registered with it (or AIT_IAP_NOTIFY_SECRET), sent in Authorization
  --notify-scheme S       Bearer (default, as production sends it) or Basic (as Toss's docs say)
`;

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(USAGE);
  process.exit(command === undefined ? 2 : 0);
}
if (command !== 'toss-emulator') fail(`unknown command ${JSON.stringify(command)}`, 2);

let values;
try {
  ({ values } = parseArgs({
    args: rest,
    options: {
      port: { type: 'string' }, 'mirror-port': { type: 'string' }, dir: { type: 'string' }, 'orders-from': { type: 'string' },
      'mini-app-id': { type: 'string' }, 'notify-url': { type: 'string' }, 'notify-secret': { type: 'string' },
      'notify-scheme': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (e) {
  fail(e.message, 2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const port = portOf(values.port, '--port') ?? DEFAULT_PORT;
const mirrorPort = portOf(values['mirror-port'], '--mirror-port');
const ordersFrom = values['orders-from'];
if (ordersFrom !== undefined && !/^https?:\/\/[^/]/.test(ordersFrom)) fail(`--orders-from must be an http(s) URL such as http://localhost:5173${MIRROR_PATH}, got ${JSON.stringify(ordersFrom)}`, 2);
const dir = resolve(values.dir ?? '.ait-iap/toss-emulator');
const notifyUrl = values['notify-url'];
if (notifyUrl !== undefined && !/^https?:\/\/[^/]/.test(notifyUrl)) fail(`--notify-url must be an http(s) URL such as http://localhost:8080/api/iap/subscription-events, got ${JSON.stringify(notifyUrl)}`, 2);
const notifications = { url: notifyUrl, secret: values['notify-secret'] ?? process.env.AIT_IAP_NOTIFY_SECRET, scheme: values['notify-scheme'] };

let emulator;
try {
  emulator = await startTossEmulator({ dir, port, mirrorPort, ordersFrom, notifications, miniAppId: values['mini-app-id'], log: (line) => console.log(`  ${time()} ${line}`) });
} catch (e) {
  fail(e.message, 1);
}

console.log(`ait-iap toss-emulator: Toss's partner API, emulated for your backend

  partner API    ${emulator.url}${'/api-partner/v1/apps-in-toss/order/get-order-status'} (HTTPS; the client certificate is required)
  order mirror   ${emulator.mirrorUrl} (the host emulator's mirrorUrl, from a page on this origin or a proxy)${ordersFrom ? `
  orders from    ${ordersFrom} (read before each answer)` : ''}${emulator.mirrorUrl ? `
  time travel    ${new URL(SUBSCRIPTIONS_PATH, emulator.mirrorUrl).href} → ${notifyUrl ?? '(no --notify-url yet)'}` : ''}
  certificates   ${dir} (a throwaway CA and its certificates, made once: development only)

Your backend's environment (also in ${emulator.envFile}; in production set only TOSS_CERT and TOSS_KEY, from the console):

${envLines(emulator.env)}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await emulator.close();
    process.exit(0);
  });
}

function portOf(text, name) {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) fail(`${name} must be a port number (0 to 65535), got ${JSON.stringify(text)}`, 2);
  return port;
}

function fail(message, code) {
  console.error(`ait-iap: ${message}`);
  if (code === 2) console.error(`\n${USAGE}`);
  process.exit(code);
}

function time() {
  return new Date().toTimeString().slice(0, 8);
}
