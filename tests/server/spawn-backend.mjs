// Starts tests/server/backend-process.mjs as its own process, for the crash and fault tests, and follows what it
// says on stdout: each delivery it begins, each cause its grant handler reports, the port it listens on.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const SCRIPT = new URL('./backend-process.mjs', import.meta.url).pathname;

/** Resolves `{ child, port, deliveries: orderId[], causes: Map<code, n>, exited, stderr }` once it listens. */
export function spawnBackend(env) {
  const child = spawn(process.execPath, [SCRIPT], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const backend = { child, port: 0, deliveries: [], causes: new Map(), exited: null, stderr: '' };
  child.stderr.on('data', (d) => { backend.stderr += d; });
  child.once('exit', (code, signal) => { backend.exited = signal ?? code; });
  return new Promise((resolve, reject) => {
    child.once('exit', () => reject(new Error(`backend exited before listening: ${backend.stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [word, value] = line.split(' ');
      if (word === 'delivering') backend.deliveries.push(value);
      if (word === 'error') backend.causes.set(value, (backend.causes.get(value) ?? 0) + 1);
      if (word === 'listening') {
        backend.port = Number(value);
        resolve(backend);
      }
    });
  });
}
