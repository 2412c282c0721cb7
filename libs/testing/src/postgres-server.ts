import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes';

const run = promisify(execFile);

export interface PrivatePostgres {
  url: string;
  port: number;
  /** Stops the server (`immediate` = a crash: no checkpoint), waits `downMs`, starts it again. */
  restart(opts?: { mode?: 'fast' | 'immediate'; downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

function pgBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'pg_ctl'))) return path.join(root, v, 'bin');
  }
  throw new Error('no PostgreSQL server binaries found (apt-get install postgresql)');
}

/**
 * A throwaway Postgres cluster of the test's own, for fault tests that must stop and start the
 * server — never the shared one other suites use. Postgres refuses to run as root, so under root
 * (CI here) the cluster is owned and run by the `postgres` user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = pgBinDir();
  const dir = await mkdtemp(path.join(tmpdir(), 'vp-private-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const as = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]) : run(path.join(bin, cmd), args);
  const data = path.join(dir, 'data');
  await as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-instructions', '--no-sync']);
  const port = await freePort();
  const start = () =>
    as('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=on`, 'start']);
  const stopServer = (mode: 'fast' | 'immediate') => as('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async restart({ mode = 'immediate', downMs = 1_000 } = {}) {
      await stopServer(mode);
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      await stopServer('immediate').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
