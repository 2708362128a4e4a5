// Runs `ait-iap toss-emulator` as a user does (its own process, as the CLI starts it) and reads what it prints:
// the environment for the partner's backend, the partner API's and the order mirror's URLs. Shared by the
// emulator's own tests, the docs' backend examples and the packed-tarball test (which runs it through npx).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const EMULATOR_BIN = fileURLToPath(new URL('../../js/toss-emulator/bin.js', import.meta.url));
const NAMES = ['TOSS_CERT', 'TOSS_KEY', 'TOSS_CA', 'TOSS_API_BASE_URL'];

/**
 * Starts `command args…` (default: this repository's `node js/toss-emulator/bin.js toss-emulator --port 0
 * --mirror-port 0` followed by `args`) and resolves once it has printed the environment:
 * `{ env, mirrorUrl, output(), stop() }` (`env`: the four variables as printed; `stop()` resolves its exit code).
 */
export function startEmulatorCli(args = [], { command = process.execPath, argv = [EMULATOR_BIN, 'toss-emulator', '--port', '0', '--mirror-port', '0', ...args], cwd, env = process.env } = {}) {
  // A process group of its own: npx runs the command under a shell that does not pass SIGTERM on, so stop() ends the
  // group (as Ctrl-C in a terminal does), not npx alone.
  const child = spawn(command, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  process.once('exit', () => { try { process.kill(-child.pid, 'SIGTERM'); } catch {} }); // a test that dies leaves none behind
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`the emulator printed no environment in 30 s:\n${out}`)); }, 30_000);
    exited.then((code) => { clearTimeout(timer); reject(new Error(`the emulator exited (${code}):\n${out}`)); });
    child.stdout.on('data', () => {
      if (!/^TOSS_API_BASE_URL=.*\n/m.test(out)) return;
      clearTimeout(timer);
      const env = Object.fromEntries(NAMES.map((name) => [name, out.match(new RegExp(`^${name}=(.*)$`, 'm'))?.[1]]));
      resolve({ env, mirrorUrl: out.match(/order mirror\s+(\S+)/)?.[1], output: () => out, stop });
    });
  });
}
