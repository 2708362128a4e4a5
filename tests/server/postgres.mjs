// A throwaway PostgreSQL server for the tests: Debian's binaries, a cluster in a temp folder owned by an
// unprivileged user (PostgreSQL refuses to run as root), listening only on a Unix socket in that folder.
import { execFileSync } from 'node:child_process';
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

/** Starts a cluster; resolves `{ host, port, database, user, stop }` for `new pg.Pool(...)`. */
export function startPostgres() {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'ait-iap-pg-'));
  const asRoot = process.getuid?.() === 0;
  let run = (cmd, args) => execFileSync(join(bin, cmd), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    run = (cmd, args) => execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  }
  const data = join(dir, 'data');
  const port = 20000 + Math.floor(Math.random() * 20000);
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-k ${dir} -p ${port} -c listen_addresses='' -c fsync=off -c max_connections=200`, 'start']);
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
  return { host: dir, port, database: 'postgres', user: 'postgres', stop };
}
