import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes';

const run = promisify(execFile);

/** A server binary is not installed; the message names the Debian package that provides it. */
export class MissingBinaryError extends Error {
  constructor(what: string, debianPackage: string) {
    super(`${what} is not installed — install it: sudo apt-get install ${debianPackage}`);
    this.name = 'MissingBinaryError';
  }
}

export interface PostgresServer {
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
  throw new MissingBinaryError('PostgreSQL', 'postgresql');
}

/**
 * A Postgres cluster of our own: a throwaway one for fault tests that stop and start the server
 * (never the shared one other suites use), or a persistent one in `dataDir` for `npm start`.
 * Postgres refuses to run as root, so under root the cluster is owned and run by `postgres`.
 */
export async function startPostgresServer(opts: { dataDir?: string; port?: number } = {}): Promise<PostgresServer> {
  const bin = pgBinDir();
  const owned = !opts.dataDir;
  const dir = opts.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'vp-private-pg-')));
  await mkdir(dir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  const as = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]) : run(path.join(bin, cmd), args);
  const data = path.join(dir, 'data');
  if (!existsSync(path.join(data, 'PG_VERSION'))) {
    if (asRoot) {
      const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
      const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
      await chown(dir, uid, gid);
    }
    await as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-instructions', ...(owned ? ['--no-sync'] : [])]);
  }
  const port = opts.port ?? (await freePort());
  const start = () =>
    as('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`, 'start']);
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
      await stopServer(owned ? 'immediate' : 'fast').catch(() => undefined);
      if (owned) await rm(dir, { recursive: true, force: true });
    },
  };
}
