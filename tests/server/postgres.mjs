// A throwaway PostgreSQL server for the tests: Debian's binaries, a cluster in a temp folder owned by an
// unprivileged user (PostgreSQL refuses to run as root), listening on a Unix socket in that folder, and with
// `{ tcp: true }` on TCP 127.0.0.1 too (the port is the same: runtimes that reach it only over TCP, such as workerd).
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = '/usr/lib/postgresql';

function binDir() {
  const versions = existsSync(ROOT) ? readdirSync(ROOT).filter((v) => existsSync(join(ROOT, v, 'bin/initdb'))).sort((a, b) => b - a) : [];
  if (!versions.length) {
    throw new Error("PostgreSQL's server binaries were not found under /usr/lib/postgresql: install Debian's postgresql package (apt-get install postgresql); `npm test`'s set-up does so when it runs as root");
  }
  return join(ROOT, versions[0], 'bin');
}

/** Starts a cluster; resolves `{ host, port, database, user, stop }` for `new pg.Pool(...)` (`host` the socket's
 *  folder; with `tcp`, `postgresql://postgres@127.0.0.1:<port>/<database>` reaches it too). */
export function startPostgres({ tcp = false } = {}) {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'ait-iap-pg-'));
  const asRoot = process.getuid?.() === 0;
  let run = (cmd, args) => execFileSync(join(bin, cmd), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Not blocking this process: the emulated Toss server of a fault test lives in it and must go on answering.
  let runAsync = (cmd, args) => promisify(execFile)(join(bin, cmd), args);
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    run = (cmd, args) => execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    runAsync = (cmd, args) => promisify(execFile)('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]);
  }
  const data = join(dir, 'data');
  const port = 20000 + Math.floor(Math.random() * 20000);
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const options = `-k ${dir} -p ${port} -c listen_addresses=${tcp ? '127.0.0.1' : "''"} -c fsync=off -c max_connections=200`;
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', options, 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  process.once('exit', stop);
  // What a failover, a minor-version upgrade or a maintenance window does to the backends (fault tests).
  // Each resolves when pg_ctl is done.
  const fault = {
    /** `pg_ctl restart -m fast`: every connection terminated (57P01), the server back at once. */
    restart: () => runAsync('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-m', 'fast', '-w', '-o', options, 'restart']),
    /** `pg_ctl stop -m fast`: down until `start()`. */
    stop: () => runAsync('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    start: () => runAsync('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', options, 'start']),
  };
  return { host: dir, port, database: 'postgres', user: 'postgres', stop, fault };
}
