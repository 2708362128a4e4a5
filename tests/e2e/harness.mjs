// Shared e2e set-up: the sandbox server (static files + dev backend) and headless Chromium via playwright-core.
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Starts the server and a browser; returns helpers and a `close()`. */
export async function openSandbox() {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const pageErrors = [];
  async function page(query = '') {
    const p = await browser.newPage();
    p.on('pageerror', (e) => pageErrors.push(e.message));
    await p.goto(server.url + query);
    return p;
  }
  return {
    server,
    page,
    pageErrors,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
