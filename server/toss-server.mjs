// The emulated Toss server of the sandbox and the tests: ait-iap's Toss emulator (js/toss-emulator/index.js, what
// `npx ait-iap toss-emulator` runs), with its test switches (forced statuses and answers, broken modes).
export { createTossEmulator as createTossServer, ORDER_STATUS_PATH } from '../js/toss-emulator/index.js';
